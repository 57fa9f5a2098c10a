import { expect, test, type Page } from '@playwright/test';
import { computeHessianWith, quiet, setField, chooseTinyModel, waitForPhase } from './helpers';

/** 2,000 steps with `npm run soak`; fewer in `npm test` (SOAK_STEPS overrides). */
const STEPS = Number(process.env.SOAK_STEPS) || 600;
/** Heap growth allowed from step 200 on: the charts' series grow a little with every logged point. */
const HEAP_TOLERANCE_MIB = 8;

async function playUntil(page: Page, step: number): Promise<void> {
  await page.getByTestId('play').click();
  await page.waitForFunction((n) => (window.__fmp?.state().status.step ?? 0) >= n, step, { timeout: 600_000, polling: 500 });
  await page.getByRole('button', { name: 'Pause' }).click();
  await page.waitForFunction(() => !window.__fmp?.state().status.playing);
}

test(`soak: ${STEPS} steps of three lanes, then a landscape and a Hessian; tensors and heap stay flat from step 200`, async ({ page }) => {
  test.setTimeout(900_000);
  // On the page (?worker=0), so that the heap measured is the engine's as well as the UI's.
  await page.goto('/?worker=0&backend=wasm&dataset=mnist');
  await waitForPhase(page, 'ready');
  await chooseTinyModel(page);
  await setField(page, 'epochs', String(Math.ceil(STEPS / 125) + 1));
  await setField(page, 'test every', '100');
  await setField(page, 'log every', '10');
  await page.waitForFunction(() => window.__fmp?.state().config.logEvery === 10 && window.__fmp?.state().config.testEvery === 100);
  const cdp = await page.context().newCDPSession(page);
  const measure = async () => {
    await quiet(page);
    await cdp.send('HeapProfiler.collectGarbage');
    const heap = (await cdp.send('Runtime.getHeapUsage')).usedSize;
    const { numTensors, numBytes } = await page.evaluate(() => window.__fmp!.memory());
    return { step: await page.evaluate(() => window.__fmp!.state().status.step), numTensors, numBytes, heapMiB: heap / 2 ** 20 };
  };

  await playUntil(page, 200);
  const at200 = await measure();
  await playUntil(page, STEPS);
  const atEnd = await measure();

  await page.getByTestId('landscape-kind').selectOption('curve');
  await setField(page, 'points', '11');
  await page.getByTestId('landscape-compute').click();
  await page.waitForFunction(() => Object.keys(window.__fmp!.landscape().curves).length === 3, null, { timeout: 300_000 });
  await page.waitForFunction(() => window.__fmp!.landscape().running === null, null, { timeout: 300_000 });
  await computeHessianWith(page, { 'Hessian samples': '200', 'top k': '2', 'max iterations': '20', 'trace samples': '5' });
  const afterAnalyses = await measure();

  const figures = { lanes: 3, steps: atEnd.step, at200, atEnd, afterAnalyses };
  test.info().annotations.push({ type: 'soak figures', description: JSON.stringify(figures) });
  console.log(`soak figures: ${JSON.stringify(figures)}`);
  expect(atEnd.step).toBeGreaterThanOrEqual(STEPS);
  expect(atEnd.numTensors).toBe(at200.numTensors);
  expect(afterAnalyses.numTensors).toBe(at200.numTensors);
  expect(atEnd.heapMiB - at200.heapMiB).toBeLessThan(HEAP_TOLERANCE_MIB);
  expect(afterAnalyses.heapMiB - at200.heapMiB).toBeLessThan(HEAP_TOLERANCE_MIB);
});
