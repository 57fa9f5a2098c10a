import { describe, expect, it } from 'vitest';
import { MetricAggregator, windowLength } from '../src/engine/train/aggregator';

describe('metric logging', () => {
  it('averages training loss and accuracy over each logging interval', () => {
    const agg = new MetricAggregator(4);
    const window = (from: number, to: number, seconds: number) => ({
      laneId: 'a',
      records: Array.from({ length: to - from + 1 }, (_, i) => ({
        step: from + i,
        loss: from + i,
        accuracy: 0.5,
        lr: 0.1,
        metrics: { fam_kappa_batch_mean: 2 * (from + i), deform_clamps: 1 },
      })),
      headNorm: 3,
      sosEvents: to === 4 ? [{ step: 4, changed: true, rank: 3, headNormBefore: 5, headNormAfter: 4 }] : [],
      seconds,
      gradEvals: to,
      totalSeconds: to,
    });
    expect(agg.addWindow(window(1, 3, 0.3))).toEqual([]);
    const points = agg.addWindow(window(4, 4, 0.1));
    const byMetric = Object.fromEntries(points.map((p) => [p.metric, p.value]));
    expect(byMetric.train_loss).toBe((1 + 2 + 3 + 4) / 4);
    expect(byMetric.train_acc).toBe(0.5);
    expect(byMetric.steps_per_s).toBeCloseTo(4 / 0.4, 10);
    expect(byMetric.head_norm).toBe(3);
    expect(byMetric.fam_kappa_batch_mean).toBe((2 + 4 + 6 + 8) / 4);
    expect(byMetric.deform_clamps).toBe(4);
    expect(byMetric.sos_head_before).toBe(5);
    expect(byMetric.sos_head_after).toBe(4);
    const later = agg.addWindow(window(5, 8, 0.4));
    expect(later.find((p) => p.metric === 'deform_clamps')?.value).toBe(8);
    expect(points.every((p) => p.step === 4 && p.gradEvals === 4)).toBe(true);
  });

  it('windows stop at logging steps, test steps and the end', () => {
    expect(windowLength(0, 50, 10, 100, 1000)).toBe(10);
    expect(windowLength(7, 50, 10, 100, 1000)).toBe(3);
    expect(windowLength(95, 50, 10, 98, 1000)).toBe(3);
    expect(windowLength(995, 50, 1000, 1000, 998)).toBe(3);
    expect(windowLength(998, 50, 10, 100, 998)).toBe(0);
    expect(windowLength(0, 1, 10, 100, 1000)).toBe(1);
    expect(windowLength(0, 50, 10, 100, 1000, 4)).toBe(4);
    expect(windowLength(5, 50, 10, 100, 1000, 4)).toBe(3);
  });
});
