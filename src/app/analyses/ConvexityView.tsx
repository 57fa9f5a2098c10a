import { useEffect, useRef, useState, type PointerEvent } from 'react';
import type { ConvexityResult } from '../../engine/analyses/convexity';
import { hiDpiContext, useHostWidth } from '../shared/plot/hidpi';
import { WithPng } from '../shared/ui/PngButton';
import type { LaneRow } from './SharpnessView';

const HEIGHT = 240;
const MARGIN = { left: 44, right: 12, top: 8, bottom: 30 };
const num = (v: number, digits = 3) => (Number.isFinite(v) ? v.toPrecision(digits) : '–');

/** White (0: convex) to dark red (≥ 1: as much negative curvature as positive). */
function ratioColor(r: number): string {
  if (!Number.isFinite(r)) return '#eeeeee';
  const t = Math.min(1, r);
  const mix = (a: number, b: number) => Math.round(a + (b - a) * t);
  return `rgb(${mix(255, 165)}, ${mix(255, 15)}, ${mix(255, 21)})`;
}

function cellAt(r: ConvexityResult, width: number, x: number, y: number): number | null {
  const n = r.alphas.length;
  const w = (width - MARGIN.left - MARGIN.right) / n;
  const h = (HEIGHT - MARGIN.top - MARGIN.bottom) / n;
  const i = Math.floor((x - MARGIN.left) / w);
  const j = n - 1 - Math.floor((y - MARGIN.top) / h);
  return i >= 0 && j >= 0 && i < n && j < n ? j * n + i : null;
}

function draw(canvas: HTMLCanvasElement, r: ConvexityResult, width: number): void {
  const ctx = hiDpiContext(canvas, width, HEIGHT);
  if (!ctx) return;
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, HEIGHT);
  const n = r.alphas.length;
  const w = (width - MARGIN.left - MARGIN.right) / n;
  const h = (HEIGHT - MARGIN.top - MARGIN.bottom) / n;
  ctx.font = '11px system-ui, sans-serif';
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      const k = j * n + i;
      const x = MARGIN.left + i * w;
      const y = MARGIN.top + (n - 1 - j) * h;
      ctx.fillStyle = ratioColor(r.ratio[k]);
      ctx.fillRect(x, y, w - 1, h - 1);
      if (n <= 9 && Number.isFinite(r.ratio[k])) {
        ctx.fillStyle = r.ratio[k] > 0.6 ? '#ffffff' : '#202124';
        ctx.textAlign = 'center';
        ctx.textBaseline = 'middle';
        ctx.fillText(r.ratio[k].toFixed(2), x + w / 2, y + h / 2);
      }
    }
  }
  ctx.fillStyle = '#555';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  [0, n - 1].forEach((i) => ctx.fillText(num(r.alphas[i], 2), MARGIN.left + (i + 0.5) * w, HEIGHT - MARGIN.bottom + 4));
  ctx.fillText('α', MARGIN.left + (width - MARGIN.left - MARGIN.right) / 2, HEIGHT - MARGIN.bottom + 14);
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  [0, n - 1].forEach((j) => ctx.fillText(num(r.betas[j], 2), MARGIN.left - 4, MARGIN.top + (n - 1 - j + 0.5) * h));
  ctx.textAlign = 'left';
  ctx.fillText('β', 4, MARGIN.top + (HEIGHT - MARGIN.top - MARGIN.bottom) / 2);
}

function LaneMap({ name, color, result: r }: LaneRow<ConvexityResult>) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const width = useHostWidth(canvasRef);
  const [hover, setHover] = useState<number | null>(null);
  useEffect(() => {
    if (canvasRef.current && width > 0) draw(canvasRef.current, r, width);
  }, [r, width]);
  const onMove = (e: PointerEvent<HTMLCanvasElement>) => {
    const rect = e.currentTarget.getBoundingClientRect();
    setHover(cellAt(r, width, e.clientX - rect.left, e.clientY - rect.top));
  };
  const n = r.alphas.length;
  return (
    <div className="convexity-lane" data-testid={`convexity-${r.laneId}`}>
      <div className="lane-title">
        <span className="swatch-inline" style={{ background: color }} />
        {name}: |λmin/λmax| · {r.computed}/{r.total} points · {r.hvps} HVPs · {r.seconds.toFixed(1)} s{r.cancelled ? ' (cancelled)' : ''}
      </div>
      <WithPng name={`${name} convexity map`}>
        <div className="contour-stage" style={{ height: HEIGHT }}>
          <canvas
            ref={canvasRef}
            role="img"
            aria-label={`Convexity map of ${name}: |λmin/λmax| on a ${n} by ${n} grid`}
            style={{ width: '100%', height: '100%', display: 'block' }}
            onPointerMove={onMove}
            onPointerLeave={() => setHover(null)}
          />
          {hover !== null && Number.isFinite(r.ratio[hover]) && (
            <div className="contour-readout" role="status">
              α {num(r.alphas[hover % n], 2)}, β {num(r.betas[Math.floor(hover / n)], 2)}: λmin {num(r.lambdaMin[hover])}, λmax{' '}
              {num(r.lambdaMax[hover])}, |ratio| {num(r.ratio[hover], 2)}, loss {num(r.loss[hover], 4)}
            </div>
          )}
        </div>
      </WithPng>
    </div>
  );
}

/** Per lane: the ratio of the extreme Hessian eigenvalues on a coarse grid of the landscape's plane. */
export function ConvexityView({ rows }: { rows: Array<LaneRow<ConvexityResult>> }) {
  const s = rows[0].result.settings;
  return (
    <div className="convexity-maps" title="White: locally convex (λmin ≥ 0 or tiny); red: |λmin| as large as λmax">
      <p className="muted">
        {`Filter-normalized directions of seed ${s.seed} (as in the landscape panel), ` +
          `${rows[0].result.samples.toLocaleString('en-US')} samples, ${s.lanczosSteps} Lanczos steps per point. ` +
          'White: convex there; red: it curves down as strongly as up.'}
      </p>
      <div className="curve-charts">
        {rows.map((row) => (
          <LaneMap key={row.result.laneId} {...row} />
        ))}
      </div>
    </div>
  );
}
