import { axisAt, colorAtNormalized, isoSegments, toCss, type ColorScale, type ContourBand, type IndexRing } from './colors';
import { drawClipped, toPx, type Plot } from './layout';

/** The axes of the grid the bands were traced on. */
export interface GridAxes {
  xs: number[];
  ys: number[];
}

/** Pixel position of a fractional grid index (u along xs, v along ys). */
function indexToPx(p: Plot, grid: GridAxes, u: number, v: number): [number, number] {
  return toPx(p, axisAt(grid.xs, u), axisAt(grid.ys, v));
}

function ringPath(ctx: CanvasRenderingContext2D, p: Plot, grid: GridAxes, ring: IndexRing): void {
  ring.forEach(([u, v], n) => {
    const [x, y] = indexToPx(p, grid, u, v);
    if (n === 0) ctx.moveTo(x, y);
    else ctx.lineTo(x, y);
  });
  ctx.closePath();
}

/** Fills the plot area with the bands' colours: one colour per interval between levels. */
function fillBands(ctx: CanvasRenderingContext2D, p: Plot, grid: GridAxes, scale: ColorScale, bands: ContourBand[]): void {
  const bandCount = bands.length + 1;
  ctx.fillStyle = toCss(colorAtNormalized(scale, 0.5 / bandCount));
  ctx.fillRect(p.left, p.top, p.width, p.height);
  // Bands are nested (each covers values >= its level), so painting them in ascending order
  // leaves every point with the colour of the highest level it reaches.
  bands.forEach((band, k) => {
    ctx.fillStyle = toCss(colorAtNormalized(scale, (k + 1.5) / bandCount));
    ctx.beginPath();
    for (const polygon of band.polygons) for (const ring of polygon) ringPath(ctx, p, grid, ring);
    ctx.fill('evenodd');
  });
}

/** Thin dark iso-lines at the band levels. */
function strokeIsoLines(ctx: CanvasRenderingContext2D, p: Plot, grid: GridAxes, bands: ContourBand[]): void {
  ctx.strokeStyle = 'rgba(20, 24, 28, 0.35)';
  ctx.lineWidth = 0.75;
  ctx.beginPath();
  for (const band of bands) {
    for (const [u0, v0, u1, v1] of isoSegments(band, grid.xs.length, grid.ys.length)) {
      ctx.moveTo(...indexToPx(p, grid, u0, v0));
      ctx.lineTo(...indexToPx(p, grid, u1, v1));
    }
  }
  ctx.stroke();
}

/** Filled bands with their iso-lines, clipped to the plot area. */
export function drawContourMap(ctx: CanvasRenderingContext2D, p: Plot, grid: GridAxes, scale: ColorScale, bands: ContourBand[]): void {
  drawClipped(ctx, p, () => {
    fillBands(ctx, p, grid, scale, bands);
    strokeIsoLines(ctx, p, grid, bands);
  });
}
