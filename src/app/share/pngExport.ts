/**
 * PNG export of a chart or view at twice its CSS size, standing on its own: the title above, the
 * picture (a uPlot chart draws its axes, ticks and axis labels itself), and the legend below (each
 * series' name and colour, read from the chart's legend). A view can register a renderer that draws
 * itself at that resolution (three.js views re-render at pixel ratio 2); otherwise the canvas's own
 * pixels are used, resampled if the screen's pixel ratio is below 2.
 */
import type { ColorScale } from '../shared/plot/colors';

type HighResRenderer = (scale: number) => HTMLCanvasElement | null;

const renderers = new WeakMap<Element, HighResRenderer>();
/** The colour bar a view's PNG carries (set by WithPng), so the report ZIP draws it too. */
export const colorBars = new WeakMap<Element, ColorBar>();

export function registerHighResRenderer(element: Element, render: HighResRenderer): () => void {
  renderers.set(element, render);
  return () => renderers.delete(element);
}

function registered(target: HTMLElement): HighResRenderer | null {
  for (const el of [target, ...Array.from(target.querySelectorAll('*'))]) {
    const r = renderers.get(el);
    if (r) return r;
  }
  return null;
}

export function canvasAtScale(target: HTMLElement, scale = 2): HTMLCanvasElement | null {
  const own = registered(target)?.(scale);
  if (own) return own;
  const source = target.querySelector('canvas');
  if (!source || source.width === 0) return null;
  const rect = source.getBoundingClientRect();
  const width = Math.round((rect.width || source.width) * scale);
  const height = Math.round((rect.height || source.height) * scale);
  const out = document.createElement('canvas');
  out.width = width;
  out.height = height;
  const ctx = out.getContext('2d');
  if (!ctx) return null;
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(source, 0, 0, width, height);
  return out;
}

export interface LegendEntry {
  label: string;
  color: string;
  dashed: boolean;
}

/** The series of a uPlot legend inside `target` (the x series left out), or those of a `data-legend` list. */
export function legendOf(target: HTMLElement): LegendEntry[] {
  const rows = Array.from(target.querySelectorAll('.u-legend .u-series')).slice(1);
  const fromChart = rows.flatMap((row) => {
    const label = row.querySelector('.u-label')?.textContent?.trim() ?? '';
    const marker = row.querySelector<HTMLElement>('.u-marker');
    if (!label || !marker) return [];
    const style = getComputedStyle(marker);
    return [{ label, color: style.borderColor || style.backgroundColor, dashed: style.borderStyle === 'dashed' }];
  });
  const fromList = Array.from(target.querySelectorAll<HTMLElement>('[data-legend-label]')).map((el) => ({
    label: el.dataset.legendLabel ?? '',
    color: el.dataset.legendColor ?? '#000',
    dashed: false,
  }));
  return [...fromChart, ...fromList];
}

/** A colour scale drawn under a 3D or contour view: its label, the bar and five ticks. */
export interface ColorBar {
  scale: ColorScale;
  label: string;
}

const tick = (v: number) => String(Number(v.toPrecision(3)));

function drawColorBar(ctx: CanvasRenderingContext2D, bar: ColorBar, left: number, top: number, width: number, scale: number): void {
  ctx.fillStyle = '#202124';
  ctx.fillText(`${bar.label}${bar.scale.log ? ' (log)' : ''}`, left, top + 7 * scale);
  const x0 = left + ctx.measureText(`${bar.label} (log)`).width + 8 * scale;
  const barWidth = Math.max(40 * scale, width - (x0 - left) - 16 * scale);
  const gradient = ctx.createLinearGradient(x0, 0, x0 + barWidth, 0);
  for (let k = 0; k <= 16; k++) gradient.addColorStop(k / 16, bar.scale.css(bar.scale.invert(k / 16)));
  ctx.fillStyle = gradient;
  ctx.fillRect(x0, top, barWidth, 14 * scale);
  ctx.fillStyle = '#202124';
  ctx.textAlign = 'center';
  for (let k = 0; k < 5; k++) ctx.fillText(tick(bar.scale.invert(k / 4)), x0 + (barWidth * k) / 4, top + 24 * scale);
  ctx.textAlign = 'left';
}

/** The picture with a title band above and the legend (and a colour bar) below, at the same width. */
export function framed(
  picture: HTMLCanvasElement,
  title: string,
  legend: LegendEntry[],
  scale = 2,
  colorBar: ColorBar | null = null,
): HTMLCanvasElement {
  const pad = 8 * scale;
  const titleHeight = title ? 22 * scale : 0;
  const font = `${12 * scale}px system-ui, sans-serif`;
  const measure = document.createElement('canvas').getContext('2d');
  if (!measure) return picture;
  measure.font = font;
  // Legend entries flow left to right, wrapping at the picture's width.
  const rowHeight = 18 * scale;
  const swatch = 16 * scale;
  const placed: Array<{ entry: LegendEntry; x: number; row: number }> = [];
  let x = pad;
  let row = 0;
  for (const entry of legend) {
    const width = swatch + 4 * scale + measure.measureText(entry.label).width + 14 * scale;
    if (x + width > picture.width - pad && x > pad) {
      row++;
      x = pad;
    }
    placed.push({ entry, x, row });
    x += width;
  }
  const legendHeight = legend.length > 0 ? (row + 1) * rowHeight + pad : 0;
  const barHeight = colorBar ? 34 * scale : 0;
  const out = document.createElement('canvas');
  out.width = picture.width;
  out.height = titleHeight + picture.height + legendHeight + barHeight;
  const ctx = out.getContext('2d');
  if (!ctx) return picture;
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.fillStyle = '#202124';
  ctx.textBaseline = 'middle';
  if (title) {
    ctx.font = `bold ${13 * scale}px system-ui, sans-serif`;
    ctx.fillText(title, pad, titleHeight / 2 + 2 * scale, picture.width - 2 * pad);
  }
  ctx.drawImage(picture, 0, titleHeight);
  ctx.font = font;
  const top = titleHeight + picture.height + pad / 2;
  for (const { entry, x: left, row: r } of placed) {
    const y = top + r * rowHeight + rowHeight / 2;
    ctx.strokeStyle = entry.color;
    ctx.lineWidth = 3 * scale;
    ctx.setLineDash(entry.dashed ? [4 * scale, 3 * scale] : []);
    ctx.beginPath();
    ctx.moveTo(left, y);
    ctx.lineTo(left + swatch, y);
    ctx.stroke();
    ctx.fillStyle = '#202124';
    ctx.fillText(entry.label, left + swatch + 4 * scale, y);
  }
  if (colorBar) drawColorBar(ctx, colorBar, pad, titleHeight + picture.height + legendHeight + 4 * scale, picture.width - 2 * pad, scale);
  return out;
}

/** The PNG of `target`: its picture at `scale`, titled and with its legend (`title` '' for none). */
export async function pngBytes(target: HTMLElement, scale = 2, title = '', colorBar: ColorBar | null = null): Promise<Uint8Array | null> {
  const picture = canvasAtScale(target, scale);
  if (!picture) return null;
  const canvas = framed(picture, title, legendOf(target), scale, colorBar ?? colorBars.get(target) ?? null);
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
  return blob ? new Uint8Array(await blob.arrayBuffer()) : null;
}
