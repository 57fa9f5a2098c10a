import { topEigenpairs } from '../hessian/lanczos';
import { dot, type SymmetricOperator } from '../hessian/operator';
import { oriented } from './vector';

export interface PlanePca {
  /** The first two principal directions, unit norm, each oriented so its largest entry is positive. */
  directions: [Float64Array, Float64Array];
  /** Share of the total variance ‖A‖²_F along each direction. */
  explained: [number, number];
  /** Coordinates (⟨p − c, d1⟩, ⟨p − c, d2⟩) of every row, in the rows' order. */
  coordinates: Array<[number, number]>;
}

/**
 * PCA of points (rows) centred on `centre`, without forming the d × d covariance: the top two
 * eigenvectors of AᵀA (A the centred rows) by Lanczos with full re-orthogonalization, applying
 * v ↦ Aᵀ(Av) in float64. With K rows the Krylov space has at most K dimensions, so at most K steps.
 */
export async function planePca(rows: readonly ArrayLike<number>[], centre: ArrayLike<number>): Promise<PlanePca> {
  const d = centre.length;
  const centred = rows.map((r) => Float64Array.from({ length: d }, (_, i) => r[i] - centre[i]));
  const total = centred.reduce((acc, r) => acc + dot(r, r), 0);
  if (centred.length < 2 || total === 0) throw new Error('a trajectory plane needs at least two different snapshots');
  const op: SymmetricOperator = {
    dimension: d,
    async apply(v) {
      const out = new Float64Array(d);
      for (const r of centred) {
        const c = dot(r, v);
        for (let i = 0; i < d; i++) out[i] += c * r[i];
      }
      return out;
    },
  };
  const { pairs } = await topEigenpairs(op, { k: 2, tol: 1e-6, maxIterations: Math.min(centred.length + 2, 100), seed: 1 });
  const directions = pairs.slice(0, 2).map((p) => oriented(p.vector));
  while (directions.length < 2) directions.push(new Float64Array(d));
  const explained = pairs.slice(0, 2).map((p) => Math.max(0, p.value) / total);
  while (explained.length < 2) explained.push(0);
  return {
    directions: [directions[0], directions[1]],
    explained: [explained[0], explained[1]],
    coordinates: centred.map((r) => [dot(r, directions[0]), dot(r, directions[1])]),
  };
}
