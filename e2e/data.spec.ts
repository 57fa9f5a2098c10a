import { expect, test } from '@playwright/test';
import { stateOf, waitForPhase } from './helpers';

/** CIFAR-10 binary records (label byte + R, G, B planes) generated here, in the official layout. */
function cifarBatch(count: number, seed: number): Buffer {
  const out = Buffer.alloc(count * 3073);
  let s = seed;
  for (let r = 0; r < count; r++) {
    out[r * 3073] = r % 10;
    for (let p = 1; p < 3073; p++) out[r * 3073 + p] = (s = (s * 1103515245 + 12345) >>> 0) >>> 24;
  }
  return out;
}

test('CIFAR-10 files in the official binary format are converted, cached, survive a reload; bad files change nothing', async ({ page }) => {
  await page.goto('/?backend=wasm');
  await waitForPhase(page, 'ready');
  const before = await stateOf<{ id: string }>(page, 'dataset');
  expect(before.id).toBe('fashion-mnist');

  // A truncated batch: a clear error naming the file; Fashion-MNIST stays loaded.
  await page.getByTestId('cifar-input').setInputFiles([
    { name: 'data_batch_1.bin', mimeType: 'application/octet-stream', buffer: cifarBatch(20, 1).subarray(0, 3073 * 20 - 7) },
    { name: 'test_batch.bin', mimeType: 'application/octet-stream', buffer: cifarBatch(10, 2) },
  ]);
  await expect(page.getByTestId('message-error').last()).toContainText('data_batch_1.bin: wrong record size');
  await expect(page.getByTestId('message-error').last()).toContainText('nothing was changed');
  expect(await stateOf(page, 'dataset.id')).toBe('fashion-mnist');
  expect(await stateOf(page, 'config.datasetId')).toBe('fashion-mnist');

  await page.getByTestId('cifar-input').setInputFiles([
    { name: 'data_batch_1.bin', mimeType: 'application/octet-stream', buffer: cifarBatch(60, 1) },
    { name: 'data_batch_2.bin', mimeType: 'application/octet-stream', buffer: cifarBatch(40, 3) },
    { name: 'test_batch.bin', mimeType: 'application/octet-stream', buffer: cifarBatch(30, 2) },
  ]);
  await page.waitForFunction(() => window.__fmp?.state().dataset?.id === 'user-cifar10' && window.__fmp?.state().phase === 'ready', null, { timeout: 120_000 });
  expect(await stateOf(page, 'dataset')).toMatchObject({ trainCount: 100, testCount: 30, shape: [32, 32, 3] });
  await expect(page.getByTestId('dataset-info')).toContainText('32×32×3');
  await expect(page.getByTestId('param-count')).toContainText('parameters');

  await page.goto('/?backend=wasm&dataset=user-cifar10');
  await waitForPhase(page, 'ready');
  expect(await stateOf(page, 'dataset')).toMatchObject({ id: 'user-cifar10', trainCount: 100, fetched: 0, fromCache: 2 });
  await expect(page.getByTestId('dataset-select')).toHaveValue('user-cifar10');
});

test('a CNN on auto leaves WASM for a backend that can train convolutions, and says so', async ({ page }) => {
  await page.goto('/?dataset=mnist');
  await waitForPhase(page, 'ready');
  const first = await stateOf<string>(page, 'backend.name');
  await page.getByLabel('test samples', { exact: true }).fill('100');
  await page.getByLabel('test samples', { exact: true }).press('Enter');
  await page.getByTestId('model-kind').selectOption('cnn');
  // The default CNN's dense layer (its features) has 128 units; the MLP's last layer has 64.
  await page.waitForFunction(() => window.__fmp?.state().summary?.featureSize === 128, null, { timeout: 120_000 });
  const backend = await page.evaluate(() => window.__fmp!.tfBackend());
  expect(backend).not.toBe('wasm');
  if (first === 'wasm') await expect(page.getByTestId('backend-notes')).toContainText('WASM cannot train convolutions');
  await page.getByRole('button', { name: 'Step' }).click();
  await page.waitForFunction(() => window.__fmp?.state().status.step === 1, null, { timeout: 120_000 });
});

test('with ?worker=0 the lanes train on the page, which stays responsive', async ({ page }) => {
  await page.goto('/?worker=0&backend=wasm&dataset=mnist');
  await waitForPhase(page, 'ready');
  await expect(page.getByTestId('backend-where')).toHaveText('on the page');
  await page.getByTestId('play').click();
  await page.waitForFunction(() => (window.__fmp?.state().status.step ?? 0) >= 20, null, { timeout: 120_000 });
  // The page answers while training: a click on pause is handled promptly.
  const started = Date.now();
  await page.getByRole('button', { name: 'Pause' }).click();
  await page.waitForFunction(() => !window.__fmp?.state().status.playing);
  expect(Date.now() - started).toBeLessThan(5000);
  expect(await page.evaluate(() => window.__fmp!.tfBackend())).toBe('wasm');
});
