import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { unzipSync } from 'fflate';
import { tinyTrainedPage } from './helpers';

/** Chooses an analysis, fills its fields (label → value), runs it and waits for it to end. */
async function run(page: Page, kind: string, fields: Record<string, string>): Promise<void> {
  const panel = page.getByRole('region', { name: 'More analyses' });
  await panel.getByTestId(`analysis-kind-${kind}`).click();
  for (const [label, value] of Object.entries(fields)) {
    const field = panel.getByLabel(label, { exact: true }).first();
    await field.fill(value);
    await field.press('Enter');
  }
  await panel.getByTestId('analysis-compute').click();
  await page.waitForFunction(() => window.__fmp?.analyses().running !== null, null, { timeout: 10_000 }).catch(() => undefined);
  await page.waitForFunction(() => window.__fmp?.analyses().running === null, null, { timeout: 180_000 });
  await expect(panel.getByTestId(`analysis-results-${kind}`)).toBeVisible();
}

async function csvOf(page: Page): Promise<string> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId('analysis-csv').click()]);
  return readFileSync((await file.path())!, 'utf8');
}

const TITLE = 'more analyses on two lanes: sharpness, per-layer curvature, eigen-slices, connectivity, trajectories, convexity; CSV, VTP';

test(TITLE, async ({ page }, testInfo) => {
  test.setTimeout(420_000);
  const errors = await tinyTrainedPage(page, 40, 'wasm');
  const tensorsBefore = (await page.evaluate(() => window.__fmp!.memory())).numTensors;
  const panel = page.getByRole('region', { name: 'More analyses' });
  await panel.scrollIntoViewIfNeeded();

  await run(page, 'sharpness', { samples: '200', draws: '4', 'ascent steps': '3', m: '100' });
  await expect(panel.getByTestId('sharpness-table').locator('tbody tr')).toHaveCount(2);
  const sharpness = await page.evaluate(() => Object.values(window.__fmp!.analyses().results.sharpness));
  for (const r of sharpness) {
    expect(r.worst.plain).toBeGreaterThan(0);
    expect(r.mSharpness?.batches).toBe(2);
    expect(Number.isFinite(r.average.plain.value)).toBe(true);
  }
  expect((await csvOf(page)).split('\n')[0]).toBe('lane,step,samples,measure,rho,m,steps,draws,value,std_error');

  await run(page, 'layers', { samples: '100', 'Lanczos steps': '4', 'trace samples': '4' });
  await expect(panel.getByTestId('layers-table').locator('tbody tr')).toHaveCount(5); // 4 tensors + the sum
  expect((await csvOf(page)).split('\n').length).toBeGreaterThan(8);

  await run(page, 'eigen-slices', {
    samples: '100',
    directions: '2',
    'Lanczos steps': '12',
    points: '9',
    'surface points': '5',
    'test samples': '100',
  });
  const eigen = await page.evaluate(() => Object.values(window.__fmp!.analyses().results['eigen-slices']));
  expect(eigen).toHaveLength(2);
  for (const r of eigen) {
    expect(r.curves.map((c) => c.key.split(':')[1])).toEqual(['v1', 'v2', 'random']);
    expect(Math.abs(r.checks[0].secondDifference - r.eigenvalues[0]) / r.eigenvalues[0]).toBeLessThan(0.05);
  }
  await expect(panel.getByTestId('analysis-vtp')).toBeVisible();

  await run(page, 'connectivity', {
    'bend samples': '400',
    'bend steps': '20',
    batch: '50',
    'eval samples': '200',
    'test samples': '100',
    'path points': '9',
    'plane points': '7',
  });
  const connectivity = await page.evaluate(() => window.__fmp!.analyses().results.connectivity);
  expect(connectivity?.linear?.t).toHaveLength(9);
  expect(connectivity?.bezier?.barrier.train).toBeLessThanOrEqual(connectivity!.linear!.barrier.train + 1e-6);
  expect(connectivity?.plane?.surface?.computed).toBe(49);
  await expect(panel.getByTestId('connectivity-table')).toContainText('Bézier');
  const [plane, paths] = await Promise.all([
    page.waitForEvent('download'),
    page.waitForEvent('download', { predicate: (d) => d.suggestedFilename() === 'connectivity-paths.vtp' }),
    panel.getByTestId('analysis-vtp').click(),
  ]);
  expect(plane.suggestedFilename()).toBe('connectivity-plane.vtp');
  expect(readFileSync((await paths.path())!, 'utf8')).toContain('NumberOfLines="2"');

  await run(page, 'trajectory', { samples: '200', 'surface points': '7' });
  const trajectory = await page.evaluate(() => window.__fmp!.analyses().results.trajectory);
  expect(trajectory?.paths.map((p) => p.laneId).sort()).toEqual(['lane1', 'lane2']);
  expect(trajectory!.explained[0]).toBeGreaterThan(trajectory!.explained[1]);
  // Snapshots every 20 steps from step 0, then the weights now (training paused a few steps past 40).
  const step = await page.evaluate(() => window.__fmp!.state().status.step);
  expect(trajectory!.paths[0].steps.slice(0, 3)).toEqual([0, 20, 40]);
  expect(trajectory!.paths[0].steps.at(-1)).toBe(step);
  await expect(panel.getByTestId('trajectory-explained')).toContainText('explained variance');

  await run(page, 'convexity', { samples: '100', grid: '3', 'Lanczos steps': '6' });
  const convexity = await page.evaluate(() => Object.values(window.__fmp!.analyses().results.convexity));
  expect(convexity.map((r) => r.computed)).toEqual([9, 9]);
  expect((await csvOf(page)).split('\n').filter((l) => l.trim()).length).toBe(1 + 18);

  // The report ZIP carries every analysis as the headless runner writes it.
  const [zip] = await Promise.all([page.waitForEvent('download', { timeout: 120_000 }), page.getByTestId('report-zip').click()]);
  const names = Object.keys(unzipSync(new Uint8Array(readFileSync((await zip.path())!))));
  for (const kind of ['sharpness', 'layers', 'eigen-slices', 'connectivity', 'trajectory', 'convexity'])
    expect(names).toContain(`analyses/${kind}.csv`);
  for (const file of [
    'connectivity-plane.vtp',
    'connectivity-paths.vtp',
    'trajectory-surface.vtp',
    'trajectory-paths.vtp',
    'convexity-lane1.h5',
    'trajectory-directions.h5',
    'trajectory-lane2.h5',
  ])
    expect(names).toContain(`analyses/${file}`);

  const shot = testInfo.outputPath('analyses.png');
  await panel.screenshot({ path: shot });
  await testInfo.attach('More analyses (convexity map of two lanes)', { path: shot, contentType: 'image/png' });
  expect((await page.evaluate(() => window.__fmp!.memory())).numTensors).toBe(tensorsBefore);
  expect(errors).toEqual([]);
});
