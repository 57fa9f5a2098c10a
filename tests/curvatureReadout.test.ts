import { describe, expect, it } from 'vitest';
import { curvatureReadout } from '../src/app/curvature/readout';
import type { LaneSeries } from '../src/app/training/store';
import { SlicedJob } from '../src/engine/hessian/sliced';
import { TimeShare } from '../src/worker/tracking';

const series = (steps: number[], lmax: number[], resid: number[]): LaneSeries => ({
  hess_lmax: { steps, values: lmax, gradEvals: steps, wallSeconds: steps },
  hess_lmax_resid: { steps, values: resid, gradEvals: steps, wallSeconds: steps },
});
const lanes = [
  { id: 'a', name: 'SGD' },
  { id: 'b', name: 'SAM' },
  { id: 'c', name: 'NSO' },
];

describe('the live curvature read-out', () => {
  it('ranks the lanes by their mean over the last 3 steps all of them have, and says by how much the flattest is lower', () => {
    const r = curvatureReadout(lanes, {
      a: series([100, 200, 300, 400, 500], [30, 20, 18, 16, 16], [0.1, 0.1, 0.1, 0.1, 0.1]),
      b: series([100, 200, 300, 400], [3, 8, 7.5, 7], [0.05, 0.05, 0.05, 0.05]),
      c: series([100, 200, 300, 400, 500], [12, 12, 11, 10, 1], [0.1, 0.1, 0.1, 0.1, 0.1]),
    })!;
    expect(r.step).toBe(400);
    expect(r.steps).toEqual([200, 300, 400]);
    expect(r.ranked.map((l) => l.name)).toEqual(['SAM', 'NSO', 'SGD']);
    expect(r.ranked[0].lambdaMax).toBeCloseTo(7.5, 12);
    expect(r.sentence).toBe(
      "Over steps 200–400 (the last 3 measurements), on average, SAM's λmax is 2.4x lower than SGD's (7.5 vs 18): the flatter minimum.",
    );
    const one = curvatureReadout(lanes.slice(0, 2), { a: series([100], [20], [0.1]), b: series([100], [8], [0.1]) })!;
    expect(one.sentence).toBe("At step 100, SAM's λmax is 2.5x lower than SGD's (8 vs 20): the flatter minimum.");
  });

  it('says when the gap is within the uncertainty, when lanes are alike, and nothing before a measurement', () => {
    const close = curvatureReadout(lanes.slice(0, 2), { a: series([50], [10], [2]), b: series([50], [8], [1]) })!;
    expect(close.sentence).toContain('within the measurement’s uncertainty');
    const alike = curvatureReadout(lanes.slice(0, 2), { a: series([50], [10], [0]), b: series([50], [10.2], [0]) })!;
    expect(alike.sentence).toContain('within 5% of each other');
    expect(curvatureReadout(lanes, {})).toBeNull();
    expect(curvatureReadout(lanes, { a: series([100], [1], [0]), b: series([200], [1], [0]) })).toBeNull();
  });
});

describe('the pieces tracking is scheduled with', () => {
  it('a sliced job runs its set-up, then exactly one piece per advance, and a cancel frees it', async () => {
    const done: number[] = [];
    let cleaned = false;
    const job = new SlicedJob(async (control) => {
      try {
        for (let i = 0; i < 5 && !control.cancelled(); i++) done.push(await control.exclusive(async () => i));
      } finally {
        cleaned = true;
      }
      return done.length;
    });
    expect(await job.advance()).toBe(false);
    expect(done).toEqual([]);
    await job.advance();
    await job.advance();
    expect(done).toEqual([0, 1]);
    await job.cancel();
    expect(cleaned).toBe(true);
    expect(done).toEqual([0, 1]);
    await expect(job.result()).rejects.toThrow('cancelled');
  });

  it('a time share of f grants t·f/(1 − f) per window, charges overruns to later windows and caps the credit', () => {
    const share = new TimeShare();
    expect(share.allow(300, 0.25)).toBeCloseTo(100);
    share.spent(250);
    expect(share.allow(300, 0.25)).toBe(0);
    expect(share.allow(300, 0.25)).toBeCloseTo(50);
    expect(share.allow(100_000, 0.25)).toBe(150);
    expect(share.allow(300, 0)).toBe(0);
  });
});

describe('the tracking queue', () => {
  it('skips a round that arrives while the previous one is still being measured, so every round has every lane', async () => {
    const { CurvatureTracker } = await import('../src/engine/hessian/tracker');
    const tracker = new CurvatureTracker({ every: 1, samples: 1, iterations: 2, traceSamples: 2, tol: 0.01, budget: 0.25, slice: false });
    const item = (laneId: string, step: number) => ({ at: { laneId, step, gradEvals: step, wallSeconds: 0 }, subject: null as never });
    tracker.enqueue([item('a', 1), item('b', 1), item('c', 1)]);
    tracker.enqueue([item('a', 2), item('b', 2), item('c', 2)]);
    const queued = (tracker as unknown as { queue: Array<{ at: { laneId: string; step: number } }> }).queue;
    expect(queued.map((q) => `${q.at.laneId}${q.at.step}`)).toEqual(['a1', 'b1', 'c1']);
    expect(tracker.skipped).toBe(3);
    await tracker.clear();
    tracker.enqueue([item('a', 3)]);
    expect(tracker.pending).toBe(1);
    await tracker.clear();
  });
});
