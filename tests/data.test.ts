import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'fflate';
import { cifarFromFiles, encodeCifarBatch, parseCifarBatch, CIFAR_RECORD } from '../src/engine/data/cifar';
import { DataError } from '../src/engine/data/errors';
import { mnistFromIdxFiles, parseIdx } from '../src/engine/data/idx';
import { loadDataset, MemoryByteCache, storeEncodedDataset, type FileFetcher } from '../src/engine/data/loader';
import { encodeDataset, parseManifest } from '../src/engine/data/shards';
import { sha256Hex } from '../src/engine/data/checksum';
import { interleaveClasses, channelStatistics } from '../src/engine/data/split';
import { mnistFromOfficialFiles, fashionFromPackage } from '../src/engine/data/builtin';
import { readTar, writeTar } from '../src/engine/data/tar';
import { BatchSampler } from '../src/engine/data/sampler';
import { syntheticDataset } from './helpers';

const SHARED = path.resolve(import.meta.dirname, '..', '..', 'shared', 'data');

function fetcherFor(files: Map<string, Uint8Array>, log: string[] = []): FileFetcher {
  return async (file) => {
    log.push(file);
    const bytes = files.get(file);
    if (!bytes) throw new Error(`404 ${file}`);
    return bytes.slice();
  };
}

async function encoded(shardSize = 30) {
  const dataset = syntheticDataset(100, 40);
  const { manifest, files } = await encodeDataset(dataset, shardSize);
  const all = new Map(files);
  all.set('manifest.json', new TextEncoder().encode(JSON.stringify(manifest)));
  const fetchFile: FileFetcher = async (file) => {
    const bytes = all.get(file);
    if (!bytes) throw new Error(`404 ${file}`);
    return bytes.slice();
  };
  return { dataset, manifest, files, all, fetchFile };
}

async function expectDataError(promise: Promise<unknown>, file: string, pattern: RegExp): Promise<void> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DataError);
  expect((error as DataError).file).toContain(file);
  expect((error as DataError).message).toMatch(pattern);
}

