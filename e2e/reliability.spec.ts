import { expect, test } from '@playwright/test';
import { setField, trainSteps, useTinyModel, waitForPhase } from './helpers';

test('while three lanes train with the default settings, the page has no long task over 200 ms', async ({ page }) => {
  await page.addInitScript(() => {
    const tasks: number[] = [];
    (window as unknown as { __longTasks: number[] }).__longTasks = tasks;
    new PerformanceObserver((list) => list.getEntries().forEach((e) => tasks.push(e.duration))).observe({ type: 'longtask', buffered: true });
  });
  await page.goto('/?dataset=mnist');
  await waitForPhase(page, 'ready');
  expect(await page.evaluate(() => window.__fmp!.state().config.lanes.length)).toBe(3);
  // Start-up (bundle parse, dataset decode) is over: measure training alone.
  await page.waitForTimeout(1000);
  await page.evaluate(() => ((window as unknown as { __longTasks: number[] }).__longTasks.length = 0));
  await page.getByTestId('play').click();
  await page.waitForFunction(() => (window.__fmp?.state().status.step ?? 0) >= 150, null, { timeout: 180_000 });
  await page.waitForTimeout(3000);
  await page.getByRole('button', { name: 'Pause' }).click();
  const tasks = await page.evaluate(() => (window as unknown as { __longTasks: number[] }).__longTasks);
  test.info().annotations.push({ type: 'long tasks (ms)', description: JSON.stringify(tasks.map(Math.round)) });
  expect(tasks.filter((d) => d > 200)).toEqual([]);
});

test('a lane with a learning rate far too high stops with the reason; the others go on; no NaN is drawn', async ({ page }) => {
  await page.goto('/?backend=wasm&dataset=mnist');
  await waitForPhase(page, 'ready');
  await useTinyModel(page);
  // With cross-entropy a huge step mostly kills the ReLUs (the loss sticks near ln 10); with the
  // squared error it blows up within a few steps.
  await page.getByLabel('loss', { exact: true }).selectOption('mse');
  await page.waitForFunction(() => window.__fmp?.state().config.loss === 'mse' && window.__fmp?.state().phase === 'ready');
  const lane1 = page.getByTestId('lane-lane1');
  await lane1.getByLabel('learning rate η').fill('10');
  await lane1.getByLabel('learning rate η').press('Enter');
  await page.waitForFunction(() => window.__fmp?.state().config.lanes[0].optimizer.lr === 10);
  await trainSteps(page, 40);
  await expect(page.getByTestId('lane-diverged-lane1')).toContainText(/Diverged at step \d+/);
  await expect(page.getByTestId('lane-diverged-lane1')).toContainText('learning rate 10 too high for SGD');
  await expect(page.getByTestId('lane-diverged-lane2')).toHaveCount(0);
  const state = await page.evaluate(() => {
    const s = window.__fmp!.state();
    return { step: s.status.step, divergence: s.divergences.lane1, series: s.series };
  });
  const values = Object.values(state.series).flatMap((lane) => Object.values(lane ?? {}).flatMap((series) => series?.values ?? []));
  expect(values.length).toBeGreaterThan(0);
  expect(values.every((v) => Number.isFinite(v))).toBe(true);
  const lane2Steps = state.series.lane2!.train_loss!.steps;
  expect(lane2Steps[lane2Steps.length - 1]).toBe(state.step);
  expect(Math.max(...state.series.lane1!.train_loss!.steps)).toBeLessThan(state.divergence!.step);
  // Its weights cannot be exported (they are not finite); the message says why.
  await page.getByTestId('export-st-lane1').click();
  await expect(page.getByText(/diverged at step \d+: its weights are not finite, so there is nothing to analyse, shift or export/).first()).toBeVisible();
  await page.screenshot({ path: test.info().outputPath('diverged.png') });
  // Reset clears it: every lane starts again.
  await lane1.getByLabel('learning rate η').fill('0.05');
  await lane1.getByLabel('learning rate η').press('Enter');
  await page.getByRole('button', { name: 'Reset' }).first().click();
  await expect(page.getByTestId('lane-diverged-lane1')).toHaveCount(0);
  await setField(page, 'log every', '2');
});
