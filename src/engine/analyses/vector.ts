import { paramSize, type HostParams, type ParamSpec } from '../model/params';

/** Where each parameter tensor sits in the flat vector (the model's parameter order). */
export interface Block {
  name: string;
  offset: number;
  size: number;
}

export function blocksOf(specs: readonly ParamSpec[]): Block[] {
  let offset = 0;
  return specs.map((s) => {
    const block = { name: s.name, offset, size: paramSize(s.shape) };
    offset += block.size;
    return block;
  });
}

/** The parameters as one float64 vector in the specs' order. */
export function flatten(specs: readonly ParamSpec[], params: HostParams): Float64Array {
  const blocks = blocksOf(specs);
  const out = new Float64Array(blocks.reduce((acc, b) => acc + b.size, 0));
  for (const b of blocks) {
    const values = params[b.name];
    if (!values || values.length !== b.size) throw new Error(`parameter "${b.name}" is missing or has the wrong size`);
    out.set(values, b.offset);
  }
  return out;
}

/** The inverse of `flatten` (rounded to float32). */
export function unflatten(specs: readonly ParamSpec[], flat: ArrayLike<number>): HostParams {
  const out: HostParams = {};
  for (const b of blocksOf(specs)) out[b.name] = Float32Array.from({ length: b.size }, (_, i) => flat[b.offset + i]);
  return out;
}

export function add(a: ArrayLike<number>, b: ArrayLike<number>, scale = 1): Float64Array {
  return Float64Array.from({ length: a.length }, (_, i) => a[i] + scale * b[i]);
}

export function subtract(a: ArrayLike<number>, b: ArrayLike<number>): Float64Array {
  return Float64Array.from({ length: a.length }, (_, i) => a[i] - b[i]);
}

/** A vector signed so its largest entry is positive (eigenvectors and principal components come out the same on every run). */
export function oriented(v: Float64Array): Float64Array {
  let k = 0;
  for (let i = 1; i < v.length; i++) if (Math.abs(v[i]) > Math.abs(v[k])) k = i;
  return v[k] < 0 ? v.map((x) => -x) : v;
}
