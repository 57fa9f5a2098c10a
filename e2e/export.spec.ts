import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { expect, test, type Download, type Page } from '@playwright/test';
import { unzipSync, strFromU8 } from 'fflate';
import { readSafetensors, writeSafetensors } from '../src/engine/io/safetensors';
import { parseMetricsCsv } from '../src/engine/io/exports/metrics';
import { setField, trainSteps, chooseTinyModel, waitForPhase } from './helpers';

async function downloaded(page: Page, click: () => Promise<void>, count = 1): Promise<Download[]> {
  const downloads: Download[] = [];
  const done = new Promise<void>((resolve) => {
    page.on('download', (d) => {
      downloads.push(d);
      if (downloads.length === count) resolve();
    });
  });
  await click();
  await done;
  return downloads;
}

const bytesOf = async (d: Download) => new Uint8Array(readFileSync((await d.path())!));

test(
  'exports: weights (safetensors, TF.js) round-trip through import, metrics CSV, report ZIP, ' +
    'setup file and a shared link reproduce the setup',
  async ({ page, browser }) => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto('/');
    await waitForPhase(page, 'ready');
    await chooseTinyModel(page);
    await setField(page, 'seed', '7');
    await page.waitForFunction(() => window.__fmp?.state().config.seed === 7);
    await trainSteps(page, 6);

    const [st] = await downloaded(page, () => page.getByTestId('export-st-lane1').click());
    expect(st.suggestedFilename()).toMatch(/^SGDM-step\d+\.safetensors$/);
    const file = readSafetensors(await bytesOf(st), st.suggestedFilename());
    expect(file.tensors.map((t) => t.name)).toEqual(['dense1/kernel', 'dense1/bias', 'head/kernel', 'head/bias']);
    expect(file.tensors[0].shape).toEqual([784, 16]);
    const meta = JSON.parse(file.metadata.flat_minima_playground);
    expect(meta.model).toEqual({ kind: 'mlp', hidden: [16] });
    expect(meta.seed).toBe(7);
    expect(meta.dataset.normalization.mean.length).toBe(1);

    const tfjs = await downloaded(page, () => page.getByTestId('export-tfjs-lane1').click(), 2);
    expect(tfjs.map((d) => d.suggestedFilename()).sort()).toEqual(['model.json', 'weights.bin']);
    // ONNX: onnxruntime runs the downloaded file on two images of pixels p/255.
    const [onnxFile] = await downloaded(page, () => page.getByTestId('export-onnx-lane1').click());
    expect(onnxFile.suggestedFilename()).toMatch(/\.onnx$/);
    const session = await ort.InferenceSession.create(await bytesOf(onnxFile));
    const run = await session.run({ pixels: new ort.Tensor('float32', new Float32Array(2 * 784).fill(0.5), [2, 28, 28, 1]) });
    expect(run.logits.dims).toEqual([2, 10]);
    expect(Array.from(run.logits.data as Float32Array).every(Number.isFinite)).toBe(true);
    await session.release();

    // Import the safetensors file as a new lane: its weights equal lane 1's.
    await page
      .getByTestId('import-weights-input')
      .setInputFiles({ name: st.suggestedFilename(), mimeType: 'application/octet-stream', buffer: Buffer.from(await bytesOf(st)) });
    await page.waitForFunction(() => window.__fmp?.state().summary?.laneIds.length === 4);
    await expect(page.getByText(/joins the lanes at step/)).toBeVisible();
    const [again] = await downloaded(page, () => page.getByTestId('export-st-lane4').click());
    const back = readSafetensors(await bytesOf(again));
    back.tensors.forEach((t, i) => expect(Array.from(t.data)).toEqual(Array.from(file.tensors[i].data)));
    // A TF.js pair over lane 2.
    await page.getByLabel('import weights into').selectOption('lane2');
    await page.getByTestId('import-weights-input').setInputFiles(
      await Promise.all(
        tfjs.map(async (d) => ({
          name: d.suggestedFilename(),
          mimeType: 'application/octet-stream',
          buffer: Buffer.from(await bytesOf(d)),
        })),
      ),
    );
    await expect(page.getByText(/now has the imported weights/)).toBeVisible();
    // A PyTorch state dict (nn.Sequential(Flatten, Linear, ReLU, Linear): 1.weight [out, in] …) over lane 3.
    const torch = writeSafetensors(
      file.tensors.map((t) => {
        const [layer, kind] = t.name.split('/');
        const index = layer === 'head' ? '3' : '1';
        if (kind === 'bias') return { name: `${index}.bias`, shape: t.shape, data: t.data };
        const [inputs, outputs] = t.shape;
        const w = new Float32Array(t.data.length);
        for (let i = 0; i < inputs; i++) for (let o = 0; o < outputs; o++) w[o * inputs + i] = t.data[i * outputs + o];
        return { name: `${index}.weight`, shape: [outputs, inputs], data: w };
      }),
      { format: 'pt' },
    );
    await page.getByLabel('import weights into').selectOption('lane3');
    await page
      .getByTestId('import-weights-input')
      .setInputFiles({ name: 'torch.safetensors', mimeType: 'application/octet-stream', buffer: Buffer.from(torch) });
    await expect(page.getByText(/PyTorch state dict/)).toBeVisible();
    const [lane3] = await downloaded(page, () => page.getByTestId('export-st-lane3').click());
    readSafetensors(await bytesOf(lane3)).tensors.forEach((t, i) => expect(Array.from(t.data)).toEqual(Array.from(file.tensors[i].data)));
    // A corrupt file changes nothing.
    await page
      .getByTestId('import-weights-input')
      .setInputFiles({ name: 'bad.safetensors', mimeType: 'application/octet-stream', buffer: Buffer.from([1, 2, 3]) });
    await expect(page.getByText(/bad\.safetensors: too short.*nothing was changed/)).toBeVisible();
    expect(await page.evaluate(() => window.__fmp!.state().summary!.laneIds.length)).toBe(4);

    const [csv] = await downloaded(page, () => page.getByTestId('metrics-csv').click());
    const csvText = readFileSync((await csv.path())!, 'utf8');
    expect(csvText.split('\n')[0]).toBe('lane,lane_name,step,grad_evals,wall_s,metric,value');
    const points = parseMetricsCsv(csvText);
    expect(points.filter((p) => p.metric === 'train_loss' && p.laneId === 'lane1').length).toBeGreaterThanOrEqual(3);

    const [json] = await downloaded(page, () => page.getByTestId('metrics-json').click());
    const metrics = JSON.parse(readFileSync((await json.path())!, 'utf8'));
    expect(metrics.format).toBe('flat-minima-playground/metrics');
    expect(metrics.points.length).toBe(points.length);

    // A chart as PNG at twice its CSS size.
    const chart = page.getByTestId('chart-train_loss');
    const [png] = await downloaded(page, () => chart.getByRole('button', { name: /PNG/ }).click());
    const pngBytes = await bytesOf(png);
    expect(Array.from(pngBytes.subarray(1, 4))).toEqual([0x50, 0x4e, 0x47]);
    const width = new DataView(pngBytes.buffer, pngBytes.byteOffset).getUint32(16);
    const cssWidth = await chart.locator('canvas').evaluate((c) => c.getBoundingClientRect().width);
    expect(Math.abs(width - 2 * cssWidth)).toBeLessThanOrEqual(2);

    // Landscape curves (CSV) and a surface (CSV and ParaView .vtp), Hessian results (JSON).
    await setField(page, 'train subset', '100');
    await setField(page, 'test subset', '50');
    await page.getByTestId('landscape-kind').selectOption('curve');
    await setField(page, 'points', '5');
    await page.getByTestId('landscape-compute').click();
    await page.waitForFunction(
      () => Object.keys(window.__fmp!.landscape().curves).length === 4 && window.__fmp!.landscape().running === null,
      null,
      { timeout: 120_000 },
    );
    const [curvesCsv] = await downloaded(page, () => page.getByTestId('landscape-csv').click());
    const curveLines = readFileSync((await curvesCsv.path())!, 'utf8')
      .trim()
      .split('\n');
    expect(curveLines[0]).toBe('curve,kind,alpha,beta,split,loss,accuracy');
    expect(curveLines.length).toBe(1 + 4 * 5 * 2);
    await page.getByTestId('landscape-kind').selectOption('surface');
    await setField(page, 'grid points', '5');
    await page.getByRole('region', { name: 'Loss landscape' }).getByTitle('Include SAM').locator('input').uncheck();
    await page.getByRole('region', { name: 'Loss landscape' }).getByTitle('Include NSO σ 0.03').locator('input').uncheck();
    await page
      .getByRole('region', { name: 'Loss landscape' })
      .getByTitle(/Include SGDM-step/)
      .locator('input')
      .uncheck();
    await page.getByTestId('landscape-compute').click();
    await page.waitForFunction(
      () => Object.values(window.__fmp!.landscape().surfaces).some((s) => s.computed === 25) && window.__fmp!.landscape().running === null,
      null,
      { timeout: 120_000 },
    );
    const [vtp] = await downloaded(page, () => page.getByTestId('landscape-vtp').click());
    const vtpText = readFileSync((await vtp.path())!, 'utf8');
    expect(vtpText).toContain('<VTKFile type="PolyData"');
    expect(vtpText).toMatch(/NumberOfPoints="25" [^>]*NumberOfPolys="16"|NumberOfPolys="16" [^>]*NumberOfPoints="25"/);
    await setField(page, 'Hessian samples', '50');
    await setField(page, 'max iterations', '5');
    await setField(page, 'trace samples', '3');
    await setField(page, 'density steps', '4');
    await page.getByRole('region', { name: 'Hessian spectrum' }).getByTitle('Include NSO σ 0.03').locator('input').uncheck();
    await page.getByTestId('hessian-compute').click();
    await page.waitForFunction(
      () => Object.keys(window.__fmp!.hessian().results).length >= 1 && window.__fmp!.hessian().running === null,
      null,
      { timeout: 120_000 },
    );
    const [hessian] = await downloaded(page, () => page.getByTestId('hessian-json').click());
    const hessianData = JSON.parse(readFileSync((await hessian.path())!, 'utf8'));
    expect(hessianData.format).toBe('flat-minima-playground/hessian');
    expect(hessianData.results[0].top.eigenvalues.length).toBe(5);

    const [zip] = await downloaded(page, () => page.getByTestId('report-zip').click());
    const members = unzipSync(await bytesOf(zip));
    const names = Object.keys(members);
    for (const name of ['experiment.json', 'metrics.csv', 'metrics.json', 'toy/trajectories.csv', 'hessian.json'])
      expect(names).toContain(name);
    expect(names.some((n) => /^landscape\/surface-.*\.vtp$/.test(n))).toBe(true);
    // The surfaces also in loss-landscape's HDF5 layout (h5wasm in the browser): an HDF5 signature.
    const h5 = names.filter((n) => /^landscape\/surface-.*\.h5$/.test(n));
    expect(h5.length).toBeGreaterThan(0);
    expect(Array.from(members[h5[0]].slice(0, 8))).toEqual([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(names.filter((n) => n.startsWith('weights/') && n.endsWith('.safetensors')).length).toBe(4);
    expect(names.filter((n) => n.startsWith('weights/') && n.endsWith('.onnx')).length).toBe(4);
    expect(names.filter((n) => n.startsWith('plots/') && n.endsWith('.png')).length).toBeGreaterThanOrEqual(6);
    const inZip = JSON.parse(strFromU8(members['experiment.json']));
    expect(inZip.format).toBe('flat-minima-playground/experiment');
    expect(inZip.comparison.lanes.length).toBe(4);

    const [setup] = await downloaded(page, () => page.getByTestId('save-experiment').click());
    const saved = JSON.parse(readFileSync((await setup.path())!, 'utf8'));
    expect(saved.version).toBe(2);
    expect(saved.comparison.seed).toBe(7);

    // A shared link, opened in a fresh page, reproduces the lanes and settings.
    await page.getByLabel('learning rate η').first().fill('0.07');
    await page.getByLabel('learning rate η').first().press('Enter');
    await page.waitForFunction(() => window.__fmp?.state().config.lanes[0].optimizer.lr === 0.07);
    await page.getByTestId('share-link').click();
    await page.waitForFunction(() => window.location.search.includes('x='));
    const link = page.url();
    const fresh = await (await browser.newContext()).newPage();
    await fresh.goto(link);
    await waitForPhase(fresh, 'ready');
    await fresh.waitForFunction(() => window.__fmp?.state().config.lanes[0].optimizer.lr === 0.07, null, { timeout: 60_000 });
    const mine = await page.evaluate(() => window.__fmp!.state().config);
    const theirs = await fresh.evaluate(() => window.__fmp!.state().config);
    expect(theirs).toEqual(mine);
    // A hostile link: defaults with a visible message, no crash.
    const hostile = await (await browser.newContext()).newPage();
    const hostileErrors: string[] = [];
    hostile.on('pageerror', (e) => hostileErrors.push(e.message));
    await hostile.goto('/?x=%3Cscript%3Ealert(1)%3C%2Fscript%3E');
    await waitForPhase(hostile, 'ready');
    await expect(hostile.getByText(/the link: ignored/)).toBeVisible();
    expect(hostileErrors).toEqual([]);
    expect(errors).toEqual([]);
  },
);
