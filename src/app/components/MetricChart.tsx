import { useEffect, useMemo, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { METRICS, type MetricName } from '../../engine/train/metrics';
import { alignSeries, smooth } from '../smoothing';
import { useApp } from '../store';

const HEIGHT = 170;
const LOG_METRICS: MetricName[] = ['train_loss', 'test_loss'];

function formatTick(metric: MetricName, v: number): string {
  if (metric === 'train_acc' || metric === 'test_acc') return `${Number((v * 100).toPrecision(3))}%`;
  return String(Number(v.toPrecision(3)));
}

function formatValue(metric: MetricName, v: number | null | undefined): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  if (metric === 'train_acc' || metric === 'test_acc') return `${(v * 100).toFixed(2)}%`;
  return Math.abs(v) >= 100 ? v.toFixed(1) : v.toPrecision(4);
}

/** One metric for every lane, on a shared step axis; hover shows each lane's value at that step. */
export function MetricChart({ metric }: { metric: MetricName }) {
  const container = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const lanes = useApp((s) => s.config.lanes);
  const logScale = useApp((s) => s.logScale) && LOG_METRICS.includes(metric);
  const smoothing = useApp((s) => s.smoothing);
  const version = useApp((s) => s.seriesVersion);
  const series = useApp((s) => s.series);
  const laneKey = lanes.map((l) => `${l.id}:${l.name}:${l.color}`).join('|');

  const data = useMemo(() => {
    const weight = metric === 'lr' || metric === 'head_norm' ? 0 : smoothing;
    return alignSeries(lanes.map((lane) => {
      const s = series[lane.id]?.[metric];
      return { xs: s?.steps ?? [], ys: smooth(s?.values ?? [], weight) };
    }));
    // seriesVersion tells when the (mutated in place) series grew.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [version, laneKey, smoothing, metric]);

  useEffect(() => {
    const el = container.current;
    if (!el) return;
    const options: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height: HEIGHT,
      legend: { live: true },
      cursor: { drag: { x: true, y: false } },
      scales: { x: { time: false }, y: logScale ? { distr: 3, log: 10 } : { auto: true } },
      axes: [
        { label: 'step', labelSize: 14, size: 30, stroke: '#555', grid: { stroke: '#eee' } },
        { size: 52, stroke: '#555', grid: { stroke: '#eee' }, values: (_u, ticks) => ticks.map((t) => formatTick(metric, t)) },
      ],
      series: [
        { label: 'step' },
        ...lanes.map((lane) => ({ label: lane.name, stroke: lane.color, width: 2, spanGaps: true, points: { show: false }, value: (_u: uPlot, v: number | null) => formatValue(metric, v) })),
      ],
    };
    const u = new uPlot(options, data as uPlot.AlignedData, el);
    plot.current = u;
    const observer = new ResizeObserver(() => u.setSize({ width: Math.max(200, el.clientWidth), height: HEIGHT }));
    observer.observe(el);
    return () => {
      observer.disconnect();
      u.destroy();
      plot.current = null;
    };
    // Rebuilt only when the lanes or the scale change; data updates go through setData below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [laneKey, logScale, metric]);

  useEffect(() => {
    plot.current?.setData(data as uPlot.AlignedData);
  }, [data]);

  const points = data[0].length;
  const info = METRICS[metric];
  return (
    <figure className="chart" data-testid={`chart-${metric}`} data-points={points}>
      <figcaption title={info.help}>
        {info.label}
        {logScale ? ' (log)' : ''}
      </figcaption>
      <div ref={container} className="chart-canvas" />
      {points === 0 && <div className="chart-empty">press play to train</div>}
    </figure>
  );
}
