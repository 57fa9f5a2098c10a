import { expect, test } from '@playwright/test';
import { canvasColours, coloredPixels, computeHessianWith, expandLane, quiet, setField, tinyTrainedPage, trainSteps } from './helpers';

test(
  'Hessian on WebGPU: top-3 eigenvalues, trace and density of two lanes side by side, tracking ' + 'during training, before/after a shift',
  async ({ page }, testInfo) => {
    const errors = await tinyTrainedPage(page, 10);
    const tensorsBefore = (await page.evaluate(() => window.__fmp!.memory())).numTensors;

    const panel = page.getByRole('region', { name: 'Hessian spectrum' });
    await computeHessianWith(
      page,
      { 'Hessian samples': '100', 'top k': '3', 'max iterations': '10', 'trace samples': '4', 'density runs': '2', 'density steps': '6' },
      200_000,
    );
    const results = await page.evaluate(() => Object.values(window.__fmp!.hessian().results));
    expect(results.map((r) => r.laneId).sort()).toEqual(['lane1', 'lane2']);
    for (const r of results) {
      expect(r.top.eigenvalues.length).toBe(3);
      expect(r.top.eigenvalues.every(Number.isFinite)).toBe(true);
      expect(r.top.eigenvalues[0]).toBeGreaterThan(0);
      expect(Number.isFinite(r.trace!.trace)).toBe(true);
      expect(r.samples).toBe(100);
    }
    await expect(page.getByTestId('hessian-table').locator('tbody tr')).toHaveCount(2);
    await expect(page.getByTestId('density-chart')).toHaveAttribute('data-lines', '2');
    await page.waitForTimeout(300);
    const shot = testInfo.outputPath('hessian-webgpu.png');
    await panel.screenshot({ path: shot });
    await testInfo.attach('Hessian of two lanes on WebGPU', { path: shot, contentType: 'image/png' });
    expect(await coloredPixels(page, 'density-chart', '#0072B2')).toBeGreaterThan(20);
    expect((await canvasColours(page, 'eigen-bars'))[0]).toBeGreaterThan(30);

    // λmax, the trace and the live slice every 5 steps (tracking is on by default); a pending
    // measurement finishes in slices once training pauses.
    const curvature = page.getByRole('region', { name: "Flatness: how sharp is each lane's minimum?" });
    await curvature.getByText('tracking settings').click();
    await expect(curvature.getByLabel('track during training')).toBeChecked();
    await setField(page, 'every N steps', '5');
    await setField(page, 'tracking samples', '64');
    await setField(page, 'max Lanczos steps', '5');
    await setField(page, 'Hutchinson samples', '3');
    await page.waitForFunction(() => window.__fmp?.hessian().tracking.every === 5);
    await trainSteps(page, 16);
    // A round that comes due while the previous one is measured is skipped (slow here on SwiftShader).
    await page.waitForFunction(
      () => Object.values(window.__fmp!.state().series).every((lane) => (lane.hess_lmax?.values.length ?? 0) >= 1),
      null,
      { timeout: 120_000 },
    );
    const tracked = await page.evaluate(() => Object.values(window.__fmp!.state().series).map((lane) => lane.hess_lmax?.values ?? []));
    for (const values of tracked) expect(values.every(Number.isFinite)).toBe(true);
    await expect(page.getByTestId('live-slice')).toHaveAttribute('data-lines', '2');
    await expect(page.getByTestId('chart-hess_lmax')).toBeVisible();
    // The analysis above was of the weights at step 10, and says so.
    await expect(page.getByTestId('hessian-stale')).toContainText(`computed at step ${results[0].step}`);
    await expect(page.getByTestId('curvature-readout')).toContainText('λmax');
    await curvature.getByLabel('track during training').uncheck();

    // Before/after an optimum shift (the OS paper's Figure 3).
    await panel.getByLabel('measure SOS shifts').check();
    await expandLane(page, 'lane1');
    const lane = page.getByTestId('lane-lane1');
    await lane.getByLabel('SOS every s steps').check();
    await lane.getByLabel('b2 samples').fill('8');
    await lane.getByLabel('b2 samples').press('Enter');
    await page.waitForFunction(() => window.__fmp?.state().config.lanes[0].sos.samples === 8);
    await lane.getByRole('button', { name: 'shift now' }).click();
    await expect(page.getByTestId('shift-eigenvalues')).toBeVisible({ timeout: 120_000 });
    await expect(page.getByTestId('shift-trace')).toBeVisible();
    await quiet(page);

    // The analyses across lanes run on WebGPU too (e2e/analyses.spec.ts runs all six on WASM): the
    // eigen-direction slices of both lanes, whose check is the second difference along v1 against λ1.
    const more = page.getByRole('region', { name: 'More analyses' });
    await more.getByTestId('analysis-kind-eigen-slices').click();
    for (const [label, value] of Object.entries({ samples: '100', 'Lanczos steps': '8', points: '5', 'test samples': '0' })) {
      await more.getByLabel(label, { exact: true }).first().fill(value);
      await more.getByLabel(label, { exact: true }).first().press('Enter');
    }
    await more.getByLabel('2D surface over (v1, v2)').uncheck();
    await more.getByTestId('analysis-compute').click();
    await page.waitForFunction(() => Object.keys(window.__fmp!.analyses().results['eigen-slices']).length === 2, null, {
      timeout: 120_000,
    });
    await page.waitForFunction(() => window.__fmp!.analyses().running === null, null, { timeout: 120_000 });
    for (const r of await page.evaluate(() => Object.values(window.__fmp!.analyses().results['eigen-slices']))) {
      expect(r.curves).toHaveLength(3);
      expect(Math.abs(r.checks[0].secondDifference - r.eigenvalues[0]) / r.eigenvalues[0]).toBeLessThan(0.05);
    }
    expect((await page.evaluate(() => window.__fmp!.memory())).numTensors).toBe(tensorsBefore);
    expect(errors).toEqual([]);
  },
);
