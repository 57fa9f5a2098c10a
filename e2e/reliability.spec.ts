import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { strFromU8, unzipSync } from 'fflate';
import { setField, trainSteps, chooseTinyModel, waitForPhase } from './helpers';

test('while three lanes train with the default settings, the page has no long task over 200 ms', async ({ page }) => {
  await page.addInitScript(() => {
    const tasks: number[] = [];
    (window as unknown as { __longTasks: number[] }).__longTasks = tasks;
    new PerformanceObserver((list) => list.getEntries().forEach((e) => tasks.push(e.duration))).observe({
      type: 'longtask',
      buffered: true,
    });
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
  await chooseTinyModel(page);
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
  await expect(page.getByTestId('lane-diverged-lane1')).toContainText('learning rate 10 too high for SGD with momentum');
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
  await expect(
    page.getByText(/diverged at step \d+: its weights are not finite, so there is nothing to analyse, shift or export/).first(),
  ).toBeVisible();
  await page.screenshot({ path: test.info().outputPath('diverged.png') });
  // The report ZIP does not refuse: it leaves the diverged lane's weights out and says why inside.
  const [zip] = await Promise.all([page.waitForEvent('download'), page.getByTestId('report-zip').click()]);
  const members = unzipSync(new Uint8Array(readFileSync((await zip.path())!)));
  const readme = strFromU8(members['README.txt']);
  expect(readme).toMatch(/Left out:\n\s+- weights of "SGDM": .*diverged at step \d+/);
  // The two healthy lanes' weights (safetensors) and models (ONNX); nothing of the diverged one.
  expect(Object.keys(members).filter((n) => n.startsWith('weights/') && n.endsWith('.safetensors')).length).toBe(2);
  expect(Object.keys(members).filter((n) => n.startsWith('weights/') && n.endsWith('.onnx')).length).toBe(2);
  expect(Object.keys(members)).toContain('metrics.csv');
  // Reset clears it: every lane starts again.
  await lane1.getByLabel('learning rate η').fill('0.05');
  await lane1.getByLabel('learning rate η').press('Enter');
  await page.getByRole('button', { name: 'Reset' }).first().click();
  await expect(page.getByTestId('lane-diverged-lane1')).toHaveCount(0);
  await setField(page, 'log every', '2');
});

test('a lost WebGPU device: the app notices, keeps the metrics, and continues on another backend from the last checkpoint', async ({
  page,
}) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/?backend=webgpu&dataset=mnist');
  await waitForPhase(page, 'ready');
  expect(await page.evaluate(() => window.__fmp!.tfBackend())).toBe('webgpu');
  await chooseTinyModel(page);
  await setField(page, 'checkpoint every', '10');
  await page.waitForFunction(() => window.__fmp?.state().checkpointEvery === 10);
  await page.getByTestId('play').click();
  await page.waitForFunction(() => (window.__fmp?.state().status.step ?? 0) >= 24, null, { timeout: 180_000 });
  await page.evaluate(() => window.__fmp!.loseDevice());
  await expect(page.getByTestId('device-lost')).toBeVisible();
  await page.waitForFunction(() => !window.__fmp?.state().status.playing);
  const lost = await page.evaluate(() => {
    const s = window.__fmp!.state();
    return {
      deviceLost: s.deviceLost!,
      points: s.series.lane1!.train_loss!.steps.length,
      lastStep: s.series.lane1!.train_loss!.steps.at(-1)!,
    };
  });
  expect(lost.deviceLost.checkpointStep).toBe(Math.floor(lost.deviceLost.step / 10) * 10);
  await expect(page.getByTestId('device-lost')).toContainText(`last checkpoint is at step ${lost.deviceLost.checkpointStep}`);
  await page.screenshot({ path: test.info().outputPath('device-lost.png') });
  // Nothing was lost from the charts.
  expect(lost.lastStep).toBeGreaterThanOrEqual(lost.deviceLost.checkpointStep!);

  await page.getByTestId('continue-on-wasm').click();
  await expect(page.getByTestId('device-lost')).toHaveCount(0);
  expect(await page.evaluate(() => window.__fmp!.tfBackend())).toBe('wasm');
  const resumed = await page.evaluate(() => {
    const s = window.__fmp!.state();
    return { step: s.status.step, maxStep: Math.max(...s.series.lane1!.train_loss!.steps) };
  });
  expect(resumed.step).toBe(lost.deviceLost.checkpointStep);
  expect(resumed.maxStep).toBeLessThanOrEqual(lost.deviceLost.checkpointStep!);
  await trainSteps(page, lost.deviceLost.step + 6);
  const after = await page.evaluate(() => window.__fmp!.state().series.lane1!.train_loss!);
  expect(after.values.every(Number.isFinite)).toBe(true);
  expect(after.steps.at(-1)).toBeGreaterThan(lost.deviceLost.step);
  // Steps are unique and increasing: the redone steps replaced, not duplicated, the dropped ones.
  expect(after.steps.every((s, i) => i === 0 || s > after.steps[i - 1])).toBe(true);
  expect(errors).toEqual([]);
});
