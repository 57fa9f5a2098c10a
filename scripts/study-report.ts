/**
 * Aggregates the study's results (experiment-results/study/<dataset>-<model>-seed<k>/) into
 * docs/study/: tables.md (mean ± std over seeds per method) and SVG plots (1D curves, λmax and
 * trace, top eigenvalues, test accuracy against gradient evaluations). Used by `npm run study -- report`.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { headlessResultsSchema, type HeadlessResults } from '../src/engine/headless/run';
import { parseCurvesCsv, type ParsedCurve } from '../src/engine/io/exports/landscape';
import { parseMetricsCsv } from '../src/engine/io/exports/metrics';
import { curveReadout } from '../src/engine/landscape/sharpness';
import type { MetricPoint } from '../src/engine/train/metrics';

interface Run {
  name: string;
  dataset: string;
  model: string;
  seed: number;
  results: HeadlessResults;
  curves: ParsedCurve[];
  metrics: MetricPoint[];
}

/** Radius (filter-normalized units) at which the 1D curves' loss rise is read. */
export const RISE_RADIUS = 0.5;

function loadRun(dir: string, name: string): Run | null {
  const file = path.join(dir, name, 'results.json');
  if (!existsSync(file)) return null;
  const results = headlessResultsSchema.parse(JSON.parse(readFileSync(file, 'utf8'))) as HeadlessResults;
  if (results.cancelled) return null;
  const curvesFile = path.join(dir, name, 'landscape', 'curves.csv');
  const match = /^(.*)-(mlp|cnn)-seed(\d+)$/.exec(name);
  if (!match) return null;
  return {
    name,
    dataset: match[1],
    model: match[2],
    seed: Number(match[3]),
    results,
    curves: existsSync(curvesFile) ? parseCurvesCsv(readFileSync(curvesFile, 'utf8')) : [],
    metrics: parseMetricsCsv(readFileSync(path.join(dir, name, 'metrics.csv'), 'utf8')),
  };
}

export function meanStd(values: readonly number[]): { mean: number; std: number; n: number } {
  const xs = values.filter(Number.isFinite);
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const std = n > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, std, n };
}

function fmt(values: readonly number[], digits: number, scale = 1): string {
  const { mean, std, n } = meanStd(values.map((v) => v * scale));
  if (n === 0) return 'n/a';
  return `${mean.toFixed(digits)} ± ${std.toFixed(digits)}`;
}

/** Loss rise at ±r averaged over both sides, and the basin-free 1D curvature at α = 0. */
function curveSharpness(curve: ParsedCurve | undefined): { rise: number; curvature: number } {
  if (!curve) return { rise: NaN, curvature: NaN };
  const r = curveReadout(curve.alphas, curve.train.loss, RISE_RADIUS, Infinity);
  return { rise: (r.riseMinus + r.risePlus) / 2, curvature: r.curvature };
}

/** Test accuracy of a lane at the last test point whose gradient evaluations are within `budget`. */
function accuracyAtBudget(metrics: readonly MetricPoint[], laneId: string, budget: number): number {
  const points = metrics.filter((p) => p.laneId === laneId && p.metric === 'test_acc' && p.gradEvals <= budget);
  return points.length ? points[points.length - 1].value : NaN;
}

interface Row {
  laneId: string;
  name: string;
  cells: Record<string, number[]>;
}

const COLUMNS: { key: string; title: string; digits: number; scale?: number }[] = [
  { key: 'testAcc', title: 'test acc. (%)', digits: 2, scale: 100 },
  { key: 'accAtBudget', title: "test acc. at SGDM's grad. evals (%)", digits: 2, scale: 100 },
  { key: 'trainLoss', title: 'train loss', digits: 4 },
  { key: 'gap', title: 'gap (test − train loss)', digits: 4 },
  { key: 'lambdaMax', title: 'λmax', digits: 2 },
  { key: 'trace', title: 'trace', digits: 1 },
  { key: 'headNorm', title: 'head ‖W‖', digits: 3 },
  { key: 'rise', title: `1D rise at ±${RISE_RADIUS}`, digits: 4 },
  { key: 'gradEvals', title: 'grad. evals', digits: 0 },
  { key: 'seconds', title: 's / lane', digits: 0 },
];

