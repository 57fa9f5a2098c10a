import { useEffect, useMemo, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { CurveResult } from '../../../engine/landscape/config';
import { alignSeries } from '../../smoothing';
import { PngButton } from '../PngButton';

export interface CurveLine {
  curve: CurveResult;
  color: string;
}

const HEIGHT = 220;

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
}: {
  lines: CurveLine[];
  value: 'loss' | 'accuracy';
  xLabel: string;
  title: string;
  help: string;
  testId: string;
}) {
  const container = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
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

  useEffect(() => {
    const el = container.current;
    if (!el) return;
    const u = new uPlot(
      {
        width: Math.max(240, el.clientWidth),
        height: HEIGHT,
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
      },
      data as uPlot.AlignedData,
      el,
    );
    plot.current = u;
    const observer = new ResizeObserver(() => u.setSize({ width: Math.max(240, el.clientWidth), height: HEIGHT }));
    observer.observe(el);
    return () => {
      observer.disconnect();
      u.destroy();
      plot.current = null;
    };
    // Rebuilt when the set of curves changes; new values of the same curves go through setData.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, xLabel, value]);

  useEffect(() => {
    plot.current?.setData(data as uPlot.AlignedData);
  }, [data]);

  return (
    <figure className="chart landscape-chart" ref={figure} data-testid={testId} data-points={data[0].length}>
      <PngButton target={figure} name={title} />
      <figcaption title={help}>{title}</figcaption>
      <div ref={container} />
    </figure>
  );
}
