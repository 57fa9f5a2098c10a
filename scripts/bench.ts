/**
 * npm run bench [-- --json] [-- --seconds N] [-- --peer] [-- --only node|browser|browser-analyses|landscape|hessian|toy|threads|peer]
 * Training speed of the default comparison (3 lanes: SGD, momentum, Adam; MLP 128-64; batch 64;
 * Fashion-MNIST) on every backend available: in Node (wasm, cpu) and in Chromium through
 * Playwright (webgpu, webgl, wasm, cpu); and the cost per step of every method relative to SGD
 * (the "One lane per method" preset; --no-methods skips it); and the loss-landscape evaluation,
 * naive per-point loop vs fast path (--only landscape for that alone; --mlp-grid, --cnn-grid,
 * --samples); one HVP against one gradient and the top-5 eigenvalues (--only hessian); and the
 * toy lab's 10 runs x 1,000 steps per optimizer (--only toy); the default CNN in the app on WASM
 * with and without cross-origin isolation (--only threads); and with --peer (or --only peer) the MLP
 * step, CNN step and HVP side by side with PyTorch on this CPU when python3 has torch.
 * Reports; never fails a test. The browser part serves dist/ (it builds it if missing).
 */
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execSync } from 'node:child_process';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../src/engine/backend';
import { type BackendName } from '../src/engine/gpuProbe';
import { loadDataset } from '../src/engine/data/loader';
import { Comparison } from '../src/engine/train/comparison';
import { defaultComparison } from '../src/engine/train/config';
import { DEFAULT_CNN, DEFAULT_MLP } from '../src/engine/model/spec';
import { PRESETS } from '../src/engine/train/presets';
import { methodGradEvals } from '../src/engine/optim/methods';
import type { Dataset } from '../src/engine/data/dataset';
import { landscapeBenchmarks, type LandscapeBenchRow } from '../src/bench/landscape';
import { benchHessian, type HessianBench } from '../src/bench/hessian';
import { runToy, toyRunSchema, TOY_OPTIMIZERS, type ToyOptimizerKind } from '../src/engine/toy/optimizers';
import { SURFACES } from '../src/engine/toy/surfaces';
import type { BrowserBench } from '../src/bench/page';
import { errorMessage } from '../src/engine/errors';
import { parseOptions } from './args';
import { oursOnPeerWorkloads, pythonWithTorch, torchOnPeerWorkloads, type PeerWorkloads, type TorchPeer } from '../src/bench/peer';
import { browserThreads, type ThreadsBench } from '../src/bench/threads';

/** The toy lab's engine: 10 runs of 1,000 steps per optimizer on the Figure 1 surface, plain numbers. */
function benchToy(): Record<string, number> {
  const surface = SURFACES['deform-fig1'];
  const out: Record<string, number> = {};
  for (const optimizer of Object.keys(TOY_OPTIMIZERS) as ToyOptimizerKind[]) {
    const config = toyRunSchema.parse({
      optimizer,
      lr: 0.02,
      momentum: 0.9,
      k: 1,
      noise: optimizer === 'sgd' ? 0.1 : 0,
      deformation: { kind: 'ap', a1: 10, a2: 1, a3: 1, a4: 1 },
    });
    const started = performance.now();
    for (let run = 0; run < 10; run++) runToy(surface, { ...config, seed: run }, surface.start, 1000);
    out[optimizer] = (performance.now() - started) / 1000;
  }
  return out;
}

/** Per-method cost: the "One lane per method" preset, each lane timed on its own (default MLP, batch 64). */
interface MethodRow {
  where: 'node' | 'browser';
  model: 'mlp' | 'cnn';
  backend: string;
  lane: string;
  gradEvalsPerStep: number;
  stepsPerSecond: number;
  relativeToSgd: number;
}

const EVERY_METHOD = PRESETS.find((p) => p.id === 'every-method')!;