function rowsOf(runs: readonly Run[]): Row[] {
  const rows = new Map<string, Row>();
  for (const run of runs) {
    const budget = run.results.lanes.find((l) => l.laneId === 'sgdm')?.gradEvals ?? Infinity;
    for (const lane of run.results.lanes) {
      const row = rows.get(lane.laneId) ?? {
        laneId: lane.laneId,
        name: lane.name,
        cells: Object.fromEntries(COLUMNS.map((c) => [c.key, [] as number[]])),
      };
      rows.set(lane.laneId, row);
      const sharp = curveSharpness(run.curves.find((c) => c.key === lane.laneId));
      const push = (key: string, v: number | null) => row.cells[key].push(v ?? NaN);
      push('testAcc', lane.test.accuracy);
      push('accAtBudget', accuracyAtBudget(run.metrics, lane.laneId, budget));
      push('trainLoss', lane.train.loss);
      push('gap', lane.generalizationGap);
      push('lambdaMax', lane.lambdaMax);
      push('trace', lane.trace);
      push('headNorm', lane.headNorm);
      push('rise', sharp.rise);
      push('gradEvals', lane.gradEvals);
      push('seconds', lane.seconds);
    }
  }
  return [...rows.values()];
}

function table(rows: readonly Row[]): string {
  const head = `| method | ${COLUMNS.map((c) => c.title).join(' | ')} |`;
  const rule = `|---|${COLUMNS.map(() => '---:').join('|')}|`;
  const body = rows.map((r) => `| ${r.name} | ${COLUMNS.map((c) => fmt(r.cells[c.key], c.digits, c.scale)).join(' | ')} |`);
  return [head, rule, ...body].join('\n');
}

/** The papers' claims as paired differences (method − reference, same seed, same initial weights). */
export const CLAIMS: { claim: string; method: string; reference: string; metrics: string[] }[] = [
  { claim: 'NSO lowers the trace more than SGD', method: 'nso', reference: 'sgdm', metrics: ['trace', 'lambdaMax', 'testAcc'] },
  { claim: 'NSO lowers the trace more than SAM', method: 'nso', reference: 'sam', metrics: ['trace', 'lambdaMax', 'testAcc'] },
  { claim: 'SAM lowers the trace (baseline)', method: 'sam', reference: 'sgdm', metrics: ['trace', 'lambdaMax', 'testAcc'] },
  {
    claim: 'SOS keeps the training loss, lowers head norm and trace (on SGDM)',
    method: 'sos-sgdm',
    reference: 'sgdm',
    metrics: ['trainLoss', 'headNorm', 'trace', 'testAcc'],
  },
  {
    claim: 'SOS keeps the training loss, lowers head norm and trace (on SAM)',
    method: 'sos-sam',
    reference: 'sam',
    metrics: ['trainLoss', 'headNorm', 'trace', 'testAcc'],
  },
  { claim: 'FAM improves test accuracy', method: 'fam', reference: 'sgdm', metrics: ['testAcc', 'gap', 'trace'] },
  { claim: 'AP deformation finds flatter 1D curves', method: 'ap', reference: 'sgdm', metrics: ['rise', 'lambdaMax', 'trace', 'testAcc'] },
  { claim: 'LE deformation finds flatter 1D curves', method: 'le', reference: 'sgdm', metrics: ['rise', 'lambdaMax', 'trace', 'testAcc'] },
  // The sensitivity runs (experiments/study-ablations/): same seeds, so the same initial weights and batches as the main study.
  { claim: 'NSO with σ 0.03 lowers the trace', method: 'nso-003', reference: 'sgdm', metrics: ['trace', 'lambdaMax', 'testAcc'] },
  { claim: 'NSO with σ 0.1 lowers the trace', method: 'nso-01', reference: 'sgdm', metrics: ['trace', 'lambdaMax', 'testAcc'] },
  { claim: 'FAM with λ 0.01 improves test accuracy', method: 'fam-001', reference: 'sgdm', metrics: ['testAcc', 'gap', 'trace'] },
  { claim: 'FAM with λ 0.001 improves test accuracy', method: 'fam-0001', reference: 'sgdm', metrics: ['testAcc', 'gap', 'trace'] },
  {
    claim: 'AP finds flatter 1D curves at the same base η 0.005',
    method: 'ap-slow',
    reference: 'sgdm-slow',
    metrics: ['rise', 'lambdaMax', 'trace', 'testAcc'],
  },
  {
    claim: 'LE finds flatter 1D curves at the same base η 0.005',
    method: 'le-slow',
    reference: 'sgdm-slow',
    metrics: ['rise', 'lambdaMax', 'trace', 'testAcc'],
  },
];

