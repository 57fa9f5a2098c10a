import { expect, test, type Page } from '@playwright/test';
import { waitForPhase } from './helpers';

type Gaps = { last: number; changed: number; longest: number; timer: number; all: number[] };

/** Samples the step counter as the page sees it every 50 ms, keeping the longest time it stood still. */
async function watchStepCounter(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __gaps: Gaps };
    w.__gaps = { last: -1, changed: performance.now(), longest: 0, timer: 0, all: [] };
    w.__gaps.timer = window.setInterval(() => {
      const g = w.__gaps;
      const step = window.__fmp!.state().status.step;
      const now = performance.now();
      if (step !== g.last) {
        if (g.last >= 0) {
          g.longest = Math.max(g.longest, now - g.changed);
          g.all.push(now - g.changed);
        }
        g.last = step;
        g.changed = now;
      }
    }, 50);
  });
}

/** Forgets the stalls so far (the first step compiles kernels). */
async function restartStallClock(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __gaps: Gaps };
    w.__gaps.longest = 0;
    w.__gaps.all = [];
    w.__gaps.changed = performance.now();
  });
}

/** The median time between two moves of the step counter (the machine's pace). */
async function medianGap(page: Page): Promise<number> {
  return page.evaluate(() => {
    const all = [...(window as unknown as { __gaps: Gaps }).__gaps.all].sort((a, b) => a - b);
    return all[Math.floor(all.length / 2)];
  });
}

/**
 * The stall limits of issue 16 hold at this machine's usual pace (BENCHMARKS.md: 920-1,314 steps of
 * the defaults in 60 s, a median of 399 ms between steps of the default CNN); its speed varies up to
 * 3x from day to day (274 steps, 1,217 ms measured), and on a slower day a limit scales with it.
 */
const slowdown = (ratio: number) => Math.max(1, ratio);

async function longestStall(page: Page): Promise<number> {
  return page.evaluate(() => {
    const g = (window as unknown as { __gaps: Gaps }).__gaps;
    return Math.max(g.longest, performance.now() - g.changed);
  });
}

/** λmax of each lane at the steps every lane was measured at (the last `rounds` of them). */
async function commonCurvature(page: Page, rounds: number) {
  return page.evaluate((rounds) => {
    const { series, config } = window.__fmp!.state();
    const steps = config.lanes.map((l) => new Set(series[l.id]?.hess_lmax?.steps ?? []));
    const common = [...steps[0]].filter((s) => steps.every((set) => set.has(s))).sort((a, b) => a - b);
    const last = common.slice(-rounds);
    return {
      step: common[common.length - 1],
      steps: last,
      lanes: config.lanes.map((l) => {
        const s = series[l.id]!.hess_lmax!;
        const at = last.map((step) => s.values[s.steps.lastIndexOf(step)]);
        return { name: l.name, latest: at[at.length - 1], mean: at.reduce((a, b) => a + b, 0) / at.length };
      }),
    };
  }, rounds);
}

