import type { JobControl } from '../control';

/** A symmetric linear operator v ↦ Av on R^n, applied asynchronously (e.g. a Hessian on the device). */
export interface SymmetricOperator {
  readonly dimension: number;
  apply(v: Float64Array): Promise<Float64Array>;
  /** Av with each piece of its device work (e.g. a chunk of the samples) run through `control.exclusive`. */
  applyInPieces?(v: Float64Array, control: JobControl): Promise<Float64Array>;
}

/** Av under a job's control: in the operator's own pieces when it has them, else as one piece. */
export function applyUnder(op: SymmetricOperator, v: Float64Array, control: JobControl): Promise<Float64Array> {
  return op.applyInPieces ? op.applyInPieces(v, control) : control.exclusive(() => op.apply(v));
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

/** a·b with four partial sums (independent additions pipeline; about 1.4x a single running sum). */
export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    s0 += a[i] * b[i];
    s1 += a[i + 1] * b[i + 1];
    s2 += a[i + 2] * b[i + 2];
    s3 += a[i + 3] * b[i + 3];
  }
  for (; i < n; i++) s0 += a[i] * b[i];
  return s0 + s1 + (s2 + s3);
}

export function norm(a: ArrayLike<number>): number {
  return Math.sqrt(dot(a, a));
}

/** a ← a + c·b, in place. */
export function axpy(a: Float64Array, c: number, b: ArrayLike<number>): void {
  const n = a.length;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    a[i] += c * b[i];
    a[i + 1] += c * b[i + 1];
    a[i + 2] += c * b[i + 2];
    a[i + 3] += c * b[i + 3];
  }
  for (; i < n; i++) a[i] += c * b[i];
}

export function scale(a: Float64Array, c: number): void {
  for (let i = 0; i < a.length; i++) a[i] *= c;
}