function pairedTable(rows: readonly Row[]): string | null {
  const byId = new Map(rows.map((r) => [r.laneId, r]));
  const lines = [
    '| claim | metric | method − reference (mean ± std over seeds) | relative to reference | seeds where lower |',
    '|---|---|---:|---:|---:|',
  ];
  for (const c of CLAIMS) {
    const m = byId.get(c.method);
    const ref = byId.get(c.reference);
    if (!m || !ref) continue;
    for (const key of c.metrics) {
      const column = COLUMNS.find((col) => col.key === key)!;
      const scale = column.scale ?? 1;
      const diffs = m.cells[key].map((v, i) => (v - ref.cells[key][i]) * scale);
      const relative = meanStd(m.cells[key].map((v, i) => ((v - ref.cells[key][i]) / Math.abs(ref.cells[key][i])) * 100));
      const lower = diffs.filter((d) => d < 0).length;
      lines.push(
        `| ${c.claim} (${m.name} vs ${ref.name}) | ${column.title} | ${fmt(diffs, column.digits + 1)} ` +
          `| ${relative.mean >= 0 ? '+' : ''}${relative.mean.toFixed(1)}% | ${lower}/${diffs.filter(Number.isFinite).length} ` +
          `|`,
      );
    }
  }
  return lines.length > 2 ? lines.join('\n') : null;
}

// ---- SVG plots (plain text, readable on GitHub and in any browser) ----

// Tableau 10: distinct hues, one per method in the study's lane order.
const COLORS = ['#f28e2b', '#4e79a7', '#59a14f', '#e15759', '#b07aa1', '#76b7b2', '#9c755f', '#edc948'];
const W = 640;
const H = 360;
const M = { left: 64, right: 150, top: 36, bottom: 48 };

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function ticks(lo: number, hi: number, count = 5): number[] {
  const step0 = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(step0));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= step0) ?? step0;
  const out: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + 1e-12; t += step) out.push(Number(t.toPrecision(10)));
  return out;
}

function frame(
  title: string,
  xLabel: string,
  yLabel: string,
  x: [number, number],
  y: [number, number],
  xTicks = true,
): { svg: string[]; sx: (v: number) => number; sy: (v: number) => number } {
  const sx = (v: number) => M.left + ((v - x[0]) / (x[1] - x[0])) * (W - M.left - M.right);
  const sy = (v: number) => H - M.bottom - ((v - y[0]) / (y[1] - y[0])) * (H - M.top - M.bottom);
  const svg = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2 - M.right / 2}" y="20" text-anchor="middle" font-size="14">${esc(title)}</text>`,
    `<text x="${(M.left + W - M.right) / 2}" y="${H - 10}" text-anchor="middle">${esc(xLabel)}</text>`,
    `<text transform="translate(16 ${(M.top + H - M.bottom) / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>`,
    `<rect x="${M.left}" y="${M.top}" width="${W - M.left - M.right}" height="${H - M.top - M.bottom}" fill="none" stroke="#999"/>`,
  ];
  if (xTicks)
    for (const t of ticks(x[0], x[1]))
      svg.push(
        `<line x1="${sx(t)}" x2="${sx(t)}" y1="${H - M.bottom}" y2="${H - M.bottom + 4}" stroke="#999"/><text ` +
          `x="${sx(t)}" y="${H - M.bottom + 16}" text-anchor="middle">${t}</text>`,
      );
  for (const t of ticks(y[0], y[1]))
    svg.push(
      `<line x1="${M.left - 4}" x2="${W - M.right}" y1="${sy(t)}" y2="${sy(t)}" stroke="#eee"/><text ` +
        `x="${M.left - 6}" y="${sy(t) + 4}" text-anchor="end">${t}</text>`,
    );
  return { svg, sx, sy };
}

