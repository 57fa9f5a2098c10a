import { useEffect, useMemo, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import {
  formatCoord,
  formatLoss,
  makeColorScale,
  sampleGrid,
  scaledContourBands,
  type ColorScale,
  type ContourBand,
} from '../shared/plot/colors';
import type { SurfaceGrid } from '../shared/plot/surfaceGrid';
import { drawAxes } from '../shared/plot/axes';
import { drawContourMap } from '../shared/plot/contours';
import { hiDpiContext, useHostWidth } from '../shared/plot/hidpi';
import { drawClipped, fromPx, layoutPlot, toPx, type Plot } from '../shared/plot/layout';
import { tickDigits } from '../shared/plot/ticks';

export interface ToyGrid {
  /**
   * p1 (x axis) and p2 (y axis) sample coordinates, ascending; values[j * xs.length + i] is the
   * height at (xs[i], ys[j]). Values may be non-finite at a few points: treat them as missing (clamp
   * to the scale's max for drawing). May be negative.
   */
  xs: number[];
  ys: number[];
  values: number[];
}

export interface ToyTrajectory {
  id: string;
  label: string;
  color: string; // #rrggbb
  /** (p1, p2, height) after each step; index 0 is the start. */
  points: Array<[number, number, number]>;
}

export interface ToyViewProps {
  grid: ToyGrid;
  /** Colour (and in 3D, height) by a log scale: use log10(v − min + 1e-3·(max − min)) so negative surfaces work too. */
  log: boolean;
  trajectories: ToyTrajectory[];
  /** Show each trajectory up to this step index (clamped to its length); the animation advances it. */
  upTo: number;
  height?: number; // default 360
}

export interface ToyContour2DProps extends ToyViewProps {
  onPick?(p1: number, p2: number): void;
  start?: [number, number];
}

// ---------------------------------------------------------------------------
// Helpers shared with ToySurface3D
// ---------------------------------------------------------------------------

export const TOY_DEFAULT_HEIGHT = 360;
/** Relative offset of the log shift: log10(v − min + LOG_SHIFT·(max − min)). */
const LOG_SHIFT = 1e-3;

function finiteRange(values: number[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : [0, 1];
}

/**
 * The landscape colour scale over a toy grid. makeColorScale's log mode needs positive values, so
 * in log mode the values are shifted by −min + 1e-3·(max − min) before and back after; the returned
 * scale takes and reports unshifted heights (ColorLegend can show it as is). Missing (non-finite)
 * values map to the top of the scale.
 */
export function toyColorScale(grid: ToyGrid, log: boolean): ColorScale {
  const [lo, hi] = finiteRange(grid.values);
  const eps = LOG_SHIFT * (hi - lo || Math.abs(hi) || 1);
  const shift = log ? lo - eps : 0;
  const inner = makeColorScale([grid.values.map((v) => v - shift)], log);
  const shifted = (v: number) => (Number.isFinite(v) ? v - shift : inner.max);
  return {
    min: inner.min + shift,
    max: inner.max + shift,
    log,
    normalize: (v) => inner.normalize(shifted(v)),
    invert: (t) => inner.invert(t) + shift,
    color: (v) => inner.color(shifted(v)),
    css: (v) => inner.css(shifted(v)),
  };
}

/** The toy grid in the shape the landscape helpers (contours, sampling) take. */
export function toySurfaceGrid(grid: ToyGrid): SurfaceGrid {
  return { xs: grid.xs, ys: grid.ys, loss: grid.values, accuracy: [] };
}

export function isCompleteToyGrid(grid: ToyGrid): boolean {
  return grid.xs.length >= 2 && grid.ys.length >= 2 && grid.values.length === grid.xs.length * grid.ys.length;
}

/** "p1 0.12 · p2 −0.40 · ℓ 0.3456", with the height bilinearly interpolated from the grid. */
export function toyReadoutText(grid: ToyGrid, p1: number, p2: number): string {
  const v = sampleGrid(toySurfaceGrid(grid), grid.values, p1, p2);
  const value = v !== null && Number.isFinite(v) ? formatLoss(v) : '—';
  return `p1 ${formatCoord(p1)} · p2 ${formatCoord(p2)} · ℓ ${value}`;
}

/** Index of the point shown as "current": upTo clamped to the trajectory. */
export function currentIndex(points: ToyTrajectory['points'], upTo: number): number {
  return Math.max(0, Math.min(points.length - 1, Math.floor(upTo)));
}

/** The last point at or before index k with finite p1 and p2 (where the current-point marker goes), or −1. */
export function lastFiniteIndex(points: ToyTrajectory['points'], k: number): number {
  for (let i = Math.min(k, points.length - 1); i >= 0; i--) {
    if (Number.isFinite(points[i][0]) && Number.isFinite(points[i][1])) return i;
  }
  return -1;
}

export function toyContourBands(grid: ToyGrid, scale: ColorScale, levels: number): ContourBand[] {
  return scaledContourBands(toySurfaceGrid(grid), scale, levels);
}

// ---------------------------------------------------------------------------
// 2D map
// ---------------------------------------------------------------------------

/** Iso-lines; the filled bands are the CONTOUR_LEVELS + 1 intervals between them. */
const CONTOUR_LEVELS = 14;
const MARGIN = { left: 42, right: 12, top: 10, bottom: 34 };
const TICK_COUNT = 6;
/** Fraction of the axis range an arrow key moves the keyboard probe. */
const KEY_STEP = 0.02;
const HELP = 'Click to set the start point; hover for values';

interface Probe {
  p1: number;
  p2: number;
  /** Keyboard probes get a drawn marker; the mouse already has its crosshair cursor. */
  keyboard: boolean;
}

/** The plot rectangle, with p1 → x and p2 → y (up); null for an incomplete grid or no room. */
function toyPlot(grid: ToyGrid, cssWidth: number, cssHeight: number): Plot | null {
  return isCompleteToyGrid(grid) ? layoutPlot(grid.xs, grid.ys, cssWidth, cssHeight, MARGIN) : null;
}

/** Ticks on both axes (as many decimals as the steps need), then the names p1 (below) and p2 (left, upright). */
function drawAxesWithNames(ctx: CanvasRenderingContext2D, p: Plot): void {
  drawAxes(ctx, p, TICK_COUNT, tickDigits);
  ctx.textAlign = 'center';
  ctx.textBaseline = 'bottom';
  ctx.fillText('p1', p.left + p.width / 2, p.top + p.height + 33);
  ctx.save();
  ctx.translate(10, p.top + p.height / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textBaseline = 'middle';
  ctx.fillText('p2', 0, 0);
  ctx.restore();
}

/** Contours and axes, drawn once per grid/scale/size into an offscreen canvas. */
function drawBackground(grid: ToyGrid, scale: ColorScale, cssWidth: number, cssHeight: number): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  const ctx = hiDpiContext(canvas, cssWidth, cssHeight);
  if (!ctx) return canvas;
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, cssWidth, cssHeight);
  const p = toyPlot(grid, cssWidth, cssHeight);
  if (!p) return canvas;
  drawContourMap(ctx, p, grid, scale, toyContourBands(grid, scale, CONTOUR_LEVELS));
  drawAxesWithNames(ctx, p);
  return canvas;
}

/** The visible part of a trajectory as pixel runs; non-finite points break the line. */
function trajectoryRuns(p: Plot, points: ToyTrajectory['points'], last: number): [number, number][][] {
  const runs: [number, number][][] = [];
  let run: [number, number][] = [];
  for (let k = 0; k <= last; k++) {
    const [p1, p2] = points[k];
    if (Number.isFinite(p1) && Number.isFinite(p2)) {
      run.push(toPx(p, p1, p2));
    } else if (run.length > 0) {
      runs.push(run);
      run = [];
    }
  }
  if (run.length > 0) runs.push(run);
  return runs;
}

function strokeRuns(ctx: CanvasRenderingContext2D, runs: [number, number][][], color: string, width: number): void {
  ctx.strokeStyle = color;
  ctx.lineWidth = width;
  ctx.beginPath();
  for (const run of runs) run.forEach(([x, y], n) => (n === 0 ? ctx.moveTo(x, y) : ctx.lineTo(x, y)));
  ctx.stroke();
}

function circle(ctx: CanvasRenderingContext2D, x: number, y: number, r: number): void {
  ctx.beginPath();
  ctx.arc(x, y, r, 0, Math.PI * 2);
}

function drawTrajectory(ctx: CanvasRenderingContext2D, p: Plot, t: ToyTrajectory, upTo: number): void {
  if (t.points.length === 0) return;
  const last = currentIndex(t.points, upTo);
  const runs = trajectoryRuns(p, t.points, last);
  ctx.lineJoin = 'round';
  ctx.lineCap = 'round';
  // A white halo keeps the coloured line readable on every part of the viridis map.
  strokeRuns(ctx, runs, 'rgba(255, 255, 255, 0.85)', 4);
  strokeRuns(ctx, runs, t.color, 2);
  const [s1, s2] = t.points[0];
  if (Number.isFinite(s1) && Number.isFinite(s2)) {
    circle(ctx, ...toPx(p, s1, s2), 5);
    ctx.lineWidth = 3.5;
    ctx.strokeStyle = '#ffffff';
    ctx.stroke();
    ctx.lineWidth = 1.75;
    ctx.strokeStyle = t.color;
    ctx.stroke();
  }
  const at = lastFiniteIndex(t.points, last);
  if (at >= 0) {
    circle(ctx, ...toPx(p, t.points[at][0], t.points[at][1]), 4.5);
    ctx.fillStyle = t.color;
    ctx.fill();
    ctx.lineWidth = 1.5;
    ctx.strokeStyle = '#ffffff';
    ctx.stroke();
  }
}

function crosshair(ctx: CanvasRenderingContext2D, x: number, y: number, r: number, color: string, width: number): void {
  ctx.strokeStyle = color;
  ctx.lineWidth = width;
  ctx.beginPath();
  ctx.moveTo(x - r, y);
  ctx.lineTo(x + r, y);
  ctx.moveTo(x, y - r);
  ctx.lineTo(x, y + r);
  ctx.stroke();
}

/** The start point for the next reset: a dark crosshair with a white outline and a ring. */
function drawStartMarker(ctx: CanvasRenderingContext2D, p: Plot, start: [number, number]): void {
  const [x, y] = toPx(p, start[0], start[1]);
  ctx.lineCap = 'butt';
  crosshair(ctx, x, y, 10, '#ffffff', 4);
  crosshair(ctx, x, y, 10, '#111417', 1.75);
  circle(ctx, x, y, 6);
  ctx.strokeStyle = '#111417';
  ctx.lineWidth = 1.5;
  ctx.stroke();
}

function drawProbe(ctx: CanvasRenderingContext2D, p: Plot, probe: Probe): void {
  const [x, y] = toPx(p, probe.p1, probe.p2);
  ctx.setLineDash([3, 2]);
  crosshair(ctx, x, y, 8, '#ffffff', 1.5);
  ctx.setLineDash([]);
}

interface Scene {
  background: HTMLCanvasElement;
  trajectories: ToyTrajectory[];
  upTo: number;
  start: [number, number] | undefined;
  probe: Probe | null;
}

/** Composites the cached background with the trajectories and markers (runs on every step). */
function drawScene(canvas: HTMLCanvasElement, p: Plot | null, cssWidth: number, cssHeight: number, s: Scene): void {
  const ctx = hiDpiContext(canvas, cssWidth, cssHeight);
  if (!ctx) return;
  ctx.drawImage(s.background, 0, 0, cssWidth, cssHeight);
  if (!p) return;
  drawClipped(ctx, p, () => {
    // Under the trajectories: right after a reset the current dot sits in the crosshair's centre.
    if (s.start && Number.isFinite(s.start[0]) && Number.isFinite(s.start[1])) drawStartMarker(ctx, p, s.start);
    for (const t of s.trajectories) drawTrajectory(ctx, p, t, s.upTo);
    if (s.probe?.keyboard) drawProbe(ctx, p, s.probe);
  });
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

/** Moves the keyboard probe for an arrow key; null for other keys. */
function steppedProbe(key: string, from: [number, number], p: Plot): [number, number] | null {
  const dx = KEY_STEP * (p.x1 - p.x0);
  const dy = KEY_STEP * (p.y1 - p.y0);
  const moves: Record<string, [number, number]> = { ArrowLeft: [-dx, 0], ArrowRight: [dx, 0], ArrowUp: [0, dy], ArrowDown: [0, -dy] };
  const move = moves[key];
  if (!move) return null;
  return [clamp(from[0] + move[0], p.x0, p.x1), clamp(from[1] + move[1], p.y0, p.y1)];
}

/**
 * 2D filled contour map of a toy surface with optimizer trajectories up to step `upTo`.
 * Clicking picks the start point for the next run; with focus, arrow keys move a probe and
 * Enter picks it.
 */
export function ToyContour2D(props: ToyContour2DProps) {
  const { grid, log, trajectories, upTo, height = TOY_DEFAULT_HEIGHT, onPick, start } = props;
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const width = useHostWidth(canvasRef);
  const scale = useMemo(() => toyColorScale(grid, log), [grid, log]);
  const plot = useMemo(() => toyPlot(grid, width, height), [grid, width, height]);
  const background = useMemo(() => (width > 0 ? drawBackground(grid, scale, width, height) : null), [grid, scale, width, height]);
  const [probe, setProbe] = useState<Probe | null>(null);

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas || !background) return;
    drawScene(canvas, plot, width, height, { background, trajectories, upTo, start, probe });
  }, [background, plot, width, height, trajectories, upTo, start, probe]);

  const probeAt = (e: MouseEvent<HTMLCanvasElement>): [number, number] | null => {
    if (!plot) return null;
    const rect = e.currentTarget.getBoundingClientRect();
    return fromPx(plot, e.clientX - rect.left, e.clientY - rect.top);
  };

  const onPointerMove = (e: MouseEvent<HTMLCanvasElement>) => {
    const at = probeAt(e);
    setProbe(at ? { p1: at[0], p2: at[1], keyboard: false } : null);
  };

  const onClick = (e: MouseEvent<HTMLCanvasElement>) => {
    const at = probeAt(e);
    if (at) onPick?.(at[0], at[1]);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (!plot) return;
    if (e.key === 'Enter') {
      if (probe) onPick?.(probe.p1, probe.p2);
      e.preventDefault();
      return;
    }
    const from: [number, number] = probe ? [probe.p1, probe.p2] : (start ?? [(plot.x0 + plot.x1) / 2, (plot.y0 + plot.y1) / 2]);
    const next = steppedProbe(e.key, from, plot);
    if (!next) return;
    setProbe({ p1: next[0], p2: next[1], keyboard: true });
    e.preventDefault();
  };

  return (
    <div
      className="toy-view toy-contour"
      data-testid="toy-contour"
      tabIndex={0}
      title={HELP}
      onKeyDown={onKeyDown}
      onBlur={() => setProbe((p) => (p?.keyboard ? null : p))}
    >
      <div className="toy-stage" style={{ height }}>
        <canvas
          ref={canvasRef}
          role="img"
          aria-label="Contour map of the toy surface with the trajectories; click to set the start point"
          className="toy-contour-canvas"
          style={{ width: '100%', height: '100%', display: 'block' }}
          onPointerMove={onPointerMove}
          onPointerLeave={() => setProbe(null)}
          onClick={onClick}
        />
        {probe !== null && (
          <div className="toy-readout" role="status" title="Coordinates and interpolated loss under the pointer">
            {toyReadoutText(grid, probe.p1, probe.p2)}
          </div>
        )}
      </div>
    </div>
  );
}
