import { contours } from 'd3-contour';
import { interpolateViridis } from 'd3-scale-chromatic';
import type { SurfaceGrid } from './surfaceGrid';

/** Shared colour scale: every landscape view of one comparison uses the same instance. */
export interface ColorScale {
  min: number;
  max: number;
  log: boolean;
  /** sRGB components in 0..1. */
  color(v: number): [number, number, number];
  css(v: number): string;
  /** 0..1 (clamped); linear in log10(v) when `log`. */
  normalize(v: number): number;
  /** Inverse of normalize: the loss value at normalized position t (0..1). */
  invert(t: number): number;
}

/** Losses are positive; this keeps log10 finite if a zero or negative value slips through. */
const LOG_FLOOR = 1e-12;
const LUT_SIZE = 256;

function parseCssColor(css: string): [number, number, number] {
  const hex = /^#([0-9a-f]{6})$/i.exec(css);
  if (hex) {
    const n = parseInt(hex[1], 16);
    return [((n >> 16) & 255) / 255, ((n >> 8) & 255) / 255, (n & 255) / 255];
  }
  const rgb = /^rgba?\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)/i.exec(css);
  if (rgb) return [Number(rgb[1]) / 255, Number(rgb[2]) / 255, Number(rgb[3]) / 255];
  return [0, 0, 0];
}

/** CSS rgb() of sRGB components in 0..1. */
export function toCss([r, g, b]: [number, number, number]): string {
  return `rgb(${Math.round(r * 255)}, ${Math.round(g * 255)}, ${Math.round(b * 255)})`;
}

