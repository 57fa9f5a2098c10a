import { expect, test } from '@playwright/test';
import { expandLane, setField, showAllSettings, stateOf, chooseTinyModel, waitForPhase } from './helpers';

const METRIC_OF: Record<string, string> = {
  SAM: 'sam_sharpness',
  ASAM: 'sam_sharpness',
  NSO: 'nso_gap',
  'WP-SGD': 'nso_gap',
  FAM: 'fam_kappa_batch_mean',
  'SOS + SGD': 'sos_head_after',
  'SGDM + AP': 'deform_scale',
};

test('one lane per method trains on WebGPU: no NaN, and each lane logs its method metric', async ({ page }, testInfo) => {
  await page.goto('/?backend=webgpu');
  await waitForPhase(page, 'ready');
  await chooseTinyModel(page);
  await page.getByTestId('preset-every-method').click();
  await page.waitForFunction(() => window.__fmp?.state().config.lanes.length === 8 && window.__fmp?.state().summary?.laneIds.length === 8);
  // The SOS lane: shift every 5 steps on 8 samples (fewer than the tiny model's 16 features).
  await expandLane(page, 'lane7');
  await setField(page, 'every s steps', '5');
  await setField(page, 'b2 samples', '8');
  await page.waitForFunction(() => window.__fmp?.state().config.lanes[6].sos.samples === 8);
  await page.getByTestId('play').click();
  await page.waitForFunction(() => (window.__fmp?.state().status.step ?? 0) >= 10, null, { timeout: 200_000 });
  await page.getByRole('button', { name: 'Pause' }).click();
  await page.waitForFunction(() => !window.__fmp?.state().status.playing);
  expect(await page.evaluate(() => window.__fmp!.tfBackend())).toBe('webgpu');

  const lanes = await page.evaluate(() => {
    const s = window.__fmp!.state();
    return s.config.lanes.map((lane) => ({
      name: lane.name,
      metrics: Object.fromEntries(Object.entries(s.series[lane.id] ?? {}).map(([k, v]) => [k, v!.values])),
      gradEvals: s.series[lane.id]?.train_loss?.gradEvals.at(-1) ?? 0,
    }));
  });
  for (const lane of lanes) {
    for (const [metric, values] of Object.entries(lane.metrics)) {
      expect(
        values.every((v) => Number.isFinite(v)),
        `${lane.name}: ${metric} has no NaN`,
      ).toBe(true);
    }
    expect(lane.metrics.train_loss.length, `${lane.name} trained`).toBeGreaterThanOrEqual(5);
    const metric = METRIC_OF[lane.name];
    if (metric) expect(lane.metrics[metric]?.length ?? 0, `${lane.name} logs ${metric}`).toBeGreaterThan(0);
  }
  const evals = Object.fromEntries(lanes.map((l) => [l.name, l.gradEvals]));
  expect(evals.SAM).toBe(2 * evals.SGD);
  expect(evals.NSO).toBe(2 * evals.SGD);
  expect(evals.FAM).toBe(evals.SGD);
  for (const chart of [
    'chart-fam_kappa_batch_mean',
    'chart-sam_sharpness',
    'chart-nso_gap',
    'chart-sos_head_before',
    'chart-deform_scale',
  ]) {
    await expect(page.getByTestId(chart)).toBeVisible();
  }
  const shot = testInfo.outputPath('every-method-webgpu.png');
  await page.screenshot({ path: shot, fullPage: true });
  await testInfo.attach('one lane per method on WebGPU', { path: shot, contentType: 'image/png' });
});

test('a one-shot optimum shift reports before and after; the x axis switches to gradient evaluations; δ and δ′ are plotted', async ({
  page,
}) => {
  await page.goto('/?dataset=mnist');
  await waitForPhase(page, 'ready');
  await showAllSettings(page);
  await setField(page, 'test samples', '500');
  await page.getByTestId('preset-os-four-schemes').click();
  await page.waitForFunction(() => window.__fmp?.state().config.lanes.length === 4 && window.__fmp?.state().summary?.laneIds.length === 4);
  for (let i = 0; i < 3; i++) await page.getByRole('button', { name: 'Step', exact: true }).click();
  await page.waitForFunction(() => window.__fmp?.state().status.step === 3);
  await expandLane(page, 'lane1');
  await page.getByTestId('lane-lane1').getByRole('button', { name: 'shift now' }).click();
  const report = page.getByTestId('shift-report');
  await expect(report).toBeVisible({ timeout: 60_000 });
  await expect(report).toContainText('head ‖W‖_F');
  await expect(report).toContainText('training loss (whole split)');
  const numbers = await stateOf<{
    headNormBefore: number;
    headNormAfter: number;
    sosLossBefore: number;
    sosLossAfter: number;
    changed: boolean;
  }>(page, 'shiftReport');
  expect(numbers.changed).toBe(true);
  expect(numbers.headNormAfter).toBeLessThan(numbers.headNormBefore);
  expect(Math.abs(numbers.sosLossAfter - numbers.sosLossBefore)).toBeLessThan(1e-3);
  await page.getByRole('button', { name: 'Close the shift report' }).click();

  await page.getByTestId('x-axis').selectOption('gradEvals');
  await expect(page.getByTestId('chart-train_loss')).toContainText('gradient evaluations');

  // A preset would wipe the run at step 3: it asks first, and a "no" keeps everything.
  page.once('dialog', (d) => {
    expect(d.message()).toContain('starts again from step 0');
    void d.dismiss();
  });
  await page.getByTestId('preset-sgdm-deformations').click();
  await page.waitForTimeout(300);
  expect(await stateOf(page, 'status.step')).toBe(3);
  expect(await stateOf(page, 'config.lanes.length')).toBe(4);
  page.once('dialog', (d) => void d.accept());
  await page.getByTestId('preset-sgdm-deformations').click();
  await page.waitForFunction(() => window.__fmp?.state().config.lanes[1].deformation.kind === 'ap');
  await expect(page.getByTestId('deformation-plot').first()).toBeVisible();
  expect(await page.getByTestId('deformation-plot').count()).toBe(2);
});
