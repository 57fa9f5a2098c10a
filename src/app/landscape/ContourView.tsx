import { useEffect, useRef, useState, type PointerEvent } from 'react';
import { drawAxes } from '../shared/plot/axes';
import { drawContourMap } from '../shared/plot/contours';
import { hiDpiContext, useHostWidth } from '../shared/plot/hidpi';
import { fromPx, layoutPlot, toPx, type Plot } from '../shared/plot/layout';
import { nearestIndex, readoutText, sampleGrid, scaledContourBands, type ColorScale } from '../shared/plot/colors';
import { LaneTitle } from './SurfaceView';
import { type SurfaceGrid } from '../shared/plot/surfaceGrid';

/** A path drawn over the map (e.g. a lane's trajectory): start hollow, end filled. */
export interface ContourPath {
  label: string;
  color: string;
  points: Array<[number, number]>;
  dashed?: boolean;
}

export interface ContourViewProps {
  title: string;
  color: string;
  grid: SurfaceGrid;
  scale: ColorScale;
  height?: number;
  paths?: ContourPath[];
  /** Named points (e.g. θ1, θ2, the bend), drawn as labelled dots. */
  marks?: Array<{ label: string; at: [number, number]; color: string }>;
  /** Replaces the lane dot at the origin and the default tooltip (another plane than a lane's). */
  tooltip?: string;
  showOrigin?: boolean;
}

const DEFAULT_HEIGHT = 260;
const NONE: ContourPath[] = [];
const NO_MARKS: NonNullable<ContourViewProps['marks']> = [];
/** Iso-lines; the filled bands are the CONTOUR_LEVELS + 1 intervals between them. */
const CONTOUR_LEVELS = 10;
const MARGIN = { left: 40, right: 10, top: 8, bottom: 30 };
const TICK_COUNT = 5;
const TICK_DIGITS = 1;

/** Tick labels on both axes, then the names α (below) and β (left). */
function drawAxesWithNames(ctx: CanvasRenderingContext2D, p: Plot): void {
  drawAxes(ctx, p, TICK_COUNT, () => TICK_DIGITS);
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

function drawDot(ctx: CanvasRenderingContext2D, p: Plot, at: [number, number], color: string, filled: boolean, label?: string): void {
  const [x, y] = toPx(p, at[0], at[1]);
  ctx.beginPath();
  ctx.arc(x, y, 4.5, 0, Math.PI * 2);
  ctx.fillStyle = filled ? color : '#ffffff';
  ctx.fill();
  ctx.lineWidth = 2;
  ctx.strokeStyle = filled ? '#ffffff' : color;
  ctx.stroke();
  if (label) {
    ctx.fillStyle = '#202124';
    ctx.textAlign = 'left';
    ctx.textBaseline = 'bottom';
    ctx.fillText(label, x + 6, y - 4);
  }
}

function drawPaths(ctx: CanvasRenderingContext2D, p: Plot, paths: ContourPath[]): void {
  for (const path of paths) {
    if (path.points.length === 0) continue;
    ctx.beginPath();
    path.points.forEach(([a, b], k) => {
      const [x, y] = toPx(p, a, b);
      if (k === 0) ctx.moveTo(x, y);
      else ctx.lineTo(x, y);
    });
    ctx.setLineDash(path.dashed ? [5, 4] : []);
    ctx.lineWidth = 3.5;
    ctx.strokeStyle = 'rgba(255, 255, 255, 0.8)';
    ctx.stroke();
    ctx.lineWidth = 2;
    ctx.strokeStyle = path.color;
    ctx.stroke();
    ctx.setLineDash([]);
    drawDot(ctx, p, path.points[0], path.color, false);
    drawDot(ctx, p, path.points[path.points.length - 1], path.color, true);
  }
}

interface Overlay {
  paths: ContourPath[];
  marks: NonNullable<ContourViewProps['marks']>;
  showOrigin: boolean;
}

function draw(
  canvas: HTMLCanvasElement,
  grid: SurfaceGrid,
  scale: ColorScale,
  laneColor: string,
  cssWidth: number,
  cssHeight: number,
  overlay: Overlay,
): Plot | null {
  const ctx = hiDpiContext(canvas, cssWidth, cssHeight);
  if (!ctx) return null;
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, cssWidth, cssHeight);
  const p = layoutPlot(grid.xs, grid.ys, cssWidth, cssHeight, MARGIN);
  if (!p || grid.loss.length !== grid.xs.length * grid.ys.length) return null;
  drawContourMap(ctx, p, grid, scale, scaledContourBands(grid, scale, CONTOUR_LEVELS));
  drawAxesWithNames(ctx, p);
  ctx.save();
  ctx.beginPath();
  ctx.rect(p.left, p.top, p.width, p.height);
  ctx.clip();
  if (overlay.showOrigin) drawOrigin(ctx, p, grid, laneColor);
  drawPaths(ctx, p, overlay.paths);
  ctx.restore();
  for (const m of overlay.marks) drawDot(ctx, p, m.at, m.color, true, m.label);
  return p;
}

/** 2D filled contour map of one lane's loss surface on the shared colour scale. */
export function ContourView(props: ContourViewProps) {
  const { title, color, grid, scale, height = DEFAULT_HEIGHT, paths = NONE, marks = NO_MARKS, tooltip, showOrigin = true } = props;
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const plotRef = useRef<Plot | null>(null);
  const width = useHostWidth(canvasRef);
  const [readout, setReadout] = useState<string | null>(null);

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas || width <= 0) return;
    plotRef.current = draw(canvas, grid, scale, color, width, height, { paths, marks, showOrigin });
  }, [grid, scale, color, width, height, paths, marks, showOrigin]);

  const onPointerMove = (e: PointerEvent<HTMLCanvasElement>) => {
    const p = plotRef.current;
    if (!p) return;
    const rect = e.currentTarget.getBoundingClientRect();
    const at = fromPx(p, e.clientX - rect.left, e.clientY - rect.top);
    setReadout(at ? readoutText(grid, nearestIndex(grid.xs, at[0]), nearestIndex(grid.ys, at[1])) : null);
  };

  return (
    <div
      className="contour-view"
      data-testid="contour-view"
      title="Filled contours of the loss (shared colour scale); hover for values at the nearest grid point"
    >
      <LaneTitle
        prefix="contour"
        title={title}
        color={color}
        tooltip={
          tooltip ??
          `${title}: loss around this lane's weights along two filter-normalized random directions (α, ` +
            `β); the dot marks the lane's own weights (α = β = 0).`
        }
      />
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
