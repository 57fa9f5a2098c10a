import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import {
  createOptimizer,
  defaultOptimizerConfig,
  reconfigureOptimizer,
  changeOptimizerKind,
  OPTIMIZERS,
} from '../src/engine/optim/optimizers';
import type { OptimizerConfig } from '../src/engine/optim/optimizers';
import { learningRateAt } from '../src/engine/optim/schedule';
import { type Params } from '../src/engine/model/params';
import { disposeParams } from '../src/engine/model/paramTensors';
import { useCpu } from './helpers';

beforeAll(useCpu);

/** Runs an optimizer on one parameter with a sequence of given gradients; returns θ after each step. */
function run(config: OptimizerConfig, theta0: number[], gradients: number[][], lr = config.lr): number[][] {
  const optimizer = createOptimizer(config, tf);
  let params: Params = { w: tf.keep(tf.tensor1d(theta0)) };
  const out: number[][] = [];
  for (const g of gradients) {
    const grads = { w: tf.tensor1d(g) };
    const next = optimizer.apply(params, grads, lr);
    disposeParams(grads);
    disposeParams(params);
    params = next;
    out.push(Array.from(params.w.dataSync()));
  }
  disposeParams(params);
  optimizer.dispose();
  return out;
}

function close(actual: number[][], expected: number[][]): void {
  actual.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(expected[i][j], 5)));
}

describe('base optimizers against hand computations', () => {
  it('SGD with weight decay: θ ← θ − η(g + λθ)', () => {
    const out = run(
      { kind: 'sgd', lr: 0.1, weightDecay: 0.5 },
      [1, -2],
      [
        [0.5, 1],
        [1, 0],
      ],
    );
    // step 1: θ = [1 − 0.1(0.5 + 0.5), −2 − 0.1(1 − 1)] = [0.9, −2]
    // step 2: θ = [0.9 − 0.1(1 + 0.45), −2 − 0.1(0 − 1)] = [0.755, −1.9]
    close(out, [
      [0.9, -2],
      [0.755, -1.9],
    ]);
  });

  it('momentum, PyTorch convention: v ← μv + g, θ ← θ − ηv', () => {
    const out = run({ kind: 'momentum', lr: 0.1, momentum: 0.9, nesterov: false, weightDecay: 0 }, [1], [[1], [2], [0]]);
    // v1 = 1, θ = 0.9; v2 = 0.9 + 2 = 2.9, θ = 0.61; v3 = 2.61, θ = 0.349
    close(out, [[0.9], [0.61], [0.349]]);
  });

  it('Nesterov momentum: θ ← θ − η(g + μv)', () => {
    const out = run({ kind: 'momentum', lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0 }, [1], [[1], [2]]);
    // v1 = 1, θ = 1 − 0.1(1 + 0.9) = 0.81; v2 = 2.9, θ = 0.81 − 0.1(2 + 2.61) = 0.349
    close(out, [[0.81], [0.349]]);
  });

  it('Adam with bias correction', () => {
    const config: OptimizerConfig = { kind: 'adam', lr: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0, decoupled: false };
    const out = run(config, [1], [[2], [-1]]);
    // t=1: m = 0.2, v = 0.004, m̂ = 2, v̂ = 4 → θ = 1 − 0.01·2/2 = 0.99
    // t=2: m = 0.18 − 0.1 = 0.08, v = 0.003996 + 0.001 = 0.004996;
    //      m̂ = 0.08/0.19, v̂ = 0.004996/0.001999 → θ = 0.99 − 0.01·m̂/√v̂
    const mHat = 0.08 / 0.19;
    const vHat = 0.004996 / (1 - 0.999 ** 2);
    close(out, [[0.99], [0.99 - (0.01 * mHat) / (Math.sqrt(vHat) + 1e-8)]]);
  });

  it('Adam L2 vs decoupled (AdamW) weight decay', () => {
    const base: OptimizerConfig = { kind: 'adam', lr: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.1, decoupled: true };
    // AdamW step 1 with g = 1: θ = 2(1 − 0.1·0.1) − 0.1·1 = 1.88
    close(run(base, [2], [[1]]), [[1.88]]);
    // L2 step 1: g = 1 + 0.2 = 1.2, m̂/√v̂ = 1 → θ = 2 − 0.1 = 1.9
    close(run({ ...base, decoupled: false }, [2], [[1]]), [[1.9]]);
  });

  it('keeps state when settings change, starts fresh when the kind changes', () => {
    const momentum = createOptimizer({ kind: 'momentum', lr: 0.1, momentum: 0.9, nesterov: false, weightDecay: 0 }, tf);
    const same = reconfigureOptimizer(momentum, { kind: 'momentum', lr: 0.2, momentum: 0.5, nesterov: false, weightDecay: 0 }, tf);
    expect(same).toBe(momentum);
    const other = reconfigureOptimizer(momentum, defaultOptimizerConfig('adam'), tf);
    expect(other).not.toBe(momentum);
    other.dispose();
    expect(changeOptimizerKind({ kind: 'sgd', lr: 0.3, weightDecay: 0.01 }, 'momentum')).toMatchObject({
      kind: 'momentum',
      weightDecay: 0.01,
      momentum: 0.9,
    });
  });

  it('every registered optimizer has valid defaults within its control ranges', () => {
    for (const entry of Object.values(OPTIMIZERS)) {
      const config = defaultOptimizerConfig(entry.kind as OptimizerConfig['kind']) as Record<string, unknown>;
      for (const control of entry.controls) {
        if (!('min' in control)) continue;
        expect(config[control.key]).toBeGreaterThanOrEqual(control.min);
        expect(config[control.key]).toBeLessThanOrEqual(control.max);
      }
    }
  });
});

describe('learning-rate schedules', () => {
  const clock = (step: number) => ({ step, stepsPerEpoch: 10, totalSteps: 100 });
  it('constant', () => {
    expect(learningRateAt({ kind: 'constant' }, 0.1, clock(57))).toBe(0.1);
  });
  it('step: multiplied by the factor at each milestone epoch', () => {
    const s = { kind: 'step' as const, milestones: [3, 6], factor: 0.1 };
    expect(learningRateAt(s, 1, clock(29))).toBe(1);
    expect(learningRateAt(s, 1, clock(30))).toBeCloseTo(0.1, 12);
    expect(learningRateAt(s, 1, clock(59))).toBeCloseTo(0.1, 12);
    expect(learningRateAt(s, 1, clock(60))).toBeCloseTo(0.01, 12);
  });
  it('cosine: from η down to the floor over all steps', () => {
    const s = { kind: 'cosine' as const, minFactor: 0.1 };
    expect(learningRateAt(s, 1, clock(0))).toBeCloseTo(1, 12);
    expect(learningRateAt(s, 1, clock(50))).toBeCloseTo(0.55, 12);
    expect(learningRateAt(s, 1, clock(100))).toBeCloseTo(0.1, 12);
    expect(learningRateAt(s, 1, clock(25))).toBeCloseTo(0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI / 4)), 12);
  });
});
