import type { LayerCurvatureResult } from '../../engine/analyses/run';
import type { LaneRow } from './SharpnessView';

const num = (v: number, digits = 3) => (Number.isFinite(v) ? v.toPrecision(digits) : '–');

/** A horizontal bar of `value` out of `max`, with the number beside it. */
function Bar({ value, max, color, text }: { value: number; max: number; color: string; text: string }) {
  const width = max > 0 && Number.isFinite(value) ? Math.max(0, Math.min(1, value / max)) * 100 : 0;
  return (
    <div className="bar-cell" title={text}>
      <div className="bar-fill" style={{ width: `${width}%`, background: color }} />
      <span className="bar-text">{text}</span>
    </div>
  );
}

/**
 * λmax and trace of each parameter tensor's diagonal Hessian block, as bars per lane (one scale per
 * column across lanes), and the sum of the blocks' traces.
 */
export function LayersView({ rows }: { rows: Array<LaneRow<LayerCurvatureResult>> }) {
  const tensors = rows[0].result.blocks.map((b) => b.name);
  const maxLambda = Math.max(...rows.flatMap((r) => r.result.blocks.map((b) => b.lambdaMax)).filter(Number.isFinite), 0);
  const maxTrace = Math.max(...rows.flatMap((r) => r.result.blocks.map((b) => b.trace.trace)).filter(Number.isFinite), 0);
  return (
    <table className="readouts layer-bars" data-testid="layers-table">
      <thead>
        <tr>
          <th>tensor</th>
          {rows.map((r) => (
            <th key={`l-${r.result.laneId}`} title={`λmax of each tensor's block of ${r.name}'s Hessian (Lanczos)`}>
              <span className="swatch-inline" style={{ background: r.color }} />
              {r.name}: λmax
            </th>
          ))}
          {rows.map((r) => (
            <th
              key={`t-${r.result.laneId}`}
              title={`Trace of each block of ${r.name}'s Hessian (Hutchinson ± s.e., exact for small tensors)`}
            >
              <span className="swatch-inline" style={{ background: r.color }} />
              {r.name}: trace
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {tensors.map((name, i) => (
          <tr key={name} data-testid={`layers-row-${name}`}>
            <td title={`${rows[0].result.blocks[i].size.toLocaleString('en-US')} parameters`}>{name}</td>
            {rows.map((r) => {
              const b = r.result.blocks[i];
              return (
                <td key={`l-${r.result.laneId}`}>
                  {b ? (
                    <Bar value={b.lambdaMax} max={maxLambda} color={r.color} text={`${num(b.lambdaMax)}${b.converged ? '' : ' *'}`} />
                  ) : (
                    '–'
                  )}
                </td>
              );
            })}
            {rows.map((r) => {
              const b = r.result.blocks[i];
              const text = b
                ? b.trace.stdError > 0
                  ? `${num(b.trace.trace)} ± ${num(b.trace.stdError, 2)}`
                  : `${num(b.trace.trace)} (exact)`
                : '–';
              return (
                <td key={`t-${r.result.laneId}`}>{b ? <Bar value={b.trace.trace} max={maxTrace} color={r.color} text={text} /> : '–'}</td>
              );
            })}
          </tr>
        ))}
        <tr>
          <td title="Σ over the tensors of their blocks' traces: Tr(H) (compare with the Hessian panel)">sum of traces</td>
          {rows.map((r) => (
            <td key={`l-${r.result.laneId}`} className="muted">
              {r.result.step} · {r.result.samples.toLocaleString('en-US')} samples · {r.result.hvps} HVPs · {r.result.seconds.toFixed(1)} s
            </td>
          ))}
          {rows.map((r) => {
            const sum = r.result.blocks.reduce((a, b) => a + b.trace.trace, 0);
            const se = Math.sqrt(r.result.blocks.reduce((a, b) => a + b.trace.stdError ** 2, 0));
            return (
              <td key={`t-${r.result.laneId}`}>
                {num(sum, 4)} ± {num(se, 2)}
              </td>
            );
          })}
        </tr>
      </tbody>
    </table>
  );
}
