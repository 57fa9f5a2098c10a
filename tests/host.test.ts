import { describe, expect, it, vi } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { EngineHost } from '../src/worker/host';
import { type DataServices } from '../src/worker/datasets';
import type { EngineEvent } from '../src/worker/api';
import { MemoryByteCache } from '../src/engine/data/loader';
import { encodeDataset } from '../src/engine/data/shards';
import { encodeCifarBatch } from '../src/engine/data/cifar';
import { defaultComparison, makeLane, type ComparisonConfig } from '../src/engine/train/config';
import { defaultOptimizerConfig } from '../src/engine/optim/optimizers';
import { syntheticDataset } from './helpers';
import { initBackend } from '../src/engine/backend';
import { DEFAULT_LANDSCAPE } from '../src/engine/landscape/config';
import { DEFAULT_HESSIAN } from '../src/engine/hessian/config';
import { weightsFromSafetensors } from '../src/engine/io/weights';
import { writeSafetensors } from '../src/engine/io/safetensors';
import { readParams } from '../src/engine/model/paramTensors';
import { initParams } from '../src/engine/model/init';
import { createModel } from '../src/engine/model/registry';

async function servedHost(): Promise<{ host: EngineHost; events: EngineEvent[]; served: Map<string, Uint8Array>; cache: MemoryByteCache }> {
  const { manifest, files } = await encodeDataset(syntheticDataset(120, 40), 50);
  const served = new Map<string, Uint8Array>();
  served.set(
    'http://app/data/index.json',
    new TextEncoder().encode(JSON.stringify({ datasets: [{ id: 'synthetic', title: 'Synthetic', path: 'data/synthetic/' }] })),
  );
  served.set('http://app/data/synthetic/manifest.json', new TextEncoder().encode(JSON.stringify(manifest)));
  for (const [name, bytes] of files) served.set(`http://app/data/synthetic/${name}`, bytes);
  const cache = new MemoryByteCache();
  const services: DataServices = {
    cache,
    fetchBytes: async (url) => {
      const bytes = served.get(url);
      if (!bytes) throw new Error(`HTTP 404 for ${url}`);
      return bytes.slice();
    },
  };
  const host = new EngineHost(services);
  const report = await host.init({ backend: 'cpu', baseUrl: 'http://app/' });
  expect(report.name).toBe('cpu');
  const events: EngineEvent[] = [];
  await host.subscribe((e) => events.push(e));
  return { host, events, served, cache };
}

const config: ComparisonConfig = {
  ...defaultComparison('synthetic'),
  model: { kind: 'mlp', hidden: [8] },
  batchSize: 10,
  epochs: 3,
  logEvery: 2,
  testEvery: 6,
  testSize: 40,
  lanes: [makeLane(0, { ...defaultOptimizerConfig('sgd'), lr: 0.1 }), makeLane(1, defaultOptimizerConfig('adam'))],
};

function metricPoints(events: EngineEvent[], metric: string) {
  return events.flatMap((e) => (e.type === 'metrics' ? e.points : [])).filter((p) => p.metric === metric);
}

