/**
 * Bad input, at scale: mutated configs and links, weight files, dataset shards and CIFAR/IDX files
 * go to every importer. Nothing throws anything but an Error that names the problem, and what the
 * user had (the comparison, its weights, the dataset list) is unchanged after a rejection.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { EngineHost } from '../src/worker/host';
import { encodeDataset } from '../src/engine/data/shards';
import { encodeCifarBatch } from '../src/engine/data/cifar';
import { loadDataset, MemoryByteCache } from '../src/engine/data/loader';
import type { InputFile } from '../src/engine/data/files';
import { readSafetensors, writeSafetensors } from '../src/engine/io/safetensors';
import { defaultExperiment, experimentSchema } from '../src/engine/io/experiment';
import { decodeExperimentParam, encodeExperimentParam } from '../src/engine/io/shareLink';
import { defaultComparison, makeLane, type ComparisonConfig } from '../src/engine/train/config';
import { defaultOptimizerConfig } from '../src/engine/optim/optimizers';
import { createRng, type Rng } from '../src/engine/rng';
import { readUrlOptions } from '../src/app/shell/url';
import { syntheticDataset, useCpu } from './helpers';

beforeAll(useCpu);

import { mutateDoc, type Mutable } from './mutation';

/** A rejection that names the problem: an Error with a sentence, not a JavaScript internals message. */
function expectNamedProblem(error: unknown, context: string): void {
  expect(error, context).toBeInstanceOf(Error);
  const message = (error as Error).message;
  expect(message.length, context).toBeGreaterThan(12);
  expect(message, context).not.toMatch(/is not a function|Cannot read prop|of undefined|of null|Maximum call stack|\[object Object\]/);
}

function randomValue(rng: Rng): unknown {
  const choices: Array<() => unknown> = [
    () => null,
    () => true,
    () => rng.next() * 100 - 50,
    () => rng.int(100000),
    () => 1e308,
    () => -1,
    () => 0,
    () => 0.5,
    () => 'NaN',
    () => '',
    () => 'x'.repeat(rng.int(300)),
    () => [],
    () => [1, 'a', null],
    () => ({}),
    () => ({ kind: 'sam', rho: 'big' }),
    () => ({ kind: 'cnn', channels: [1, 1], kernelSize: 9, dense: 1 }),
    () => '#zzzzzz',
    () => 'lane1',
    () => 4097,
    () => 2 ** 31,
  ];
  return choices[rng.int(choices.length)]();
}

function mutateBytes(bytes: Uint8Array, rng: Rng): Uint8Array {
  const kind = rng.int(6);
  if (kind === 0) return bytes.slice(0, rng.int(bytes.length));
  if (kind === 1) return new Uint8Array([...bytes, ...Array.from({ length: 1 + rng.int(64) }, () => rng.int(256))]);
  const out = bytes.slice();
  if (out.length === 0) return out;
  if (kind === 2) {
    // The first bytes hold lengths and headers: the likeliest place for a parser to trust a number.
    for (let i = 0; i < 1 + rng.int(4); i++) out[rng.int(Math.min(out.length, 64))] = rng.int(256);
  } else if (kind === 3) {
    for (let i = 0; i < 1 + rng.int(8); i++) out[rng.int(out.length)] = rng.int(256);
  } else if (kind === 4) {
    const start = rng.int(out.length);
    out.fill(rng.int(2) ? 0 : 255, start, Math.min(out.length, start + 1 + rng.int(256)));
  } else {
    // A float in the data section turned into NaN or infinity.
    const at = (out.length - 4 - rng.int(Math.max(1, out.length / 2))) & ~3;
    if (at >= 0) new DataView(out.buffer).setFloat32(at, rng.int(2) ? NaN : Infinity, true);
  }
  return out;
}

