import { describe, expect, it } from 'vitest';
import { barrier, bezierPoint, trainBend } from '../src/engine/analyses/bezier';
import type { Objective } from '../src/engine/analyses/objective';
import { DIRECT_CONTROL } from '../src/engine/control';

/**
 * L(x, y) = (x² + (y − 0.3)² − 1.09)²: a ring-shaped valley of minima through (−1, 0) and (1, 0),
 * centred off the straight path so that the gradient there breaks the tie between the two arcs.
 */
const ring: Objective = {
  dimension: 2,
  batches: 1,
  counts: { losses: 0, gradients: 0 },
  async loss(p) {
    return ringLoss(p);
  },
  async gradient(p) {
    const r = p[0] ** 2 + (p[1] - 0.3) ** 2 - 1.09;
    return { loss: r * r, gradient: Float64Array.from([4 * r * p[0], 4 * r * (p[1] - 0.3)]) };
  },
};
const ringLoss = (p: Float64Array) => (p[0] ** 2 + (p[1] - 0.3) ** 2 - 1.09) ** 2;
const theta1 = Float64Array.from([-1, 0]);
const theta2 = Float64Array.from([1, 0]);
const ts = Array.from({ length: 201 }, (_, i) => i / 200);
/** E_t L(φ(t)) by the trapezoid rule on 201 points. */
const meanLoss = (bend: Float64Array) => {
  const v = ts.map((t) => ringLoss(bezierPoint(theta1, bend, theta2, t)));
  return (v.reduce((a, b) => a + b, 0) - (v[0] + v[v.length - 1]) / 2) / (v.length - 1);
};

describe('mode connectivity on a loss with a known valley', () => {
  it('the straight path crosses the ring’s centre: barrier exactly 1', () => {
    const losses = ts.map((t) => ringLoss(bezierPoint(theta1, Float64Array.from([0, 0]), theta2, t)));
    expect(barrier(losses)).toBeCloseTo(1, 12);
  });

  it('the trained bend follows the valley: it matches the best bend found by search, and its barrier is far lower', async () => {
    // The gradient at the midpoint points the bend to the lower arc; by symmetry in x the best bend
    // there is (0, c), c < 0: find c by a dense search of the mean loss along the curve.
    let best = { c: 0, value: Infinity };
    for (let c = -3; c <= 0; c += 1e-4) {
      const value = meanLoss(Float64Array.from([0, c]));
      if (value < best.value) best = { c, value };
    }
    const trained = await trainBend(ring, theta1, theta2, { steps: 3000, learningRate: 0.02, momentum: 0.9, seed: 1 }, DIRECT_CONTROL);
    const bend = trained.bend;
    expect(Math.abs(bend[0])).toBeLessThan(0.02);
    expect(Math.abs(bend[1] - best.c)).toBeLessThan(0.02 * Math.abs(best.c));
    const curve = ts.map((t) => ringLoss(bezierPoint(theta1, bend, theta2, t)));
    expect(barrier(curve)).toBeLessThan(0.05);
    expect(trained.losses.length).toBe(50);
    expect(trained.losses[trained.losses.length - 1]).toBeLessThan(trained.losses[0]);
  });
});
