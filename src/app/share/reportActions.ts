import { strToU8, zipSync, type Zippable } from 'fflate';
import { toyCsv } from '../../engine/io/exports/toy';
import { hessianJson } from '../../engine/io/exports/hessian';
import { surfaceVtp } from '../../engine/io/exports/vtp';
import { curvesCsv, surfaceCsv } from '../../engine/io/exports/landscape';
import { metricsCsv, metricsJson } from '../../engine/io/exports/metrics';
import { experimentToJson } from '../../engine/io/experiment';
import type { MetricName, MetricPoint } from '../../engine/train/metrics';
import { collectExperiment } from './experimentActions';
import { download } from './download';
import { pngBytes } from './pngExport';
import { useHessian } from '../hessian/store';
import { useLandscape } from '../landscape/store';
import { useApp } from '../training/store';
import { notify } from '../shell/messages';
import { recompute, useToy } from '../toy/store';
import { errorMessage } from '../../engine/errors';

/** Every logged point of every lane, in the long format (lane, step, grad_evals, wall_s, metric, value). */
export function allMetricPoints(): MetricPoint[] {
  const { series } = useApp.getState();
  return Object.entries(series).flatMap(([laneId, lane]) =>
    Object.entries(lane).flatMap(([metric, s]) =>
      s
        ? s.steps.map((step, i) => ({
            laneId,
            metric: metric as MetricName,
            step,
            gradEvals: s.gradEvals[i],
            wallSeconds: s.wallSeconds[i],
            value: s.values[i],
          }))
        : [],
    ),
  );
}

export function laneNames(): Record<string, string> {
  return Object.fromEntries(useApp.getState().config.lanes.map((l) => [l.id, l.name]));
}

const safeName = (text: string) =>
  text
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 40) || 'lane';

export function downloadMetrics(format: 'csv' | 'json'): void {
  const points = allMetricPoints();
  if (points.length === 0) {
    notify('error', 'no metrics yet: train a few steps first');
    return;
  }
  if (format === 'csv') download('metrics.csv', metricsCsv(points, laneNames()), 'text/csv');
  else download('metrics.json', metricsJson(points, laneNames()), 'application/json');
}

/** PNGs (2x) of every chart and view on the page, named after their test ids. */
async function plots(): Promise<Zippable> {
  const out: Zippable = {};
  const seen = new Map<string, number>();
  for (const el of Array.from(
    document.querySelectorAll<HTMLElement>(
      'figure[data-testid], [data-testid="surface-view"], [data-testid="contour-view"], [data-testid="eigen-bars"], ' +
        '[data-testid="toy-3d"], [data-testid="toy-contour"]',
    ),
  )) {
    const png = await pngBytes(el);
    if (!png) continue;
    const base = el.dataset.testid ?? 'plot';
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    out[`${base}${n > 1 ? `-${n}` : ''}.png`] = png;
  }
  return out;
}

/** One ZIP with the config, metrics, plots, landscapes, Hessian results, toy trajectories and every lane's weights. */
export async function downloadReport(): Promise<void> {
  const { engine, config } = useApp.getState();
  if (!engine) return;
  try {
    const files: Zippable = {
      'experiment.json': strToU8(experimentToJson(collectExperiment())),
      'metrics.csv': strToU8(metricsCsv(allMetricPoints(), laneNames())),
      'metrics.json': strToU8(metricsJson(allMetricPoints(), laneNames())),
    };
    const landscape = useLandscape.getState();
    const curves = Object.values(landscape.curves);
    if (curves.length > 0) files['landscape/curves.csv'] = strToU8(curvesCsv(curves));
    const interpolations = Object.values(landscape.interpolations);
    if (interpolations.length > 0) files['landscape/interpolations.csv'] = strToU8(curvesCsv(interpolations));
    for (const surface of Object.values(landscape.surfaces)) {
      const name = laneNames()[surface.laneId] ?? surface.laneId;
      files[`landscape/surface-${safeName(name)}.csv`] = strToU8(surfaceCsv(surface, name));
      files[`landscape/surface-${safeName(name)}.vtp`] = strToU8(surfaceVtp(surface));
    }
    const hessian = Object.values(useHessian.getState().results);
    if (hessian.length > 0) files['hessian.json'] = strToU8(hessianJson(hessian, laneNames()));
    if (Object.keys(useToy.getState().results).length === 0) recompute();
    const toy = useToy.getState();
    const toyRuns = toy.runs.flatMap((r) => (toy.results[r.id] ? [{ id: r.id, label: r.label, result: toy.results[r.id] }] : []));
    if (toyRuns.length > 0) files['toy/trajectories.csv'] = strToU8(toyCsv(toyRuns));
    const images = await plots();
    for (const [name, png] of Object.entries(images)) files[`plots/${name}`] = png;
    for (const lane of config.lanes) {
      for (const f of await engine.api.exportWeights(lane.id, 'safetensors')) files[`weights/${f.name}`] = f.bytes;
    }
    download('flat-minima-report.zip', zipSync(files, { level: 6 }), 'application/zip');
    notify(
      'info',
      `report: ${Object.keys(files).length} files (config, metrics, ${Object.keys(images).length} ` +
        `plots, landscapes, Hessian, toy lab, ${config.lanes.length} weight files)`,
    );
  } catch (error) {
    notify('error', `could not build the report: ${errorMessage(error)}`);
  }
}

/** The landscape results on screen as CSV (curves, or every lane's surface), and surfaces as ParaView .vtp. */
export function downloadLandscape(kind: 'csv' | 'vtp'): void {
  const landscape = useLandscape.getState();
  const names = laneNames();
  if (landscape.kind === 'surface') {
    const surfaces = Object.values(landscape.surfaces);
    if (surfaces.length === 0) return notify('error', 'no surface computed yet');
    for (const surface of surfaces) {
      const name = names[surface.laneId] ?? surface.laneId;
      if (kind === 'csv') download(`surface-${safeName(name)}.csv`, surfaceCsv(surface, name), 'text/csv');
      else download(`surface-${safeName(name)}.vtp`, surfaceVtp(surface), 'application/xml');
    }
    return;
  }
  const curves = Object.values(landscape.kind === 'curve' ? landscape.curves : landscape.interpolations);
  if (curves.length === 0) return notify('error', 'no curve computed yet');
  download(landscape.kind === 'curve' ? 'curves.csv' : 'interpolations.csv', curvesCsv(curves), 'text/csv');
}

export function downloadHessian(): void {
  const results = Object.values(useHessian.getState().results);
  if (results.length === 0) return notify('error', 'no Hessian analysis yet');
  download('hessian.json', hessianJson(results, laneNames()), 'application/json');
}

export function downloadToy(): void {
  const toy = useToy.getState();
  const runs = toy.runs.flatMap((r) => (toy.results[r.id] ? [{ id: r.id, label: r.label, result: toy.results[r.id] }] : []));
  if (runs.length === 0) return notify('error', 'no trajectory yet');
  download('toy-trajectories.csv', toyCsv(runs), 'text/csv');
}
