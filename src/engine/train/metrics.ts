import type { Evaluation } from './evaluate';
import type { LaneWindow } from './comparison';

export const METRICS = {
  train_loss: { label: 'training loss', help: 'Mean cross-entropy of the training minibatches over each logging interval.' },
  train_acc: { label: 'training accuracy', help: 'Fraction of minibatch samples classified correctly over each logging interval.' },
  test_loss: { label: 'test loss', help: 'Mean cross-entropy on the test samples (every N steps).' },
  test_acc: { label: 'test accuracy', help: 'Fraction of test samples classified correctly (every N steps).' },
  head_norm: { label: 'head ‖W‖_F', help: 'Frobenius norm of the last linear layer (what SOS shrinks and FAM weighs).' },
  steps_per_s: { label: 'steps / s', help: "This lane's training steps per second over each logging interval, readback included." },
  lr: { label: 'learning rate', help: 'Learning rate after the schedule, at each logged step.' },
  sam_e_norm: { label: 'SAM ‖e‖', help: 'Norm of the ascent step e of SAM/ASAM (ρ for SAM; varies with the weights for ASAM).' },
  nso_gap: {
    label: 'NSO perturbation gap',
    help: 'mean over the noise of [L(θ+U) + L(θ−U)]/2 − L(θ) ≈ σ²/2·Tr(H) (one-sided L(θ+U) − L(θ) for WP-SGD).',
  },
  fam_kappa: { label: 'FAM κ', help: 'Relative flatness of the head (or ‖W‖²·Tr(H) for the simplified measure) on the minibatch.' },
  deform_scale: { label: 'deformation δ′(ℓ)', help: 'The factor the deformation multiplies the gradient by, at the minibatch loss.' },
  deform_clamps: {
    label: 'δ′ guard clamps',
    help: 'How many gradient evaluations so far hit the deformation guard (slope clamped to 10⁴).',
  },
  sos_head_before: { label: 'SOS head ‖W‖ before', help: 'Head norm just before each optimum shift.' },
  sos_head_after: { label: 'SOS head ‖W‖ after', help: 'Head norm just after each optimum shift (never larger).' },
  hess_lmax: {
    label: 'Hessian λmax (tracked)',
    help: 'Largest eigenvalue of the training-loss Hessian on a fixed subset, by a few Lanczos steps (cheap settings, stated on the chart).',
  },
  hess_trace: {
    label: 'Hessian trace (tracked)',
    help: 'Hutchinson estimate of Tr(H) on a fixed subset with a few Rademacher samples (cheap settings, stated on the chart).',
  },
} as const;

/** Metrics logged as running sums (all steps so far) rather than interval means. */
const CUMULATIVE = new Set(['deform_clamps']);

export type MetricName = keyof typeof METRICS;

/** One logged value; long format, as exported later (lane, step, grad_evals, wall_s, metric, value). */
export interface MetricPoint {
  laneId: string;
  metric: MetricName;
  step: number;
  gradEvals: number;
  wallSeconds: number;
  value: number;
}

interface Running {
  lossSum: number;
  accSum: number;
  n: number;
  seconds: number;
  metrics: Map<string, { sum: number; n: number }>;
  totals: Map<string, number>;
}

function isMetricName(key: string): key is MetricName {
  return key in METRICS;
}

/**
 * Turns per-step records into logged points: the running mean of the training loss and accuracy
 * over each interval of `logEvery` steps, logged at steps that are multiples of `logEvery`
 * (windows never cross such a step, so the head norm read at a window's end is the one at that step).
 */
export class MetricAggregator {
  private running = new Map<string, Running>();

  constructor(public logEvery: number) {}

  addWindow(window: LaneWindow): MetricPoint[] {
    const run = this.running.get(window.laneId) ?? { lossSum: 0, accSum: 0, n: 0, seconds: 0, metrics: new Map(), totals: new Map() };
    this.running.set(window.laneId, run);
    run.seconds += window.seconds;
    const points: MetricPoint[] = [];
    const last = window.records[window.records.length - 1];
    for (const record of window.records) {
      run.lossSum += record.loss;
      run.accSum += record.accuracy;
      run.n++;
      for (const [key, value] of Object.entries(record.metrics)) {
        if (CUMULATIVE.has(key)) {
          run.totals.set(key, (run.totals.get(key) ?? 0) + (Number.isFinite(value) ? value : 0));
        } else if (Number.isFinite(value)) {
          const m = run.metrics.get(key) ?? { sum: 0, n: 0 };
          m.sum += value;
          m.n++;
          run.metrics.set(key, m);
        }
      }
      if (record.step % this.logEvery !== 0) continue;
      const at = { laneId: window.laneId, step: record.step, gradEvals: window.gradEvals, wallSeconds: window.totalSeconds };
      points.push(
        { ...at, metric: 'train_loss', value: run.lossSum / run.n },
        { ...at, metric: 'train_acc', value: run.accSum / run.n },
        { ...at, metric: 'lr', value: record.lr },
        { ...at, metric: 'steps_per_s', value: run.n / Math.max(run.seconds, 1e-9) },
      );
      for (const [key, m] of run.metrics) if (isMetricName(key) && m.n > 0) points.push({ ...at, metric: key, value: m.sum / m.n });
      for (const [key, total] of run.totals) if (isMetricName(key)) points.push({ ...at, metric: key, value: total });
      if (record === last) points.push({ ...at, metric: 'head_norm', value: window.headNorm });
      run.lossSum = 0;
      run.accSum = 0;
      run.n = 0;
      run.seconds = 0;
      run.metrics.clear();
    }
    for (const event of window.sosEvents) {
      const at = { laneId: window.laneId, step: event.step, gradEvals: window.gradEvals, wallSeconds: window.totalSeconds };
      points.push(
        { ...at, metric: 'sos_head_before', value: event.headNormBefore },
        { ...at, metric: 'sos_head_after', value: event.headNormAfter },
      );
    }
    // A diverging lane's last values are NaN or infinite: they never become points (charts, exports).
    return points.filter((p) => Number.isFinite(p.value));
  }

  forget(laneId: string): void {
    this.running.delete(laneId);
  }

  reset(): void {
    this.running.clear();
  }
}

export function testPoints(laneId: string, step: number, gradEvals: number, wallSeconds: number, evaluation: Evaluation): MetricPoint[] {
  const at = { laneId, step, gradEvals, wallSeconds };
  const points: MetricPoint[] = [
    { ...at, metric: 'test_loss', value: evaluation.loss },
    { ...at, metric: 'test_acc', value: evaluation.accuracy },
  ];
  return points.filter((p) => Number.isFinite(p.value));
}

/** Steps in the next window: at most `wanted`, never past the next multiple of any of `every` (logging, test, tracking) or the end. */
export function windowLength(
  step: number,
  wanted: number,
  logEvery: number,
  testEvery: number,
  totalSteps: number,
  ...more: number[]
): number {
  const next = (every: number) => (Math.floor(step / every) + 1) * every - step;
  return Math.max(0, Math.min(wanted, next(logEvery), next(testEvery), ...more.map(next), totalSteps - step));
}
