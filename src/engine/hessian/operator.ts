/** A symmetric linear operator v ↦ Av on R^n, applied asynchronously (e.g. a Hessian on the device). */
export interface SymmetricOperator {
  readonly dimension: number;
  apply(v: Float64Array): Promise<Float64Array>;
}

/** An explicit symmetric matrix as an operator (tests, and small problems). */
export function matrixOperator(rows: ArrayLike<number>[]): SymmetricOperator {
  const n = rows.length;
  return {
    dimension: n,
    async apply(v) {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = 0; j < n; j++) s += rows[i][j] * v[j];
        out[i] = s;
      }
      return out;
    },
  };
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

export function norm(a: ArrayLike<number>): number {
  return Math.sqrt(dot(a, a));
}

/** a ← a + c·b, in place. */
export function axpy(a: Float64Array, c: number, b: ArrayLike<number>): void {
  for (let i = 0; i < a.length; i++) a[i] += c * b[i];
}

export function scale(a: Float64Array, c: number): void {
  for (let i = 0; i < a.length; i++) a[i] *= c;
}