describe('shards', () => {
  it('round-trips a dataset through shards, manifest, verification and the cache', async () => {
    const { dataset, manifest, fetchFile } = await encoded();
    expect(manifest.splits.train.shards.map((s) => s.count)).toEqual([30, 30, 30, 10]);
    expect(manifest.splits.test.shards.map((s) => s.count)).toEqual([30, 10]);
    const cache = new MemoryByteCache();
    const fetched: string[] = [];
    const first = await loadDataset({
      cacheKey: 'builtin/synthetic',
      cache,
      fetchFile: async (f) => {
        fetched.push(f);
        return fetchFile(f);
      },
    });
    expect(first.fetched).toBe(6);
    expect(first.dataset.train.images).toEqual(dataset.train.images);
    expect(first.dataset.train.labels).toEqual(dataset.train.labels);
    expect(first.dataset.test.images).toEqual(dataset.test.images);
    fetched.length = 0;
    const progress: number[] = [];
    const second = await loadDataset({
      cacheKey: 'builtin/synthetic',
      cache,
      fetchFile: async (f) => {
        fetched.push(f);
        return fetchFile(f);
      },
      onProgress: (p) => progress.push(p.shardsDone),
    });
    expect(second.fromCache).toBe(6);
    expect(second.fetched).toBe(0);
    expect(fetched).toEqual(['manifest.json']);
    expect(progress).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(second.dataset.test.labels).toEqual(dataset.test.labels);
  });

  it('works offline from the cache when the manifest cannot be fetched', async () => {
    const { fetchFile } = await encoded();
    const cache = new MemoryByteCache();
    await loadDataset({ cacheKey: 'k', cache, fetchFile });
    const offline = await loadDataset({
      cacheKey: 'k',
      cache,
      fetchFile: async () => {
        throw new Error('offline');
      },
    });
    expect(offline.fromCache).toBe(6);
  });

  it('rejects a truncated shard, naming the file', async () => {
    const { all } = await encoded();
    all.set('train-001.bin', all.get('train-001.bin')!.subarray(0, 100));
    await expectDataError(loadDataset({ cacheKey: 'k', fetchFile: fetcherFor(all) }), 'train-001.bin', /truncated/);
  });

  it('rejects a checksum mismatch, naming the file', async () => {
    const { all, fetchFile } = await encoded();
    const bad = all.get('test-000.bin')!.slice();
    bad[5] ^= 0xff;
    await expectDataError(
      loadDataset({ cacheKey: 'k', fetchFile: async (f) => (f === 'test-000.bin' ? bad : fetchFile(f)) }),
      'test-000.bin',
      /checksum mismatch/,
    );
  });

  it('rejects a label out of range even when the checksum matches', async () => {
    const { manifest, all } = await encoded();
    const shard = manifest.splits.train.shards[0];
    const bytes = all.get(shard.file)!.slice();
    bytes[bytes.length - 1] = 9;
    shard.sha256 = await sha256Hex(bytes);
    all.set(shard.file, bytes);
    all.set('manifest.json', new TextEncoder().encode(JSON.stringify(manifest)));
    await expectDataError(
      loadDataset({ cacheKey: 'k', fetchFile: async (f) => all.get(f)! }),
      shard.file,
      /label 9 .* out of range 0\.\.3/,
    );
  });

  it('rejects bad manifests with the field at fault', async () => {
    const { manifest } = await encoded();
    expect(() => parseManifest({ ...manifest, version: 99 })).toThrow(/version/);
    expect(() => parseManifest({ ...manifest, splits: { ...manifest.splits, train: { ...manifest.splits.train, count: 7 } } })).toThrow(
      /declares 7 samples/,
    );
    const badShard = { ...manifest.splits.test.shards[0], file: '../etc/passwd' };
    expect(() =>
      parseManifest({
        ...manifest,
        splits: { ...manifest.splits, test: { ...manifest.splits.test, shards: [badShard, manifest.splits.test.shards[1]] } },
      }),
    ).toThrow(/plain names/);
    await expectDataError(
      loadDataset({ cacheKey: 'k', fetchFile: async () => new TextEncoder().encode('{not json') }),
      'manifest.json',
      /not valid JSON/,
    );
  });

  it('a cache corrupted behind our back is detected and re-fetched', async () => {
    const { fetchFile } = await encoded();
    const cache = new MemoryByteCache();
    await loadDataset({ cacheKey: 'k', cache, fetchFile });
    const key = [...cache.entries.keys()].find((k) => k.includes('train-000.bin'))!;
    cache.entries.get(key)![0] ^= 1;
    const again = await loadDataset({ cacheKey: 'k', cache, fetchFile });
    expect(again.fetched).toBe(1);
    expect(again.fromCache).toBe(5);
  });

  it('a user dataset stored in the cache loads back without a network', async () => {
    const { manifest, files, dataset } = await encoded();
    const cache = new MemoryByteCache();
    await storeEncodedDataset(cache, 'user/synthetic', manifest, files);
    const loaded = await loadDataset({ cacheKey: 'user/synthetic', cache });
    expect(loaded.dataset.train.images).toEqual(dataset.train.images);
    const key = [...cache.entries.keys()].find((k) => k.includes('test-001.bin'))!;
    await cache.delete(key);
    await expectDataError(loadDataset({ cacheKey: 'user/synthetic', cache }), 'test-001.bin', /missing from the browser cache/);
  });
});

function randomCifar(count: number, seed: number) {
  const images = new Uint8Array(count * 3072);
  const labels = new Uint8Array(count);
  let s = seed;
  for (let i = 0; i < images.length; i++) images[i] = (s = (s * 1103515245 + 12345) >>> 0) >>> 24;
  for (let i = 0; i < count; i++) labels[i] = (i * 7 + seed) % 10;
  return { count, images, labels };
}

