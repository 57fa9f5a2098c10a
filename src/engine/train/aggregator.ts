import type { Evaluation } from './evaluate';
import { isMetricName, type MetricPoint } from './metrics';
import type { LaneWindow } from './records';

/** Metrics logged as running sums (all steps so far) rather than interval means. */
const CUMULATIVE = new Set(['deform_clamps']);

interface Running {
  lossSum: number;
  accSum: number;
  n: number;
  seconds: number;
  metrics: Map<string, { sum: number; n: number }>;
  totals: Map<string, number>;
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