function loadFashion(): Promise<Dataset> {
  const dir = path.join(root, 'public', 'data', 'fashion-mnist');
  return loadDataset({ cacheKey: 'bench', fetchFile: async (f) => new Uint8Array(readFileSync(path.join(dir, f))) }).then((r) => r.dataset);
}

function relative(rows: Omit<MethodRow, 'relativeToSgd'>[]): MethodRow[] {
  const sgd = rows.find((r) => r.lane === 'SGD')?.stepsPerSecond ?? NaN;
  return rows.map((r) => ({ ...r, relativeToSgd: r.stepsPerSecond / sgd }));
}

async function nodeMethodRows(backend: BackendName, model: 'mlp' | 'cnn' = 'mlp'): Promise<MethodRow[]> {
  const report = await initBackend(backend);
  const comparison = new Comparison(await loadFashion(), {
    ...defaultComparison(),
    model: model === 'cnn' ? DEFAULT_CNN : DEFAULT_MLP,
    lanes: EVERY_METHOD.lanes,
  });
  await comparison.trainWindow(model === 'cnn' ? 1 : 5);
  const start = comparison.lanes.map((l) => ({ steps: l.steps, seconds: l.seconds }));
  const started = performance.now();
  while ((performance.now() - started) / 1000 < seconds) await comparison.trainWindow(model === 'cnn' ? 1 : 5);
  const rows = comparison.lanes.map((lane, i) => ({
    where: 'node' as const,
    model,
    backend: report.name,
    lane: lane.config.name,
    gradEvalsPerStep: methodGradEvals(lane.config.method),
    stepsPerSecond: (lane.steps - start[i].steps) / (lane.seconds - start[i].seconds),
  }));
  comparison.dispose();
  return relative(rows);
}

interface Row {
  where: 'node' | 'browser';
  backend: string;
  adapter: string;
  comparisonStepsPerSecond: number;
  laneStepsPerSecond: number;
  steps: number;
}

let json = false;
let seconds = 10;
const log = (...parts: unknown[]) => {
  if (!json) console.log(...parts);
};
const root = path.resolve(import.meta.dirname, '..');

async function nodeRow(backend: BackendName): Promise<Row> {
  const report = await initBackend(backend);
  const comparison = new Comparison(await loadFashion(), defaultComparison());
  await comparison.trainWindow(5);
  const started = performance.now();
  let steps = 0;
  while ((performance.now() - started) / 1000 < seconds) {
    await comparison.trainWindow(5);
    steps += 5;
  }
  const elapsed = (performance.now() - started) / 1000;
  comparison.dispose();
  return {
    where: 'node',
    backend: report.name,
    adapter: report.adapter,
    comparisonStepsPerSecond: steps / elapsed,
    laneStepsPerSecond: (3 * steps) / elapsed,
    steps,
  };
}

