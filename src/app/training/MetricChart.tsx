import { logTickLabels, logTicks, shortNumber } from '../shared/plot/ticks';
import { useMemo, useRef } from 'react';
import type uPlot from 'uplot';
import { useUPlot } from '../shared/plot/useUPlot';
import { metricInfo, type MetricName } from '../../engine/train/metrics';
import { alignSeries, smooth } from '../shared/plot/smoothing';
import { PngButton } from '../shared/ui/PngButton';
import { useApp, type XAxis } from './store';
import type { LaneConfig } from '../../engine/train/config';

const SIZE = { height: 170, minWidth: 200 };
const LOG_METRICS: MetricName[] = ['train_loss', 'test_loss'];
const UNSMOOTHED: MetricName[] = [
  'lr',
  'head_norm',
  'deform_clamps',
  'sos_head_before',
  'sos_head_after',
  'hess_lmax',
  'hess_trace',
  'nso_gap_expected',
];
/** An uncertainty drawn as a whisker at each point: [v, v + e] ('above', a lower bound) or [v − e, v + e]. */
export interface Whiskers {
  metric: MetricName;
  kind: 'above' | 'symmetric';
}
const EVENT_METRICS: MetricName[] = ['sos_head_before', 'sos_head_after', 'hess_lmax', 'hess_trace', 'nso_gap_expected'];
/** Metrics whose y axis starts at zero (a near-constant series would otherwise show rounding noise). */
const ZERO_BASED: MetricName[] = ['deform_clamps', 'deform_scale', 'steps_per_s', 'head_norm', 'sos_head_before'];
export const X_LABELS: Record<XAxis, string> = { step: 'step', gradEvals: 'gradient evaluations', wallSeconds: 'wall time (s)' };

function formatTick(metric: MetricName, v: number): string {
  if (metric === 'train_acc' || metric === 'test_acc') return `${Number((v * 100).toPrecision(3))}%`;
  return String(Number(v.toPrecision(3)));
}

function formatValue(metric: MetricName, v: number | null | undefined): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  if (metric === 'train_acc' || metric === 'test_acc') return `${(v * 100).toFixed(2)}%`;
  return Math.abs(v) >= 100 ? v.toFixed(1) : v.toPrecision(4);
}

/**
 * One chart: a metric (or a pair, the second dashed) for every lane, against steps, gradient
 * evaluations or wall time; hover shows each lane's value.
 */
function drawWhiskers(u: uPlot, ranges: Array<{ color: string; xs: number[]; lo: number[]; hi: number[] }>): void {
  const ctx = u.ctx;
  ctx.save();
  ctx.lineWidth = 1.5 * devicePixelRatio;
  for (const r of ranges) {
    ctx.strokeStyle = r.color;
    ctx.globalAlpha = 0.6;
    r.xs.forEach((x, i) => {
      if (!Number.isFinite(r.lo[i]) || !Number.isFinite(r.hi[i])) return;
      const px = u.valToPos(x, 'x', true);
      const [a, b] = [u.valToPos(r.lo[i], 'y', true), u.valToPos(r.hi[i], 'y', true)];
      const cap = 3 * devicePixelRatio;
      ctx.beginPath();
      ctx.moveTo(px, a);
      ctx.lineTo(px, b);
      ctx.moveTo(px - cap, b);
      ctx.lineTo(px + cap, b);
      if (a !== b) {
        ctx.moveTo(px - cap, a);
        ctx.lineTo(px + cap, a);
      }
      ctx.stroke();
    });
  }
  ctx.restore();
}

