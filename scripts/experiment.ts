/**
 * npm run experiment -- --config <file.json> [--out <dir>] [--backend wasm|cpu] [--save-eval-data]
 *   [--analyses curve,surface,hessian,sharpness,layers,eigen-slices,connectivity,trajectory,convexity | none]
 * Runs a comparison headless in Node with a setup file the app saves ("save setup"): trains every
 * lane, then the analyses asked for, and writes results.json, metrics.csv, landscapes, Hessian
 * results and weights to the output folder. Ctrl-C stops cleanly and keeps what was written.
 * A bad config prints what is wrong and exits with code 2.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { H5Module, H5Scratch } from '../src/engine/io/exports/h5';
import path from 'node:path';
import { initBackend } from '../src/engine/backend';
import { type BackendName } from '../src/engine/gpuProbe';
import { loadDataset } from '../src/engine/data/loader';
import { experimentFromJson } from '../src/engine/io/experiment';
import { runHeadless, type Analyses } from '../src/engine/headless/run';
import { DEFAULT_HEADLESS_ANALYSES, HEADLESS_ANALYSES } from '../src/engine/headless/analyses';
import { Comparison } from '../src/engine/train/comparison';
import { checkTrainingFits } from '../src/engine/memory';
import { errorMessage } from '../src/engine/errors';
import { parseOptions, UsageError } from './args';

const root = path.resolve(import.meta.dirname, '..');

function parseAnalyses(text: string | undefined): Analyses {
  if (text === undefined) return { ...DEFAULT_HEADLESS_ANALYSES };
  const parts = text === 'none' ? [] : text.split(',');
  const bad = parts.filter((p) => !(HEADLESS_ANALYSES as readonly string[]).includes(p));
  if (bad.length)
    throw new UsageError(`--analyses: unknown ${bad.join(', ')}; use ${HEADLESS_ANALYSES.join(', ')} (comma-separated) or none`);
  return Object.fromEntries(HEADLESS_ANALYSES.map((a) => [a, parts.includes(a)])) as Analyses;
}

/** h5wasm's Node build, writing through a scratch file in the output folder. */
async function h5Scratch(out: string): Promise<H5Scratch> {
  const h5wasm = (await import('h5wasm/node')).default;
  await h5wasm.ready;
  return {
    h5: h5wasm as unknown as H5Module,
    path: path.join(out, '.scratch.h5'),
    readBytes: (p) => new Uint8Array(readFileSync(p)),
    remove: (p) => rmSync(p, { force: true }),
  };
}

let lastLoggedTenth = -1;

function progressBar(label: string, done: number, total: number, started: number): void {
  const fraction = total > 0 ? done / total : 1;
  const elapsed = (performance.now() - started) / 1000;
  const eta = done > 0 ? (elapsed / done) * (total - done) : NaN;
  if (!process.stderr.isTTY) {
    // In a log file: one line per tenth of the way, not a redrawn bar.
    const tenth = Math.floor(fraction * 10);
    const etaText = Number.isFinite(eta) ? `, ETA ${eta.toFixed(0)} s` : '';
    if (tenth !== lastLoggedTenth)
      process.stderr.write(`${label} ${(fraction * 100).toFixed(0)}% ${done}/${total}, ${elapsed.toFixed(0)} s${etaText}\n`);
    lastLoggedTenth = tenth;
    return;
  }
  const width = 30;
  const bar = '#'.repeat(Math.round(fraction * width)).padEnd(width, '.');
  process.stderr.write(
    `\r${label} [${bar}] ${(fraction * 100).toFixed(0)}% ${done}/${total}${Number.isFinite(eta) ? ` ETA ${eta.toFixed(0)} s` : ''}   `,
  );
}