describe('engine host', () => {
  it('reports why it fell back when a forced backend is unavailable', async () => {
    const report = await initBackend('webgpu');
    expect(['wasm', 'cpu']).toContain(report.name);
    expect(report.notes[0]).toMatch(new RegExp(`webgpu was requested but cannot be used here; using ${report.name}`));
    expect(report.notes.join(' ')).toMatch(/webgl: Node.js has no WebGL/);
    expect(report.notes.join(' ')).toMatch(/webgpu: Node.js has no WebGPU/);
  });

  it('loads a served dataset with progress, configures, steps, plays to the end and reports metrics', async () => {
    const { host, events } = await servedHost();
    expect((await host.listDatasets()).map((d) => d.id)).toEqual(['synthetic']);
    const summary = await host.loadDataset('synthetic');
    expect(summary).toMatchObject({ trainCount: 120, testCount: 40, fetched: 4, fromCache: 0 });
    expect(events.some((e) => e.type === 'load-progress' && e.progress.shardsDone === 4)).toBe(true);
    const comparison = await host.configure(config);
    expect(comparison).toMatchObject({ stepsPerEpoch: 12, totalSteps: 36, rebuilt: true, parameterCount: 64 * 8 + 8 + 8 * 4 + 4 });
    expect(metricPoints(events, 'test_acc').map((p) => p.step)).toEqual([0, 0]);
    await host.stepOnce();
    await host.stepOnce();
    expect(metricPoints(events, 'train_loss').map((p) => [p.laneId, p.step])).toEqual([
      ['lane1', 2],
      ['lane2', 2],
    ]);
    await host.play();
    for (let i = 0; i < 200 && !events.some((e) => e.type === 'status' && e.status.finished && !e.status.playing); i++)
      await new Promise((r) => setTimeout(r, 20));
    const losses = metricPoints(events, 'train_loss').filter((p) => p.laneId === 'lane1');
    expect(losses.map((p) => p.step)).toEqual([2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 32, 34, 36]);
    expect(losses[losses.length - 1].value).toBeLessThan(losses[0].value);
    expect(
      metricPoints(events, 'test_loss')
        .filter((p) => p.laneId === 'lane2')
        .map((p) => p.step),
    ).toEqual([0, 6, 12, 18, 24, 30, 36]);
    expect(metricPoints(events, 'head_norm').length).toBe(36);
    const before = await host.memory();
    await host.reset();
    expect(events[events.length - 1]).toMatchObject({ type: 'status', status: { step: 0, playing: false } });
    await host.stepOnce();
    expect((await host.memory()).numTensors).toBe(before.numTensors);
    await host.dispose();
  });

  it('caps the speed when asked', async () => {
    const { host, events } = await servedHost();
    await host.loadDataset('synthetic');
    await host.configure({ ...config, epochs: 50 });
    await host.setSpeed(10);
    await host.play();
    await new Promise((r) => setTimeout(r, 1500));
    await host.pause();
    const status = events.filter((e) => e.type === 'status').pop();
    const step = status && status.type === 'status' ? status.status.step : -1;
    expect(step).toBeGreaterThanOrEqual(5);
    expect(step).toBeLessThanOrEqual(20);
    await host.dispose();
  });

  it('reloads from the cache without fetching shards again', async () => {
    const { host, served, cache } = await servedHost();
    await host.loadDataset('synthetic');
    const second = new EngineHost({
      cache,
      fetchBytes: async (url) => {
        const b = served.get(url);
        if (!b) throw new Error('404');
        if (url.endsWith('.bin')) throw new Error(`fetched ${url}`);
        return b;
      },
    });
    await second.init({ backend: 'cpu', baseUrl: 'http://app/' });
    expect(await second.loadDataset('synthetic')).toMatchObject({ fromCache: 4, fetched: 0 });
  });

  it('keeps what was loaded when new files are bad, and persists user datasets', async () => {
    const { host, cache } = await servedHost();
    await host.loadDataset('synthetic');
    await host.configure(config);
    await host.stepOnce();
    await expect(
      host.importFiles('cifar10', [
        { name: 'data_batch_1.bin', bytes: new Uint8Array(5000) },
        { name: 'test_batch.bin', bytes: new Uint8Array(3073) },
      ]),
    ).rejects.toThrow(/data_batch_1.bin: wrong record size/);
    await host.stepOnce();
    const train = { count: 20, images: new Uint8Array(20 * 3072).map((_, i) => i % 251), labels: new Uint8Array(20).map((_, i) => i % 10) };
    const summary = await host.importFiles('cifar10', [
      { name: 'data_batch_1.bin', bytes: encodeCifarBatch(train) },
      {
        name: 'test_batch.bin',
        bytes: encodeCifarBatch({ ...train, count: 10, images: train.images.subarray(0, 30720), labels: train.labels.subarray(0, 10) }),
      },
    ]);
    expect(summary).toMatchObject({ id: 'user-cifar10', trainCount: 20, testCount: 10, shape: [32, 32, 3] });
    const fresh = new EngineHost({
      cache,
      fetchBytes: async () => {
        throw new Error('offline');
      },
    });
    await fresh.init({ backend: 'cpu', baseUrl: 'http://app/' });
    expect((await fresh.listDatasets()).map((d) => d.id)).toEqual(['user-cifar10']);
    expect(await fresh.loadDataset('user-cifar10')).toMatchObject({ trainCount: 20, fromCache: 2 });
    await host.dispose();
    expect(tf.memory().numTensors).toBeGreaterThanOrEqual(0);
  });

  it('rejects invalid configs with the field at fault and keeps the old comparison', async () => {
    const { host } = await servedHost();
    await host.loadDataset('synthetic');
    await host.configure(config);
    const bad = { ...config, lanes: [{ ...config.lanes[0], optimizer: { ...config.lanes[0].optimizer, lr: -1 } }] };
    await expect(host.configure(bad)).rejects.toThrow(/lr/);
    await expect(host.configure({ ...config, datasetId: 'mnist' })).rejects.toThrow(/not loaded/);
    await expect(host.configure({ ...config, batchSize: 500 })).rejects.toThrow(
      /batch size 500 is larger than the training split \(120 samples\)/,
    );
    await expect(
      host.configure({ ...config, model: { kind: 'cnn', channels: [2, 2], kernelSize: 3, dense: 4 }, seed: 3 }),
    ).resolves.toMatchObject({ rebuilt: true });
    await host.configure(config);
    await host.stepOnce();
    await host.dispose();
  });
});