async function browserMethodRows(
  page: import('@playwright/test').Page,
  backend: string,
  model: 'mlp' | 'cnn' = 'mlp',
): Promise<MethodRow[]> {
  // Test evaluations are not timed, but the CNN's on 10,000 samples would take minutes on SwiftShader.
  const testSamples = page.getByLabel('test samples', { exact: true });
  await testSamples.fill('500');
  await testSamples.press('Enter');
  await page.waitForFunction(() => window.__fmp?.state().config.testSize === 500);
  if (model === 'cnn') {
    await page.getByTestId('model-kind').selectOption('cnn');
    await page.waitForFunction(() => window.__fmp?.state().summary?.featureSize === 128 && window.__fmp?.state().phase === 'ready', null, {
      timeout: 600_000,
    });
  }
  await page.getByTestId('preset-every-method').click();
  await page.waitForFunction(() => window.__fmp?.state().summary?.laneIds.length === 8 && window.__fmp?.state().phase === 'ready', null, {
    timeout: 600_000,
  });
  // Log every step, so that even a slow backend gives several timed points.
  const logEvery = page.getByLabel('log every', { exact: true });
  await logEvery.fill('1');
  await logEvery.press('Enter');
  await page.waitForFunction(() => window.__fmp?.state().config.logEvery === 1);
  await page.getByTestId('play').click();
  await page.waitForFunction(() => (window.__fmp?.state().status.step ?? 0) >= 3, null, { timeout: 600_000 });
  const first = await page.evaluate(() =>
    window.__fmp!.state().config.lanes.map((l) => {
      const s = window.__fmp!.state().series[l.id]?.train_loss;
      return { steps: s?.steps.at(-1) ?? 0, wall: s?.wallSeconds.at(-1) ?? 0 };
    }),
  );
  await page.waitForTimeout(seconds * 1000);
  await page.waitForFunction((start) => (window.__fmp?.state().status.step ?? 0) >= start + 3, first[0].steps, { timeout: 600_000 });
  await page.getByRole('button', { name: 'Pause' }).click();
  // The window in flight finishes first: eight CNN lanes on a software rasterizer take minutes.
  await page.waitForFunction(() => !window.__fmp?.state().status.playing, null, { timeout: 600_000 });
  const last = await page.evaluate(() =>
    window.__fmp!.state().config.lanes.map((l) => {
      const s = window.__fmp!.state().series[l.id]?.train_loss;
      return { name: l.name, steps: s?.steps.at(-1) ?? 0, wall: s?.wallSeconds.at(-1) ?? 0 };
    }),
  );
  return relative(
    last.map((l, i) => {
      const lane = EVERY_METHOD.lanes[i];
      return {
        where: 'browser' as const,
        model,
        backend,
        lane: l.name,
        gradEvalsPerStep: methodGradEvals(lane.method),
        stepsPerSecond: (l.steps - first[i].steps) / (l.wall - first[i].wall),
      };
    }),
  );
}

/** Serves dist/ (built if missing) and runs `work` with headless Chromium; closes both afterwards. */
async function withServedBrowser<T>(work: (browser: import('@playwright/test').Browser) => Promise<T>): Promise<T> {
  const { preview } = await import('vite');
  if (!existsSync(path.join(root, 'dist', 'bench.html'))) execSync('npx vite build', { cwd: root, stdio: json ? 'ignore' : 'inherit' });
  const server = await preview({ root, preview: { port: 4174, host: '127.0.0.1', strictPort: true }, logLevel: 'silent' });
  const browser = await launchChromium();
  try {
    return await work(browser);
  } finally {
    await browser.close();
    await new Promise<void>((resolve) => server.httpServer.close(() => resolve()));
  }
}

