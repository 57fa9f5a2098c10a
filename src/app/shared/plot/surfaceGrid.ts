import type { SurfaceResult } from '../../../engine/landscape/config';

export interface SurfaceGrid {
  /** α coordinates (x axis) and β coordinates (y axis) of a rectilinear grid, ascending. */
  xs: number[];
  ys: number[];
  /** loss[j * xs.length + i] at (xs[i], ys[j]); accuracy likewise in [0,1]. Finite numbers (the caller passes complete grids only). */
  loss: number[];
  accuracy: number[];
}

const cache = new WeakMap<SurfaceResult, SurfaceGrid | null>();

/**
 * The finest completely computed level of a surface as a rectilinear grid, or null before the
 * preview is done. Cached per result, so views keep the same grid object until new data arrives.
 */
export function completeGrid(surface: SurfaceResult): SurfaceGrid | null {
  if (!cache.has(surface)) cache.set(surface, extract(surface));
  return cache.get(surface)!;
}

function extract(surface: SurfaceResult): SurfaceGrid | null {
  const idx = surface.level;
  if (idx.length < 2) return null;
  const n = surface.alphas.length;
  const loss: number[] = [];
  const accuracy: number[] = [];
  for (const j of idx) {
    for (const i of idx) {
      loss.push(surface.loss[j * n + i]);
      accuracy.push(surface.accuracy[j * n + i]);
    }
  }
  return { xs: idx.map((i) => surface.alphas[i]), ys: idx.map((j) => surface.betas[j]), loss, accuracy };
}