function mutateText(text: string, rng: Rng): string {
  const kind = rng.int(4);
  const i = rng.int(text.length + 1);
  if (kind === 0) return text.slice(0, i);
  if (kind === 1) return text.slice(0, i) + '",}{[]:0-e'[rng.int(10)] + text.slice(i);
  if (kind === 2) return text.slice(0, i) + text.slice(i + 1 + rng.int(20));
  return text.replace(/\d+/, String(rng.int(2) ? -1 : 1e12));
}

const config: ComparisonConfig = {
  ...defaultComparison('synthetic'),
  model: { kind: 'mlp', hidden: [8] },
  batchSize: 10,
  epochs: 2,
  testSize: 20,
  lanes: [makeLane(0, { ...defaultOptimizerConfig('sgd'), lr: 0.1 }), makeLane(1, defaultOptimizerConfig('adam'))],
};

async function readyHost(): Promise<EngineHost> {
  const { manifest, files } = await encodeDataset(syntheticDataset(60, 20, [28, 28, 1], 10), 50);
  const served = new Map<string, Uint8Array>([
    [
      'http://app/data/index.json',
      new TextEncoder().encode(JSON.stringify({ datasets: [{ id: 'synthetic', title: 'S', path: 'data/synthetic/' }] })),
    ],
    ['http://app/data/synthetic/manifest.json', new TextEncoder().encode(JSON.stringify(manifest))],
  ]);
  for (const [name, bytes] of files) served.set(`http://app/data/synthetic/${name}`, bytes);
  const host = new EngineHost({ fetchBytes: async (url) => served.get(url)!.slice() });
  await host.init({ backend: 'cpu', baseUrl: 'http://app/' });
  await host.loadDataset('synthetic');
  await host.configure(config);
  await host.stepOnce();
  return host;
}

const counts = { configs: 0, links: 0, urls: 0, weights: 0, shards: 0, cifarIdx: 0 };