async function launchChromium(): Promise<import('@playwright/test').Browser> {
  const { chromium } = await import('@playwright/test');
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--enable-unsafe-webgpu',
      '--enable-features=Vulkan',
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** PyTorch side by side (--peer): the three workloads in the engine (Node, WASM) and in PyTorch, 1 thread each. */
async function peerComparison(): Promise<PeerReport> {
  const report = await initBackend('wasm');
  log(`peer: the engine on node ${report.name} (${report.threads} thread): MLP step, CNN step, HVP…`);
  const ours = await oursOnPeerWorkloads(await loadFashion(), report.threads);
  const python = pythonWithTorch();
  if (!python) {
    process.stderr.write(
      'peer: PyTorch is not importable from python3: install it (Debian: apt-get install -y python3-torch) for the side-by-side figures\n',
    );
    return { ours, torch: null };
  }
  log(`peer: PyTorch (${python}), 1 thread…`);
  return { ours, torch: torchOnPeerWorkloads(python, root, 1) };
}

interface PeerReport {
  ours: PeerWorkloads;
  torch: TorchPeer | null;
}

function printPeer(peer: PeerReport): void {
  console.log('\nside by side with PyTorch on this CPU (ms; one lane, SGD momentum 0.9, batch 64; HVP: default MLP, 1,000 samples)');
  console.log(
    `workload      ours (node wasm, ${peer.ours.threads} thr)  ` +
      `PyTorch ${peer.torch?.torch ?? '-'} (${peer.torch?.threads ?? '-'} thr)  ours / PyTorch`,
  );
  const rows: [string, keyof PeerWorkloads][] = [
    ['MLP step', 'mlpStepMs'],
    ['CNN step', 'cnnStepMs'],
    ['HVP', 'hvpMs'],
  ];
  for (const [label, key] of rows) {
    const torch = peer.torch?.[key];
    const ratio = torch ? (peer.ours[key] / torch).toFixed(2) + 'x' : 'PyTorch not installed';
    console.log(`${label.padEnd(13)} ${peer.ours[key].toFixed(2).padStart(25)} ${(torch?.toFixed(2) ?? '-').padStart(26)}  ${ratio}`);
  }
}

function printThreads({ app, kernels }: ThreadsBench): void {
  console.log('\nbrowser, WASM, default CNN, 3 lanes: with and without cross-origin isolation (one run)');
  for (const r of app)
    console.log(
      `${r.isolated ? 'isolated    ' : 'not isolated'} ${r.threads} thread(s): ${r.comparisonStepsPerSecond.toFixed(2)} steps/s, ` +
        `${r.laneStepMs.toFixed(1)} ms per lane step`,
    );
  const [single, threaded] = [app.find((r) => !r.isolated), app.find((r) => r.isolated)];
  if (single && threaded)
    console.log(`threaded / single: ${(threaded.comparisonStepsPerSecond / single.comparisonStepsPerSecond).toFixed(2)}x`);
  console.log("\ntfjs-wasm's own kernels in a worker (ms): XNNPACK conv [64,14,14,16]*[3,3,16,32], matMul [1000,784]x[784,128]");
  const plain = kernels.find((k) => !k.isolated);
  for (const k of kernels) {
    const build = k.isolated ? 'threaded build' : 'single-threaded build';
    const gain = plain && k !== plain ? `  (${(plain.convMs / k.convMs).toFixed(2)}x, ${(plain.matMulMs / k.matMulMs).toFixed(2)}x)` : '';
    console.log(`${build.padEnd(22)} ${k.threads} thread(s): conv ${k.convMs.toFixed(2)}, matMul ${k.matMulMs.toFixed(2)}${gain}`);
  }
}

async function browserRows(withMethods: boolean): Promise<{ rows: Row[]; methods: MethodRow[] }> {
  const rows: Row[] = [];
  const methods: MethodRow[] = [];
  await withServedBrowser(async (browser) => {
    for (const backend of ['webgpu', 'webgl', 'wasm', 'cpu']) {
      const page = await browser.newPage();
      await page.goto(`http://127.0.0.1:4174/?backend=${backend}`);
      await page.waitForFunction(() => window.__fmp?.state().phase === 'ready', null, { timeout: 600_000 });
      const report = await page.evaluate(() => window.__fmp!.state().backend!);
      if (report.name !== backend) {
        log(`browser: ${backend} unavailable (${report.notes.join('; ')})`);
        await page.close();
        continue;
      }
      await page.getByTestId('play').click();
      await page.waitForFunction(() => (window.__fmp?.state().status.step ?? 0) >= 3, null, { timeout: 600_000 });
      const t0 = await page.evaluate(() => ({ step: window.__fmp!.state().status.step, time: performance.now() }));
      await page.waitForTimeout(seconds * 1000);
      const t1 = await page.evaluate(() => ({ step: window.__fmp!.state().status.step, time: performance.now() }));
      await page.getByRole('button', { name: 'Pause' }).click();
      const steps = t1.step - t0.step;
      const elapsed = (t1.time - t0.time) / 1000;
      rows.push({
        where: 'browser',
        backend,
        adapter: report.adapter,
        comparisonStepsPerSecond: steps / elapsed,
        laneStepsPerSecond: (3 * steps) / elapsed,
        steps,
      });
      await page.waitForFunction(() => !window.__fmp?.state().status.playing);
      if (withMethods && backend !== 'cpu') {
        for (const model of ['mlp', 'cnn'] as const) {
          log(`browser: ${backend}: one lane per method, default ${model.toUpperCase()}…`);
          // One backend failing (a timeout on a slow rasterizer) must not lose the others' numbers.
          try {
            methods.push(...(await browserMethodRows(page, backend, model)));
          } catch (error) {
            process.stderr.write(`browser: ${backend}: ${model} methods not measured: ${errorMessage(error).split('\n')[0]}\n`);
          }
        }
      }
      await page.close();
    }
  });
  return { rows, methods };
}

/** The Hessian and landscape benchmarks on every browser backend (bench.html, on the page). */
async function browserAnalyses(): Promise<BrowserBench[]> {
  const out: BrowserBench[] = [];
  await withServedBrowser(async (browser) => {
    for (const backend of ['webgpu', 'webgl', 'wasm', 'cpu']) {
      log(`browser: ${backend}: HVP, top-5 eigenvalues, landscape…`);
      const page = await browser.newPage();
      // The pure-JS CPU backend takes minutes per CNN point: a smaller CNN grid there.
      await page.goto(`http://127.0.0.1:4174/bench.html?backend=${backend}&cnn-grid=${backend === 'cpu' ? 3 : 5}`);
      await page.waitForFunction(() => window.__bench?.result !== undefined || window.__bench?.error !== undefined, null, {
        timeout: 1_800_000,
        polling: 1000,
      });
      const state = await page.evaluate(() => window.__bench!);
      if (state.result) out.push(state.result);
      else process.stderr.write(`browser: ${backend}: ${state.error}\n`);
      // Written as they come, so that a later failure does not lose them.
      process.stderr.write(`browser analyses ${backend}: ${JSON.stringify(state.result ?? null)}\n`);
      await page.close();
    }
  });
  return out;
}

export async function main(args: string[]): Promise<number> {
  const options = parseOptions(args, {
    values: ['seconds', 'only', 'mlp-grid', 'cnn-grid', 'samples'],
    flags: ['json', 'no-methods', 'peer'],
  });
  json = options.has('json');
  seconds = options.number('seconds') ?? 10;
  const only = options.get('only');
  const withMethods = !options.has('no-methods');
  const rows: Row[] = [];
  const methods: MethodRow[] = [];
  const machine = {
    cpus: `${os.cpus().length} x ${os.cpus()[0]?.model ?? 'unknown'}`,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    platform: `${os.platform()} ${os.release()}`,
    node: process.version,
  };
  let landscape: { mlp: LandscapeBenchRow; cnn: LandscapeBenchRow } | null = null;
  if (only === 'toy') {
    const toy = benchToy();
    if (json) console.log(JSON.stringify({ machine, toy: { runs: 10, steps: 1000, secondsByOptimizer: toy } }, null, 2));
    else
      console.log(
        `toy lab, 10 runs x 1,000 steps with AP deformation on deform-fig1 (seconds): ${Object.entries(toy)
          .map(([k, v]) => `${k} ${v.toFixed(3)}`)
          .join(', ')}`,
      );
    return 0;
  }
  let peer: PeerReport | null = null;
  if (options.has('peer') || only === 'peer') {
    peer = await peerComparison();
    if (only === 'peer') {
      if (json) console.log(JSON.stringify({ machine, peer }, null, 2));
      else printPeer(peer);
      return 0;
    }
  }
  let threads: ThreadsBench | null = null;
  if (only === undefined || only === 'threads') {
    if (!existsSync(path.join(root, 'dist', 'index.html'))) execSync('npx vite build', { cwd: root, stdio: json ? 'ignore' : 'inherit' });
    log('browser: WASM with and without cross-origin isolation, default CNN…');
    const browser = await launchChromium();
    try {
      threads = await browserThreads(root, browser, seconds);
    } finally {
      await browser.close();
    }
    if (only === 'threads') {
      if (json) console.log(JSON.stringify({ machine, threads }, null, 2));
      else printThreads(threads);
      return 0;
    }
  }
  let hessianRow: HessianBench | null = null;
  if (only === undefined || only === 'hessian') {
    const report = await initBackend('wasm');
    log(`hessian on ${report.name}: one HVP vs one gradient, top-5 eigenvalues of the default MLP…`);
    hessianRow = await benchHessian(await loadFashion());
    if (only === 'hessian') {
      if (json)
        console.log(JSON.stringify({ machine, hvp: { hvpOverGradient: hessianRow.hvpOverGradient }, hessian: hessianRow }, null, 2));
      else printHessian(hessianRow);
      return 0;
    }
  }
  if (only === undefined || only === 'landscape') {
    const report = await initBackend('wasm');
    log(`landscape on ${report.name}: naive per-point loop vs fast path…`);
    landscape = await landscapeBenchmarks(await loadFashion(), {
      mlpGrid: options.number('mlp-grid') ?? 51,
      cnnGrid: options.number('cnn-grid') ?? 7,
      samples: options.number('samples') ?? 2000,
    });
    if (only === 'landscape') {
      if (json) console.log(JSON.stringify({ machine, landscape }, null, 2));
      else printLandscape(landscape);
      return 0;
    }
  }
  if (only === undefined || only === 'node') {
    for (const backend of ['wasm', 'cpu'] as const) {
      log(`node: ${backend}…`);
      rows.push(await nodeRow(backend));
      if (withMethods) {
        log(`node: ${backend}: one lane per method…`);
        methods.push(...(await nodeMethodRows(backend)));
        log(`node: ${backend}: one lane per method, default CNN…`);
        methods.push(...(await nodeMethodRows(backend, 'cnn')));
      }
    }
    tf.engine().reset();
  }
  let browserBenches: BrowserBench[] = [];
  if (only === undefined || only === 'browser' || only === 'browser-analyses') browserBenches = await browserAnalyses();
  if (only === undefined || only === 'browser') {
    log('browser: webgpu, webgl, wasm, cpu…');
    const browser = await browserRows(withMethods);
    rows.push(...browser.rows);
    methods.push(...browser.methods);
  }
  const hvpByBackend: Record<string, { hvpOverGradient: number; gradientSeconds: number; hvpSeconds: number }> = {};
  const hessianByBackend: Record<string, HessianBench> = {};
  const landscapeByBackend: Record<string, { mlp: LandscapeBenchRow; cnn: LandscapeBenchRow }> = {};
  if (hessianRow) hessianByBackend[`node/${hessianRow.backend}`] = hessianRow;
  if (landscape) landscapeByBackend[`node/${landscape.mlp.backend}`] = landscape;
  for (const b of browserBenches) {
    hessianByBackend[`browser/${b.backend}`] = b.hessian;
    landscapeByBackend[`browser/${b.backend}`] = b.landscape;
  }
  for (const [where, h] of Object.entries(hessianByBackend))
    hvpByBackend[where] = { hvpOverGradient: h.hvpOverGradient, gradientSeconds: h.gradientSeconds, hvpSeconds: h.hvpSeconds };
  const workload = 'default comparison: 3 lanes (SGD, SGD+momentum, Adam), MLP 128-64 (109,386 parameters), batch 64, Fashion-MNIST';
  if (json) {
    console.log(
      JSON.stringify(
        {
          machine,
          workload,
          comparison: rows,
          training: trainingByModel(methods),
          methods,
          landscape: landscapeByBackend,
          hvp: hvpByBackend,
          hessian: hessianByBackend,
          threads,
          ...(peer ? { peer } : {}),
        },
        null,
        2,
      ),
    );
    return 0;
  }
  console.log(`\n${workload}\nmachine: ${machine.cpus}, ${machine.memoryGiB} GiB, ${machine.platform}, node ${machine.node}\n`);
  console.log('where    backend  comparison steps/s  lane steps/s  adapter');
  for (const r of rows) {
    console.log(
      `${r.where.padEnd(8)} ${r.backend.padEnd(8)} ${r.comparisonStepsPerSecond.toFixed(2).padStart(18)} ` +
        `${r.laneStepsPerSecond.toFixed(2).padStart(13)}  ${r.adapter}`,
    );
  }
  if (methods.length > 0) {
    console.log(
      `\ncost per step by method (${EVERY_METHOD.label} preset, default MLP (and the default CNN ` +
        `on cpu), batch 64; each lane timed on its own)`,
    );
    console.log('where    model backend  lane          grads/step  steps/s  time per step vs SGD');
    for (const m of methods) {
      console.log(
        `${m.where.padEnd(8)} ${m.model.padEnd(5)} ${m.backend.padEnd(8)} ${m.lane.padEnd(13)} ` +
          `${String(m.gradEvalsPerStep).padStart(10)} ${m.stepsPerSecond.toPrecision(3).padStart(8)}  ${(1 / m.relativeToSgd).toFixed(2)}x`,
      );
    }
  }
  for (const [where, l] of Object.entries(landscapeByBackend)) printLandscape(l, where);
  for (const [where, h] of Object.entries(hessianByBackend)) printHessian(h, where);
  if (threads) printThreads(threads);
  if (peer) printPeer(peer);
  return 0;
}

/** training[model][method][where/backend] = { stepsPerSecond, relativeToSgd } (the issue's JSON shape). */
function trainingByModel(
  rows: MethodRow[],
): Record<string, Record<string, Record<string, { stepsPerSecond: number; relativeToSgd: number; gradEvalsPerStep: number }>>> {
  const out: Record<
    string,
    Record<string, Record<string, { stepsPerSecond: number; relativeToSgd: number; gradEvalsPerStep: number }>>
  > = {};
  for (const r of rows) {
    const byMethod = (out[r.model] ??= {});
    (byMethod[r.lane] ??= {})[`${r.where}/${r.backend}`] = {
      stepsPerSecond: r.stepsPerSecond,
      relativeToSgd: r.relativeToSgd,
      gradEvalsPerStep: r.gradEvalsPerStep,
    };
  }
  return out;
}

function printHessian(h: HessianBench, where = 'node'): void {
  console.log(
    `\nHessian of the ${h.model} after ${h.trainedSteps} SGD steps, ${h.samples} training samples, ${where.split('/')[0]} ${h.backend}`,
  );
  console.log(
    `one gradient ${(h.gradientSeconds * 1000).toFixed(1)} ms, one HVP ${(h.hvpSeconds * 1000).toFixed(1)} ` +
      `ms: HVP / gradient = ${h.hvpOverGradient.toFixed(2)}`,
  );
  console.log(
    `top-5 eigenvalues ${h.top5.map((v) => v.toPrecision(4)).join(', ')} in ${h.top5Seconds.toFixed(1)} ` +
      `s (${h.top5Iterations} HVPs${h.top5Converged ? ', converged to 1e-3' : ', not converged'})`,
  );
}

function printLandscape(landscape: { mlp: LandscapeBenchRow; cnn: LandscapeBenchRow }, where = 'node'): void {
  console.log(
    `\nloss landscape (${where.split('/')[0]}), filter-normalized 2D surface on Fashion-MNIST training ` +
      `samples: the per-point loop vs the fast path`,
  );
  console.log('model                            backend  grid     points  samples  naive s  fast s   ratio  max rel diff');
  for (const r of [landscape.mlp, landscape.cnn]) {
    console.log(
      `${r.model.padEnd(32)} ${r.backend.padEnd(8)} ${r.grid.padEnd(8)} ${String(r.points).padStart(6)} ` +
        `${String(r.samples).padStart(8)} ${r.naiveSeconds.toFixed(2).padStart(8)} ${r.fastSeconds.toFixed(2).padStart(7)} ` +
        `${r.ratio.toFixed(2).padStart(7)}  ${r.maxRelDiff.toExponential(2)}`,
    );
  }
}
