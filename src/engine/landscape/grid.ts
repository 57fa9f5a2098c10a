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

/** The grid points (i, j) = (α index, β index) a level adds to the ones before it. */
export interface GridLevel {
  size: number;
  points: Array<[number, number]>;
}

/**
 * The order in which an n x n grid is computed: level by level (a 13 x 13 preview, then finer
 * sub-grids, each drawable on its own once complete), each level listing only new points.
 */
export function gridLevels(n: number, preview = 13): GridLevel[] {
  const done = new Set<number>();
  return levelSizes(n, preview).map((size) => {
    const axis = levelIndices(n, size);
    const points: Array<[number, number]> = [];
    for (const j of axis) for (const i of axis) if (!done.has(j * n + i)) points.push([i, j]);
    points.forEach(([i, j]) => done.add(j * n + i));
    return { size, points };
  });
}
