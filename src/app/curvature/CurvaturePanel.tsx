import { useMemo } from 'react';
import { useApp } from '../training/store';
import { useHessian } from '../hessian/store';
import { MetricChart } from '../training/MetricChart';
import { Panel } from '../shared/ui/controls';
import { curvatureReadout } from './readout';
import { TrackingControls } from './TrackingControls';
import { LiveSliceChart } from './LiveSliceChart';

/**
 * The headline: how sharp each lane's minimum is, live. λmax and Tr(H) of every lane at the tracking
 * steps with their uncertainty, and a sentence that says which lane is flattest right now.
 */
export function CurvaturePanel() {
  const on = useHessian((s) => s.trackingOn);
  const t = useHessian((s) => s.tracking);
  const lanes = useApp((s) => s.config.lanes);
  const version = useApp((s) => s.seriesVersion);
  const series = useApp((s) => s.series);
  const step = useApp((s) => s.status.step);
  const readout = useMemo(
    () => curvatureReadout(lanes, series),
    // The series grow in place: `version` tells when.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [lanes, series, version],
  );
  const settings =
    `every ${t.every} steps on the first ${t.samples} training samples; λmax by Lanczos warm-started from the ` +
    `previous measurement, to a residual of ${t.tol * 100}% (at most ${t.iterations} steps); Tr(H) exact on the ` +
    `Lanczos directions plus ${t.traceSamples} Hutchinson samples; at most ${Math.round(t.budget * 100)}% of the time`;
  const behind = readout && step - readout.step > t.every ? ` (measured at step ${readout.step}; training is at ${step})` : '';
  return (
    <Panel
      title="Flatness: how sharp is each lane's minimum?"
      help={
        'Flat-minima optimizers exist to lower the curvature of the loss where they end up: the largest ' +
        'Hessian eigenvalue λmax and the trace Tr(H). Lower is flatter.'
      }
      className="curvature-panel"
    >
      <p className="readout-line" data-testid="curvature-readout" aria-live="polite">
        {!on
          ? 'Tracking is off: turn it on below to see each lane’s curvature while it trains.'
          : readout
            ? `${readout.sentence}${behind}`
            : `Press play: the first measurement comes at step ${t.every}.`}
      </p>
      <div className="charts curvature-charts">
        <MetricChart
          metrics={['hess_lmax']}
          title="λmax (tracked; whisker: Lanczos residual)"
          help={`Largest Hessian eigenvalue of each lane; the whisker spans [λ, λ + residual]. ${settings}`}
          whiskers={{ metric: 'hess_lmax_resid', kind: 'above' }}
        />
        <MetricChart
          metrics={['hess_trace']}
          title="Tr(H) (tracked; whisker: ± 1 s.e.)"
          help={`Hessian trace of each lane; the whisker is ± one standard error. ${settings}`}
          whiskers={{ metric: 'hess_trace_se', kind: 'symmetric' }}
        />
        <LiveSliceChart />
      </div>
      <details className="tracking-settings">
        <summary title={settings}>tracking settings</summary>
        <TrackingControls />
      </details>
    </Panel>
  );
}
