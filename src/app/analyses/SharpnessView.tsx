import type { SharpnessResult } from '../../engine/analyses/run';
import type { Estimate } from '../../engine/analyses/sharpness';

const num = (v: number, digits = 3) => (Number.isFinite(v) ? v.toPrecision(digits) : '–');
const est = (e: Estimate) => `${num(e.value)} ± ${num(e.stdError, 2)}`;

export interface LaneRow<R> {
  name: string;
  color: string;
  result: R;
}

/** Sharpness measures per lane, with ρ, m, steps and draws stated in the header. */
export function SharpnessView({ rows }: { rows: Array<LaneRow<SharpnessResult>> }) {
  const s = rows[0].result.settings;
  return (
    <table className="readouts" data-testid="sharpness-table">
      <thead>
        <tr>
          <th>lane</th>
          <th title="Mean training loss on the samples">loss</th>
          <th title={`E[L(θ+δ)] − L(θ), δ ~ N(0, ρ²I/d), ρ = ${s.averageRho}, ${s.draws} antithetic pairs (± standard error)`}>
            avg ρ={s.averageRho}
          </th>
          <th title={`The same with δ = |θ| ⊙ u, u ~ N(0, ρ²I/d), ρ = ${s.averageAdaptiveRho}`}>avg adaptive ρ={s.averageAdaptiveRho}</th>
          <th title={`max over ‖δ‖ ≤ ρ of L(θ+δ) − L(θ), ${s.steps} steps of projected gradient ascent on all samples (a lower bound)`}>
            worst ρ={s.rho}
          </th>
          <th title={`The same over δ = |θ| ⊙ u, ‖u‖ ≤ ${s.adaptiveRho}`}>worst adaptive ρ={s.adaptiveRho}</th>
          <th title={`The worst-case rise of each batch of m = ${s.m} samples with its own δ, averaged over the batches (± s.e.)`}>
            m-sharpness m={s.m}
          </th>
          <th title="The same, adaptive">m adaptive</th>
          <th title="Training step of the weights · samples · loss evaluations and gradients · time">step · samples · evals · time</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(({ name, color, result: r }) => (
          <tr key={r.laneId} data-testid={`sharpness-row-${r.laneId}`}>
            <td>
              <span className="swatch-inline" style={{ background: color }} />
              {name}
            </td>
            <td>{num(r.loss, 4)}</td>
            <td>{est(r.average.plain)}</td>
            <td>{est(r.average.adaptive)}</td>
            <td>{num(r.worst.plain)}</td>
            <td>{num(r.worst.adaptive)}</td>
            <td>{r.mSharpness ? `${est(r.mSharpness.plain)} (${r.mSharpness.batches})` : '–'}</td>
            <td>{r.mSharpness ? est(r.mSharpness.adaptive) : '–'}</td>
            <td>
              {r.step} · {r.samples.toLocaleString('en-US')} · {r.losses}+{r.gradients} · {r.seconds.toFixed(1)} s
              {r.cancelled ? ' (cancelled)' : ''}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