function finiteExtent(values: number[][], transform: (v: number) => number): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const row of values) {
    for (const raw of row) {
      if (!Number.isFinite(raw)) continue;
      const v = transform(raw);
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return lo <= hi ? [lo, hi] : [0, 1];
}

export function makeColorScale(values: number[][], log: boolean): ColorScale {
  const forward = log ? (v: number) => Math.log10(Math.max(v, LOG_FLOOR)) : (v: number) => v;
  const backward = log ? (t: number) => 10 ** t : (t: number) => t;
  const [lo, hi] = finiteExtent(values, forward);
  const span = hi - lo;
  const lut: [number, number, number][] = [];
  for (let i = 0; i < LUT_SIZE; i++) lut.push(parseCssColor(interpolateViridis(i / (LUT_SIZE - 1))));

  const normalize = (v: number): number => {
    if (!Number.isFinite(v)) return v > 0 ? 1 : 0;
    // A flat landscape has no range: put it mid-scale rather than dividing by zero.
    if (span <= 0) return 0.5;
    return Math.min(1, Math.max(0, (forward(v) - lo) / span));
  };
  const colorAt = (t: number): [number, number, number] => {
    const i = Math.round(Math.min(1, Math.max(0, t)) * (LUT_SIZE - 1));
    const c = lut[i];
    return [c[0], c[1], c[2]];
  };

  return {
    min: backward(lo),
    max: backward(hi),
    log,
    normalize,
    invert: (t) => backward(lo + Math.min(1, Math.max(0, t)) * span),
    color: (v) => colorAt(normalize(v)),
    css: (v) => toCss(colorAt(normalize(v))),
  };
}

/** Colour at a normalized position (0..1), e.g. for a contour band. */
export function colorAtNormalized(scale: ColorScale, t: number): [number, number, number] {
  return scale.color(scale.invert(t));
}

// ---------------------------------------------------------------------------
// Grid helpers shared by SurfaceView, ContourView and ColorLegend.
// ---------------------------------------------------------------------------

/** Interpolates an ascending axis at a fractional index (clamped to the axis). */
export function axisAt(axis: number[], u: number): number {
  const n = axis.length;
  if (n === 0) return 0;
  if (u <= 0) return axis[0];
  if (u >= n - 1) return axis[n - 1];
  const i = Math.floor(u);
  const f = u - i;
  return axis[i] + (axis[i + 1] - axis[i]) * f;
}

/** Fractional index of value v on an ascending axis (clamped), inverse of axisAt. */
export function axisIndex(axis: number[], v: number): number {
  const n = axis.length;
  if (n < 2 || v <= axis[0]) return 0;
  if (v >= axis[n - 1]) return n - 1;
  let i = 0;
  while (i < n - 2 && axis[i + 1] < v) i++;
  const d = axis[i + 1] - axis[i];
  return d > 0 ? i + (v - axis[i]) / d : i;
}

export function nearestIndex(axis: number[], v: number): number {
  return Math.min(axis.length - 1, Math.max(0, Math.round(axisIndex(axis, v))));
}

/** Bilinear interpolation of a grid field at (α, β); null when outside the grid. */
export function sampleGrid(grid: SurfaceGrid, field: number[], alpha: number, beta: number): number | null {
  const { xs, ys } = grid;
  if (xs.length === 0 || ys.length === 0) return null;
  if (alpha < xs[0] || alpha > xs[xs.length - 1] || beta < ys[0] || beta > ys[ys.length - 1]) return null;
  const u = axisIndex(xs, alpha);
  const v = axisIndex(ys, beta);
  const i0 = Math.floor(u);
  const j0 = Math.floor(v);
  const i1 = Math.min(i0 + 1, xs.length - 1);
  const j1 = Math.min(j0 + 1, ys.length - 1);
  const fu = u - i0;
  const fv = v - j0;
  const nx = xs.length;
  const at = (i: number, j: number) => field[j * nx + i];
  const bottom = at(i0, j0) * (1 - fu) + at(i1, j0) * fu;
  const top = at(i0, j1) * (1 - fu) + at(i1, j1) * fu;
  return bottom * (1 - fv) + top * fv;
}

/** `count` thresholds evenly spaced strictly inside (0, 1): k / (count + 1). */
export function normalizedLevels(count: number): number[] {
  return Array.from({ length: count }, (_, k) => (k + 1) / (count + 1));
}

export function normalizedValues(grid: SurfaceGrid, scale: ColorScale): number[] {
  return grid.loss.map((v) => scale.normalize(v));
}

/** A polygon ring in fractional grid-index coordinates (u along xs, v along ys). */
export type IndexRing = [number, number][];
export interface ContourBand {
  level: number;
  /** Polygons (outer ring first, then holes) covering the region where normalized loss >= level. */
  polygons: IndexRing[][];
}

/**
 * d3-contour treats sample i as the pixel centred at i + 0.5 and returns rings in [0, n];
 * shifting by 0.5 and clamping maps them onto fractional sample indices.
 */
export function contourBands(grid: SurfaceGrid, normalized: number[], levels: number[]): ContourBand[] {
  const nx = grid.xs.length;
  const ny = grid.ys.length;
  if (nx < 2 || ny < 2) return [];
  const generator = contours().size([nx, ny]).thresholds(levels);
  const toIndex = ([x, y]: number[]): [number, number] => [Math.min(nx - 1, Math.max(0, x - 0.5)), Math.min(ny - 1, Math.max(0, y - 0.5))];
  return generator(normalized).map((mp) => ({
    level: mp.value,
    polygons: mp.coordinates.map((poly) => poly.map((ring) => ring.map(toIndex))),
  }));
}

/** Bands at `count` levels evenly spaced on the scale (normalized), the contours every view draws. */
export function scaledContourBands(grid: SurfaceGrid, scale: ColorScale, count: number): ContourBand[] {
  return contourBands(grid, normalizedValues(grid, scale), normalizedLevels(count));
}

/**
 * Segments of the iso-lines of a band, leaving out the parts of the rings that run along the
 * grid border (those close the filled region but are not iso-lines).
 */
export function isoSegments(band: ContourBand, nx: number, ny: number): [number, number, number, number][] {
  const out: [number, number, number, number][] = [];
  const sameEdge = (a: number, b: number, edge: number) => a === edge && b === edge;
  for (const poly of band.polygons) {
    for (const ring of poly) {
      for (let k = 0; k + 1 < ring.length; k++) {
        const [u0, v0] = ring[k];
        const [u1, v1] = ring[k + 1];
        if (u0 === u1 && v0 === v1) continue;
        if (sameEdge(u0, u1, 0) || sameEdge(u0, u1, nx - 1) || sameEdge(v0, v1, 0) || sameEdge(v0, v1, ny - 1)) continue;
        out.push([u0, v0, u1, v1]);
      }
    }
  }
  return out;
}

/** "−0.40": fixed decimals with a typographic minus. */
export function formatCoord(v: number, digits = 2): string {
  return v.toFixed(digits).replace('-', '\u2212');
}

export function formatLoss(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a === 0 || (a >= 1e-3 && a < 1e4) ? v.toFixed(4) : v.toExponential(3);
}

/** Hover read-out text for grid node (i, j). */
export function readoutText(grid: SurfaceGrid, i: number, j: number): string {
  const k = j * grid.xs.length + i;
  const acc = grid.accuracy[k];
  const accText = Number.isFinite(acc) ? `${(acc * 100).toFixed(1)}%` : '—';
  return `α ${formatCoord(grid.xs[i])} · β ${formatCoord(grid.ys[j])} · loss ${formatLoss(grid.loss[k])} · acc ${accText}`;
}
