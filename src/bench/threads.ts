/**
 * `npm run bench -- --only threads`: the default CNN training in the app on WASM, served once with
 * cross-origin isolation (tfjs's threaded build, one thread per core) and once without (one thread),
 * in one run. Runs in Node and drives Chromium; needs dist/ built.
 */
import type { Browser } from '@playwright/test';

export interface ThreadsRow {
  isolated: boolean;
  threads: number;
  /** Steps per second of the comparison (every lane one step), and per lane step. */
  comparisonStepsPerSecond: number;
  laneStepMs: number;
  lanes: number;
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
export async function browserThreads(root: string, browser: Browser, seconds: number): Promise<ThreadsRow[]> {
  const { preview } = await import('vite');
  const rows: ThreadsRow[] = [];
  for (const isolated of [false, true]) {
    // vite.config.ts reads it when the server starts.
    process.env.FMP_NO_ISOLATION = isolated ? '0' : '1';
    const port = isolated ? 4176 : 4177;
    const server = await preview({ root, preview: { port, host: '127.0.0.1', strictPort: true }, logLevel: 'silent' });
    try {
      rows.push(await cnnSpeed(browser, `http://127.0.0.1:${port}/`, seconds));
    } finally {
      await new Promise<void>((resolve) => server.httpServer.close(() => resolve()));
    }
  }
  delete process.env.FMP_NO_ISOLATION;
  return rows;
}
