import * as tf from '@tensorflow/tfjs-core';
import { createRng, deriveSeed } from '../rng';
import { paramSize, type Params, type ParamSpec } from './params';

/**
 * Seeded initialization computed in JavaScript, so the same seed gives bit-identical weights on
 * every backend. Each parameter draws from its own stream (seed derived from its name).
 * he-normal: N(0, 2 / fanIn) for ReLU layers; lecun-normal: N(0, 1 / fanIn) for the linear head;
 * biases start at zero.
 */
export function initialValues(spec: ParamSpec, seed: number): Float32Array {
  const values = new Float32Array(paramSize(spec.shape));
  if (spec.init === 'zeros') return values;
  const rng = createRng(deriveSeed(seed, spec.name));
  const std = Math.sqrt((spec.init === 'he-normal' ? 2 : 1) / spec.fanIn);
  for (let i = 0; i < values.length; i++) values[i] = rng.normal() * std;
  return values;
}

export function initParams(specs: readonly ParamSpec[], seed: number): Params {
  const params: Params = {};
  for (const spec of specs) params[spec.name] = tf.keep(tf.tensor(initialValues(spec, seed), spec.shape, 'float32'));
  return params;
}