describe('fuzzing every importer', () => {
  let host: EngineHost;
  let lane1: Uint8Array;
  beforeAll(async () => {
    host = await readyHost();
    lane1 = (await host.exportWeights('lane1', 'safetensors'))[0].bytes;
  });
  const unchangedWeights = async (context: string) => {
    expect((await host.exportWeights('lane1', 'safetensors'))[0].bytes, context).toEqual(lane1);
  };

  it('300 mutated comparison settings: valid ones apply, the rest are refused naming the field, and the comparison is kept', async () => {
    const rng = createRng(11);
    for (let i = 0; i < 300; i++) {
      const doc = JSON.parse(JSON.stringify(config)) as Mutable;
      mutateDoc(doc, rng, randomValue, 3);
      counts.configs++;
      try {
        await host.configure(doc as unknown as ComparisonConfig);
        await host.configure(config); // valid: applied; go back for the next one
        await host.stepOnce();
        lane1 = (await host.exportWeights('lane1', 'safetensors'))[0].bytes;
      } catch (error) {
        expectNamedProblem(error, JSON.stringify(doc).slice(0, 300));
        expect((error as Error).message).toMatch(/^invalid settings: |is too small|is larger than|too small for|^This comparison needs/);
        await unchangedWeights(`after ${JSON.stringify(doc).slice(0, 200)}`);
      }
    }
  });

  it('600 mutated share links and 300 mutated page URLs never throw and always give a valid setup or a message', () => {
    const rng = createRng(12);
    const e = defaultExperiment();
    e.comparison.lanes[0].method = { kind: 'sam', rho: 0.1 };
    const param = encodeExperimentParam(experimentSchema.parse(e));
    for (let i = 0; i < 600; i++) {
      const mutated = mutateText(param, rng);
      counts.links++;
      const loaded = decodeExperimentParam(mutated);
      expect(() => experimentSchema.parse(loaded.experiment)).not.toThrow();
      if (mutated !== param && loaded.ignored.length === 0) expect(experimentSchema.parse(loaded.experiment)).toBeTruthy();
      for (const line of loaded.ignored) expect(line.length).toBeGreaterThan(5);
    }
    const search = '?backend=webgpu&worker=0&dataset=mnist&x=' + param;
    for (let i = 0; i < 300; i++) {
      const mutated = mutateText(search, rng);
      counts.urls++;
      const options = readUrlOptions(mutated);
      expect(['auto', 'webgpu', 'webgl', 'wasm', 'cpu']).toContain(options.backend);
      expect(options.dataset === null || /^[a-z0-9-]{1,64}$/.test(options.dataset)).toBe(true);
      for (const p of options.problems) expect(p.length).toBeGreaterThan(5);
    }
  });

  it('240 mutated weight files (safetensors and TF.js) are refused with the problem or load finite weights that fit', async () => {
    const rng = createRng(13);
    const tfjs = await host.exportWeights('lane1', 'tfjs');
    let refused = 0;
    for (let i = 0; i < 240; i++) {
      let files: InputFile[];
      if (i % 3 === 2) {
        const which = rng.int(2);
        files = tfjs.map((f, k) =>
          k !== which
            ? f
            : {
                name: f.name,
                bytes: f.name.endsWith('.json')
                  ? new TextEncoder().encode(mutateText(new TextDecoder().decode(f.bytes), rng))
                  : mutateBytes(f.bytes, rng),
              },
        );
      } else {
        files = [{ name: 'lane.safetensors', bytes: mutateBytes(lane1, rng) }];
      }
      counts.weights++;
      try {
        await host.importWeights(files, { mode: 'replace', laneId: 'lane1' });
        // It loaded: the file was still a valid one; the lane trains on.
        await host.stepOnce();
        lane1 = (await host.exportWeights('lane1', 'safetensors'))[0].bytes;
      } catch (error) {
        refused++;
        expectNamedProblem(error, `weights #${i}`);
        await unchangedWeights(`weights #${i}: ${(error as Error).message}`);
      }
    }
    expect(refused).toBeGreaterThan(150);
  });

  it('a PyTorch state dict of the lane loads; 120 mutated ones are refused with the problem or load finite weights that fit', async () => {
    const rng = createRng(15);
    // The lane's weights as nn.Sequential(Flatten, Linear, ReLU, Linear) would save them: 1.weight [out, in] …
    const ours = readSafetensors(lane1);
    const numbers: Record<string, string> = { dense1: '1', head: '3' };
    const torch = writeSafetensors(
      ours.tensors.map((t) => {
        const [layer, kind] = t.name.split('/');
        if (kind === 'bias') return { name: `${numbers[layer]}.bias`, shape: t.shape, data: t.data };
        const [inputs, outputs] = t.shape;
        const w = new Float32Array(t.data.length);
        for (let i = 0; i < inputs; i++) for (let o = 0; o < outputs; o++) w[o * inputs + i] = t.data[i * outputs + o];
        return { name: `${numbers[layer]}.weight`, shape: [outputs, inputs], data: w };
      }),
      { format: 'pt' },
    );
    const summary = await host.importWeights([{ name: 'torch.safetensors', bytes: torch }], { mode: 'replace', laneId: 'lane1' });
    expect(summary.origin).toMatch(/PyTorch state dict/);
    await unchangedWeights('the state dict of the lane itself');
    let refused = 0;
    for (let i = 0; i < 120; i++) {
      counts.weights++;
      try {
        await host.importWeights([{ name: 'torch.safetensors', bytes: mutateBytes(torch, rng) }], { mode: 'replace', laneId: 'lane1' });
        await host.stepOnce();
        lane1 = (await host.exportWeights('lane1', 'safetensors'))[0].bytes;
      } catch (error) {
        refused++;
        expectNamedProblem(error, `state dict #${i}`);
        await unchangedWeights(`state dict #${i}: ${(error as Error).message}`);
      }
    }
    expect(refused).toBeGreaterThan(60);
  });

  it('120 mutated CIFAR-10 and IDX files are refused naming the file, and the dataset list is unchanged', async () => {
    const rng = createRng(14);
    const cifar = encodeCifarBatch(syntheticDataset(30, 0, [32, 32, 3], 10).train);
    const idx = idxFiles(syntheticDataset(20, 10, [28, 28, 1], 10));
    const before = (await host.listDatasets()).map((d) => d.id);
    let refused = 0;
    for (let i = 0; i < 120; i++) {
      counts.cifarIdx++;
      const files: InputFile[] =
        i % 2 === 0
          ? [
              { name: 'data_batch_1.bin', bytes: mutateBytes(cifar, rng) },
              { name: 'test_batch.bin', bytes: cifar },
            ]
          : idx.map((f, k) => (k === rng.int(4) ? { name: f.name, bytes: mutateBytes(f.bytes, rng) } : f));
      try {
        await host.importFiles(i % 2 === 0 ? 'cifar10' : 'mnist-idx', files);
      } catch (error) {
        refused++;
        expectNamedProblem(error, `files #${i}`);
        expect((error as Error).message, `files #${i}`).toMatch(/\.bin|idx|ubyte|label|image|batch|files?/i);
      }
    }
    // A changed pixel is still a valid image: many mutations load, as they should.
    expect(refused).toBeGreaterThan(30);
    const after = (await host.listDatasets()).map((d) => d.id);
    // Valid mutations may add the user's dataset; nothing that was there disappears.
    for (const id of before) expect(after).toContain(id);
  });

  it('80 mutated dataset shards and manifests are refused naming the file', async () => {
    const rng = createRng(15);
    const { manifest, files } = await encodeDataset(syntheticDataset(40, 20, [8, 8, 1], 4), 20);
    const names = [...files.keys()];
    for (let i = 0; i < 80; i++) {
      counts.shards++;
      const bad = new Map(files);
      let manifestText = JSON.stringify(manifest);
      if (i % 4 === 0) manifestText = mutateText(manifestText, rng);
      else {
        const name = names[rng.int(names.length)];
        bad.set(name, mutateBytes(files.get(name)!, rng));
      }
      try {
        await loadDataset({
          cacheKey: `fuzz-${i}`,
          cache: new MemoryByteCache(),
          fetchFile: async (f) =>
            f === 'manifest.json' ? new TextEncoder().encode(manifestText) : (bad.get(f) ?? Promise.reject(new Error(`HTTP 404 for ${f}`))),
        });
        expect(manifestText === JSON.stringify(manifest) || i % 4 === 0, 'only a manifest edit that keeps it valid may load').toBe(true);
      } catch (error) {
        expectNamedProblem(error, `shard #${i}`);
        expect((error as Error).message, `shard #${i}`).toMatch(/manifest|shard|\.bin|hash|bytes|json/i);
      }
    }
  });

  it('adds up to at least 1,000 configs and links and 200 files of each kind asked for', () => {
    expect(counts.configs + counts.links + counts.urls).toBeGreaterThanOrEqual(1000);
    expect(counts.weights).toBeGreaterThanOrEqual(200);
    expect(counts.shards + counts.cifarIdx).toBeGreaterThanOrEqual(200);
  });
});

function idxFiles(data: ReturnType<typeof syntheticDataset>): InputFile[] {
  const images = (split: { count: number; images: Uint8Array }) => {
    const header = new DataView(new ArrayBuffer(16));
    header.setUint32(0, 0x00000803);
    header.setUint32(4, split.count);
    header.setUint32(8, 28);
    header.setUint32(12, 28);
    return new Uint8Array([...new Uint8Array(header.buffer), ...split.images]);
  };
  const labels = (split: { count: number; labels: Uint8Array }) => {
    const header = new DataView(new ArrayBuffer(8));
    header.setUint32(0, 0x00000801);
    header.setUint32(4, split.count);
    return new Uint8Array([...new Uint8Array(header.buffer), ...split.labels]);
  };
  return [
    { name: 'train-images-idx3-ubyte', bytes: images(data.train) },
    { name: 'train-labels-idx1-ubyte', bytes: labels(data.train) },
    { name: 't10k-images-idx3-ubyte', bytes: images(data.test) },
    { name: 't10k-labels-idx1-ubyte', bytes: labels(data.test) },
  ];
}
