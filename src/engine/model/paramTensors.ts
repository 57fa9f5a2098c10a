import * as tf from '@tensorflow/tfjs-core';
import { mapEntries, type HostParams, type Params, type ParamSpec } from './params';

export function cloneParams(params: Params): Params {
  return mapEntries(params, (t) => tf.keep(t.clone()));
}

export function disposeParams(params: Params): void {
  tf.dispose(Object.values(params));
}

/** Applies `fn` to every named tensor inside one tidy and keeps the results. */
export function mapParams(params: Params, fn: (t: tf.Tensor, name: string) => tf.Tensor): Params {
  return tf.tidy(() => mapEntries(params, fn));
}

export async function readParams(params: Params): Promise<HostParams> {
  const out: HostParams = {};
  for (const [name, t] of Object.entries(params)) out[name] = new Float32Array(await t.data());
  return out;
}

/** Uploads host parameters as kept tensors with the specs' shapes. */
export function uploadParams(specs: readonly ParamSpec[], values: HostParams): Params {
  return Object.fromEntries(specs.map((spec) => [spec.name, tf.keep(tf.tensor(values[spec.name], spec.shape, 'float32'))]));
}

/** All parameters as one float32 vector in the specs' order, read back at once. */
export async function readFlat(specs: readonly ParamSpec[], params: Params): Promise<Float32Array> {
  const flat = tf.tidy(() => tf.concat(specs.map((s) => tf.reshape(params[s.name], [-1]))));
  const values = (await flat.data()) as Float32Array;
  flat.dispose();
  return values;
}