/** The y range of the series not in `skip` (with 5% headroom), or uPlot's [min, max] when they have no finite value. */
function rangeWithout(u: uPlot, skip: Set<number>, min: number, max: number): uPlot.Range.MinMax {
  let lo = Infinity;
  let hi = -Infinity;
  if (skip.size > 0) {
    u.data.forEach((column, si) => {
      if (si === 0 || skip.has(si)) return;
      for (const v of Array.from(column as ArrayLike<number | null | undefined>)) {
        if (v === null || v === undefined || !Number.isFinite(v)) continue;
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    });
  }
  if (!(hi >= lo)) [lo, hi] = [min, max];
  const pad = (hi - lo) * 0.05 || Math.abs(hi) * 0.05 || 1;
  return [lo - pad, hi + pad];
}

export function MetricChart({
  metrics,
  title,
  help,
  laneFilter,
  whiskers,
  seriesLabels = ['before', 'after'],
}: {
  metrics: MetricName[];
  seriesLabels?: string[];
  title?: string;
  help?: string;
  laneFilter?: (lane: LaneConfig) => boolean;
  whiskers?: Whiskers;
}) {
  const figure = useRef<HTMLElement>(null);
  const allLanes = useApp((s) => s.config.lanes);
  const lanes = useMemo(() => (laneFilter ? allLanes.filter(laneFilter) : allLanes), [allLanes, laneFilter]);
  const primary = metrics[0];
  const logScale = useApp((s) => s.logScale) && LOG_METRICS.includes(primary);
  const smoothing = useApp((s) => s.smoothing);
  const xAxis = useApp((s) => s.xAxis);
  const version = useApp((s) => s.seriesVersion);
  const series = useApp((s) => s.series);
  const laneKey = lanes.map((l) => `${l.id}:${l.name}:${l.color}`).join('|');
  const metricKey = metrics.join(',');

  const data = useMemo(() => {
    const columns = lanes.flatMap((lane) =>
      metrics.map((metric) => {
        const s = series[lane.id]?.[metric];
        const weight = UNSMOOTHED.includes(metric) ? 0 : smoothing;
        return { xs: s ? s[xAxis === 'step' ? 'steps' : xAxis] : [], ys: smooth(s?.values ?? [], weight) };
      }),
    );
    return alignSeries(columns);
    // seriesVersion tells when the (mutated in place) series grew.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [version, laneKey, smoothing, metricKey, xAxis]);

  // Per lane, the primary's own points with their uncertainty (the draw hook reads the latest).
  const ranges = useRef<Array<{ color: string; xs: number[]; lo: number[]; hi: number[] }>>([]);
  ranges.current = whiskers
    ? lanes.map((lane) => {
        const s = series[lane.id]?.[primary];
        const e = series[lane.id]?.[whiskers.metric];
        const xs = s ? s[xAxis === 'step' ? 'steps' : xAxis] : [];
        const err = (i: number) => e?.values[i] ?? 0;
        const values = s?.values ?? [];
        return {
          color: lane.color,
          xs,
          lo: values.map((v, i) => (whiskers.kind === 'above' ? v : v - err(i))),
          hi: values.map((v, i) => v + err(i)),
        };
      })
    : [];

  // Series of diverged lanes (their spike before the blow-up) do not set the y range of the others.
  const divergedIds = useApp((s) => s.divergences);
  const diverged = useRef<Set<number>>(new Set());
  diverged.current = new Set(lanes.flatMap((lane, l) => (divergedIds[lane.id] ? metrics.map((_, i) => 1 + l * metrics.length + i) : [])));

  const options = (width: number): uPlot.Options => {
    const events = EVENT_METRICS.includes(primary);
    return {
      hooks: whiskers ? { draw: [(u: uPlot) => drawWhiskers(u, ranges.current)] } : {},
      width,
      height: SIZE.height,
      legend: { live: true },
      cursor: { drag: { x: true, y: false } },
      scales: {
        x: { time: false },
        y: logScale
          ? { distr: 3, log: 10 }
          : ZERO_BASED.includes(primary)
            ? { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] }
            : { range: (u, min, max) => rangeWithout(u, diverged.current, min, max) },
      },
      axes: [
        { label: X_LABELS[xAxis], labelSize: 14, size: 30, stroke: '#555', grid: { stroke: '#eee' } },
        {
          size: 56,
          stroke: '#555',
          grid: { stroke: '#eee' },
          ...(logScale
            ? {
                splits: (_u: uPlot, _axis: number, min: number, max: number) => logTicks(min, max),
                filter: (_u: uPlot, splits: number[]) => splits,
                values: (_u: uPlot, ticks: number[]) => logTickLabels(ticks, shortNumber),
              }
            : primary === 'train_acc' || primary === 'test_acc'
              ? { values: (_u: uPlot, ticks: number[]) => ticks.map((t) => formatTick(primary, t)) }
              : {}),
        },
      ],
      series: [
        { label: X_LABELS[xAxis] },
        ...lanes.flatMap((lane) =>
          metrics.map((metric, i) => ({
            label: metrics.length > 1 ? `${lane.name} ${seriesLabels[i] ?? metric}` : lane.name,
            stroke: lane.color,
            width: 2,
            dash: i > 0 ? [5, 4] : undefined,
            spanGaps: true,
            // Events are points; a series of one point would draw no line, so it is a marker too.
            points: {
              show:
                events || EVENT_METRICS.includes(metric)
                  ? true
                  : (u: uPlot, si: number) =>
                      Array.from(u.data[si] as ArrayLike<number | null | undefined>).filter((v) => v != null).length === 1,
              size: 6,
            },
            value: (_u: uPlot, v: number | null) => formatValue(metric, v),
          })),
        ),
      ],
    };
  };
  // Rebuilt only when the lanes, metrics, axis or scale change; data updates go through setData.
  const container = useUPlot(options, data as uPlot.AlignedData, `${laneKey}/${logScale}/${metricKey}/${xAxis}`, SIZE);

  const points = data[0].length;
  const info = metricInfo(primary) ?? { label: primary, help: '' };
  return (
    <figure className="chart" ref={figure} data-testid={`chart-${primary}`} data-points={points}>
      <PngButton target={figure} name={title ?? info.label} />
      <figcaption title={help ?? info.help}>
        {title ?? info.label}
        {logScale ? ' (log)' : ''}
      </figcaption>
      <div ref={container} className="chart-canvas" />
      {points === 0 && (
        <div className="chart-empty">
          {primary.startsWith('hess_') ? 'no measurement yet' : EVENT_METRICS.includes(primary) ? 'no shift yet' : 'press play to train'}
        </div>
      )}
    </figure>
  );
}
