import { formatCoord } from './colors';
import { toPx, type Plot } from './layout';
import { niceTicks } from './ticks';

const AXIS_COLOR = '#5f6b72';
const AXIS_FONT = '11px system-ui, sans-serif';

/** Decimals of the tick labels of one axis, given its ticks. */
export type TickDigits = (ticks: number[]) => number;

/**
 * Frame around the plot area with about `tickCount` labelled ticks below and to the left. Leaves
 * the axis colour and font set, for the axis names the caller draws next.
 */
export function drawAxes(ctx: CanvasRenderingContext2D, p: Plot, tickCount: number, digits: TickDigits): void {
  ctx.strokeStyle = AXIS_COLOR;
  ctx.fillStyle = AXIS_COLOR;
  ctx.lineWidth = 1;
  ctx.font = AXIS_FONT;
  ctx.strokeRect(p.left + 0.5, p.top + 0.5, p.width - 1, p.height - 1);
  ctx.beginPath();
  const xTicks = niceTicks(p.x0, p.x1, tickCount);
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (const t of xTicks) {
    const [x] = toPx(p, t, p.y0);
    ctx.moveTo(x, p.top + p.height);
    ctx.lineTo(x, p.top + p.height + 4);
    ctx.fillText(formatCoord(t, digits(xTicks)), x, p.top + p.height + 5);
  }
  const yTicks = niceTicks(p.y0, p.y1, tickCount);
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const t of yTicks) {
    const [, y] = toPx(p, p.x0, t);
    ctx.moveTo(p.left, y);
    ctx.lineTo(p.left - 4, y);
    ctx.fillText(formatCoord(t, digits(yTicks)), p.left - 6, y);
  }
  ctx.stroke();
}