describe('divergence in the host', () => {
  it('emits the divergence, refuses to export that lane, stops playing when every lane has diverged', async () => {
    const { host, events } = await servedHost();
    await host.loadDataset('synthetic');
    const hot = (id: number) => makeLane(id, { ...defaultOptimizerConfig('sgd'), lr: 10 }, `hot ${id}`);
    await host.configure({
      ...config,
      model: { kind: 'mlp', hidden: [16, 16] },
      epochs: 20,
      lanes: [hot(0), makeLane(1, defaultOptimizerConfig('adam'))],
    });
    for (let i = 0; i < 30 && !events.some((e) => e.type === 'lane-diverged'); i++) await host.stepOnce();
    const event = events.find((e) => e.type === 'lane-diverged');
    expect(event && event.type === 'lane-diverged' && event.laneId).toBe('lane1');
    await expect(host.exportWeights('lane1', 'safetensors')).rejects.toThrow(/"hot 0" diverged at step \d+/);
    expect((await host.exportWeights('lane2', 'safetensors'))[0].bytes.length).toBeGreaterThan(0);
    await expect(host.computeHessian({ laneIds: ['lane1'], settings: DEFAULT_HESSIAN })).rejects.toThrow(/nothing to analyse/);
    expect(
      metricPoints(events, 'train_loss')
        .concat(metricPoints(events, 'test_loss'))
        .every((p) => Number.isFinite(p.value)),
    ).toBe(true);

    await host.configure({ ...config, model: { kind: 'mlp', hidden: [16, 16] }, epochs: 20, lanes: [hot(0), hot(1)] });
    expect(events.at(-1)?.type === 'lane-diverged').toBe(false);
    await host.play();
    for (let i = 0; i < 500 && !events.some((e) => e.type === 'error' && /every lane has diverged/.test(e.message)); i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(events.some((e) => e.type === 'error' && /every lane has diverged, so training stopped/.test(e.message))).toBe(true);
    await new Promise((r) => setTimeout(r, 50));
    const last = [...events].reverse().find((e) => e.type === 'status');
    expect(last && last.type === 'status' && last.status.playing).toBe(false);
    await host.dispose();
  });
});

describe('checkpoints in the host', () => {
  it('checkpoints at step 0 and every N steps; a device can only be lost on WebGPU; nothing to recover without a loss', async () => {
    const { host, events } = await servedHost();
    await host.loadDataset('synthetic');
    await host.configure(config);
    const checkpointOf = () => {
      const last = [...events].reverse().find((e) => e.type === 'status');
      return last && last.type === 'status' ? last.status.checkpointStep : undefined;
    };
    await host.stepOnce();
    expect(checkpointOf()).toBe(0);
    await expect(host.setCheckpointEvery(0)).rejects.toThrow(/whole number of steps in \[1, 100000\]/);
    await host.setCheckpointEvery(3);
    for (let i = 0; i < 7; i++) await host.stepOnce();
    expect(checkpointOf()).toBe(6);
    await expect(host.loseDevice()).rejects.toThrow(/only the WebGPU backend has a device to lose \(the engine runs on cpu\)/);
    await expect(host.continueOn('wasm')).rejects.toThrow(/the device was not lost/);
    await host.reset();
    expect(checkpointOf()).toBe(0);
    await host.dispose();
  });
});

describe('memory limits in the host', () => {
  it('refuses a comparison too large for the device, saying what fits, and keeps what it had; a small analysis still runs', async () => {
    const { host } = await servedHost();
    await host.loadDataset('synthetic');
    await host.configure(config);
    await host.stepOnce();
    const before = (await host.exportWeights('lane1', 'safetensors'))[0].bytes;
    const huge = {
      ...config,
      model: { kind: 'mlp' as const, hidden: [4096, 4096, 4096, 4096, 4096, 4096] },
      lanes: Array.from({ length: 8 }, (_, i) => makeLane(i, defaultOptimizerConfig('adam'))),
    };
    await expect(host.configure(huge)).rejects.toThrow(
      /^This comparison needs about [\d.]+ GiB but cpu has about .*What would fit: at most \d lanes?/,
    );
    expect((await host.exportWeights('lane1', 'safetensors'))[0].bytes).toEqual(before);
    await expect(host.computeHessian({ laneIds: ['lane1'], settings: { ...DEFAULT_HESSIAN, maxIterations: 500 } })).resolves.toMatchObject({
      cancelled: false,
    });
    await host.dispose();
  });
});

describe('convolutions on WASM', () => {
  it('auto keeps WASM for a CNN: it trains there', async () => {
    const { manifest, files } = await encodeDataset(syntheticDataset(60, 20), 50);
    const served = new Map<string, Uint8Array>([
      [
        'http://app/data/index.json',
        new TextEncoder().encode(JSON.stringify({ datasets: [{ id: 'synthetic', title: 'S', path: 'data/synthetic/' }] })),
      ],
      ['http://app/data/synthetic/manifest.json', new TextEncoder().encode(JSON.stringify(manifest))],
    ]);
    for (const [name, bytes] of files) served.set(`http://app/data/synthetic/${name}`, bytes);
    const host = new EngineHost({ fetchBytes: async (url) => served.get(url)!.slice() });
    const report = await host.init({ backend: 'auto', baseUrl: 'http://app/' });
    expect(report.name).toBe('wasm');
    await host.loadDataset('synthetic');
    await host.configure({ ...config, testSize: 20, model: { kind: 'cnn', channels: [2, 2], kernelSize: 3, dense: 4 } });
    const conv1 = async () =>
      Array.from(weightsFromSafetensors((await host.exportWeights('lane1', 'safetensors'))[0].bytes, 'x').values['conv1/kernel']);
    const before = await conv1();
    await host.stepOnce();
    expect(await host.tfBackend()).toBe('wasm');
    const after = await conv1();
    expect(after).not.toEqual(before);
    expect(after.every(Number.isFinite)).toBe(true);
    await host.dispose();
    await tf.setBackend('cpu');
  });
});

describe('landscapes in the host', () => {
  it('streams curves and surfaces of every lane with progress to the total, while training goes on; cancel keeps what it has', async () => {
    const { host, events } = await servedHost();
    await host.loadDataset('synthetic');
    await host.configure({ ...config, epochs: 200 });
    for (let i = 0; i < 4; i++) await host.stepOnce();
    const settings = { ...DEFAULT_LANDSCAPE, trainSamples: 60, testSamples: 20, curvePoints: 11, surfacePoints: 9 };
    const before = tf.memory().numTensors;
    const curve = await host.computeLandscape({ kind: 'curve', laneIds: ['lane1', 'lane2'], settings });
    expect(curve.cancelled).toBe(false);
    const curves = events.flatMap((e) =>
      e.type === 'landscape-update' && e.jobId === curve.jobId && e.update.kind === 'curve' ? [e.update.result] : [],
    );
    expect(curves.map((c) => c.key)).toEqual(['lane1', 'lane2']);
    expect(curves[0].train.loss.every(Number.isFinite)).toBe(true);
    expect(curves[0].test!.loss.every(Number.isFinite)).toBe(true);
    const progress = events.flatMap((e) => (e.type === 'landscape-progress' && e.progress.jobId === curve.jobId ? [e.progress] : []));
    expect(progress[progress.length - 1].done).toBe(progress[0].total);
    expect(progress[0].total).toBe(2 * 11 * (60 + 20));

    const metricEvents = () => Math.max(...events.map((e) => (e.type === 'status' ? e.status.step : 0)));
    const beforePlay = metricEvents();
    await host.play();
    const surface = await host.computeLandscape({ kind: 'surface', laneIds: ['lane1'], settings: { ...settings, surfacePoints: 27 } });
    const duringSurface = metricEvents();
    await host.pause();
    expect(surface.cancelled).toBe(false);
    expect(duringSurface).toBeGreaterThan(beforePlay);
    const updates = events.flatMap((e) =>
      e.type === 'landscape-update' && e.jobId === surface.jobId && e.update.kind === 'surface' ? [e.update.result] : [],
    );
    expect(updates[0].computed).toBe(169);
    expect(updates[updates.length - 1].computed).toBe(27 * 27);

    const job = host.computeLandscape({ kind: 'surface', laneIds: ['lane1', 'lane2'], settings: { ...settings, surfacePoints: 101 } });
    await expect(host.computeLandscape({ kind: 'curve', laneIds: ['lane1'], settings })).rejects.toThrow(/being computed/);
    await host.cancelLandscape();
    const cancelled = await job;
    expect(cancelled.cancelled).toBe(true);
    await expect(
      host.computeLandscape({
        kind: 'interpolation',
        from: { laneId: 'lane1', weights: 'initial' },
        to: { laneId: 'lane9', weights: 'current' },
        settings,
      }),
    ).rejects.toThrow(/no lane "lane9"/);
    await expect(host.computeLandscape({ kind: 'curve', laneIds: ['lane1'], settings: { ...settings, range: [1, -1] } })).rejects.toThrow(
      /range/,
    );
    const interpolation = await host.computeLandscape({
      kind: 'interpolation',
      from: { laneId: 'lane1', weights: 'initial' },
      to: { laneId: 'lane1', weights: 'current' },
      settings,
    });
    const line = events.flatMap((e) =>
      e.type === 'landscape-update' && e.jobId === interpolation.jobId && e.update.kind === 'curve' ? [e.update.result] : [],
    )[0];
    expect(line.label).toBe('lane 1 (initial) → lane 1');
    expect(line.alphas[0]).toBe(-0.5);
    expect(tf.memory().numTensors).toBe(before);
    await host.dispose();
  });
});

describe('Hessians in the host', () => {
  it(
    'analyses lanes with progress, tracks λmax and the trace during training, measures before/after ' + 'a shift, and leaks nothing',
    async () => {
      const { host, events } = await servedHost();
      await host.loadDataset('synthetic');
      await host.configure({ ...config, epochs: 200 });
      for (let i = 0; i < 3; i++) await host.stepOnce();
      const before = tf.memory().numTensors;
      const settings = {
        ...DEFAULT_HESSIAN,
        samples: 60,
        topK: 3,
        maxIterations: 30,
        traceMaxSamples: 20,
        densityRuns: 2,
        densitySteps: 10,
      };
      const job = await host.computeHessian({ laneIds: ['lane1', 'lane2'], settings });
      const results = events.flatMap((e) => (e.type === 'hessian-result' && e.jobId === job.jobId ? [e.result] : []));
      expect(results.map((r) => r.laneId)).toEqual(['lane1', 'lane2']);
      for (const r of results) {
        expect(r.top.eigenvalues.length).toBe(3);
        expect(r.top.eigenvalues[0]).toBeGreaterThanOrEqual(r.top.eigenvalues[2]);
        expect(r.trace!.samples).toBeGreaterThan(1);
        expect(r.density!.grid.length).toBe(400);
        expect(r.samples).toBe(60);
        expect(r.step).toBe(3);
        expect(r.hvps).toBe(r.top.iterations + r.trace!.samples + 2 * 10);
      }
      const progress = events.flatMap((e) => (e.type === 'hessian-progress' && e.progress.jobId === job.jobId ? [e.progress] : []));
      expect(progress[progress.length - 1].done).toBe(progress[0].total);

      await host.setHessianTracking({ every: 2, samples: 40, iterations: 4, traceSamples: 3 });
      await expect(host.setHessianTracking({ every: 0, samples: 40, iterations: 4, traceSamples: 3 })).rejects.toThrow(/every/);
      // Paused, the pending measurements finish in slices after the step returns (a round that comes due
      // while the previous one is measured is skipped, so each is waited for).
      await host.stepOnce();
      await vi.waitFor(() => expect(metricPoints(events, 'hess_lmax')).toHaveLength(2), { timeout: 20_000 });
      for (let i = 0; i < 2; i++) await host.stepOnce();
      await vi.waitFor(() => expect(metricPoints(events, 'hess_lmax')).toHaveLength(4), { timeout: 20_000 });
      const tracked = metricPoints(events, 'hess_lmax');
      expect(tracked.map((p) => p.step)).toEqual([4, 4, 6, 6]);
      expect(metricPoints(events, 'hess_lmax_resid').every((p) => p.value >= 0)).toBe(true);
      expect(metricPoints(events, 'hess_trace_se')).toHaveLength(4);
      expect(metricPoints(events, 'hess_trace').every((p) => Number.isFinite(p.value))).toBe(true);
      await host.setHessianTracking(null);

      const report = await host.shiftNow('lane1', 5, { ...settings, topK: 2 });
      expect(report.hessian!.before.eigenvalues.length).toBe(2);
      expect(report.hessian!.after.eigenvalues.length).toBe(2);
      await expect(host.computeHessian({ laneIds: ['lane1'], settings: { ...settings, topK: 0 } })).rejects.toThrow(/topK/);
      const long = host.computeHessian({
        laneIds: ['lane1', 'lane2'],
        settings: { ...settings, maxIterations: 500, tol: 1e-12, density: false, trace: false },
      });
      await expect(host.computeHessian({ laneIds: ['lane1'], settings })).rejects.toThrow(/running/);
      await host.cancelHessian();
      const outcome = await long;
      expect(outcome.cancelled).toBe(true);
      expect(events.filter((e) => e.type === 'hessian-result' && e.jobId === outcome.jobId)).toEqual([]);
      expect(tf.memory().numTensors).toBe(before);
      await host.dispose();
    },
  );
});

describe('weights in the host', () => {
  it(
    'exports a lane as safetensors and TF.js, imports both into a new lane and over a lane with ' +
      'identical tensors, and refuses bad files changing nothing',
    async () => {
      const { host } = await servedHost();
      await host.loadDataset('synthetic');
      await host.configure({ ...config, epochs: 200 });
      for (let i = 0; i < 3; i++) await host.stepOnce();
      const values = async (laneId: string) =>
        weightsFromSafetensors((await host.exportWeights(laneId, 'safetensors'))[0].bytes, 'x').values;
      const original = await values('lane1');
      const st = await host.exportWeights('lane1', 'safetensors');
      expect(st[0].name).toBe('lane-1-step3.safetensors');
      const meta = weightsFromSafetensors(st[0].bytes, st[0].name).metadata!;
      expect(meta.model).toEqual({ kind: 'mlp', hidden: [8] });
      expect(meta.step).toBe(3);
      expect(meta.dataset.id).toBe('synthetic');
      const tfjs = await host.exportWeights('lane1', 'tfjs');
      expect(tfjs.map((f) => f.name)).toEqual(['model.json', 'weights.bin']);
      const before = tf.memory().numTensors;

      const added = await host.importWeights(tfjs, {
        mode: 'new',
        lane: { ...makeLane(2, defaultOptimizerConfig('sgd')), id: 'lane3', name: 'imported' },
      });
      expect(added.laneId).toBe('lane3');
      expect(added.origin).toMatch(/MLP trained 3 steps on/);
      expect(added.comparison.laneIds).toEqual(['lane1', 'lane2', 'lane3']);
      for (const [name, data] of Object.entries(await values('lane3'))) expect(Array.from(data)).toEqual(Array.from(original[name]));
      await host.importWeights(st, { mode: 'replace', laneId: 'lane2' });
      for (const [name, data] of Object.entries(await values('lane2'))) expect(Array.from(data)).toEqual(Array.from(original[name]));
      await host.stepOnce();

      const lane2 = await values('lane2');
      const other = createModel({ kind: 'mlp', hidden: [5] }, [8, 8, 1], 4);
      const otherParams = initParams(other.params, 1);
      const otherValues = await readParams(otherParams);
      tf.dispose(Object.values(otherParams));
      const wrong = [
        {
          name: 'other.safetensors',
          bytes: writeSafetensors(other.params.map((p) => ({ name: p.name, shape: p.shape, data: otherValues[p.name] }))),
        },
      ];
      await expect(host.importWeights(wrong, { mode: 'replace', laneId: 'lane2' })).rejects.toThrow(
        /do not fit this model.*"dense1\/kernel" is \[64, 5\] in the file, \[64, 8\] in the model/,
      );
      const truncated = [{ name: 'cut.safetensors', bytes: st[0].bytes.subarray(0, st[0].bytes.length - 10) }];
      await expect(host.importWeights(truncated, { mode: 'replace', laneId: 'lane2' })).rejects.toThrow(/cut\.safetensors: truncated/);
      const nanBin = tfjs[1].bytes.slice();
      new DataView(nanBin.buffer).setFloat32(4, NaN, true);
      await expect(
        host.importWeights([tfjs[0], { name: 'weights.bin', bytes: nanBin }], {
          mode: 'new',
          lane: { ...makeLane(3, defaultOptimizerConfig('sgd')), id: 'lane4' },
        }),
      ).rejects.toThrow(/non-finite/);
      await expect(
        host.importWeights([{ name: 'notes.txt', bytes: new Uint8Array(3) }], { mode: 'replace', laneId: 'lane2' }),
      ).rejects.toThrow(/choose a \.safetensors file/);
      for (const [name, data] of Object.entries(await values('lane2'))) expect(Array.from(data)).toEqual(Array.from(lane2[name]));
      expect((await host.exportWeights('lane3', 'safetensors')).length).toBe(1);
      await expect(host.exportWeights('lane4', 'safetensors')).rejects.toThrow(/no lane "lane4"/);
      // The one new lane holds its 4 weight tensors (plain SGD keeps no state); nothing else remains.
      expect(tf.memory().numTensors).toBe(before + 4);
      await host.dispose();
    },
  );
});
