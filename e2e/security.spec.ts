import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { CONTENT_SECURITY_POLICY } from '../csp';
import { setField, trainSteps, chooseTinyModel, waitForPhase } from './helpers';

const dist = path.join(import.meta.dirname, '..', 'dist');

function policyOf(file: string): string | null {
  const html = readFileSync(path.join(dist, file), 'utf8');
  const match = /<meta http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html);
  return match ? match[1].replace(/&#39;/g, "'").replace(/&quot;/g, '"') : null;
}

test('the built pages carry a Content-Security-Policy without eval or inline scripts', () => {
  for (const page of ['index.html', 'bench.html']) {
    const policy = policyOf(page);
    expect(policy, page).toBe(CONTENT_SECURITY_POLICY);
    const scripts = policy!.split('; ').find((d) => d.startsWith('script-src'))!;
    expect(scripts).toBe("script-src 'self' 'wasm-unsafe-eval'");
    expect(policy).not.toMatch(/'unsafe-eval'|'unsafe-inline'|\*/);
    expect(policy).toContain("object-src 'none'");
  }
});

test('under that policy the app trains, draws a landscape and runs a user formula with no violation; names render as text', async ({
  page,
}) => {
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __violations: string[] }).__violations = seen;
    document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  const console: string[] = [];
  page.on('console', (m) => console.push(m.text()));
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/?backend=wasm');
  await waitForPhase(page, 'ready');
  await chooseTinyModel(page);

  const hostile = '<img src=x onerror="window.__pwned=1">';
  await setField(page, 'name', hostile);
  await page.waitForFunction((name) => window.__fmp?.state().config.lanes[0].name === name, hostile);
  await trainSteps(page, 4);
  await expect(page.getByTestId('lane-lane1').getByLabel('name', { exact: true })).toHaveValue(hostile);
  // Charts' legends and the landscape's lane chooser show the name as text.
  expect(await page.getByText(hostile, { exact: true }).count()).toBeGreaterThan(0);
  expect(await page.locator('img[src="x"]').count()).toBe(0);

  await page.getByTestId('landscape-kind').selectOption('curve');
  await setField(page, 'points', '5');
  await page.getByTestId('landscape-compute').click();
  await page.waitForFunction(() => Object.keys(window.__fmp!.landscape().curves).length === 3, null, { timeout: 180_000 });

  await page.getByTestId('tab-toy').click();
  await page.getByTestId('toy-surface').selectOption('custom');
  const formula = page.getByLabel('formula in p1, p2');
  await formula.fill('sin(p1) * p2^2 + exp(-p1^2)');
  await formula.press('Enter');
  await expect(page.getByTestId('formula-error')).toHaveCount(0);
  await page.getByTestId('toy-play').click();
  await page.waitForTimeout(500);

  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  expect(await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations)).toEqual([]);
  expect(console.filter((m) => /Content Security Policy|Refused to/i.test(m))).toEqual([]);
  expect(errors).toEqual([]);
});

test('the server isolates the page, so WASM trains in the worker on one thread per core and the header says so', async ({ page }) => {
  const response = await page.goto('/?backend=wasm');
  expect(response?.headers()['cross-origin-opener-policy']).toBe('same-origin');
  expect(response?.headers()['cross-origin-embedder-policy']).toBe('require-corp');
  await waitForPhase(page, 'ready');
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  const backend = await page.evaluate(() => window.__fmp!.state().backend!);
  expect(backend.context).toBe('worker');
  expect(backend.threads).toBe(cores);
  await expect(page.getByTestId('backend-threads')).toHaveText(cores === 1 ? '1 thread' : `${cores} threads`);
  await chooseTinyModel(page);
  await trainSteps(page, 3);
});