function legend(svg: string[], names: readonly string[]): void {
  names.forEach((name, i) => {
    const y = M.top + 10 + i * 18;
    svg.push(
      `<line x1="${W - M.right + 10}" x2="${W - M.right + 30}" y1="${y}" y2="${y}" stroke="${COLORS[i % COLORS.length]}" ` +
        `stroke-width="3"/><text x="${W - M.right + 36}" y="${y + 4}">${esc(name)}</text>`,
    );
  });
}

/** Lines over a shared x axis; with `yMax`, the plot is cut at that height (clipped, not rescaled). */
export function linePlot(
  title: string,
  xLabel: string,
  yLabel: string,
  series: { name: string; xs: number[]; ys: number[] }[],
  yMax?: number,
): string {
  const xs = series.flatMap((s) => s.xs);
  const ys = series.flatMap((s) => s.ys).filter(Number.isFinite);
  const yLo = Math.min(...ys);
  const yHi = Math.min(Math.max(...ys), yMax ?? Infinity);
  const pad = (yHi - yLo) * 0.05 || 1;
  const { svg, sx, sy } = frame(title, xLabel, yLabel, [Math.min(...xs), Math.max(...xs)], [yLo - pad, yHi + pad]);
  svg.push(
    `<clipPath id="plot"><rect x="${M.left}" y="${M.top}" width="${W - M.left - M.right}" height="${H - M.top - M.bottom}"/></clipPath>`,
  );
  series.forEach((s, i) => {
    const d = s.xs
      .map((x, k) => (Number.isFinite(s.ys[k]) ? `${sx(x).toFixed(1)},${sy(s.ys[k]).toFixed(1)}` : ''))
      .filter(Boolean)
      .join(' ');
    svg.push(`<polyline points="${d}" fill="none" stroke="${COLORS[i % COLORS.length]}" stroke-width="2" clip-path="url(#plot)"/>`);
  });
  legend(
    svg,
    series.map((s) => s.name),
  );
  return `${svg.join('\n')}\n</svg>\n`;
}

/** One bar per method (mean over seeds) with a ±std whisker and each seed's value as a dot. */
export function barPlot(title: string, yLabel: string, bars: { name: string; values: number[] }[]): string {
  const all = bars.flatMap((b) => b.values).filter(Number.isFinite);
  const hi = Math.max(...all, 0) * 1.1 || 1;
  const { svg, sy } = frame(title, '', yLabel, [0, 1], [0, hi], false);
  const slot = (W - M.left - M.right) / bars.length;
  bars.forEach((b, i) => {
    const { mean, std } = meanStd(b.values);
    const x = M.left + slot * i + slot * 0.15;
    const w = slot * 0.7;
    const colour = COLORS[i % COLORS.length];
    if (Number.isFinite(mean)) {
      svg.push(
        `<rect x="${x.toFixed(1)}" y="${sy(mean).toFixed(1)}" width="${w.toFixed(1)}" height="${(sy(0) - sy(mean)).toFixed(1)}" ` +
          `fill="${colour}" opacity="0.75"/>`,
      );
      svg.push(
        `<line x1="${x + w / 2}" x2="${x + w / 2}" y1="${sy(mean - std).toFixed(1)}" y2="${sy(mean + std).toFixed(1)}" stroke="black"/>`,
      );
    }
    for (const v of b.values.filter(Number.isFinite))
      svg.push(`<circle cx="${(x + w / 2).toFixed(1)}" cy="${sy(v).toFixed(1)}" r="2.5" fill="black"/>`);
  });
  legend(
    svg,
    bars.map((b) => b.name),
  );
  return `${svg.join('\n')}\n</svg>\n`;
}

