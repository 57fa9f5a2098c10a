import { createRng, deriveSeed } from '../rng';
import { paramSize, type HostParams, type ParamSpec } from '../model/params';

/** 'filter': Li et al.'s filter normalization; 'none': the raw Gaussian direction (for comparison). */
export type DirectionNormalization = 'filter' | 'none';

/**
 * Rescales every filter of `d` to the norm of the same filter of `w`, in place. A filter is one
 * output unit, the last axis in both layouts: a dense kernel [in, out] has `out` filters (columns),
 * a conv kernel [kh, kw, in, out] one per output channel; so element i belongs to filter i mod out.
 */
export function filterNormalize(shape: readonly number[], d: Float32Array, w: Float32Array): void {
  const out = shape[shape.length - 1];
  const dNorm = new Float64Array(out);
  const wNorm = new Float64Array(out);
  for (let i = 0; i < d.length; i++) {
    dNorm[i % out] += d[i] * d[i];
    wNorm[i % out] += w[i] * w[i];
  }
  const scale = Array.from(dNorm, (dn, f) => Math.sqrt(wNorm[f]) / (Math.sqrt(dn) + 1e-10));
  for (let i = 0; i < d.length; i++) d[i] *= scale[i % out];
}

/**
 * A seeded Gaussian direction in weight space, drawn in JavaScript (the same numbers on every
 * backend), each tensor from its own stream. Tensors of rank ≥ 2 are filter-normalized to `weights`;
 * rank-1 tensors (biases) get a zero direction (docs/ALGORITHMS.md, "Loss landscapes").
 */
export function randomDirection(
  specs: readonly ParamSpec[],
  weights: HostParams,
  seed: number,
  normalization: DirectionNormalization = 'filter',
): HostParams {
  const out: HostParams = {};
  for (const spec of specs) {
    const d = new Float32Array(paramSize(spec.shape));
    out[spec.name] = d;
    if (spec.shape.length < 2) continue;
    const rng = createRng(deriveSeed(seed, `direction/${spec.name}`));
    for (let i = 0; i < d.length; i++) d[i] = rng.normal();
    if (normalization === 'filter') filterNormalize(spec.shape, d, weights[spec.name]);
  }
  return out;
}

/** `to − from` for every tensor (the direction of a linear interpolation, not normalized). */
export function difference(from: HostParams, to: HostParams): HostParams {
  const out: HostParams = {};
  for (const [name, a] of Object.entries(from)) {
    const b = to[name];
    if (!b || b.length !== a.length) throw new Error(`the two models differ at "${name}"`);
    out[name] = b.map((v, i) => v - a[i]);
  }
  return out;
}

/** Seeds of the two directions of a landscape (shared by every lane unless per-lane seeds are asked for). */
export function directionSeeds(seed: number, laneId: string | null): [number, number] {
  const base = laneId === null ? seed : deriveSeed(seed, `lane/${laneId}`);
  return [deriveSeed(base, 'd1'), deriveSeed(base, 'd2')];
}