describe('CIFAR-10 binary format', () => {
  it('maps the R, G, B planes to HWC exactly', () => {
    const record = new Uint8Array(CIFAR_RECORD);
    record[0] = 3;
    record[1 + 0] = 10; // R of pixel (0,0)
    record[1 + 1024 + 33] = 20; // G of pixel (1,1)
    record[1 + 2048 + 1023] = 30; // B of pixel (31,31)
    const split = parseCifarBatch(record, 'x.bin');
    expect(split.labels[0]).toBe(3);
    expect(split.images[0]).toBe(10);
    expect(split.images[33 * 3 + 1]).toBe(20);
    expect(split.images[1023 * 3 + 2]).toBe(30);
  });

  it('reads generated official files loose and inside cifar-10-binary.tar.gz', () => {
    const train1 = randomCifar(30, 1);
    const train2 = randomCifar(20, 2);
    const test = randomCifar(10, 3);
    const loose = cifarFromFiles([
      { name: 'data_batch_2.bin', bytes: encodeCifarBatch(train2) },
      { name: 'test_batch.bin', bytes: encodeCifarBatch(test) },
      { name: 'data_batch_1.bin', bytes: encodeCifarBatch(train1) },
      { name: 'readme.html', bytes: new Uint8Array(3) },
    ]);
    expect(loose.train.count).toBe(50);
    expect(loose.train.images.subarray(0, 30 * 3072)).toEqual(train1.images);
    expect(loose.train.labels.subarray(30)).toEqual(train2.labels);
    expect(loose.test.images).toEqual(test.images);
    const tar = writeTar([
      { name: 'cifar-10-batches-bin/batches.meta.txt', bytes: new TextEncoder().encode('airplane\n') },
      { name: 'cifar-10-batches-bin/data_batch_1.bin', bytes: encodeCifarBatch(train1) },
      { name: 'cifar-10-batches-bin/test_batch.bin', bytes: encodeCifarBatch(test) },
    ]);
    const fromArchive = cifarFromFiles([{ name: 'cifar-10-binary.tar.gz', bytes: gzipSync(tar) }]);
    expect(fromArchive.train.images).toEqual(train1.images);
    expect(fromArchive.test.labels).toEqual(test.labels);
    expect(fromArchive.info.shape).toEqual([32, 32, 3]);
  });

  it('names the file and the problem for each kind of bad input', () => {
    const good = encodeCifarBatch(randomCifar(3, 4));
    const expectError = (fn: () => unknown, file: string, pattern: RegExp) => {
      let caught: unknown;
      try {
        fn();
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(DataError);
      expect((caught as DataError).message).toContain(file);
      expect((caught as DataError).message).toMatch(pattern);
    };
    expectError(() => parseCifarBatch(good.subarray(0, good.length - 5), 'data_batch_1.bin'), 'data_batch_1.bin', /wrong record size/);
    const badLabel = good.slice();
    badLabel[CIFAR_RECORD] = 42;
    expectError(() => parseCifarBatch(badLabel, 'test_batch.bin'), 'test_batch.bin', /label 42 of record 1 is out of range/);
    expectError(() => cifarFromFiles([{ name: 'data_batch_1.bin', bytes: good }]), 'data_batch_1.bin', /test_batch.bin is missing/);
    expectError(() => cifarFromFiles([{ name: 'test_batch.bin', bytes: good }]), 'test_batch.bin', /no data_batch_N.bin/);
    const wrongTar = gzipSync(writeTar([{ name: 'cifar-100-binary/train.bin', bytes: good }]));
    expectError(
      () => cifarFromFiles([{ name: 'cifar-100-binary.tar.gz', bytes: wrongTar }]),
      'cifar-100-binary.tar.gz',
      /holds no CIFAR-10 batch files.*cifar-100-binary\/train.bin/,
    );
    expectError(
      () => cifarFromFiles([{ name: 'cifar.tar.gz', bytes: new Uint8Array([0x1f, 0x8b, 1, 2, 3]) }]),
      'cifar.tar.gz',
      /not a valid gzip/,
    );
    const truncatedTar = writeTar([{ name: 'data_batch_1.bin', bytes: good }]).subarray(0, 700);
    expectError(() => cifarFromFiles([{ name: 'c.tar', bytes: truncatedTar }]), 'c.tar', /truncated/);
    expectError(() => readTar(new Uint8Array(1024).fill(65), 'junk.tar'), 'junk.tar', /not a tar archive/);
  });

  it.runIf(existsSync(path.join(SHARED, 'cifar10', 'test_batch.bin')))('reads the real CIFAR-10 files in ../shared/data/cifar10', () => {
    const read = (n: string) => ({ name: n, bytes: new Uint8Array(readFileSync(path.join(SHARED, 'cifar10', n))) });
    const dataset = cifarFromFiles([read('data_batch_1.bin'), read('test_batch.bin')]);
    expect(dataset.train.count).toBe(10000);
    expect(dataset.test.count).toBe(10000);
    const perClass = new Array(10).fill(0);
    dataset.test.labels.forEach((l) => perClass[l]++);
    expect(perClass).toEqual(new Array(10).fill(1000));
    const names = readFileSync(path.join(SHARED, 'cifar10', 'batches.meta.txt'), 'utf8')
      .split('\n')
      .filter(Boolean);
    expect(dataset.info.classNames).toEqual(names);
    // Natural images: channel means well inside (0.3, 0.6), blue lowest as in the official statistics.
    const { mean } = dataset.info.normalization;
    mean.forEach((m) => expect(m).toBeGreaterThan(0.3));
    mean.forEach((m) => expect(m).toBeLessThan(0.6));
    expect(mean[2]).toBeLessThan(mean[0]);
  });
});

describe('IDX files', () => {
  it.runIf(existsSync(path.join(SHARED, 'mnist-idx')))('reads the official MNIST test set (gzipped IDX)', () => {
    const images = parseIdx(new Uint8Array(readFileSync(path.join(SHARED, 'mnist-idx', 't10k-images-idx3-ubyte.gz'))), 't10k-images');
    const labels = parseIdx(new Uint8Array(readFileSync(path.join(SHARED, 'mnist-idx', 't10k-labels-idx1-ubyte.gz'))), 't10k-labels');
    expect(images.dims).toEqual([10000, 28, 28]);
    expect(labels.dims).toEqual([10000]);
    expect(Array.from(labels.data.subarray(0, 5))).toEqual([7, 2, 1, 0, 4]);
    const counts = new Array(10).fill(0);
    labels.data.forEach((l) => counts[l]++);
    expect(counts).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
  });

  it('builds a dataset from four IDX files and rejects bad ones', () => {
    const idx = (magic: number, dims: number[], data: Uint8Array) => {
      const header = new Uint8Array(4 + 4 * dims.length);
      const view = new DataView(header.buffer);
      view.setUint32(0, magic);
      dims.forEach((d, i) => view.setUint32(4 + 4 * i, d));
      const out = new Uint8Array(header.length + data.length);
      out.set(header);
      out.set(data, header.length);
      return out;
    };
    const img = (n: number) =>
      idx(
        2051,
        [n, 4, 4],
        new Uint8Array(n * 16).map((_, i) => i % 256),
      );
    const lab = (n: number) =>
      idx(
        2049,
        [n],
        new Uint8Array(n).map((_, i) => i % 10),
      );
    const dataset = mnistFromIdxFiles([
      { name: 'train-images-idx3-ubyte', bytes: img(20) },
      { name: 'train-labels-idx1-ubyte.gz', bytes: gzipSync(lab(20)) },
      { name: 't10k-images-idx3-ubyte', bytes: img(5) },
      { name: 't10k-labels-idx1-ubyte', bytes: lab(5) },
    ]);
    expect(dataset.info.shape).toEqual([4, 4, 1]);
    expect(dataset.train.count).toBe(20);
    expect(dataset.test.labels).toEqual(new Uint8Array([0, 1, 2, 3, 4]));
    expect(() => parseIdx(img(3).subarray(0, 30), 'train-images')).toThrow(/train-images: expected 64 bytes/);
    expect(() => parseIdx(new Uint8Array([1, 0, 8, 1, 0, 0, 0, 0]), 'x')).toThrow(/bad IDX magic/);
    expect(() => mnistFromIdxFiles([{ name: 't10k-images-idx3-ubyte', bytes: img(5) }])).toThrow(/train-images-idx3-ubyte is missing/);
    const badLabels = idx(2049, [20], new Uint8Array(20).fill(12));
    expect(() =>
      mnistFromIdxFiles([
        { name: 'train-images-idx3-ubyte', bytes: img(20) },
        { name: 'train-labels-idx1-ubyte', bytes: badLabels },
        { name: 't10k-images-idx3-ubyte', bytes: img(5) },
        { name: 't10k-labels-idx1-ubyte', bytes: lab(5) },
      ]),
    ).toThrow(/train-labels-idx1-ubyte: label 12 of item 0 is out of range/);
  });
});

describe('built-in datasets', () => {
  it('interleaves classes round-robin', () => {
    const a = [new Uint8Array([1]), new Uint8Array([2])];
    const b = [new Uint8Array([9])];
    const split = interleaveClasses([a, b], 1);
    expect(Array.from(split.labels)).toEqual([0, 1, 0]);
    expect(Array.from(split.images)).toEqual([1, 9, 2]);
  });

  it('refuses MNIST IDX files that are not the official 60,000 / 10,000 split, naming the file', () => {
    const idx = (dims: number[], data: Uint8Array, name: string) => {
      const header = new Uint8Array(4 + 4 * dims.length);
      header.set([0, 0, 8, dims.length]);
      const view = new DataView(header.buffer);
      dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
      const bytes = new Uint8Array(header.length + data.length);
      bytes.set(header);
      bytes.set(data, header.length);
      return { name, bytes };
    };
    const images = (n: number, name: string) => idx([n, 28, 28], new Uint8Array(n * 784), name);
    const labels = (n: number, name: string) =>
      idx(
        [n],
        Uint8Array.from({ length: n }, (_, i) => i % 10),
        name,
      );
    const files = {
      trainImages: images(50, 'train-images-idx3-ubyte'),
      trainLabels: labels(50, 'train-labels-idx1-ubyte'),
      testImages: images(20, 't10k-images-idx3-ubyte'),
      testLabels: labels(20, 't10k-labels-idx1-ubyte'),
    };
    expect(() => mnistFromOfficialFiles(files, '1.2.6')).toThrow(
      /train-images-idx3-ubyte: expected the official 60,000 \/ 10,000 images, got 50 \/ 20/,
    );
    const small = { ...files, testImages: idx([20, 14, 14], new Uint8Array(20 * 196), 't10k-images-idx3-ubyte') };
    expect(() => mnistFromOfficialFiles(small, '1.2.6')).toThrow(/t10k-images-idx3-ubyte: expected 28x28 images, got 14x14/);
  });

  it('rejects a Fashion-MNIST package with the wrong number of images', () => {
    const perClass = Array.from({ length: 10 }, () => [new Array(784).fill(0)]);
    expect(() => fashionFromPackage(perClass)).toThrow(/expected 7,000 images/);
  });

  it('channel statistics match a direct computation', () => {
    const split = { count: 2, images: new Uint8Array([0, 255, 255, 255]), labels: new Uint8Array(2) };
    const stats = channelStatistics(split, 2);
    expect(stats.mean).toEqual([0.5, 1]);
    expect(stats.std[0]).toBeCloseTo(0.5, 6);
  });

  const built = path.resolve(import.meta.dirname, '..', 'public', 'data');
  it.runIf(existsSync(path.join(built, 'fashion-mnist', 'manifest.json')))(
    'the built shards have the documented splits and balance',
    async () => {
      for (const [id, train, test] of [
        ['fashion-mnist', 60000, 10000],
        ['mnist', 60000, 10000],
      ] as const) {
        const dir = path.join(built, id);
        const manifest = parseManifest(JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')));
        expect(manifest.splits.train.count).toBe(train);
        expect(manifest.splits.test.count).toBe(test);
        const loaded = await loadDataset({ cacheKey: id, fetchFile: async (f) => new Uint8Array(readFileSync(path.join(dir, f))) });
        const firstThousand = new Array(10).fill(0);
        loaded.dataset.test.labels.subarray(0, 1000).forEach((l) => firstThousand[l]++);
        firstThousand.forEach((n) => expect(n).toBeGreaterThanOrEqual(95));
      }
    },
  );
});

describe('batch sampler (lockstep order)', () => {
  it('is a seeded permutation per epoch, the same whenever asked', () => {
    const a = new BatchSampler(103, 10, 42);
    const b = new BatchSampler(103, 10, 42);
    expect(a.stepsPerEpoch).toBe(10);
    const epoch0 = Array.from({ length: 10 }, (_, s) => Array.from(a.batchAt(s))).flat();
    expect(new Set(epoch0).size).toBe(100);
    expect(Array.from(b.batchAt(13))).toEqual(Array.from(a.batchAt(13)));
    expect(Array.from(a.batchAt(3))).toEqual(epoch0.slice(30, 40));
    expect(Array.from(a.batchAt(10))).not.toEqual(Array.from(a.batchAt(0)));
    expect(Array.from(new BatchSampler(103, 10, 43).batchAt(0))).not.toEqual(Array.from(a.batchAt(0)));
    expect(() => new BatchSampler(5, 10, 1)).toThrow(/larger than the training split/);
  });
});