test('a new user: defaults, play 60 s; every lane’s curvature is live, ranked as documented, above the fold; no stall', async ({
  page,
}, testInfo) => {
  test.setTimeout(420_000);
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto('/');
  await waitForPhase(page, 'ready');
  await expect(page.getByTestId('curvature-readout')).toContainText('Press play');
  // The simple view: the settings that matter; the rest one tick away.
  await expect(page.getByTestId('all-settings')).not.toBeChecked();
  await expect(page.getByLabel('log every', { exact: true })).toHaveCount(0);
  await expect(page.getByLabel('batch size', { exact: true })).toBeVisible();

  await watchStepCounter(page);
  await page.getByTestId('play').click();
  await page.waitForFunction(() => window.__fmp!.state().status.step > 0);
  await restartStallClock(page);
  await page.waitForTimeout(60_000);
  const stepsIn60s = await page.evaluate(() => window.__fmp!.state().status.step);
  // The documented ordering is measured from step 600 on; this machine's speed varies 2x from run to
  // run (274-1,314 steps in the 60 s), so a slow run plays on to step 600, still watched for stalls.
  await page.waitForFunction(() => window.__fmp!.state().status.step >= 600, null, { timeout: 180_000 });
  const longestGapMs = await longestStall(page);
  await page.getByRole('button', { name: 'Pause' }).click();
  testInfo.annotations.push(
    { type: 'steps in 60 s', description: String(stepsIn60s) },
    { type: 'longest stall (ms)', description: longestGapMs.toFixed(0) },
  );
  const limitMs = 1000 * slowdown(920 / stepsIn60s);
  console.log(`defaults on WASM: ${stepsIn60s} steps in 60 s, longest stall ${longestGapMs.toFixed(0)} ms (limit ${limitMs.toFixed(0)})`);
  expect(longestGapMs).toBeLessThan(limitMs);

  // Every lane tracked all along. The documented ordering (README, "Using it"; 3 seeds in tests/tracking.test.ts):
  // SAM's minimum is flatter than SGDM's; over the last 3 rounds by more than 1.2x (measured 1.3-2.1x after step 1000).
  await page.waitForFunction(() => Object.values(window.__fmp!.state().series).every((lane) => (lane.hess_lmax?.values.length ?? 0) >= 3));
  const curvature = await commonCurvature(page, 3);
  testInfo.annotations.push({ type: 'λmax over the last 3 rounds', description: JSON.stringify(curvature) });
  const lane = (name: string) => curvature.lanes.find((l) => l.name === name)!;
  expect(lane('SGDM').mean / lane('SAM').mean).toBeGreaterThan(1.2);
  // The read-out ranks the lanes by their mean over the last 3 common rounds (rounds may still land while
  // paused, so the state and the text are compared together until they agree).
  await expect
    .poll(async () => {
      const recent = await commonCurvature(page, 3);
      const ranked = [...recent.lanes].sort((a, b) => a.mean - b.mean);
      const text = (await page.getByTestId('curvature-readout').textContent()) ?? '';
      const expected =
        `Over steps ${recent.steps[0]}–${recent.step} (the last 3 measurements), on average, ${ranked[0].name}'s λmax is ` +
        `${(ranked[2].mean / ranked[0].mean).toFixed(1)}x lower than ${ranked[2].name}'s`;
      return text.includes(expected) ? 'agrees' : `${text} ≠ ${expected}`;
    })
    .toBe('agrees');

  // Each lane's live 1D slice from the last round: 21 points, lowest at α = 0 or near it.
  const slices = await page.evaluate(() => Object.values(window.__fmp!.hessian().slices));
  expect(slices.map((sl) => sl.laneId).sort()).toEqual(['lane1', 'lane2', 'lane3']);
  for (const sl of slices) {
    expect(sl.loss).toHaveLength(21);
    expect(sl.loss.every(Number.isFinite)).toBe(true);
    expect(Math.abs(sl.alphas[sl.loss.indexOf(Math.min(...sl.loss))])).toBeLessThanOrEqual(0.3 + 1e-9);
  }
  await expect(page.getByTestId('live-slice')).toHaveAttribute('data-lines', '3');
  await expect(page.getByTestId('live-slice-chart')).toContainText(`step ${slices[0].step}`);

  // Above the fold at 1280x720: the headline charts and the lane cards.
  await page.evaluate(() => window.scrollTo(0, 0));
  for (const id of ['chart-hess_lmax', 'chart-hess_trace', 'live-slice-chart', 'lane-lane1']) {
    const box = await page.getByTestId(id).first().boundingBox();
    expect(box, id).not.toBeNull();
    expect(box!.y, `${id} starts above the fold`).toBeLessThan(720);
  }
  for (const [w, h] of [
    [1280, 720],
    [1920, 1080],
  ]) {
    await page.setViewportSize({ width: w, height: h });
    await page.waitForTimeout(500);
    const shot = testInfo.outputPath(`new-user-${w}x${h}.png`);
    await page.screenshot({ path: shot });
    await testInfo.attach(`after 60 s of the defaults, ${w}x${h}`, { path: shot, contentType: 'image/png' });
  }
});

test('a lane added mid-run joins at the current step from the initial weights; the default CNN stalls under 2 s at the usual pace', async ({
  page,
}, testInfo) => {
  test.setTimeout(300_000);
  await page.goto('/?backend=wasm');
  await waitForPhase(page, 'ready');
  await page.getByTestId('model-kind').selectOption('cnn');
  await page.waitForFunction(() => window.__fmp?.state().summary?.featureSize === 128, null, { timeout: 120_000 });
  await watchStepCounter(page);
  await page.getByTestId('play').click();
  await page.waitForFunction(() => window.__fmp!.state().status.step > 0, null, { timeout: 60_000 });
  await restartStallClock(page);
  // Play past step 100: a test of 10,000 images and a tracking round come due there; both run in pieces
  // beside training, and the test points of step 100 arrive while the lanes train on.
  await page.waitForFunction(
    () =>
      window.__fmp!.state().status.step >= 110 &&
      Object.values(window.__fmp!.state().series).every((lane) => lane.test_loss?.steps.includes(100)),
    null,
    { timeout: 200_000 },
  );
  const longestGapMs = await longestStall(page);
  const medianMs = await medianGap(page);
  await page.getByRole('button', { name: 'Pause' }).click();
  await page.waitForFunction(() => !window.__fmp!.state().status.playing);
  const step = await page.evaluate(() => window.__fmp!.state().status.step);
  testInfo.annotations.push(
    { type: 'CNN steps played', description: String(step) },
    { type: 'longest stall (ms)', description: longestGapMs.toFixed(0) },
    { type: 'median gap (ms)', description: medianMs.toFixed(0) },
  );
  const limitMs = 2000 * slowdown(medianMs / 399);
  console.log(
    `default CNN on WASM: ${step} steps, median gap ${medianMs.toFixed(0)} ms, ` +
      `longest stall ${longestGapMs.toFixed(0)} ms (limit ${limitMs.toFixed(0)})`,
  );
  expect(longestGapMs).toBeLessThan(limitMs);

  await page.getByRole('button', { name: '+ add lane' }).click();
  await page.waitForFunction(() => window.__fmp?.state().summary?.laneIds.length === 4);
  await expect(page.getByText(`lane 4 joins at step ${step} from the shared initial weights`)).toBeVisible();
  const joined = await page.evaluate(() => window.__fmp!.state().series.lane4?.test_loss?.steps ?? []);
  expect(joined).toEqual([step]);
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await page.waitForFunction((s) => window.__fmp!.state().status.step === s + 1, step);
});
