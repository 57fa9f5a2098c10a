import type { JobControl } from '../control';
import { createRng, deriveSeed, permutation } from '../rng';
import type { Objective } from './objective';

/**
 * Quadratic Bézier curves between two minima (Garipov et al. 2018; docs/ALGORITHMS.md, "Mode
 * connectivity"): φ(t) = (1−t)² θ1 + 2t(1−t) θc + t² θ2, in pure arithmetic so the training of
 * the bend can be checked on a plain-JavaScript loss with a known valley.
 */

/** The coefficients (a, b) of φ(t) = θ1 + a (θc − θ1) + b (θ2 − θ1): a = 2t(1−t), b = t². */
export function bezierCoefficients(t: number): [number, number] {
  return [2 * t * (1 - t), t * t];
}

export function bezierPoint(theta1: Float64Array, bend: Float64Array, theta2: Float64Array, t: number): Float64Array {
  const a = (1 - t) * (1 - t);
  const b = 2 * t * (1 - t);
  const c = t * t;
  return Float64Array.from(theta1, (v, i) => a * v + b * bend[i] + c * theta2[i]);
}

/** max_t L(path(t)) − ½(L(θ1) + L(θ2)), with the path's first and last values the end points. */
export function barrier(losses: readonly number[]): number {
  return Math.max(...losses) - 0.5 * (losses[0] + losses[losses.length - 1]);
}

export interface BendTraining {
  bend: Float64Array;
  /** Mean of L(φ(t)) over each `every` steps' samples of t and batches. */
  losses: number[];
  every: number;
  steps: number;
}

export interface BendSettings {
  steps: number;
  learningRate: number;
  momentum: number;
  seed: number;
}

/**
 * Trains θc by SGD with momentum on E_{t~U[0,1]} L_b(φ(t)) (θ1, θ2 fixed): each step draws t and a
 * batch b (the batches in a seeded random order, epoch after epoch), and the gradient for θc is
 * 2t(1−t)·∇L_b(φ(t)). Starts at (θ1 + θ2)/2.
 */
export async function trainBend(
  objective: Objective,
  theta1: Float64Array,
  theta2: Float64Array,
  settings: BendSettings,
  control: JobControl,
  onStep: (done: number) => void = () => undefined,
): Promise<BendTraining> {
  const bend = Float64Array.from(theta1, (v, i) => (v + theta2[i]) / 2);
  const velocity = new Float64Array(bend.length);
  const rng = createRng(deriveSeed(settings.seed, 'bezier/t'));
  const orderRng = createRng(deriveSeed(settings.seed, 'bezier/batches'));
  const every = Math.max(1, Math.round(settings.steps / 50));
  const losses: number[] = [];
  let order = permutation(objective.batches, orderRng);
  let window = 0;
  let step = 0;
  for (; step < settings.steps && !control.cancelled(); step++) {
    const position = step % objective.batches;
    if (position === 0 && step > 0) order = permutation(objective.batches, orderRng);
    const t = rng.next();
    const point = bezierPoint(theta1, bend, theta2, t);
    const { loss, gradient } = await control.exclusive(() => objective.gradient(point, order[position]));
    const weight = 2 * t * (1 - t);
    for (let i = 0; i < bend.length; i++) {
      velocity[i] = settings.momentum * velocity[i] + weight * gradient[i];
      bend[i] -= settings.learningRate * velocity[i];
    }
    window += loss;
    if ((step + 1) % every === 0) {
      losses.push(window / every);
      window = 0;
    }
    onStep(step + 1);
  }
  return { bend, losses, every, steps: step };
}
