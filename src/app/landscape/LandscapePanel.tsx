import { useMemo, useState } from 'react';
import { cancelLandscape, computeLandscape, useLandscape } from './store';
import { useApp } from '../training/store';
import { Panel } from '../shared/ui/controls';
import { downloadLandscape } from '../share/reportActions';

import { Progress, Settings } from './LandscapeSettings';
import { JobActions } from '../shared/ui/JobActions';
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
      <JobActions
        label="Landscape"
        testId="landscape"
        ready={ready}
        running={running !== null}
        onCompute={() => void computeLandscape()}
        onCancel={() => void cancelLandscape()}
        computeTitle="Compute the chosen view from a snapshot of the lanes' weights now (training may go on meanwhile)"
        cancelTitle="Stop computing; what is computed so far is kept and shown"
        open={open}
        onToggle={() => setOpen(!open)}
      >
        <button
          type="button"
          className="small-button"
          onClick={() => void downloadLandscape('csv')}
          data-testid="landscape-csv"
          title="Download the results shown as CSV (α, β, split, loss, accuracy)"
        >
          CSV
        </button>
        {kind === 'surface' && (
          <button
            type="button"
            className="small-button"
            onClick={() => void downloadLandscape('vtp')}
            data-testid="landscape-vtp"
            title="Download each surface as VTK PolyData (.vtp) for ParaView"
          >
            VTP
          </button>
        )}
        <button
          type="button"
          className="small-button"
          onClick={() => void downloadLandscape('h5')}
          data-testid="landscape-h5"
          title="Every curve and surface as HDF5 in the loss-landscape tool's layout (its plot_1D.py, plot_2D.py, h52vtp.py read it)"
        >
          H5
        </button>
        <Progress />
      </JobActions>
      {open && <Settings lanes={lanes} />}
      {kind === 'surface' && <SurfaceResults lanes={lanes} />}
      {kind === 'curve' && curveList.length > 0 && <CurveResults lanes={lanes} curves={curveList} interpolation={false} />}
      {kind === 'interpolation' && interpolationList.length > 0 && <CurveResults lanes={lanes} curves={interpolationList} interpolation />}
    </Panel>
  );
}
