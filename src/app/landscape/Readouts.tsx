import type { CurveResult, SurfaceResult } from '../../engine/landscape/config';
import { curveReadout, surfaceReadout, type Basin } from '../../engine/landscape/sharpness';
import { completeGrid } from '../shared/plot/surfaceGrid';

const num = (v: number, digits = 4) => (Number.isFinite(v) ? v.toPrecision(digits) : '–');

function basinText(b: Basin): string {
  if (b.width === 0) return 'above level';
  return `${b.open ? '≥ ' : ''}${b.width.toFixed(3)}`;
}

export interface NamedCurve {
  name: string;
  color: string;
  curve: CurveResult;
}

/** Sharpness read-outs of 1D curves (training subset): rise at ±r, curvature at the centre, basin width. */
export function CurveReadouts({ curves, radius, level }: { curves: NamedCurve[]; radius: number; level: number }) {
  return (
    <table className="readouts" data-testid="curve-readouts">
      <thead>
        <tr>
          <th>lane</th>
          <th title="Training loss at α = 0 (the lane's weights)">L(0)</th>
          <th title={`L(−r) − L(0) and L(r) − L(0) at r = ${radius}: how fast the loss rises away from the lane's weights`}>
            rise at ∓{radius}
          </th>
          <th title="d²L/dα² at the centre by a second difference of neighbouring grid points: larger is sharper">curvature</th>
          <th
            title={
              `Width in α of the connected interval around 0 where the loss stays ≤ ${num(level, 3)}; ≥ when ` +
              `it reaches the edge of the range`
            }
          >
            basin width
          </th>
        </tr>
      </thead>
      <tbody>
        {curves.map(({ name, color, curve }) => {
          const r = curveReadout(curve.alphas, curve.train.loss, radius, level);
          return (
            <tr key={curve.key}>
              <td>
                <span className="swatch-inline" style={{ background: color }} />
                {name}
              </td>
              <td>{num(r.centreLoss)}</td>
              <td>
                {num(r.riseMinus, 3)} / {num(r.risePlus, 3)}
              </td>
              <td>{num(r.curvature)}</td>
              <td>{basinText(r.basin)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** Sharpness read-outs of 2D surfaces (the finest complete level). */
export function SurfaceReadouts({
  surfaces,
  radius,
  level,
}: {
  surfaces: Array<{ name: string; color: string; surface: SurfaceResult }>;
  radius: number;
  level: number;
}) {
  return (
    <table className="readouts" data-testid="surface-readouts">
      <thead>
        <tr>
          <th>lane</th>
          <th title="Loss at (0, 0): the lane's weights">L(0,0)</th>
          <th title={`Loss rise at r = ${radius} along d1 (α) and d2 (β), both sides: −α/+α, −β/+β`}>rise at r = {radius}</th>
          <th
            title={
              'Eigenvalues of the 2 x 2 Hessian of the surface at the centre (second differences): the curvature ' +
              'of this slice, largest first'
            }
          >
            curvatures
          </th>
          <th
            title={
              `Area (α·β units) of the connected region around the centre where the loss stays ≤ ${num(level, 3)}, ` +
              `and its share of the view; ≥ when it reaches the edge`
            }
          >
            basin area
          </th>
          <th title="How much of the grid is computed, and the time it took">computed</th>
        </tr>
      </thead>
      <tbody>
        {surfaces.map(({ name, color, surface }) => {
          const grid = completeGrid(surface);
          const r = grid ? surfaceReadout(grid.xs, grid.ys, grid.loss, radius, level) : null;
          return (
            <tr key={surface.laneId}>
              <td>
                <span className="swatch-inline" style={{ background: color }} />
                {name}
              </td>
              <td>{r ? num(r.centreLoss) : '–'}</td>
              <td>
                {r
                  ? `${num(r.alpha.riseMinus, 3)}/${num(r.alpha.risePlus, 3)}, ${num(r.beta.riseMinus, 3)}/${num(r.beta.risePlus, 3)}`
                  : '–'}
              </td>
              <td>{r ? `${num(r.eigenvalues[0])}, ${num(r.eigenvalues[1])}` : '–'}</td>
              <td>{r ? `${r.basinOpen ? '≥ ' : ''}${r.basinArea.toFixed(3)} (${(r.basinFraction * 100).toFixed(0)}%)` : '–'}</td>
              <td>
                {surface.computed}/{surface.total}
                {surface.cancelled ? ' (cancelled)' : ''} · {surface.seconds.toFixed(1)} s
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
