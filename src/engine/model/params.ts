import * as tf from '@tensorflow/tfjs-core';

/** Named parameter tensors, e.g. "dense1/kernel" -> [784, 64]. Dense kernels are [in, out]; conv kernels [kh, kw, in, out]. */
export type Params = Record<string, tf.Tensor>;

export type InitKind = 'he-normal' | 'lecun-normal' | 'zeros';

export interface ParamSpec {
  name: string;
  shape: number[];
  init: InitKind;
  fanIn: number;
}

export function paramSize(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function countParams(specs: readonly ParamSpec[]): number {
  return specs.reduce((acc, s) => acc + paramSize(s.shape), 0);
}

export function paramList(params: Params, names: readonly string[]): tf.Tensor[] {
  return names.map((name) => {
    const t = params[name];
    if (!t) throw new Error(`parameter "${name}" is missing`);
    return t;
  });
}

export function paramsFromList(names: readonly string[], tensors: readonly tf.Tensor[]): Params {
  const out: Params = {};
  names.forEach((name, i) => {
    out[name] = tensors[i];
  });
  return out;
}

export function cloneParams(params: Params): Params {
  const out: Params = {};
  for (const [name, t] of Object.entries(params)) out[name] = tf.keep(t.clone());
  return out;
}

export function disposeParams(params: Params): void {
  tf.dispose(Object.values(params));
}

/** Applies `fn` to every named tensor inside one tidy and keeps the results. */
export function mapParams(params: Params, fn: (t: tf.Tensor, name: string) => tf.Tensor): Params {
  return tf.tidy(() => {
    const out: Params = {};
    for (const [name, t] of Object.entries(params)) out[name] = fn(t, name);
    return out;
  });
}

/** Parameters held in JavaScript memory, by name (same layouts as the tensors). */
export type HostParams = Record<string, Float32Array>;

export async function readParams(params: Params): Promise<HostParams> {
  const out: HostParams = {};
  for (const [name, t] of Object.entries(params)) out[name] = new Float32Array(await t.data());
  return out;
}

/** Uploads host parameters as kept tensors with the specs' shapes. */
export function uploadParams(specs: readonly ParamSpec[], values: HostParams): Params {
  const out: Params = {};
  for (const spec of specs) out[spec.name] = tf.keep(tf.tensor(values[spec.name], spec.shape, 'float32'));
  return out;
}
