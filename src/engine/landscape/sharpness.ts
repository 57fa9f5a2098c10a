/**
 * Sharpness read-outs computed from landscape data (no tensors): the loss rise at radius r, the
 * curvature at the centre by a second difference, and the basin below a loss level.
 */

export interface Basin {
  /** Width along the axis of the connected region around the centre where loss ≤ level (0 if the centre is above it). */
  width: number;
  left: number;
  right: number;
  /** The region reaches the edge of the computed range: the true width is larger. */
  open: boolean;
}

export interface CurveReadout {
  centreLoss: number;
  /** L(−r) − L(0) and L(r) − L(0), linearly interpolated; NaN when r is outside the range. */
  riseMinus: number;
  risePlus: number;
  /** d²L/dα² at the grid point nearest 0, by the three-point second difference (NaN at an edge). */
  curvature: number;
  basin: Basin;
}

/** Linear interpolation of (xs, ys) at x; NaN outside [xs[0], xs[n−1]]. xs ascending. */
export function interpolate(xs: readonly number[], ys: ArrayLike<number>, x: number): number {
  const n = xs.length;
  if (n === 0 || x < xs[0] || x > xs[n - 1]) return NaN;
  let i = 0;
  while (i < n - 2 && xs[i + 1] < x) i++;
  if (n === 1) return ys[0];
  const t = (x - xs[i]) / (xs[i + 1] - xs[i]);
  return ys[i] + t * (ys[i + 1] - ys[i]);
}

export function nearestIndex(xs: readonly number[], x: number): number {
  let best = 0;
  xs.forEach((v, i) => {
    if (Math.abs(v - x) < Math.abs(xs[best] - x)) best = i;
  });
  return best;
}

/** Second derivative at xs[i] from its two neighbours (exact for a quadratic, any spacing). */
export function secondDifference(xs: readonly number[], ys: ArrayLike<number>, i: number): number {
  if (i <= 0 || i >= xs.length - 1) return NaN;
  const hMinus = xs[i] - xs[i - 1];
  const hPlus = xs[i + 1] - xs[i];
  return (2 * ((ys[i + 1] - ys[i]) / hPlus - (ys[i] - ys[i - 1]) / hMinus)) / (hPlus + hMinus);
}

/** Where the segment from (x0, y0) to (x1, y1) crosses `level`. */
function crossing(x0: number, y0: number, x1: number, y1: number, level: number): number {
  return y1 === y0 ? x1 : x0 + ((level - y0) / (y1 - y0)) * (x1 - x0);
}

export function basinAround(xs: readonly number[], ys: ArrayLike<number>, centre: number, level: number): Basin {
  const n = xs.length;
  if (!(ys[centre] <= level)) return { width: 0, left: xs[centre], right: xs[centre], open: false };
  let i = centre;
  while (i > 0 && ys[i - 1] <= level) i--;
  const left = i === 0 ? xs[0] : crossing(xs[i], ys[i], xs[i - 1], ys[i - 1], level);
  let k = centre;
  while (k < n - 1 && ys[k + 1] <= level) k++;
  const right = k === n - 1 ? xs[n - 1] : crossing(xs[k], ys[k], xs[k + 1], ys[k + 1], level);
  return { width: right - left, left, right, open: i === 0 || k === n - 1 };
}

export function curveReadout(xs: readonly number[], ys: ArrayLike<number>, radius: number, level: number): CurveReadout {
  const centre = nearestIndex(xs, 0);
  const centreLoss = interpolate(xs, ys, 0);
  return {
    centreLoss,
    riseMinus: interpolate(xs, ys, -radius) - centreLoss,
    risePlus: interpolate(xs, ys, radius) - centreLoss,
    curvature: secondDifference(xs, ys, centre),
    basin: basinAround(xs, ys, centre, level),
  };
}

export interface SurfaceReadout {
  centreLoss: number;
  alpha: CurveReadout;
  beta: CurveReadout;
  /** ∂²L/∂α∂β at the centre by the four-point difference. */
  mixed: number;
  /** Eigenvalues of the 2 x 2 Hessian of the surface at the centre, largest first. */
  eigenvalues: [number, number];
  /** Area (in α·β units) of the connected region around the centre with loss ≤ level, and its share of the view. */
  basinArea: number;
  basinFraction: number;
  basinOpen: boolean;
}

/** Width of the cell around each grid point (half-way to each neighbour). */
function cellWidths(xs: readonly number[]): number[] {
  return xs.map((_, i) => (xs[Math.min(i + 1, xs.length - 1)] - xs[Math.max(i - 1, 0)]) / 2);
}

/**
 * Read-outs of a surface sampled on the rectilinear grid xs (α) by ys (β); `values[j * xs.length + i]`
 * is the loss at (xs[i], ys[j]).
 */
export function surfaceReadout(
  xs: readonly number[],
  ys: readonly number[],
  values: ArrayLike<number>,
  radius: number,
  level: number,
): SurfaceReadout {
  const nx = xs.length;
  const i0 = nearestIndex(xs, 0);
  const j0 = nearestIndex(ys, 0);
  const at = (i: number, j: number) => values[j * nx + i];
  const row = xs.map((_, i) => at(i, j0));
  const column = ys.map((_, j) => at(i0, j));
  const alpha = curveReadout(xs, row, radius, level);
  const beta = curveReadout(ys, column, radius, level);
  const inside = i0 > 0 && i0 < nx - 1 && j0 > 0 && j0 < ys.length - 1;
  const mixed = inside
    ? (at(i0 + 1, j0 + 1) - at(i0 + 1, j0 - 1) - at(i0 - 1, j0 + 1) + at(i0 - 1, j0 - 1)) /
      ((xs[i0 + 1] - xs[i0 - 1]) * (ys[j0 + 1] - ys[j0 - 1]))
    : NaN;
  const mean = (alpha.curvature + beta.curvature) / 2;
  const spread = Math.hypot((alpha.curvature - beta.curvature) / 2, mixed);
  const wx = cellWidths(xs);
  const wy = cellWidths(ys);
  const seen = new Uint8Array(values.length);
  let basinArea = 0;
  let basinOpen = false;
  const stack: Array<[number, number]> = at(i0, j0) <= level ? [[i0, j0]] : [];
  if (stack.length) seen[j0 * nx + i0] = 1;
  while (stack.length) {
    const [i, j] = stack.pop()!;
    basinArea += wx[i] * wy[j];
    if (i === 0 || j === 0 || i === nx - 1 || j === ys.length - 1) basinOpen = true;
    for (const [a, b] of [
      [i - 1, j],
      [i + 1, j],
      [i, j - 1],
      [i, j + 1],
    ]) {
      if (a < 0 || b < 0 || a >= nx || b >= ys.length || seen[b * nx + a] || !(at(a, b) <= level)) continue;
      seen[b * nx + a] = 1;
      stack.push([a, b]);
    }
  }
  const total = (xs[nx - 1] - xs[0]) * (ys[ys.length - 1] - ys[0]);
  return {
    centreLoss: at(i0, j0),
    alpha,
    beta,
    mixed,
    eigenvalues: [mean + spread, mean - spread],
    basinArea,
    basinFraction: total > 0 ? basinArea / total : NaN,
    basinOpen,
  };
}
