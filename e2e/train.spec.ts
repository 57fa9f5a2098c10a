import { expect, test } from '@playwright/test';
import { coloredPixels, expectEachLaneLearns, settle, stateOf, trainSteps, trainingLosses, chooseTinyModel, waitForPhase } from './helpers';

test('Fashion-MNIST shards load, 3 lanes train 20 steps on WebGPU in a worker, every loss falls, the charts draw', async ({
  page,
}, testInfo) => {
  const shardRequests: string[] = [];
  page.on('request', (r) => {
    if (/\/data\/fashion-mnist\/.*\.bin$/.test(r.url())) shardRequests.push(r.url());
  });
  await page.goto('/?backend=webgpu');
  await waitForPhase(page, 'ready');
  expect(await page.evaluate(() => window.__fmp!.tfBackend())).toBe('webgpu');
  expect(await stateOf(page, 'engine.where')).toBe('worker');
  await expect(page.getByTestId('backend-name')).toHaveText('WEBGPU');
  await expect(page.getByTestId('backend-where')).toHaveText('in a Web Worker');
  await expect(page.getByTestId('backend-adapter')).not.toBeEmpty();
  expect(await stateOf(page, 'dataset')).toMatchObject({
    id: 'fashion-mnist',
    trainCount: 60000,
    testCount: 10000,
    fetched: 14,
    fromCache: 0,
  });
  expect(new Set(shardRequests).size).toBe(14);
  await expect(page.getByTestId('dataset-info')).toContainText('60,000 train');

  await chooseTinyModel(page);
  await trainSteps(page, 20);
  expect(await page.evaluate(() => window.__fmp!.tfBackend())).toBe('webgpu');
  const losses = await trainingLosses(page);
  expectEachLaneLearns(losses, 10);

  const lanes = await stateOf<Array<{ id: string; color: string }>>(page, 'config.lanes');
  for (const chart of ['chart-train_loss', 'chart-train_acc', 'chart-head_norm']) {
    expect(Number(await page.getByTestId(chart).getAttribute('data-points'))).toBeGreaterThanOrEqual(10);
    for (const lane of lanes) expect(await coloredPixels(page, chart, lane.color), `${chart} draws ${lane.id}`).toBeGreaterThan(20);
  }
  expect(Number(await page.getByTestId('chart-test_acc').getAttribute('data-points'))).toBeGreaterThanOrEqual(2);
  const shot = testInfo.outputPath('three-lanes-webgpu.png');
  await page.screenshot({ path: shot, fullPage: true });
  await testInfo.attach('three lanes on WebGPU', { path: shot, contentType: 'image/png' });

  // A reload reads every shard from the browser cache: nothing is fetched again.
  shardRequests.length = 0;
  await page.reload();
  await waitForPhase(page, 'ready');
  expect(await stateOf(page, 'dataset')).toMatchObject({ fetched: 0, fromCache: 14 });
  expect(shardRequests).toEqual([]);
});

test('a forced ?backend=webgl trains the lanes on WebGL', async ({ page }, testInfo) => {
  await page.goto('/?backend=webgl');
  await waitForPhase(page, 'ready');
  expect(await page.evaluate(() => window.__fmp!.tfBackend())).toBe('webgl');
  await expect(page.getByTestId('backend-name')).toHaveText('WEBGL');
  await chooseTinyModel(page);
  await trainSteps(page, 20);
  expectEachLaneLearns(await trainingLosses(page), 10);
  await page.screenshot({ path: testInfo.outputPath('three-lanes-webgl.png'), fullPage: true });
});

test('auto picks the best backend and says why the others were skipped', async ({ page }) => {
  await page.goto('/');
  await waitForPhase(page, 'ready');
  const report = await stateOf<{ name: string; notes: string[]; requested: string }>(page, 'backend');
  expect(report.requested).toBe('auto');
  expect(await page.evaluate(() => window.__fmp!.tfBackend())).toBe(report.name);
  await expect(page.getByTestId('backend-where')).toHaveText('in a Web Worker');
  if (report.name !== 'webgpu') {
    // On a machine without a GPU the reason for skipping WebGPU is on screen.
    await expect(page.getByTestId('backend-notes')).toContainText('webgpu:');
  }
  await settle(page);
  await page.getByTestId('backend-select').selectOption('cpu');
  await waitForPhase(page, 'ready');
  expect(await page.evaluate(() => window.__fmp!.tfBackend())).toBe('cpu');
  expect(page.url()).toContain('backend=cpu');
});
