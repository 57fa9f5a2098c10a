/**
 * Parameters by name. Dense kernels are [in, out], conv kernels [kh, kw, in, out]; the head is
 * always "head/kernel" [m, classes] and "head/bias" [classes]. No tfjs at run time here (the
 * tensor helpers are in paramTensors.ts), so descriptors the UI reads can use these names.
 */
import type { Tensor } from '@tensorflow/tfjs-core';

/** Named parameter tensors, e.g. "dense1/kernel" -> [784, 64]. */
export type Params = Record<string, Tensor>;

/** Parameters held in JavaScript memory, by name (same layouts as the tensors). */
export type HostParams = Record<string, Float32Array>;

export type InitKind = 'he-normal' | 'lecun-normal' | 'zeros';

export interface ParamSpec {
  name: string;
  shape: number[];
  init: InitKind;
  fanIn: number;
}

export const HEAD_KERNEL = 'head/kernel';
export const HEAD_BIAS = 'head/bias';

export function paramSize(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function countParams(specs: readonly ParamSpec[]): number {
  return specs.reduce((acc, s) => acc + paramSize(s.shape), 0);
}

export function paramList(params: Params, names: readonly string[]): Tensor[] {
  return names.map((name) => {
    const t = params[name];
    if (!t) throw new Error(`parameter "${name}" is missing`);
    return t;
  });
}

export function paramsFromList(names: readonly string[], tensors: readonly Tensor[]): Params {
  return Object.fromEntries(names.map((name, i) => [name, tensors[i]]));
}

/** `fn` applied to every entry of a record of tensors (or anything else), keeping the names. */
export function mapEntries<T, U>(record: Record<string, T>, fn: (value: T, name: string) => U): Record<string, U> {
  return Object.fromEntries(Object.entries(record).map(([name, value]) => [name, fn(value, name)]));
}
