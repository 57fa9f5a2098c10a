import type { ColorScale } from '../shared/plot/colors';

export interface ColorLegendProps {
  scale: ColorScale;
  /** Text before the bar; default "loss". */
  label?: string;
  /** Bar width in CSS pixels; default 220. */
  width?: number;
}

const STOPS = 16;
const TICKS = 5;

function gradient(scale: ColorScale): string {
  const stops = Array.from({ length: STOPS + 1 }, (_, k) => {
    const t = k / STOPS;
    return `${scale.css(scale.invert(t))} ${(t * 100).toFixed(1)}%`;
  });
  return `linear-gradient(to right, ${stops.join(', ')})`;
}

function tickLabel(v: number): string {
  return String(Number(v.toPrecision(3)));
}

/** Horizontal bar of the shared loss colour scale with ~5 labelled ticks. */
export function ColorLegend({ scale, label = 'loss', width = 220 }: ColorLegendProps) {
  const ticks = Array.from({ length: TICKS }, (_, k) => k / (TICKS - 1));
  const help =
    `Colour (and height) scale shared by all surfaces: ${label} from ${tickLabel(scale.min)} to ${tickLabel(scale.max)}` +
    (scale.log ? ', logarithmic (equal steps are equal ratios)' : ', linear');
  return (
    <div className="surface-legend" data-testid="color-legend" title={help}>
      <span className="surface-legend-label">
        {label}
        {scale.log ? ' (log)' : ''}
      </span>
      <div className="surface-legend-scale" style={{ width }}>
        <div className="surface-legend-bar" style={{ backgroundImage: gradient(scale) }} role="img" aria-label={help} />
        <div className="surface-legend-ticks">
          {ticks.map((t) => (
            <span key={t} className="surface-legend-tick" style={{ left: `${t * 100}%` }}>
              {tickLabel(scale.invert(t))}
            </span>
          ))}
        </div>
      </div>
    </div>
  );
}
