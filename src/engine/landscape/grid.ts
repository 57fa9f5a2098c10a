/** `n` evenly spaced values from `min` to `max` inclusive. */
export function linspace(min: number, max: number, n: number): number[] {
  if (n === 1) return [(min + max) / 2];
  return Array.from({ length: n }, (_, i) => (i === n - 1 ? max : min + ((max - min) * i) / (n - 1)));
}

/** Indices of `size` nearly evenly spaced points of an n-point axis, both ends included. */
export function levelIndices(n: number, size: number): number[] {
  if (size >= n) return Array.from({ length: n }, (_, i) => i);
  return [...new Set(Array.from({ length: size }, (_, j) => Math.round((j * (n - 1)) / (size - 1))))];
}

/** Axis sizes of the coarse-to-fine levels of an n x n grid: a 13 x 13 preview, halfway, then all. */
export function levelSizes(n: number, preview = 13): number[] {
  const sizes = [Math.min(preview, n)];
  const middle = Math.ceil(n / 2);
  if (middle > sizes[0] && middle < n) sizes.push(middle);
  if (n > sizes[sizes.length - 1]) sizes.push(n);
  return sizes;
}

/** One batch of grid points to compute: (i, j) = (α index, β index); `level` is complete after it if `completes`. */
export interface GridPass {
  level: number;
  points: Array<[number, number]>;
  completes: boolean;
}

/**
 * The order in which an n x n grid is computed: level by level (each level a sub-grid that can be
 * drawn on its own), each level in passes of at most `passSize` points not computed before.
 */
export function gridPasses(n: number, passSize: number, preview = 13): GridPass[] {
  const done = new Set<number>();
  const passes: GridPass[] = [];
  levelSizes(n, preview).forEach((size, level) => {
    const axis = levelIndices(n, size);
    const fresh: Array<[number, number]> = [];
    for (const j of axis) for (const i of axis) if (!done.has(j * n + i)) fresh.push([i, j]);
    fresh.forEach(([i, j]) => done.add(j * n + i));
    for (let s = 0; s < fresh.length; s += passSize) {
      passes.push({ level, points: fresh.slice(s, s + passSize), completes: s + passSize >= fresh.length });
    }
    if (fresh.length === 0) passes.push({ level, points: [], completes: true });
  });
  return passes;
}
