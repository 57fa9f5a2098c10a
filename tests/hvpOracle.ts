/**
 * An exact Hessian-vector product in float64 for a one-hidden-layer ReLU MLP with softmax
 * cross-entropy (mean over samples), by Pearlmutter's R-operator: forward-mode differentiation of
 * the backward pass along v. The ReLU pattern is the one at θ, as in the engine (a.e. the Hessian).
 * Row-major matrices; parameters in the engine's order: dense1 kernel [d,h], bias [h], head kernel
 * [h,k], bias [k].
 */
export interface OracleMlp {
  x: Float64Array; // [n, d]
  labels: ArrayLike<number>;
  n: number;
  d: number;
  h: number;
  k: number;
}

function matmul(a: Float64Array, b: Float64Array, n: number, m: number, p: number): Float64Array {
  const out = new Float64Array(n * p);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < m; j++) {
      const aij = a[i * m + j];
      if (aij !== 0) for (let l = 0; l < p; l++) out[i * p + l] += aij * b[j * p + l];
    }
  return out;
}

/** aᵀ·b for a [n, m], b [n, p] → [m, p]. */
function matmulTA(a: Float64Array, b: Float64Array, n: number, m: number, p: number): Float64Array {
  const out = new Float64Array(m * p);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) for (let l = 0; l < p; l++) out[j * p + l] += a[i * m + j] * b[i * p + l];
  return out;
}

/** a·bᵀ for a [n, p], b [m, p] → [n, m]. */
function matmulTB(a: Float64Array, b: Float64Array, n: number, p: number, m: number): Float64Array {
  const out = new Float64Array(n * m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) for (let l = 0; l < p; l++) out[i * m + j] += a[i * p + l] * b[j * p + l];
  return out;
}

const addBias = (z: Float64Array, b: ArrayLike<number>, cols: number) => z.map((v, i) => v + b[i % cols]);
const columnSums = (z: Float64Array, cols: number) => {
  const out = new Float64Array(cols);
  z.forEach((v, i) => (out[i % cols] += v));
  return out;
};

export function exactMlpHvp(net: OracleMlp, theta: Float64Array, v: Float64Array): Float64Array {
  const { x, labels, n, d, h, k } = net;
  const sizes = [d * h, h, h * k, k];
  const split = (t: Float64Array) => {
    const parts: Float64Array[] = [];
    let o = 0;
    for (const s of sizes) parts.push(t.slice(o, (o += s)));
    return parts;
  };
  const [w1, b1, w2, b2] = split(theta);
  const [v1, vb1, v2, vb2] = split(v);
  const z1 = addBias(matmul(x, w1, n, d, h), b1, h);
  const mask = z1.map((z) => (z > 0 ? 1 : 0));
  const a = z1.map((z, i) => z * mask[i]);
  const z2 = addBias(matmul(a, w2, n, h, k), b2, k);
  const p = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    const row = z2.subarray(i * k, i * k + k);
    const top = Math.max(...row);
    const e = row.map((z) => Math.exp(z - top));
    const s = e.reduce((acc, q) => acc + q, 0);
    e.forEach((q, c) => (p[i * k + c] = q / s));
  }
  const dz2 = p.map((q, idx) => (q - (labels[Math.floor(idx / k)] === idx % k ? 1 : 0)) / n);
  // R{·}: derivatives along v of every quantity of the forward and backward pass.
  const rz1 = addBias(matmul(x, v1, n, d, h), vb1, h);
  const ra = rz1.map((z, i) => z * mask[i]);
  const av2 = matmul(a, v2, n, h, k);
  const rz2 = addBias(matmul(ra, w2, n, h, k), vb2, k).map((z, i) => z + av2[i]);
  const rdz2 = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    let mean = 0;
    for (let c = 0; c < k; c++) mean += p[i * k + c] * rz2[i * k + c];
    for (let c = 0; c < k; c++) rdz2[i * k + c] = (p[i * k + c] * (rz2[i * k + c] - mean)) / n;
  }
  const ardz2 = matmulTA(a, rdz2, n, h, k);
  const rw2 = matmulTA(ra, dz2, n, h, k).map((q, i) => q + ardz2[i]);
  const rb2 = columnSums(rdz2, k);
  const dz2v2 = matmulTB(dz2, v2, n, k, h);
  const rda = matmulTB(rdz2, w2, n, k, h).map((q, i) => q + dz2v2[i]);
  const rdz1 = rda.map((q, i) => q * mask[i]);
  const rw1 = matmulTA(x, rdz1, n, d, h);
  const rb1 = columnSums(rdz1, h);
  return Float64Array.from([...rw1, ...rb1, ...rw2, ...rb2]);
}
