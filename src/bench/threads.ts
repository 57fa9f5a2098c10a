/**
 * `npm run bench -- --only threads`: the default CNN training in the app on WASM, served once with
 * cross-origin isolation (tfjs's threaded build, one thread per core) and once without (one thread),
 * in one run; and, on bench-threads.html, tfjs-wasm's own convolution and matrix product on the
 * threaded build with one thread per core and with one thread, and on the single-threaded build: how
 * far the kernels themselves scale, which bounds what the step can gain. Runs in Node and drives
 * Chromium; needs dist/ built.
 */
import type { Browser } from '@playwright/test';
import type {} from './threadsProbePage';

export interface ThreadsRow {
  isolated: boolean;
  threads: number;
  /** Steps per second of the comparison (every lane one step), and per lane step. */
  comparisonStepsPerSecond: number;
  laneStepMs: number;
  lanes: number;
}

/** One XNNPACK convolution (conv2 of the default CNN, batch 64) and one [1000, 784]·[784, 128] product. */
export interface KernelThreadsRow {
  isolated: boolean;
  threads: number;
  convMs: number;
  matMulMs: number;
}

export interface ThreadsBench {
  app: ThreadsRow[];
  kernels: KernelThreadsRow[];
}

async function kernelSpeed(browser: Browser, url: string, threads: number): Promise<KernelThreadsRow> {
  const page = await browser.newPage();
  try {
    await page.goto(`${url}bench-threads.html?threads=${threads}`);
    await page.waitForFunction(() => window.__threadsProbe, null, { timeout: 300_000 });
    const answer = await page.evaluate(() => window.__threadsProbe!);
    if ('error' in answer) throw new Error(`the thread probe failed: ${answer.error}`);
    return answer;
  } finally {
    await page.close();
  }
}

async function cnnSpeed(browser: Browser, url: string, seconds: number): Promise<ThreadsRow> {
  const page = await browser.newPage();
  try {
    await page.goto(`${url}?backend=wasm`);
    await page.waitForFunction(() => window.__fmp?.state().phase === 'ready', null, { timeout: 600_000 });
    const testSamples = page.getByLabel('test samples', { exact: true });
    await testSamples.fill('200');
    await testSamples.press('Enter');
    await page.getByTestId('model-kind').selectOption('cnn');
    await page.waitForFunction(() => window.__fmp?.state().summary?.featureSize === 128 && window.__fmp?.state().phase === 'ready', null, {
      timeout: 600_000,
    });
    await page.getByTestId('play').click();
    await page.waitForFunction(() => (window.__fmp?.state().status.step ?? 0) >= 3, null, { timeout: 600_000 });
    const at = () => page.evaluate(() => ({ step: window.__fmp!.state().status.step, time: performance.now() }));
    const t0 = await at();
    await page.waitForTimeout(seconds * 1000);
    const t1 = await at();
    await page.getByRole('button', { name: 'Pause' }).click();
    const state = await page.evaluate(() => ({
      backend: window.__fmp!.state().backend!,
      lanes: window.__fmp!.state().config.lanes.length,
    }));
    const rate = (t1.step - t0.step) / ((t1.time - t0.time) / 1000);
    return {
      isolated: await page.evaluate(() => crossOriginIsolated),
      threads: state.backend.threads,
      comparisonStepsPerSecond: rate,
      laneStepMs: 1000 / (rate * state.lanes),
      lanes: state.lanes,
    };
  } finally {
    await page.close();
  }
}

/** Serves dist/ twice (with and without COOP/COEP) and times the default CNN on WASM on each. */
export async function browserThreads(root: string, browser: Browser, seconds: number): Promise<ThreadsBench> {
  const { preview } = await import('vite');
  const rows: ThreadsRow[] = [];
  const kernels: KernelThreadsRow[] = [];
  for (const isolated of [false, true]) {
    // vite.config.ts reads it when the server starts.
    process.env.FMP_NO_ISOLATION = isolated ? '0' : '1';
    const port = isolated ? 4176 : 4177;
    const server = await preview({ root, preview: { port, host: '127.0.0.1', strictPort: true }, logLevel: 'silent' });
    try {
      const url = `http://127.0.0.1:${port}/`;
      rows.push(await cnnSpeed(browser, url, seconds));
      for (const threads of isolated ? [0, 1] : [0]) kernels.push(await kernelSpeed(browser, url, threads));
    } finally {
      await new Promise<void>((resolve) => server.httpServer.close(() => resolve()));
    }
  }
  delete process.env.FMP_NO_ISOLATION;
  return { app: rows, kernels };
}
