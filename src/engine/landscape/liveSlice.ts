import * as tf from '@tensorflow/tfjs-core';
import type { JobControl } from '../control';
import type { EvalSet } from '../data/batch';
import type { LossKind } from '../model/spec';
import type { Model } from '../model/model';
import type { HostParams } from '../model/params';
import { randomDirection } from './directions';
import { evaluatePointsFast } from './evaluate';
import { AffineFamily } from './family';
import { linspace } from './grid';

const CPU_POINTS_PER_PIECE = 3;

/** α of the live slice: the loss-landscape tool's usual range, 21 points (the centre is α = 0). */
export const LIVE_SLICE_ALPHAS: readonly number[] = linspace(-1, 1, 21);
/**
 * One seed for every lane and every step: each lane's direction is the same Gaussian draw,
 * filter-normalized to that lane's weights now, so the curves of two lanes (and of one lane over
 * time) differ by the weights alone.
 */
export const LIVE_SLICE_SEED = 20_180_101;

/**
 * The mean loss on `set` along a random filter-normalized direction through `weights` (Li et al.
 * 2018, as the Loss landscape panel's 1D curve), at LIVE_SLICE_ALPHAS by the fast path, in pieces
 * of device work (all points at once on a GPU): cheap enough to refresh at every tracking round.
 */
export async function liveSlice(model: Model, weights: HostParams, set: EvalSet, loss: LossKind, control: JobControl): Promise<number[]> {
  const direction = randomDirection(model.params, weights, LIVE_SLICE_SEED, 'filter');
  const family = new AffineFamily(model.params, weights, [direction]);
  try {
    const coords = LIVE_SLICE_ALPHAS.map((a) => [a]);
    // On the CPU backends the points run one by one anyway: a few per piece keep each slice short
    // (21 points of a CNN on 256 samples take over a second on WASM).
    const perPiece = ['webgl', 'webgpu'].includes(tf.getBackend()) ? coords.length : CPU_POINTS_PER_PIECE;
    const out: number[] = [];
    for (let s = 0; s < coords.length; s += perPiece) {
      const values = await control.exclusive(() => evaluatePointsFast(model, family, set, coords.slice(s, s + perPiece), loss));
      out.push(...values.loss);
    }
    return out;
  } finally {
    family.dispose();
  }
}
