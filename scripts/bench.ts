/**
 * npm run bench [-- --json] [-- --seconds N] [-- --only node|browser]
 * Training speed of the default comparison (3 lanes: SGD, momentum, Adam; MLP 128-64; batch 64;
 * Fashion-MNIST) on every backend available: in Node (wasm, cpu) and in Chromium through
 * Playwright (webgpu, webgl, wasm, cpu). Reports; never fails a test. Needs `npm run build` first
 * for the browser part (it runs it if dist/ is missing).
 */
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execSync } from 'node:child_process';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, type BackendName } from '../src/engine/backend';
import { loadDataset } from '../src/engine/data/loader';
import { Comparison } from '../src/engine/train/comparison';
import { defaultComparison } from '../src/engine/train/config';

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
  const dir = path.join(root, 'public', 'data', 'fashion-mnist');
  const { dataset } = await loadDataset({ cacheKey: 'bench', fetchFile: async (f) => new Uint8Array(readFileSync(path.join(dir, f))) });
  const comparison = new Comparison(dataset, defaultComparison());
  await comparison.trainWindow(5);
  const started = performance.now();
  let steps = 0;
  while ((performance.now() - started) / 1000 < seconds) {
    await comparison.trainWindow(5);
    steps += 5;
  }
  const elapsed = (performance.now() - started) / 1000;
  comparison.dispose();
  return { where: 'node', backend: report.name, adapter: report.adapter, comparisonStepsPerSecond: steps / elapsed, laneStepsPerSecond: (3 * steps) / elapsed, steps };
}

async function browserRows(): Promise<Row[]> {
  const { chromium } = await import('@playwright/test');
  const { preview } = await import('vite');
  if (!existsSync(path.join(root, 'dist', 'index.html'))) execSync('npx vite build', { cwd: root, stdio: json ? 'ignore' : 'inherit' });
  const server = await preview({ root, preview: { port: 4174, host: '127.0.0.1', strictPort: true }, logLevel: 'silent' });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--enable-unsafe-webgpu', '--enable-features=Vulkan', '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const rows: Row[] = [];
  try {
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
      rows.push({ where: 'browser', backend, adapter: report.adapter, comparisonStepsPerSecond: steps / elapsed, laneStepsPerSecond: (3 * steps) / elapsed, steps });
      await page.close();
    }
  } finally {
    await browser.close();
    await new Promise<void>((resolve) => server.httpServer.close(() => resolve()));
  }
  return rows;
}

export async function main(args: string[]): Promise<number> {
  json = args.includes('--json');
  seconds = Number(args[args.indexOf('--seconds') + 1]) || 10;
  const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
  const rows: Row[] = [];
  if (only !== 'browser') {
    for (const backend of ['wasm', 'cpu'] as const) {
      log(`node: ${backend}…`);
      rows.push(await nodeRow(backend));
    }
    tf.engine().reset();
  }
  if (only !== 'node') {
    log('browser: webgpu, webgl, wasm, cpu…');
    rows.push(...(await browserRows()));
  }
  const machine = { cpus: `${os.cpus().length} x ${os.cpus()[0]?.model ?? 'unknown'}`, memoryGiB: Math.round(os.totalmem() / 2 ** 30), platform: `${os.platform()} ${os.release()}`, node: process.version };
  const workload = 'default comparison: 3 lanes (SGD, SGD+momentum, Adam), MLP 128-64 (109,386 parameters), batch 64, Fashion-MNIST';
  if (json) {
    console.log(JSON.stringify({ machine, workload, training: rows }, null, 2));
    return 0;
  }
  console.log(`\n${workload}\nmachine: ${machine.cpus}, ${machine.memoryGiB} GiB, ${machine.platform}, node ${machine.node}\n`);
  console.log('where    backend  comparison steps/s  lane steps/s  adapter');
  for (const r of rows) {
    console.log(`${r.where.padEnd(8)} ${r.backend.padEnd(8)} ${r.comparisonStepsPerSecond.toFixed(2).padStart(18)} ${r.laneStepsPerSecond.toFixed(2).padStart(13)}  ${r.adapter}`);
  }
  return 0;
}
