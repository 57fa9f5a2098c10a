import { useMemo } from 'react';
import type { ConnectivityResult, PathResult } from '../../engine/analyses/connectivity';
import type { CurveResult } from '../../engine/landscape/config';
import { CurveChart } from '../landscape/CurveChart';
import { PlaneMap } from './PlaneMap';
import { NEUTRAL } from './shade';

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const num = (v: number | null, digits = 4) => (v !== null && Number.isFinite(v) ? v.toPrecision(digits) : '–');

function asCurve(r: ConnectivityResult, path: PathResult, key: string, label: string): CurveResult {
  return {
    kind: 'interpolation',
    step: r.step,
    key,
    label,
    alphas: path.t,
    train: path.train,
    test: path.test,
    samples: { train: r.samples.eval, test: r.samples.test },
    seconds: 0,
    cancelled: false,
  };
}

function summary(r: ConnectivityResult): string {
  const losses = r.training?.losses ?? [];
  const bend = r.training
    ? `bend trained ${r.training.steps} steps on ${r.samples.bend.toLocaleString('en-US')} samples ` +
      `(mean loss on the curve ${num(losses[0] ?? null, 3)} → ${num(losses[losses.length - 1] ?? null, 3)})`
    : 'no bend trained';
  return (
    `${r.from.label} → ${r.to.label} at step ${r.step}: ‖θ2 − θ1‖ = ${num(r.distance, 3)}; ${bend}; paths on ` +
    `${r.samples.eval.toLocaleString('en-US')} training and ${r.samples.test.toLocaleString('en-US')} test samples · ` +
    `${r.gradients} gradients · ${r.seconds.toFixed(1)} s${r.cancelled ? ' (cancelled)' : ''}`
  );
}

/** The straight and the trained Bézier path between two lanes: loss along t, barriers, and the plane they lie on. */
export function ConnectivityView({ result: r, colors }: { result: ConnectivityResult; colors: [string, string] }) {
  const lines = useMemo(() => {
    const out = [];
    if (r.linear) out.push({ curve: asCurve(r, r.linear, 'linear', 'straight'), color: NEUTRAL });
    if (r.bezier) out.push({ curve: asCurve(r, r.bezier, 'bezier', 'Bézier'), color: colors[0] });
    return out;
  }, [r, colors]);
  const plane = r.plane;
  const paths = plane
    ? [
        { label: 'straight', color: NEUTRAL, points: plane.linear, dashed: true },
        { label: 'Bézier', color: colors[0], points: plane.bezier },
      ]
    : [];
  const marks = plane
    ? [
        { label: `θ1 ${r.from.label}`, at: plane.ends[0], color: colors[0] },
        { label: `θ2 ${r.to.label}`, at: plane.ends[1], color: colors[1] },
        { label: 'bend', at: plane.bend, color: '#202124' },
      ]
    : [];
  return (
    <div className="connectivity" data-testid="connectivity-results">
      <table className="readouts" data-testid="connectivity-table">
        <thead>
          <tr>
            <th>path</th>
            <th title="max over t of the training loss on the path − the mean of its two ends">barrier (train)</th>
            <th title="The same on the test subset">barrier (test)</th>
            <th title="The highest training loss on the path">max loss</th>
            <th title="The mean training loss over the path's points (what the bend is trained to lower)">mean loss</th>
          </tr>
        </thead>
        <tbody>
          {[
            ['straight θ1 → θ2', r.linear],
            ['Bézier θ1 → bend → θ2', r.bezier],
          ].map(([name, path]) => (
            <tr key={name as string}>
              <td>{name as string}</td>
              <td>{path ? num((path as PathResult).barrier.train) : '–'}</td>
              <td>{path ? num((path as PathResult).barrier.test) : '–'}</td>
              <td>{path ? num(Math.max(...(path as PathResult).train.loss)) : '–'}</td>
              <td>{path ? num(mean((path as PathResult).train.loss)) : '–'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted">{summary(r)}</p>
      <div className="curve-charts">
        <CurveChart
          lines={lines}
          value="loss"
          xLabel="t"
          title="Loss along the paths (train solid, test dashed)"
          help="t = 0 is θ1, t = 1 is θ2; the straight path in grey, the trained Bézier curve in colour"
          testId="connectivity-chart"
        />
        <PlaneMap
          surface={plane?.surface ?? null}
          title="The plane through θ1, θ2 and the bend"
          tooltip={
            "The training loss on the plane through both lanes' weights and the trained bend (origin: their midpoint; " +
            'x along θ2 − θ1; weight units), with the straight path (dashed) and the Bézier curve'
          }
          paths={paths}
          marks={marks}
          color={colors[0]}
          surface3d
        />
      </div>
    </div>
  );
}