export function studyReport(resultsDir: string, outDir: string): void {
  mkdirSync(outDir, { recursive: true });
  const runs = (existsSync(resultsDir) ? readdirSync(resultsDir) : [])
    .sort()
    .map((n) => loadRun(resultsDir, n))
    .filter((r): r is Run => r !== null);
  if (runs.length === 0) throw new Error(`no finished runs under ${resultsDir}: run "npm run study -- run" first`);
  const groups = new Map<string, Run[]>();
  for (const run of runs) groups.set(`${run.dataset}-${run.model}`, [...(groups.get(`${run.dataset}-${run.model}`) ?? []), run]);
  const sections: string[] = [
    `Generated by \`npm run study -- report\` from ${runs.length} runs. Mean ± standard deviation ` +
      `over seeds; the 1D rise is L(±${RISE_RADIUS}) − L(0) on the training samples of the 1D curve, ` +
      `averaged over both sides (filter-normalized direction, seed 0).`,
  ];
  for (const [key, group] of groups) {
    const first = group[0].results;
    const rows = rowsOf(group);
    const paired = pairedTable(rows);
    const pairedText = paired
      ? `\n\nPaired differences for the papers' claims (each seed's lanes share initial weights and batches):\n\n${paired}`
      : '';
    sections.push(
      `## ${key} (${group.length} seeds: ${group.map((g) => g.seed).join(', ')})\n\n${first.trainSamples.toLocaleString('en-US')} ` +
        `training samples, ${first.totalSteps} steps (batch 64), backend ${first.backend}.\n\n${table(rows)}${pairedText}`,
    );
    writeFileSync(
      path.join(outDir, `${key}-lambda-max.svg`),
      barPlot(
        `${key}: λmax (top Hessian eigenvalue)`,
        'λmax',
        rows.map((r) => ({ name: r.name, values: r.cells.lambdaMax })),
      ),
    );
    writeFileSync(
      path.join(outDir, `${key}-trace.svg`),
      barPlot(
        `${key}: Hessian trace (Hutchinson)`,
        'trace',
        rows.map((r) => ({ name: r.name, values: r.cells.trace })),
      ),
    );
    writeFileSync(
      path.join(outDir, `${key}-test-accuracy.svg`),
      barPlot(
        `${key}: test accuracy`,
        'test accuracy',
        rows.map((r) => ({ name: r.name, values: r.cells.testAcc })),
      ),
    );
    writeFileSync(
      path.join(outDir, `${key}-head-norm.svg`),
      barPlot(
        `${key}: head weight norm`,
        '‖W_head‖',
        rows.map((r) => ({ name: r.name, values: r.cells.headNorm })),
      ),
    );
    const seed1 = group.find((g) => g.seed === Math.min(...group.map((x) => x.seed)))!;
    if (seed1.curves.length) {
      const lines = seed1.curves.map((c) => ({
        name: seed1.results.lanes.find((l) => l.laneId === c.key)?.name ?? c.key,
        xs: c.alphas,
        ys: c.train.loss,
      }));
      writeFileSync(
        path.join(outDir, `${key}-curves.svg`),
        linePlot(`${key}, seed ${seed1.seed}: 1D loss along a filter-normalized direction`, 'α', 'training loss', lines),
      );
      const lowest = Math.min(...lines.flatMap((l) => l.ys));
      writeFileSync(
        path.join(outDir, `${key}-curves-zoom.svg`),
        linePlot(`${key}, seed ${seed1.seed}: the same, loss cut at ${(lowest + 1).toFixed(2)}`, 'α', 'training loss', lines, lowest + 1),
      );
    }
    const accuracy = seed1.results.lanes.map((l) => {
      const pts = seed1.metrics.filter((p) => p.laneId === l.laneId && p.metric === 'test_acc');
      return { name: l.name, xs: pts.map((p) => p.gradEvals), ys: pts.map((p) => p.value) };
    });
    writeFileSync(
      path.join(outDir, `${key}-accuracy-vs-grad-evals.svg`),
      linePlot(`${key}, seed ${seed1.seed}: test accuracy during training`, 'gradient evaluations', 'test accuracy', accuracy),
    );
    const eigen = group[0].results.lanes.map((l) => {
      const values = group.map((g) => g.results.lanes.find((x) => x.laneId === l.laneId)?.eigenvalues ?? []);
      const k = Math.min(...values.map((v) => v.length));
      return {
        name: l.name,
        xs: Array.from({ length: k }, (_, i) => i + 1),
        ys: Array.from({ length: k }, (_, i) => meanStd(values.map((v) => v[i])).mean),
      };
    });
    if (eigen.every((e) => e.xs.length > 1))
      writeFileSync(
        path.join(outDir, `${key}-top-eigenvalues.svg`),
        linePlot(`${key}: top Hessian eigenvalues (mean over seeds)`, 'index', 'eigenvalue', eigen),
      );
  }
  writeFileSync(path.join(outDir, 'tables.md'), `# Study tables\n\n${sections.join('\n\n')}\n`);
  console.log(`wrote ${path.join(outDir, 'tables.md')} and the plots (${groups.size} groups)`);
}
