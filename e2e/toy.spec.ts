import { expect, test, type Page } from '@playwright/test';
import { canvasColours } from './helpers';

const colours = async (page: Page, id: string) => (await canvasColours(page, id))[0] ?? 0;

const lmax = async (page: Page, run: string) =>
  Number(await page.getByTestId(`toy-readout-${run}`).locator('td[data-lmax]').getAttribute('data-lmax'));

test('toy lab: the Figure 1 preset runs to the end, the plain run ends 10x sharper, the deformed surface toggles', async ({
  page,
}, testInfo) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/');
  await page.getByTestId('tab-toy').click();
  await expect(page.getByTestId('toy-lab')).toBeVisible();
  expect(page.url()).toContain('lab=toy');
  await page.getByTestId('toy-preset-fig1').click();
  await page.getByLabel('speed', { exact: true }).last().selectOption('200');
  await page.getByTestId('toy-play').click();
  await expect(page.getByTestId('toy-step')).toHaveText('400', { timeout: 30_000 });
  const plain = await lmax(page, 'run1');
  const deformed = await lmax(page, 'run2');
  expect(plain).toBeGreaterThan(10 * deformed);
  await expect(page.getByTestId('toy-readout-run1')).toContainText('(-4.999, -5.112)');
  expect(await colours(page, 'toy-3d')).toBeGreaterThan(50);
  expect(await colours(page, 'toy-contour')).toBeGreaterThan(20);

  await page.getByTestId('toy-deformed').selectOption({ label: 'δ(ℓ(p)) of SGDM + AP(10,1,1,1)' });
  await expect(page.getByRole('region', { name: 'Deformed surface' })).toBeVisible();
  await expect(page.locator('.deformation-plot')).toBeVisible();
  await page.waitForTimeout(300);
  expect(await colours(page, 'toy-3d')).toBeGreaterThan(50);
  const shot = testInfo.outputPath('toy-fig1.png');
  await page.screenshot({ path: shot });
  await testInfo.attach('Figure 1 preset, deformed surface', { path: shot, contentType: 'image/png' });

  // Keyboard: Space plays, → steps; reset goes back to step 0.
  await page.getByRole('button', { name: 'Reset the toy runs' }).click();
  await expect(page.getByTestId('toy-step')).toHaveText('0');
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('toy-step')).toHaveText('1');

  // Click the map to move the start point.
  const map = page.getByTestId('toy-contour').locator('canvas');
  const box = (await map.boundingBox())!;
  await map.click({ position: { x: box.width * 0.7, y: box.height * 0.3 } });
  const start = await page.getByLabel('start p1').inputValue();
  expect(Number(start)).not.toBe(-9.5);

  // A user's formula: an error names the problem and its position; a good one draws.
  await page.getByTestId('toy-surface').selectOption('custom');
  const formula = page.getByLabel('formula in p1, p2');
  await formula.fill('p1^2 + * p2');
  await formula.press('Enter');
  await expect(page.getByTestId('formula-error')).toContainText('character');
  await formula.fill('p1^2 + 3*p2^2');
  await formula.press('Enter');
  await expect(page.getByTestId('formula-error')).toHaveCount(0);
  expect(await colours(page, 'toy-3d')).toBeGreaterThan(50);
  expect(errors).toEqual([]);
});
