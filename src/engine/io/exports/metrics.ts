/** Every lane's logged values in the long format, as CSV and as JSON. */
import { z } from 'zod';
import { isMetricName, type MetricName, type MetricPoint } from '../../train/metrics';
import { csvRecords, csvText, exportLanes, jsonNumber, laneName, readNumber } from '../csv';

/** Metrics exported under an older name (FAM's κ was "fam_kappa" until it said what it averages). */
const RENAMED: Record<string, MetricName> = { fam_kappa: 'fam_kappa_batch_mean' };

export const METRICS_CSV_HEADER = ['lane', 'lane_name', 'step', 'grad_evals', 'wall_s', 'metric', 'value'] as const;
export const METRICS_JSON_FORMAT = 'flat-minima-playground/metrics';

/** Header `lane,lane_name,step,grad_evals,wall_s,metric,value`, one row per point, in the given order. */
export function metricsCsv(points: readonly MetricPoint[], laneNames: Record<string, string>): string {
  const rows = points.map((p) => [p.laneId, laneName(laneNames, p.laneId), p.step, p.gradEvals, p.wallSeconds, p.metric, p.value]);
  return csvText(METRICS_CSV_HEADER, rows);
}

/** Inverse of metricsCsv (lane names are dropped; read them with parseCsv if needed). */
export function parseMetricsCsv(text: string): MetricPoint[] {
  return csvRecords(text, METRICS_CSV_HEADER, 'metrics CSV').map(([lane, , step, gradEvals, wall, metric, value], r) => {
    const at = `metrics CSV record ${r + 2}`;
    return {
      laneId: lane,
      metric: readMetric(metric, at),
      step: readNumber(step, at),
      gradEvals: readNumber(gradEvals, at),
      wallSeconds: readNumber(wall, at),
      value: readNumber(value, at),
    };
  });
}

/**
 * `{"format":"flat-minima-playground/metrics","version":1,"lanes":{id:name},"points":[{lane,step,
 * grad_evals,wall_s,metric,value}]}`; non-finite numbers are null (JSON.stringify's own rule).
 */
export function metricsJson(points: readonly MetricPoint[], laneNames: Record<string, string>): string {
  return JSON.stringify({
    format: METRICS_JSON_FORMAT,
    version: 1,
    lanes: exportLanes(
      points.map((p) => p.laneId),
      laneNames,
    ),
    points: points.map((p) => ({
      lane: p.laneId,
      step: p.step,
      grad_evals: p.gradEvals,
      wall_s: p.wallSeconds,
      metric: p.metric,
      value: p.value,
    })),
  });
}

const metricsJsonSchema = z.object({
  format: z.literal(METRICS_JSON_FORMAT),
  version: z.literal(1),
  lanes: z.record(z.string(), z.string()),
  points: z.array(
    z.object({
      lane: z.string(),
      step: jsonNumber,
      grad_evals: jsonNumber,
      wall_s: jsonNumber,
      metric: z.string().refine((m) => isMetricName(RENAMED[m] ?? m), 'unknown metric'),
      value: jsonNumber,
    }),
  ),
});

/** Inverse of metricsJson; null → NaN. */
export function parseMetricsJson(text: string): MetricPoint[] {
  const file = metricsJsonSchema.parse(JSON.parse(text));
  return file.points.map((p) => ({
    laneId: p.lane,
    metric: readMetric(p.metric, 'metrics JSON'),
    step: p.step,
    gradEvals: p.grad_evals,
    wallSeconds: p.wall_s,
    value: p.value,
  }));
}

function readMetric(text: string, what: string): MetricName {
  const name = RENAMED[text] ?? text;
  if (!isMetricName(name)) throw new Error(`${what}: unknown metric "${text}"`);
  return name;
}
