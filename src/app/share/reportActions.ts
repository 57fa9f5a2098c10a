import { strToU8, zipSync, type Zippable } from 'fflate';
import { analysisFiles } from '../analyses/downloads';
import { laneNames, safeName } from './names';
import { analysisH5Files, landscapeH5Files } from './h5Files';

export { laneNames };
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

export function downloadMetrics(format: 'csv' | 'json'): void {
  const points = allMetricPoints();
  if (points.length === 0) {
    notify('error', 'no metrics yet: train a few steps first');
    return;
  }
  if (format === 'csv') download('metrics.csv', metricsCsv(points, laneNames()), 'text/csv');
  else download('metrics.json', metricsJson(points, laneNames()), 'application/json');
}

/** The charts and views on the page that export as PNG: metric figures and the WithPng hosts of 3D, contour and bar views. */
function plotElements(): Array<{ el: HTMLElement; title: string }> {
  const all = Array.from(document.querySelectorAll<HTMLElement>('figure[data-testid], .png-host'));
  return all
    .filter((el) => !all.some((other) => other !== el && other.contains(el)))
    .map((el) => ({
      el,
      title: el.dataset.pngName ?? el.querySelector('figcaption')?.textContent?.trim() ?? el.dataset.testid ?? 'plot',
    }));
}

/** PNGs (2x, titled, with legend or colour bar) of every chart and view on the page, named by view and lane. */
async function plots(left: string[], progress: (done: number, total: number) => void): Promise<Zippable> {
  const out: Zippable = {};
  const seen = new Map<string, number>();
  const elements = plotElements();
  for (const [i, { el, title }] of elements.entries()) {
    progress(i, elements.length);
    const png = await pngBytes(el, 2, title).catch(() => null);
    if (!png) {
      left.push(`plot "${title}": nothing drawn yet`);
      continue;
    }
    const base = safeName(title, 80);
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    out[`${base}${n > 1 ? `-${n}` : ''}.png`] = png;
  }
  return out;
}

/** The README inside the report ZIP: what each file is, and what was left out and why. */
function reportReadme(files: string[], left: string[]): string {
  const { config, status } = useApp.getState();
  const lines = [
    'Flat Minima Playground report',
    '',
    `Dataset ${config.datasetId}, ${config.lanes.length} lanes (${config.lanes.map((l) => l.name).join(', ')}), at step ${status.step}.`,
    '',
    'experiment.json      the whole setup (open it in the app or run: npm run experiment -- --config experiment.json)',
    'metrics.csv/.json    every logged metric of every lane (long format: lane, step, grad_evals, wall_s, metric, value)',
    'plots/               every chart and view on screen as PNG (2x), titled, with legend or colour bar',
    'landscape/, hessian.json, toy/   the analyses computed on screen (each says the step it was computed at)',
    'analyses/            sharpness, per-layer curvature, eigen-slices, connectivity, trajectories, convexity (CSV; planes as VTP)',
    "weights/             each lane's weights as safetensors (PyTorch: scripts/to-pytorch.py) and its model as ONNX",
    '',
    `Files (${files.length + 1}):`,
    ...files.map((f) => `  ${f}`),
    '  README.txt',
  ];
  lines.push('', left.length === 0 ? 'Nothing was left out.' : 'Left out:', ...left.map((l) => `  - ${l}`));
  return lines.join('\n') + '\n';
}

/**
 * One ZIP with the config, metrics, plots, landscapes, Hessian results, toy trajectories and every
 * lane's weights. It never refuses as a whole: what cannot be exported (a diverged lane's weights, a
 * view not drawn yet) is left out and README.txt inside says why. Progress shows as messages.
 */
export async function downloadReport(): Promise<void> {
  const { engine, config } = useApp.getState();
  if (!engine) return;
  const left: string[] = [];
  const files: Zippable = {};
  const attempt = async (what: string, add: () => Promise<void> | void) => {
    try {
      await add();
    } catch (error) {
      left.push(`${what}: ${errorMessage(error)}`);
    }
  };
  notify('info', 'building the report: config, metrics, analyses…');
  await attempt('experiment.json', () => {
    files['experiment.json'] = strToU8(experimentToJson(collectExperiment()));
  });
  await attempt('metrics', () => {
    files['metrics.csv'] = strToU8(metricsCsv(allMetricPoints(), laneNames()));
    files['metrics.json'] = strToU8(metricsJson(allMetricPoints(), laneNames()));
  });
  await attempt('landscape results', () => {
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
  });
  await attempt('landscapes as .h5', async () => {
    for (const [name, bytes] of Object.entries(await landscapeH5Files())) files[`landscape/${name}`] = bytes;
  });
  await attempt('hessian.json', () => {
    const hessian = Object.values(useHessian.getState().results);
    if (hessian.length > 0) files['hessian.json'] = strToU8(hessianJson(hessian, laneNames()));
  });
  await attempt('analyses', async () => {
    for (const [name, text] of Object.entries(analysisFiles())) files[`analyses/${name}`] = strToU8(text);
    for (const [name, bytes] of Object.entries(await analysisH5Files())) files[`analyses/${name}`] = bytes;
  });
  await attempt('toy lab trajectories', () => {
    if (Object.keys(useToy.getState().results).length === 0) recompute();
    const toy = useToy.getState();
    const toyRuns = toy.runs.flatMap((r) => (toy.results[r.id] ? [{ id: r.id, label: r.label, result: toy.results[r.id] }] : []));
    if (toyRuns.length > 0) files['toy/trajectories.csv'] = strToU8(toyCsv(toyRuns));
  });
  const images = await plots(left, (done, total) => {
    if (done > 0 && done % 8 === 0) notify('info', `building the report: plot ${done} of ${total}…`);
  });
  for (const [name, png] of Object.entries(images)) files[`plots/${name}`] = png;
  let weights = 0;
  for (const lane of config.lanes) {
    await attempt(`weights of "${lane.name}"`, async () => {
      for (const f of await engine.api.exportWeights(lane.id, 'safetensors')) files[`weights/${f.name}`] = f.bytes;
      for (const f of await engine.api.exportWeights(lane.id, 'onnx')) files[`weights/${f.name}`] = f.bytes;
      weights++;
    });
  }
  files['README.txt'] = strToU8(reportReadme(Object.keys(files).sort(), left));
  download('flat-minima-report.zip', zipSync(files, { level: 6 }), 'application/zip');
  notify(
    'info',
    `report: ${Object.keys(files).length} files (config, metrics, ${Object.keys(images).length} plots, analyses, ` +
      `${weights} of ${config.lanes.length} weight files)` +
      (left.length > 0 ? `; ${left.length} left out, README.txt inside says why` : ''),
  );
}

/** The landscape results on screen as CSV (curves, or every lane's surface), surfaces as ParaView .vtp, or all as .h5. */
export async function downloadLandscape(kind: 'csv' | 'vtp' | 'h5'): Promise<void> {
  const landscape = useLandscape.getState();
  if (kind === 'h5') {
    const files = Object.entries(await landscapeH5Files());
    if (files.length === 0) return notify('error', 'no landscape computed yet');
    for (const [name, bytes] of files) download(name, bytes, 'application/x-hdf5');
    return;
  }
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
