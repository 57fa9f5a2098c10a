import { useMemo, useState } from 'react';
import type { SurfaceResult } from '../../engine/landscape/config';
import { useLandscape, type SurfaceDisplay } from './store';
import { CheckboxField, SelectField } from '../shared/ui/controls';
import { ColorLegend } from './ColorLegend';
import { makeColorScale } from '../shared/plot/colors';
import { ContourView } from './ContourView';
import { SurfaceView, type CameraState } from './SurfaceView';
import { completeGrid } from '../shared/plot/surfaceGrid';
import { WithPng } from '../shared/ui/PngButton';

export interface SurfaceItem {
  surface: SurfaceResult;
  name: string;
  color: string;
}

/**
 * Every lane's surface side by side, with one colour scale and (in 3D) one camera, so a flat and a
 * sharp minimum are seen at a glance.
 */
export function SurfaceViews({ items }: { items: SurfaceItem[] }) {
  const display = useLandscape((s) => s.display);
  const wireframe = useLandscape((s) => s.wireframe);
  const logScale = useLandscape((s) => s.logScale);
  const [camera, setCamera] = useState<CameraState | null>(null);
  const grids = useMemo(() => items.map((item) => ({ ...item, grid: completeGrid(item.surface) })), [items]);
  const drawable = grids.filter((g) => g.grid !== null);
  const scale = useMemo(
    () =>
      makeColorScale(
        drawable.map((g) => g.grid!.loss),
        logScale,
      ),
    [drawable, logScale],
  );
  return (
    <>
      <div className="chart-toolbar surface-toolbar">
        <SelectField<SurfaceDisplay>
          label="show"
          help="3D surfaces (drag to orbit, scroll to zoom; all views move together) or 2D contour maps"
          value={display}
          options={[
            { value: '3d', label: '3D surface' },
            { value: 'contour', label: '2D contours' },
          ]}
          onChange={(d) => useLandscape.setState({ display: d })}
          testId="surface-display"
        />
        <CheckboxField
          label="wireframe"
          help="Draw the grid lines of the 3D surfaces"
          checked={wireframe}
          disabled={display !== '3d'}
          disabledReason="Only the 3D view has a wireframe"
          onChange={(v) => useLandscape.setState({ wireframe: v })}
        />
        <CheckboxField
          label="log scale"
          help="Colour (and height) by log10 of the loss, to see detail near the minimum"
          checked={logScale}
          onChange={(v) => useLandscape.setState({ logScale: v })}
        />
        {drawable.length > 0 && <ColorLegend scale={scale} />}
      </div>
      <div className="surface-grid">
        {grids.map(({ surface, name, color, grid }) =>
          grid === null ? (
            <div key={surface.laneId} className="surface-pending note">
              {name}: computing the 13 x 13 preview…
            </div>
          ) : display === '3d' ? (
            <WithPng key={surface.laneId} name={`loss surface ${name}`} colorBar={{ scale, label: 'loss' }}>
              <SurfaceView
                title={name}
                color={color}
                grid={grid}
                scale={scale}
                wireframe={wireframe}
                camera={camera}
                onCameraChange={setCamera}
              />
            </WithPng>
          ) : (
            <WithPng key={surface.laneId} name={`loss contours ${name}`} colorBar={{ scale, label: 'loss' }}>
              <ContourView title={name} color={color} grid={grid} scale={scale} />
            </WithPng>
          ),
        )}
      </div>
    </>
  );
}
