/** Space around the plot area for ticks and axis names, in CSS pixels. */
export interface Margin {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** Pixel rectangle of the plot area (CSS pixels) and the data range it shows, with y pointing up. */
export interface Plot {
  left: number;
  top: number;
  width: number;
  height: number;
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

/**
 * The plot area for a grid with ascending axes inside a canvas of the given size, centred
 * horizontally and top-aligned; null when there is no room or no range.
 */
export function layoutPlot(xs: number[], ys: number[], cssWidth: number, cssHeight: number, margin: Margin): Plot | null {
  if (xs.length < 2 || ys.length < 2) return null;
  const x0 = xs[0];
  const x1 = xs[xs.length - 1];
  const y0 = ys[0];
  const y1 = ys[ys.length - 1];
  const availW = cssWidth - margin.left - margin.right;
  const availH = cssHeight - margin.top - margin.bottom;
  if (availW <= 0 || availH <= 0 || x1 <= x0 || y1 <= y0) return null;
  // Equal units on both axes, so the shapes of valleys and sharp/flat directions are not distorted.
  const unit = Math.min(availW / (x1 - x0), availH / (y1 - y0));
  const width = unit * (x1 - x0);
  const height = unit * (y1 - y0);
  const left = margin.left + (availW - width) / 2;
  return { left, top: margin.top, width, height, x0, x1, y0, y1 };
}

/** Data coordinates to CSS pixels. */
export function toPx(p: Plot, x: number, y: number): [number, number] {
  return [p.left + ((x - p.x0) / (p.x1 - p.x0)) * p.width, p.top + (1 - (y - p.y0) / (p.y1 - p.y0)) * p.height];
}

/** CSS pixels to data coordinates; null outside the plot area. */
export function fromPx(p: Plot, x: number, y: number): [number, number] | null {
  if (x < p.left || x > p.left + p.width || y < p.top || y > p.top + p.height) return null;
  return [p.x0 + ((x - p.left) / p.width) * (p.x1 - p.x0), p.y0 + (1 - (y - p.top) / p.height) * (p.y1 - p.y0)];
}

/** Runs `draw` with the context clipped to the plot area, restoring the context afterwards. */
export function drawClipped(ctx: CanvasRenderingContext2D, p: Plot, draw: () => void): void {
  ctx.save();
  ctx.beginPath();
  ctx.rect(p.left, p.top, p.width, p.height);
  ctx.clip();
  draw();
  ctx.restore();
}
