import { logTickLabels, logTicks } from '../shared/plot/ticks';
import { useMemo, useRef } from 'react';
import type uPlot from 'uplot';
import { useUPlot } from '../shared/plot/useUPlot';
import type { HessianResult } from '../../engine/hessian/config';
import { alignSeries } from '../shared/plot/smoothing';
import { PngButton } from '../shared/ui/PngButton';

const SIZE = { height: 220, minWidth: 240 };
/** Densities below this are drawn at it: a log axis cannot show zero. */
const FLOOR = 1e-8;

/** Eigenvalue densities (SLQ) of several lanes overlaid, on a log density axis. */
export function DensityChart({ lines }: { lines: Array<{ name: string; color: string; result: HessianResult }> }) {
  const figure = useRef<HTMLElement>(null);
  const withDensity = lines.filter((l) => l.result.density && l.result.density.grid.length > 0);
  const key = withDensity.map((l) => `${l.result.laneId}:${l.color}:${l.result.seconds}`).join('|');
  const data = useMemo(
    () =>
      alignSeries(withDensity.map((l) => ({ xs: l.result.density!.grid, ys: l.result.density!.density.map((d) => Math.max(d, FLOOR)) }))),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [key],
  );
  const options = (width: number): uPlot.Options => ({
    width,
    height: SIZE.height,
    legend: { live: true },
    cursor: { drag: { x: true, y: false } },
    scales: { x: { time: false }, y: { distr: 3, log: 10 } },
    axes: [
      { label: 'eigenvalue λ', labelSize: 14, size: 30, stroke: '#555', grid: { stroke: '#eee' } },
      {
        size: 56,
        stroke: '#555',
        grid: { stroke: '#eee' },
        splits: (_u, _axis, min, max) => logTicks(min, max),
        filter: (_u, splits) => splits,
        values: (_u, ticks) => logTickLabels(ticks, (t) => t.toExponential(0)),
      },
    ],
    series: [
      { label: 'λ', value: (_u, v) => (v === null ? '–' : v.toPrecision(4)) },
      ...withDensity.map((l) => ({
        label: l.name,
        stroke: l.color,
        width: 2,
        spanGaps: true,
        value: (_u: uPlot, v: number | null) => (v === null ? '–' : v.toExponential(2)),
      })),
    ],
  });
  const container = useUPlot(options, data as uPlot.AlignedData, key, SIZE, withDensity.length > 0);
  if (withDensity.length === 0) return null;
  const first = withDensity[0].result.density!;
  return (
    <figure className="chart" ref={figure} data-testid="density-chart" data-lines={withDensity.length}>
      <PngButton target={figure} name="Hessian eigenvalue density" />
      <figcaption
        title={
          `Stochastic Lanczos quadrature: ${first.runs} runs of ${first.steps} Lanczos steps from Rademacher ` +
          `vectors; Gaussian broadening σ = ${(withDensity[0].result.settings.broadening * 100).toPrecision(2)}% ` +
          `of each spectrum's width; each curve integrates to 1`
        }
      >
        Eigenvalue density (log scale)
      </figcaption>
      <div ref={container} />
    </figure>
  );
}
