import * as tf from '@tensorflow/tfjs-core';
import type { Model } from './model';

/** Size of the first layer's output per sample (e.g. 128 for dense1, 28·28·16 for conv1). */
export function firstLayerWidth(model: Model): number {
  return tf.tidy(() => {
    const x = tf.zeros([1, ...model.inputShape]) as tf.Tensor4D;
    const kernel = tf.zeros(model.params.find((p) => p.name === model.firstLayer.kernel)!.shape);
    return model.firstLinear(x, kernel).size;
  });
}

/** Largest first-layer output of a landscape evaluation chunk, in floats (the fast path keeps J + 1 of them). */
const EVALUATION_FLOATS = 2 ** 22;
/** Largest first-layer output of a Hessian gradient chunk, in floats (one backward pass at a time). */
const GRADIENT_FLOATS = 2 ** 23;
const MOST_SAMPLES = 1000;

function chunkWithin(model: Model, floats: number): number {
  return Math.max(16, Math.min(MOST_SAMPLES, Math.floor(floats / firstLayerWidth(model))));
}

/** Samples per forward-only evaluation chunk (landscapes, test evaluations): 1,000 for the default MLP, 334 for the default CNN. */
export function evaluationChunkSize(model: Model): number {
  return chunkWithin(model, EVALUATION_FLOATS);
}

/**
 * Samples per gradient chunk of a Hessian-vector product: 1,000 for the default MLP (one backward
 * pass over the default 1,000 samples; 500-sample chunks made an HVP ~20% slower), 668 for the CNN.
 */
export function gradientChunkSize(model: Model): number {
  return chunkWithin(model, GRADIENT_FLOATS);
}

/** Largest first-layer output of one piece of a tracking HVP, in floats (a slice between training windows). */
const PIECE_FLOATS = 2 ** 19;

/**
 * Samples per chunk when `count` samples are measured in slices beside training, split evenly: the
 * default MLP's 256 in one chunk; the default CNN's in 7 of 37, so a slice is a seventh of an HVP
 * (one whole HVP on 256 samples was 0.7-2 s on WASM here, and with a training window the longest stall).
 */
export function pieceChunkSize(model: Model, count: number): number {
  const most = chunkWithin(model, PIECE_FLOATS);
  return Math.ceil(count / Math.ceil(count / most));
}