export async function main(args: string[]): Promise<number> {
  let cancelled = false;
  const onSigint = () => {
    if (cancelled) process.exit(130);
    cancelled = true;
    process.stderr.write('\nstopping after the current step (Ctrl-C again to quit at once)…\n');
  };
  try {
    const options = parseOptions(args, { values: ['config', 'out', 'backend', 'analyses'], flags: ['save-eval-data'] });
    const configPath = options.get('config');
    if (!configPath) throw new UsageError('--config <file.json> is required (a setup saved by the app, or one under experiments/)');
    let text: string;
    try {
      text = readFileSync(configPath, 'utf8');
    } catch (error) {
      throw new UsageError(`cannot read ${configPath}: ${errorMessage(error)}`);
    }
    const raw = JSON.parse(text.trim() === '' ? 'null' : text) as unknown;
    const requested = typeof raw === 'object' && raw !== null && 'analyses' in raw ? (raw as { analyses: unknown }).analyses : undefined;
    const { analyses: _a, ...rest } = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    const loaded = experimentFromJson(JSON.stringify(rest));
    // Sections or fields left out take their defaults; anything unknown or invalid is an error here.
    const problems = loaded.ignored.filter((m) => !/: missing — using the default/.test(m));
    if (problems.length > 0) throw new UsageError(`${configPath} is not a valid setup:\n  - ${problems.join('\n  - ')}`);
    const analyses = parseAnalyses(options.get('analyses') ?? (Array.isArray(requested) ? requested.join(',') : undefined));
    const experiment = loaded.experiment;
    const forced = options.get('backend');
    if (forced !== undefined && forced !== 'wasm' && forced !== 'cpu')
      throw new UsageError(`--backend must be wasm or cpu, got "${forced}"`);
    const backend: BackendName = (forced as BackendName | undefined) ?? 'wasm';
    const reason = forced
      ? `forced with --backend ${forced}`
      : 'wasm: the fastest backend in Node here (CNNs included: the app adds the convolution filter gradient tfjs 4.22 lacks on WASM)';
    const report = await initBackend(backend);
    const dir = path.join(root, 'public', 'data', experiment.comparison.datasetId);
    let dataset;
    try {
      dataset = (
        await loadDataset({
          cacheKey: experiment.comparison.datasetId,
          fetchFile: async (f) => new Uint8Array(readFileSync(path.join(dir, f))),
        })
      ).dataset;
    } catch (error) {
      throw new UsageError(
        `dataset "${experiment.comparison.datasetId}" is not in public/data (run "npm run data", or ` +
          `"npm run data:cifar -- <path>" for CIFAR-10): ${errorMessage(error)}`,
      );
    }
    try {
      Comparison.check(dataset, experiment.comparison);
      checkTrainingFits(experiment.comparison, dataset.info);
    } catch (error) {
      throw new UsageError(`${configPath} cannot run on ${experiment.comparison.datasetId}: ${errorMessage(error)}`);
    }
    const out = path.resolve(options.get('out') ?? path.join('experiment-results', path.basename(configPath, '.json')));
    mkdirSync(out, { recursive: true });
    process.on('SIGINT', onSigint);
    const started = performance.now();
    const results = await runHeadless(
      dataset,
      experiment,
      {
        write: (name, content) => {
          mkdirSync(path.dirname(path.join(out, name)), { recursive: true });
          writeFileSync(path.join(out, name), content);
        },
      },
      {
        analyses,
        backend: report.name,
        backendReason: reason,
        saveEvalData: options.has('save-eval-data'),
        control: { cancelled: () => cancelled, exclusive: (work) => work(), progress: () => undefined },
        onTrainProgress: (done, total) => progressBar('training', done, total, started),
        onPhase: (phase) => process.stderr.write(process.stderr.isTTY ? `\n${phase}…` : `${phase}…\n`),
        h5: await h5Scratch(out),
      },
    );
    if (process.stderr.isTTY) process.stderr.write('\n');
    console.log(
      `${results.cancelled ? 'stopped' : 'done'}: ${results.completedSteps}/${results.totalSteps} ` +
        `steps on ${results.backend} in ${results.seconds.toFixed(1)} s; results in ${out}`,
    );
    for (const l of results.lanes) {
      const curvature = l.lambdaMax !== null ? `, λmax ${l.lambdaMax.toPrecision(4)}, trace ${l.trace?.toPrecision(4)}` : '';
      console.log(
        `  ${l.name}: test accuracy ${(l.test.accuracy * 100).toFixed(2)}%, gap ${l.generalizationGap.toFixed(4)}, ` +
          `head ‖W‖ ${l.headNorm.toFixed(3)}${curvature}`,
      );
    }
    return results.cancelled ? 130 : 0;
  } catch (error) {
    if (error instanceof SyntaxError) {
      console.error(`experiment: the config is not JSON: ${error.message}`);
      return 2;
    }
    if (error instanceof UsageError) {
      console.error(`experiment: ${error.message}`);
      return 2;
    }
    throw error;
  } finally {
    process.off('SIGINT', onSigint);
  }
}
