import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { canvasColours, quiet, setField, tinyTrainedPage } from './helpers';

const surfaceColours = (page: Page) => canvasColours(page, 'surface-view');

async function computeAndWait(page: Page): Promise<void> {
  await page.getByTestId('landscape-compute').click();
  await page.waitForFunction(() => window.__fmp?.landscape().running !== null, null, { timeout: 10_000 }).catch(() => undefined);
  await page.waitForFunction(() => window.__fmp?.landscape().running === null, null, { timeout: 200_000 });
}

test('landscapes on WebGPU: 2D surfaces of two lanes in 3D, 1D curves, an interpolation, and cancel keeps the preview', async ({
  page,
}, testInfo) => {
  await tinyTrainedPage(page, 10);
  const tensorsBefore = (await page.evaluate(() => window.__fmp!.memory())).numTensors;

  const panel = page.getByRole('region', { name: 'Loss landscape' });
  await setField(page, 'train subset', '100');
  await setField(page, 'test subset', '50');
  await setField(page, 'grid points', '7');
  await computeAndWait(page);
  const surfaces = await page.evaluate(() => Object.values(window.__fmp!.landscape().surfaces));
  expect(surfaces.map((s) => s.laneId).sort()).toEqual(['lane1', 'lane2']);
  for (const s of surfaces) {
    expect(s.computed).toBe(49);
    expect(s.samples).toBe(100);
    expect(s.loss.every((v) => Number.isFinite(v) && v > 0)).toBe(true);
  }
  await expect(page.getByTestId('surface-view')).toHaveCount(2);
  await page.waitForTimeout(500);
  for (const colours of await surfaceColours(page)) expect(colours).toBeGreaterThan(50);
  await expect(page.getByTestId('surface-readouts').locator('tbody tr')).toHaveCount(2);
  // PNG export re-renders the 3D view at pixel ratio 2.
  const view = page.getByTestId('surface-view').first();
  const cssWidth = await view.locator('canvas').evaluate((c) => c.getBoundingClientRect().width);
  const pending = page.waitForEvent('download');
  await page
    .locator('.png-host')
    .filter({ has: page.getByTestId('surface-view') })
    .first()
    .getByRole('button', { name: /PNG/ })
    .click();
  const png = readFileSync((await (await pending).path())!);
  expect(Math.abs(png.readUInt32BE(16) - 2 * cssWidth)).toBeLessThanOrEqual(2);
  const shot = testInfo.outputPath('landscape-surfaces-webgpu.png');
  await panel.screenshot({ path: shot });
  await testInfo.attach('2D surfaces of two lanes on WebGPU', { path: shot, contentType: 'image/png' });

  // Closing a 3D view frees its WebGL context: 9 round trips open 18 more views, past Chromium's 16.
  const warnings: string[] = [];
  page.on('console', (m) => warnings.push(m.text()));
  for (let i = 0; i < 9; i++) {
    await page.getByTestId('surface-display').selectOption('contour');
    await expect(page.getByTestId('contour-view')).toHaveCount(2);
    await page.getByTestId('surface-display').selectOption('3d');
    await expect(page.getByTestId('surface-view')).toHaveCount(2);
  }
  expect(warnings.filter((w) => /too many active webgl contexts|context lost/i.test(w))).toEqual([]);
  expect(await page.locator('canvas').count()).toBeLessThan(30);
  for (const colours of await surfaceColours(page)) expect(colours).toBeGreaterThan(50);

  await page.getByTestId('landscape-kind').selectOption('curve');
  await setField(page, 'points', '11');
  await computeAndWait(page);
  const curves = await page.evaluate(() => Object.values(window.__fmp!.landscape().curves));
  expect(curves.map((c) => c.key).sort()).toEqual(['lane1', 'lane2']);
  for (const c of curves) {
    expect(c.train.loss.length).toBe(11);
    expect([...c.train.loss, ...c.test!.loss].every(Number.isFinite)).toBe(true);
    expect(c.train.loss[5]).toBeLessThan(Math.max(c.train.loss[0], c.train.loss[10]));
  }
  await expect(page.getByTestId('curve-loss')).toHaveAttribute('data-points', '11');
  await expect(page.getByTestId('curve-readouts').locator('tbody tr')).toHaveCount(2);

  await page.getByTestId('landscape-kind').selectOption('interpolation');
  await computeAndWait(page);
  const line = await page.evaluate(() => Object.values(window.__fmp!.landscape().interpolations)[0]);
  expect(line.label).toBe('SGDM (initial) → SGDM');
  expect(line.train.loss.every(Number.isFinite)).toBe(true);
  await expect(page.getByTestId('interpolation-loss')).toBeVisible();

  // A large grid, cancelled once the preview is in: the preview stays and is drawn.
  await page.getByTestId('landscape-kind').selectOption('surface');
  await setField(page, 'grid points', '101');
  await setField(page, 'train subset', '150');
  await page.getByTestId('landscape-compute').click();
  await page.waitForFunction(() => Object.values(window.__fmp!.landscape().surfaces).some((s) => s.level.length >= 13), null, {
    timeout: 200_000,
  });
  await page.getByTestId('landscape-cancel').click();
  await page.waitForFunction(() => window.__fmp?.landscape().running === null, null, { timeout: 200_000 });
  const partial = await page.evaluate(() => Object.values(window.__fmp!.landscape().surfaces));
  expect(partial.some((s) => s.computed < s.total)).toBe(true);
  await expect(page.getByTestId('surface-view').first()).toBeVisible();
  for (const colours of await surfaceColours(page)) expect(colours).toBeGreaterThan(50);
  await expect(page.getByText(/landscape cancelled/)).toBeVisible();
  await quiet(page);
  expect((await page.evaluate(() => window.__fmp!.memory())).numTensors).toBe(tensorsBefore);
});
