import { useMemo } from 'react';
import type { EigenSliceResult } from '../../engine/analyses/eigenSlices';
import { CurveChart } from '../landscape/CurveChart';
import { PlaneMap } from './PlaneMap';
import { lighter, NEUTRAL } from './shade';
import type { LaneRow } from './SharpnessView';

const num = (v: number, digits = 4) => (Number.isFinite(v) ? v.toPrecision(digits) : '–');

function LaneSlices({ name, color, result: r }: LaneRow<EigenSliceResult>) {
  const lines = useMemo(
    () =>
      r.curves.map((curve, i) => ({
        curve,
        color: curve.key.endsWith(':random') ? NEUTRAL : lighter(color, (0.55 * i) / Math.max(1, r.curves.length - 2)),
      })),
    [r.curves, color],
  );
  return (
    <div className="eigen-lane" data-testid={`eigen-slices-${r.laneId}`}>
      <CurveChart
        lines={lines}
        value="loss"
        xLabel="α (weight units)"
        title={`${name}: loss along v1, v2, … and a random direction`}
        help={
          'Every direction has norm 1, so the same α moves the weights equally far: the top eigenvector is the sharpest ' +
          'direction; the random one (grey) is typical'
        }
        testId={`eigen-chart-${r.laneId}`}
      />
      <table className="readouts" data-testid={`eigen-checks-${r.laneId}`}>
        <thead>
          <tr>
            <th>direction</th>
            <th title="The Ritz value of the eigenvector (Lanczos)">λ</th>
            <th title="(L(θ+hv) + L(θ−hv) − 2L(θ)) / h² with the ReLU/max-pool pattern frozen at θ: should equal λ">d²L/dα² (frozen)</th>
            <th title="The same second difference of the plain loss, which also crosses kinks within ±h">d²L/dα² (plain)</th>
            <th title="The step h of the check, in weight units">h</th>
          </tr>
        </thead>
        <tbody>
          {r.checks.map((c) => (
            <tr key={c.direction}>
              <td>{c.direction}</td>
              <td>{num(c.expected)}</td>
              <td>{num(c.secondDifference)}</td>
              <td>{num(c.plainSecondDifference)}</td>
              <td>{num(c.step, 2)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted">
        {`step ${r.step} · ${r.samples.toLocaleString('en-US')} samples · ${r.iterations} Lanczos steps` +
          `${r.converged ? '' : ' (not converged)'} · ${r.hvps} HVPs · ${r.seconds.toFixed(1)} s${r.cancelled ? ' (cancelled)' : ''}`}
      </p>
      <PlaneMap
        surface={r.surface}
        title={`${name}: loss over (v1, v2)`}
        tooltip={
          "The loss on the plane of the two top eigenvectors of this lane's Hessian (unit vectors, α and β in weight " +
          'units), centred on its weights'
        }
        paths={[]}
        marks={[{ label: name, at: [0, 0], color }]}
        color={color}
      />
    </div>
  );
}

export function EigenSlicesView({ rows }: { rows: Array<LaneRow<EigenSliceResult>> }) {
  return (
    <div className="eigen-slices">
      {rows.map((row) => (
        <LaneSlices key={row.result.laneId} {...row} />
      ))}
    </div>
  );
}
