import { useEffect, useRef, useState, type PointerEvent } from 'react';
import {
  axisAt,
  colorAtNormalized,
  contourBands,
  formatCoord,
  isoSegments,
  nearestIndex,
  normalizedLevels,
  normalizedValues,
  readoutText,
  sampleGrid,
  type ColorScale,
  type ContourBand,
} from './colors';
import type { SurfaceGrid } from './SurfaceView';

export interface ContourViewProps {
  title: string;
  color: string;
  grid: SurfaceGrid;
  scale: ColorScale;
  height?: number;
}

const DEFAULT_HEIGHT = 260;
/** Iso-lines; the filled bands are the CONTOUR_LEVELS + 1 intervals between them. */
const CONTOUR_LEVELS = 10;
const MARGIN = { left: 40, right: 10, top: 8, bottom: 30 };
const TICK_COUNT = 5;
const AXIS_COLOR = '#5f6b72';
const FONT = '11px system-ui, sans-serif';

/** Pixel rectangle of the plot area (CSS pixels), with α → x and β → y (up). */
interface Plot {
  left: number;
  top: number;
  width: number;
  height: number;
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

function layoutPlot(grid: SurfaceGrid, cssWidth: number, cssHeight: number): Plot | null {
  const { xs, ys } = grid;
  if (xs.length < 2 || ys.length < 2) return null;
  const x0 = xs[0];
  const x1 = xs[xs.length - 1];
  const y0 = ys[0];
  const y1 = ys[ys.length - 1];
  const availW = cssWidth - MARGIN.left - MARGIN.right;
  const availH = cssHeight - MARGIN.top - MARGIN.bottom;
  if (availW <= 0 || availH <= 0 || x1 <= x0 || y1 <= y0) return null;
  // Equal units on both axes, so sharp and flat directions are not distorted.
  const unit = Math.min(availW / (x1 - x0), availH / (y1 - y0));
  const width = unit * (x1 - x0);
  const height = unit * (y1 - y0);
  const left = MARGIN.left + (availW - width) / 2;
  return { left, top: MARGIN.top, width, height, x0, x1, y0, y1 };
}

function toPx(p: Plot, alpha: number, beta: number): [number, number] {
  return [p.left + ((alpha - p.x0) / (p.x1 - p.x0)) * p.width, p.top + (1 - (beta - p.y0) / (p.y1 - p.y0)) * p.height];
}

function indexToPx(p: Plot, grid: SurfaceGrid, u: number, v: number): [number, number] {
  return toPx(p, axisAt(grid.xs, u), axisAt(grid.ys, v));
}

/** About `count` round tick values covering [lo, hi]. */
function niceTicks(lo: number, hi: number, count: number): number[] {
  const raw = (hi - lo) / Math.max(1, count);
  if (!(raw > 0)) return [lo];
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step - 1e-9) * step; t <= hi + step * 1e-9; t += step) ticks.push(Math.abs(t) < step * 1e-9 ? 0 : t);
  return ticks;
}

function fillBands(ctx: CanvasRenderingContext2D, p: Plot, grid: SurfaceGrid, scale: ColorScale, bands: ContourBand[]): void {
  const bandCount = bands.length + 1;
  ctx.fillStyle = cssOf(colorAtNormalized(scale, 0.5 / bandCount));
  ctx.fillRect(p.left, p.top, p.width, p.height);
  // Bands are nested (each covers loss >= its level), so painting them in ascending order leaves
  // every point with the colour of the highest level it reaches.
  bands.forEach((band, k) => {
    ctx.fillStyle = cssOf(colorAtNormalized(scale, (k + 1.5) / bandCount));
    ctx.beginPath();
    for (const polygon of band.polygons) {
      for (const ring of polygon) {
        ring.forEach(([u, v], n) => {
          const [x, y] = indexToPx(p, grid, u, v);
          if (n === 0) ctx.moveTo(x, y);
          else ctx.lineTo(x, y);
        });
        ctx.closePath();
      }
    }
    ctx.fill('evenodd');
  });
}

function strokeIsoLines(ctx: CanvasRenderingContext2D, p: Plot, grid: SurfaceGrid, bands: ContourBand[]): void {
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

function drawAxes(ctx: CanvasRenderingContext2D, p: Plot): void {
  ctx.strokeStyle = AXIS_COLOR;
  ctx.lineWidth = 1;
  ctx.strokeRect(p.left + 0.5, p.top + 0.5, p.width - 1, p.height - 1);
  ctx.fillStyle = AXIS_COLOR;
  ctx.font = FONT;
  ctx.beginPath();
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (const t of niceTicks(p.x0, p.x1, TICK_COUNT)) {
    const [x] = toPx(p, t, p.y0);
    ctx.moveTo(x, p.top + p.height);
    ctx.lineTo(x, p.top + p.height + 4);
    ctx.fillText(formatCoord(t, 1), x, p.top + p.height + 5);
  }
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const t of niceTicks(p.y0, p.y1, TICK_COUNT)) {
    const [, y] = toPx(p, p.x0, t);
    ctx.moveTo(p.left, y);
    ctx.lineTo(p.left - 4, y);
    ctx.fillText(formatCoord(t, 1), p.left - 6, y);
  }
  ctx.stroke();
  ctx.textAlign = 'center';
  ctx.textBaseline = 'bottom';
  ctx.fillText('α', p.left + p.width / 2, p.top + p.height + 30);
  ctx.textAlign = 'left';
  ctx.textBaseline = 'middle';
  ctx.fillText('β', 4, p.top + p.height / 2);
}

