/**
 * The landscape benchmark: the per-point loop of the Python loss-landscape tool against our fast
 * path (first layer as a linear combination, K points per dispatch), on the same surface, with
 * the largest relative difference between the two over every point.
 */
import * as tf from '@tensorflow/tfjs-core';
import { disposeEvalSet, makeEvalSet } from '../engine/data/batch';
import type { Dataset } from '../engine/data/dataset';
import { initParams } from '../engine/model/init';
import { disposeParams, readParams } from '../engine/model/paramTensors';
import { createModel } from '../engine/model/registry';
import { DEFAULT_CNN, DEFAULT_MLP, describeModel, type ModelSpec } from '../engine/model/spec';
import { randomDirection } from '../engine/landscape/directions';
import { evaluatePointsFast, evaluatePointsNaive } from '../engine/landscape/evaluate';
import { evaluationChunkSize } from '../engine/model/chunks';
import { AffineFamily } from '../engine/landscape/family';
import { linspace } from '../engine/landscape/grid';

export interface LandscapeBenchRow {
  model: string;
  backend: string;
  points: number;
  grid: string;
  samples: number;
  naiveSeconds: number;
  fastSeconds: number;
  ratio: number;
  maxRelDiff: number;
}

export async function benchLandscape(dataset: Dataset, spec: ModelSpec, gridSize: number, samples: number): Promise<LandscapeBenchRow> {
  const model = createModel(spec, dataset.info.shape, dataset.info.classNames.length);
  const params = initParams(model.params, 1);
  const weights = await readParams(params);
  disposeParams(params);
  const family = new AffineFamily(model.params, weights, [
    randomDirection(model.params, weights, 1),
    randomDirection(model.params, weights, 2),
  ]);
  const set = makeEvalSet(dataset.train, dataset.info, samples, evaluationChunkSize(model));
  const axis = linspace(-1, 1, gridSize);
  const coords = axis.flatMap((b) => axis.map((a) => [a, b]));
  try {
    await evaluatePointsFast(model, family, set, coords.slice(0, 2), 'cross-entropy'); // warm-up: kernels compiled, buffers allocated
    let started = performance.now();
    const fast = await evaluatePointsFast(model, family, set, coords, 'cross-entropy');
    const fastSeconds = (performance.now() - started) / 1000;
    started = performance.now();
    const naive = await evaluatePointsNaive(model, family, set, coords, 'cross-entropy');
    const naiveSeconds = (performance.now() - started) / 1000;
    let maxRelDiff = 0;
    naive.loss.forEach((v, k) => (maxRelDiff = Math.max(maxRelDiff, Math.abs(fast.loss[k] - v) / Math.abs(v))));
    return {
      model: describeModel(spec),
      backend: tf.getBackend(),
      points: coords.length,
      grid: `${gridSize}x${gridSize}`,
      samples: set.count,
      naiveSeconds,
      fastSeconds,
      ratio: naiveSeconds / fastSeconds,
      maxRelDiff,
    };
  } finally {
    family.dispose();
    disposeEvalSet(set);
  }
}

/** The default MLP at 51 x 51 and the default CNN at a smaller grid (its per-point loop takes about a second a point here). */
export async function landscapeBenchmarks(
  dataset: Dataset,
  options: { mlpGrid: number; cnnGrid: number; samples: number },
): Promise<{ mlp: LandscapeBenchRow; cnn: LandscapeBenchRow }> {
  const mlp = await benchLandscape(dataset, DEFAULT_MLP, options.mlpGrid, options.samples);
  const cnn = await benchLandscape(dataset, DEFAULT_CNN, options.cnnGrid, options.samples);
  return { mlp, cnn };
}
