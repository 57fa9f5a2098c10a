import { useMemo, useState } from 'react';
import { SurfaceView, type CameraState } from '../landscape/SurfaceView';
import type { SurfaceResult } from '../../engine/landscape/config';
import { ContourView, type ContourPath, type ContourViewProps } from '../landscape/ContourView';
import { makeColorScale } from '../shared/plot/colors';
import { completeGrid } from '../shared/plot/surfaceGrid';
import { WithPng } from '../shared/ui/PngButton';

/** The loss on a plane (its own colour scale) with paths and marks over it; a note until the preview is in. */
export function PlaneMap({
  surface,
  title,
  tooltip,
  paths,
  marks,
  color,
  surface3d = false,
}: {
  surface: SurfaceResult | null;
  title: string;
  tooltip: string;
  paths: ContourPath[];
  marks?: ContourViewProps['marks'];
  color: string;
  /** Also the 3D surface with the paths on it. */
  surface3d?: boolean;
}) {
  const grid = surface ? completeGrid(surface) : null;
  // Log colours: a plane through distant weights spans a wide range of loss, and the valleys are what matter.
  const scale = useMemo(() => (grid ? makeColorScale([grid.loss], true) : null), [grid]);
  const [camera, setCamera] = useState<CameraState | null>(null);
  if (!surface) return null;
  if (!grid || !scale) return <p className="muted">computing the loss on the plane…</p>;
  return (
    <div className="plane-views">
      <WithPng name={title}>
        <ContourView
          title={title}
          color={color}
          grid={grid}
          scale={scale}
          paths={paths}
          marks={marks}
          tooltip={tooltip}
          showOrigin={false}
        />
      </WithPng>
      {surface3d && (
        <WithPng name={`${title} (3D)`}>
          <SurfaceView
            title={`${title} (3D)`}
            color={color}
            grid={grid}
            scale={scale}
            wireframe={false}
            camera={camera}
            onCameraChange={setCamera}
            paths={paths}
            tooltip={`${tooltip}. Drag to orbit, scroll to zoom.`}
            showOrigin={false}
          />
        </WithPng>
      )}
    </div>
  );
}