function drawOrigin(ctx: CanvasRenderingContext2D, p: Plot, grid: SurfaceGrid, laneColor: string): void {
  if (sampleGrid(grid, grid.loss, 0, 0) === null) return;
  const [x, y] = toPx(p, 0, 0);
  ctx.beginPath();
  ctx.arc(x, y, 5, 0, Math.PI * 2);
  ctx.fillStyle = laneColor;
  ctx.fill();
  ctx.lineWidth = 2;
  ctx.strokeStyle = '#ffffff';
  ctx.stroke();
  ctx.beginPath();
  ctx.arc(x, y, 6.5, 0, Math.PI * 2);
  ctx.lineWidth = 1;
  ctx.strokeStyle = 'rgba(0, 0, 0, 0.6)';
  ctx.stroke();
}

function cssOf([r, g, b]: [number, number, number]): string {
  return `rgb(${Math.round(r * 255)}, ${Math.round(g * 255)}, ${Math.round(b * 255)})`;
}

function draw(canvas: HTMLCanvasElement, grid: SurfaceGrid, scale: ColorScale, laneColor: string, cssWidth: number, cssHeight: number): Plot | null {
  const dpr = window.devicePixelRatio || 1;
  canvas.width = Math.max(1, Math.round(cssWidth * dpr));
  canvas.height = Math.max(1, Math.round(cssHeight * dpr));
  const ctx = canvas.getContext('2d');
  if (!ctx) return null;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, cssWidth, cssHeight);
  const p = layoutPlot(grid, cssWidth, cssHeight);
  if (!p || grid.loss.length !== grid.xs.length * grid.ys.length) return null;
  const bands = contourBands(grid, normalizedValues(grid, scale), normalizedLevels(CONTOUR_LEVELS));
  ctx.save();
  ctx.beginPath();
  ctx.rect(p.left, p.top, p.width, p.height);
  ctx.clip();
  fillBands(ctx, p, grid, scale, bands);
  strokeIsoLines(ctx, p, grid, bands);
  ctx.restore();
  drawAxes(ctx, p);
  drawOrigin(ctx, p, grid, laneColor);
  return p;
}

/** 2D filled contour map of one lane's loss surface on the shared colour scale. */
export function ContourView(props: ContourViewProps) {
  const { title, color, grid, scale, height = DEFAULT_HEIGHT } = props;
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const plotRef = useRef<Plot | null>(null);
  const [width, setWidth] = useState(0);
  const [readout, setReadout] = useState<string | null>(null);

  useEffect(() => {
    const canvas = canvasRef.current;
    const host = canvas?.parentElement;
    if (!host) return;
    const observer = new ResizeObserver(() => setWidth(host.clientWidth));
    observer.observe(host);
    setWidth(host.clientWidth);
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas || width <= 0) return;
    plotRef.current = draw(canvas, grid, scale, color, width, height);
  }, [grid, scale, color, width, height]);

  const onPointerMove = (e: PointerEvent<HTMLCanvasElement>) => {
    const p = plotRef.current;
    if (!p) return;
    const rect = e.currentTarget.getBoundingClientRect();
    const x = e.clientX - rect.left;
    const y = e.clientY - rect.top;
    if (x < p.left || x > p.left + p.width || y < p.top || y > p.top + p.height) {
      setReadout(null);
      return;
    }
    const alpha = p.x0 + ((x - p.left) / p.width) * (p.x1 - p.x0);
    const beta = p.y0 + (1 - (y - p.top) / p.height) * (p.y1 - p.y0);
    setReadout(readoutText(grid, nearestIndex(grid.xs, alpha), nearestIndex(grid.ys, beta)));
  };

  return (
    <div
      className="contour-view"
      data-testid="contour-view"
      title="Filled contours of the loss (shared colour scale); hover for values at the nearest grid point"
    >
      <div
        className="contour-title"
        title={`${title}: loss around this lane's weights along two filter-normalized random directions (α, β); the dot marks the lane's own weights (α = β = 0).`}
      >
        <span className="contour-swatch" style={{ background: color }} aria-hidden="true" />
        <span className="contour-name">{title}</span>
      </div>
      <div className="contour-stage" style={{ height }}>
        <canvas
          ref={canvasRef}
          role="img"
          aria-label={`Contour map of the loss surface of ${title}`}
          style={{ width: '100%', height: '100%', display: 'block' }}
          onPointerMove={onPointerMove}
          onPointerLeave={() => setReadout(null)}
        />
        {readout !== null && (
          <div className="contour-readout" role="status" title="Values at the grid point nearest the pointer">
            {readout}
          </div>
        )}
      </div>
    </div>
  );
}
