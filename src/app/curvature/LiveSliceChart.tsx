import { useMemo } from 'react';
import { useApp } from '../training/store';
import { useHessian } from '../hessian/store';
import { CurveChart, type CurveLine } from '../landscape/CurveChart';

const HEIGHT = 170;

/**
 * Each lane's live slice from tracking: the training loss along a random filter-normalized
 * direction through its weights at the last tracking step. A flat minimum is a wide, low bowl.
 */
export function LiveSliceChart() {
  const lanes = useApp((s) => s.config.lanes);
  const slices = useHessian((s) => s.slices);
  const on = useHessian((s) => s.trackingOn && s.tracking.slice);
  const lines = useMemo<CurveLine[]>(
    () =>
      lanes.flatMap((lane) => {
        const s = slices[lane.id];
        if (!s) return [];
        const train = { loss: s.loss, accuracy: s.loss.map(() => NaN) };
        const curve = {
          kind: 'curve' as const,
          step: s.step,
          key: lane.id,
          label: lane.name,
          alphas: s.alphas,
          train,
          test: null,
          samples: { train: s.samples, test: 0 },
          seconds: 0,
          cancelled: false,
        };
        return [{ curve, color: lane.color }];
      }),
    [lanes, slices],
  );
  const steps = [...new Set(lines.map((l) => l.curve.step))];
  const at = steps.length === 0 ? '' : steps.length === 1 ? `, step ${steps[0]}` : `, steps ${Math.min(...steps)}–${Math.max(...steps)}`;
  const samples = lines[0]?.curve.samples.train;
  const help =
    'The training loss along one random direction through each lane’s weights, filter-normalized to them ' +
    '(Li et al. 2018: each filter of the direction has the norm of the same filter of the weights), at α from −1 to 1; ' +
    `α = 0 is the lane’s weights. Refreshed at every tracking step${samples ? ` on the first ${samples} training samples` : ''}. ` +
    'A flatter minimum is a wider, lower bowl. The Loss landscape panel below computes the same on more ' +
    'samples, with the test loss and in 2D.';
  if (!on) return null;
  // Not a figure until something is drawn: the report ZIP exports figures.
  if (lines.length === 0) {
    return (
      <div className="chart slice-placeholder" data-testid="live-slice" data-lines="0" title={help}>
        <div className="slice-caption">1D slice (live)</div>
        <p className="muted">Each lane’s loss along a random filter-normalized direction appears here at the first tracking step.</p>
      </div>
    );
  }
  return (
    <div className="live-slice" data-testid="live-slice" data-lines={lines.length} data-step={steps.join(',')}>
      <CurveChart
        lines={lines}
        value="loss"
        xLabel="α (filter-normalized)"
        title={`1D slice (live${at})`}
        help={help}
        testId="live-slice-chart"
        height={HEIGHT}
      />
    </div>
  );
}
