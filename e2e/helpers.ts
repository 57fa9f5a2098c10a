import { expect, type Page } from '@playwright/test';

export type Phase = 'starting' | 'loading' | 'ready' | 'failed';

export async function waitForPhase(page: Page, phase: Phase, timeout = 180_000): Promise<void> {
  await page.waitForFunction((p) => window.__fmp?.state().phase === p, phase, { timeout });
}

export async function stateOf<T>(page: Page, pick: string): Promise<T> {
  return page.evaluate((path) => {
    let value: unknown = window.__fmp?.state();
    for (const key of path.split('.')) value = (value as Record<string, unknown> | undefined)?.[key];
    return JSON.parse(JSON.stringify(value ?? null));
  }, pick) as Promise<T>;
}

export async function setField(page: Page, label: string, value: string): Promise<void> {
  const field = page.getByLabel(label, { exact: true }).first();
  await field.fill(value);
  await field.press('Enter');
}

/** Waits until the engine has finished reconfiguring (summary present and phase ready). */
export async function settle(page: Page): Promise<void> {
  await waitForPhase(page, 'ready');
  await page.waitForTimeout(300);
}

/** Leaves the simple view: every setting is shown (the choice is remembered by the browser). */
export async function showAllSettings(page: Page): Promise<void> {
  const toggle = page.getByTestId('all-settings');
  if (!(await toggle.isChecked())) await toggle.check();
}

/** Shrinks the comparison so that it trains quickly on a software rasterizer. */
export async function chooseTinyModel(page: Page): Promise<void> {
  await showAllSettings(page);
  await setField(page, 'test samples', '200');
  await setField(page, 'log every', '2');
  await setField(page, 'test every', '10');
  await setField(page, 'hidden widths', '16');
  await page.waitForFunction(() => window.__fmp?.state().summary?.parameterCount === 784 * 16 + 16 + 16 * 10 + 10, null, {
    timeout: 120_000,
  });
}

export async function trainSteps(page: Page, steps: number): Promise<void> {
  await page.getByTestId('play').click();
  await page.waitForFunction((n) => (window.__fmp?.state().status.step ?? 0) >= n, steps, { timeout: 180_000 });
  await page.getByRole('button', { name: 'Pause' }).click();
  await page.waitForFunction(() => !window.__fmp?.state().status.playing);
}

/** Waits until nothing is computed beside training (deferred tests, tracking rounds): tensors are settled. */
export async function quiet(page: Page, timeout = 180_000): Promise<void> {
  await page.waitForFunction(() => !window.__fmp?.state().status.measuring, null, { timeout });
}

export interface LaneLosses {
  laneId: string;
  steps: number[];
  values: number[];
}

export async function trainingLosses(page: Page): Promise<LaneLosses[]> {
  return page.evaluate(() => {
    const state = window.__fmp!.state();
    return state.config.lanes.map((lane) => {
      const s = state.series[lane.id]?.train_loss;
      return { laneId: lane.id, steps: s?.steps ?? [], values: s?.values ?? [] };
    });
  });
}

/** Counts pixels of a chart's canvas that have a lane's colour (the lines were drawn). */
export async function coloredPixels(page: Page, testId: string, color: string): Promise<number> {
  return page.evaluate(
    ({ testId, color }) => {
      const canvas = document.querySelector(`[data-testid="${testId}"] canvas`) as HTMLCanvasElement | null;
      if (!canvas) return -1;
      const ctx = canvas.getContext('2d');
      if (!ctx) return -1;
      const [r, g, b] = [1, 3, 5].map((i) => parseInt(color.slice(i, i + 2), 16));
      const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
      let count = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (Math.abs(data[i] - r) < 30 && Math.abs(data[i + 1] - g) < 30 && Math.abs(data[i + 2] - b) < 30 && data[i + 3] > 200) count++;
      }
      return count;
    },
    { testId, color },
  );
}

export function expectEachLaneLearns(losses: LaneLosses[], minPoints: number): void {
  expect(losses.length).toBe(3);
  for (const lane of losses) {
    expect(lane.values.length, `${lane.laneId} logged points`).toBeGreaterThanOrEqual(minPoints);
    const first = (lane.values[0] + lane.values[1]) / 2;
    const last = (lane.values[lane.values.length - 1] + lane.values[lane.values.length - 2]) / 2;
    expect(last, `${lane.laneId}: training loss should fall (first ${first.toFixed(3)}, last ${last.toFixed(3)})`).toBeLessThan(first);
  }
}

/** Opens a lane's editor if it is collapsed. */
export async function expandLane(page: Page, laneId: string): Promise<void> {
  const summary = page.getByTestId(`lane-${laneId}`).locator('.lane-summary');
  if ((await summary.getAttribute('aria-expanded')) !== 'true') await summary.click();
}

/** Distinct colours in each canvas under elements with this test id (a blank canvas has one or two). */
export async function canvasColours(page: Page, testId: string): Promise<number[]> {
  return page.evaluate(
    (id) =>
      Array.from(document.querySelectorAll(`[data-testid="${id}"] canvas`)).map((el) => {
        const source = el as HTMLCanvasElement;
        const copy = document.createElement('canvas');
        copy.width = source.width;
        copy.height = source.height;
        const ctx = copy.getContext('2d')!;
        ctx.drawImage(source, 0, 0);
        const { data } = ctx.getImageData(0, 0, copy.width, copy.height);
        const colours = new Set<number>();
        for (let i = 0; i < data.length; i += 4) colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
        return colours.size;
      }),
    testId,
  );
}

/** Opens a page on a backend with a tiny model, trained a few steps; returns the page errors seen. */
export async function tinyTrainedPage(page: Page, steps: number, backend = 'webgpu'): Promise<string[]> {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`/?backend=${backend}`);
  await waitForPhase(page, 'ready');
  await chooseTinyModel(page);
  // Two lanes (SGDM and SAM) are enough to compare, and every step costs a gradient less on SwiftShader.
  await page.getByRole('button', { name: 'Remove NSO σ 0.03', exact: true }).click();
  await page.waitForFunction(() => window.__fmp?.state().summary?.laneIds.length === 2);
  await trainSteps(page, steps);
  await quiet(page);
  expect(await page.evaluate(() => window.__fmp!.tfBackend())).toBe(backend);
  return errors;
}

/** Fills the Hessian panel's fields (label → value), computes, and waits for the analysis to end. */
export async function computeHessianWith(page: Page, fields: Record<string, string>, timeout = 300_000): Promise<void> {
  for (const [label, value] of Object.entries(fields)) await setField(page, label, value);
  await page.getByTestId('hessian-compute').click();
  await page.waitForFunction(() => window.__fmp?.hessian().running !== null, null, { timeout: 10_000 }).catch(() => undefined);
  await page.waitForFunction(() => window.__fmp?.hessian().running === null, null, { timeout });
}
