import { useMemo, useState } from 'react';
import { cancelLandscape, computeLandscape, useLandscape } from './store';
import { useApp } from '../training/store';
import { Panel } from '../shared/ui/controls';
import { downloadLandscape } from '../share/reportActions';

import { Progress, Settings } from './LandscapeSettings';
import { CurveResults, SurfaceResults } from './LandscapeResults';

export function LandscapePanel() {
  const lanes = useApp((s) => s.config.lanes);
  const ready = useApp((s) => s.phase === 'ready' && s.summary !== null);
  const kind = useLandscape((s) => s.kind);
  const running = useLandscape((s) => s.running);
  const curves = useLandscape((s) => s.curves);
  const interpolations = useLandscape((s) => s.interpolations);
  const [open, setOpen] = useState(true);
  const curveList = useMemo(() => lanes.flatMap((l) => (curves[l.id] ? [curves[l.id]] : [])), [lanes, curves]);
  const interpolationList = useMemo(() => Object.values(interpolations), [interpolations]);
  return (
    <Panel
      title="Loss landscape"
      help={
        "Li et al.'s filter-normalized slices of the loss around each lane's current weights: a flat " +
        'minimum has a wide, low basin; a sharp one a narrow, steep one'
      }
      className="landscape-panel"
    >
      <div className="landscape-actions">
        <button
          type="button"
          className="compute-button"
          data-testid="landscape-compute"
          disabled={!ready || running !== null}
          onClick={() => void computeLandscape()}
          title="Compute the chosen view from a snapshot of the lanes' weights now (training may go on meanwhile)"
        >
          Landscape
        </button>
        <button
          type="button"
          className="small-button"
          data-testid="landscape-cancel"
          disabled={running === null}
          onClick={() => void cancelLandscape()}
          title="Stop computing; what is computed so far is kept and shown"
        >
          Cancel
        </button>
        <button
          type="button"
          className="small-button"
          onClick={() => setOpen(!open)}
          aria-expanded={open}
          title="Show or hide the settings"
        >
          {open ? 'hide settings' : 'settings'}
        </button>
        <button
          type="button"
          className="small-button"
          onClick={() => downloadLandscape('csv')}
          data-testid="landscape-csv"
          title="Download the results shown as CSV (α, β, split, loss, accuracy)"
        >
          CSV
        </button>
        {kind === 'surface' && (
          <button
            type="button"
            className="small-button"
            onClick={() => downloadLandscape('vtp')}
            data-testid="landscape-vtp"
            title="Download each surface as VTK PolyData (.vtp) for ParaView"
          >
            VTP
          </button>
        )}
        <Progress />
      </div>
      {open && <Settings lanes={lanes} />}
      {kind === 'surface' && <SurfaceResults lanes={lanes} />}
      {kind === 'curve' && curveList.length > 0 && <CurveResults lanes={lanes} curves={curveList} interpolation={false} />}
      {kind === 'interpolation' && interpolationList.length > 0 && <CurveResults lanes={lanes} curves={interpolationList} interpolation />}
    </Panel>
  );
}
