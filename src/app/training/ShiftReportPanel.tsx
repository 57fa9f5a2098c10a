import { useApp } from './store';
import { CloseIcon } from '../shared/ui/icons';
import { ComputedAt } from '../shared/ui/ComputedAt';

const fmt = (v: number) => (Number.isFinite(v) ? v.toPrecision(5) : '–');

/** The report of a one-shot optimum shift: what changed, and the paper's failure signature. */
export function ShiftReportPanel() {
  const report = useApp((s) => s.shiftReport);
  if (!report) return null;
  const rose = report.changed && report.trainLossAfter > report.trainLossBefore * (1 + 1e-4);
  return (
    <section className="shift-report" role="dialog" aria-label="Optimum shift report" data-testid="shift-report">
      <header>
        <h2>
          Optimum shift of “{report.laneName}” at step {report.step}
        </h2>
        <button type="button" onClick={() => useApp.setState({ shiftReport: null })} aria-label="Close the shift report">
          <CloseIcon />
        </button>
      </header>
      <ComputedAt steps={[report.step]} what="The figures of this shift" testId="shift-stale" />
      {!report.changed ? (
        <p className="note warning">{report.reason}</p>
      ) : (
        <>
          <p>
            b2 = {report.samples} samples, m = {report.features} features, rank {report.rank}: W replaced by the minimum-norm W* with the
            same logits on those samples.
          </p>
          <table>
            <thead>
              <tr>
                <th />
                <th>before</th>
                <th>after</th>
              </tr>
            </thead>
            <tbody>
              <tr title="Frobenius norm of the head weight">
                <td>head ‖W‖_F</td>
                <td>{fmt(report.headNormBefore)}</td>
                <td>{fmt(report.headNormAfter)}</td>
              </tr>
              <tr title="Loss on the b2 samples of the shift (kept by construction)">
                <td>loss on the b2 samples</td>
                <td>{fmt(report.sosLossBefore)}</td>
                <td>{fmt(report.sosLossAfter)}</td>
              </tr>
              <tr title="Loss on the whole training split">
                <td>training loss (whole split)</td>
                <td>{fmt(report.trainLossBefore)}</td>
                <td className={rose ? 'bad' : ''}>{fmt(report.trainLossAfter)}</td>
              </tr>
              <tr>
                <td>training accuracy</td>
                <td>{(report.trainAccuracyBefore * 100).toFixed(2)}%</td>
                <td>{(report.trainAccuracyAfter * 100).toFixed(2)}%</td>
              </tr>
              {report.hessian && (
                <>
                  <tr
                    title={`Top Hessian eigenvalues of the training loss on ${report.hessian.before.samples} samples (Lanczos)`}
                    data-testid="shift-eigenvalues"
                  >
                    <td>Hessian top eigenvalues</td>
                    <td>{report.hessian.before.eigenvalues.map((v) => v.toPrecision(4)).join(', ')}</td>
                    <td>{report.hessian.after.eigenvalues.map((v) => v.toPrecision(4)).join(', ')}</td>
                  </tr>
                  <tr title="Hutchinson estimate of the Hessian trace ± its standard error" data-testid="shift-trace">
                    <td>Hessian trace</td>
                    <td>
                      {fmt(report.hessian.before.trace)} ± {fmt(report.hessian.before.stdError)}
                    </td>
                    <td>
                      {fmt(report.hessian.after.trace)} ± {fmt(report.hessian.after.stdError)}
                    </td>
                  </tr>
                </>
              )}
            </tbody>
          </table>
          {rose && (
            <p className="note warning" data-testid="shift-failure">
              The training loss on the whole split rose: the OS paper's failure signature. The b2 samples did not represent the training set
              (too few per class, or the features have not collapsed yet).
            </p>
          )}
        </>
      )}
    </section>
  );
}
