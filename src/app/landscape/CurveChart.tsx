import { useMemo, useRef } from 'react';
import type uPlot from 'uplot';
import { useUPlot } from '../shared/plot/useUPlot';
import type { CurveResult } from '../../engine/landscape/config';
import { alignSeries } from '../shared/plot/smoothing';
import { PngButton } from '../shared/ui/PngButton';

export interface CurveLine {
  curve: CurveResult;
  color: string;
}

const SIZE = { height: 220, minWidth: 240 };

/**
 * 1D landscape curves of several lanes overlaid: training subset solid, test subset dashed;
 * `value` picks loss or accuracy. Hover reads every curve at α; drag zooms.
 */
export function CurveChart({
  lines,
  value,
  xLabel,
  title,
  help,
  testId,
  height = SIZE.height,
}: {
  lines: CurveLine[];
  value: 'loss' | 'accuracy';
  xLabel: string;
  title: string;
  help: string;
  testId: string;
  /** Plot height in CSS pixels. */
  height?: number;
}) {
  const figure = useRef<HTMLElement>(null);
  const series = useMemo(
    () =>
      lines.flatMap(({ curve, color }) => [
        { label: `${curve.label} train`, color, dash: undefined, xs: curve.alphas, ys: curve.train[value] },
        ...(curve.test ? [{ label: `${curve.label} test`, color, dash: [6, 4], xs: curve.alphas, ys: curve.test[value] }] : []),
      ]),
    [lines, value],
  );
  const key = series.map((s) => `${s.label}:${s.color}:${s.xs.length}`).join('|');
  const data = useMemo(
    () => alignSeries(series.map((s) => ({ xs: s.xs, ys: value === 'accuracy' ? s.ys.map((v) => v * 100) : s.ys }))),
    [series, value],
  );

  const options = (width: number): uPlot.Options => ({
    width,
    height,
    legend: { live: true },
    cursor: { drag: { x: true, y: false } },
    scales: { x: { time: false } },
    axes: [
      { label: xLabel, labelSize: 14, size: 30, stroke: '#555', grid: { stroke: '#eee' } },
      {
        size: 56,
        stroke: '#555',
        grid: { stroke: '#eee' },
        values: (_u, ticks) => ticks.map((t) => (value === 'accuracy' ? `${t}%` : String(Number(t.toPrecision(3))))),
      },
    ],
    series: [
      { label: xLabel, value: (_u, v) => (v === null ? '–' : v.toFixed(3)) },
      ...series.map((s) => ({
        label: s.label,
        stroke: s.color,
        width: 2,
        dash: s.dash,
        spanGaps: false,
        value: (_u: uPlot, v: number | null) => (v === null ? '–' : value === 'accuracy' ? `${v.toFixed(2)}%` : v.toPrecision(4)),
      })),
    ],
  });
  // Rebuilt when the set of curves changes; new values of the same curves go through setData.
  const container = useUPlot(options, data as uPlot.AlignedData, `${key}/${xLabel}/${value}/${height}`, { ...SIZE, height });

  return (
    <figure className="chart landscape-chart" ref={figure} data-testid={testId} data-points={data[0].length}>
      <PngButton target={figure} name={title} />
      <figcaption title={help}>{title}</figcaption>
      <div ref={container} />
    </figure>
  );
}
