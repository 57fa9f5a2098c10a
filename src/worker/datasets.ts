/** The datasets a host can train on: the served ones (data/index.json) and the user's own (cached CIFAR-10 or MNIST files). */
import { cifarFromFiles } from '../engine/data/cifar';
import type { Dataset } from '../engine/data/dataset';
import { DataError } from '../engine/data/errors';
import type { InputFile } from '../engine/data/files';
import { mnistFromIdxFiles } from '../engine/data/idx';
import { loadDataset, storeEncodedDataset, type ByteCache, type LoadProgress } from '../engine/data/loader';
import { builtinEntries, datasetIndexSchema, type DatasetEntry } from '../engine/data/registry';
import { encodeDataset, validateDataset } from '../engine/data/shards';
import type { DatasetSummary, UserDatasetKind } from './api';

/** What the host needs from its environment: the network and a persistent byte cache. */
export interface DataServices {
  fetchBytes(url: string): Promise<Uint8Array>;
  cache?: ByteCache;
}

const USER_INDEX_KEY = 'user/index.json';

export class DatasetStore {
  private readonly loaded = new Map<string, Dataset>();

  constructor(
    private readonly services: DataServices,
    private readonly baseUrl: string,
    private readonly onProgress: (progress: LoadProgress) => void,
  ) {}

  /** A loaded dataset, or undefined. */
  get(id: string): Dataset | undefined {
    return this.loaded.get(id);
  }

  async list(): Promise<DatasetEntry[]> {
    let builtin: DatasetEntry[] = [];
    try {
      const bytes = await this.services.fetchBytes(`${this.baseUrl}data/index.json`);
      const parsed = datasetIndexSchema.safeParse(JSON.parse(new TextDecoder().decode(bytes)));
      if (parsed.success) builtin = builtinEntries(parsed.data);
    } catch {
      builtin = [];
    }
    return [...builtin, ...(await this.userEntries())];
  }

  /** Loads a dataset (from the cache when its shards are there), verifying every shard. */
  async load(id: string): Promise<DatasetSummary> {
    const entry = (await this.list()).find((e) => e.id === id);
    if (!entry) throw new DataError(id, 'is not a known dataset; run "npm run data" (built-in) or load the files again (your own)');
    const base = entry.path ? `${this.baseUrl}${entry.path}` : undefined;
    const result = await loadDataset({
      cacheKey: entry.cacheKey,
      cache: this.services.cache,
      fetchFile: base ? (file) => this.services.fetchBytes(`${base}${file}`) : undefined,
      onProgress: this.onProgress,
    });
    this.loaded.set(id, result.dataset);
    return summarize(id, result.dataset, result.fromCache, result.fetched);
  }

  /** Converts the user's CIFAR-10 or MNIST IDX files into a dataset, cached as verified shards. */
  async importFiles(kind: UserDatasetKind, files: InputFile[]): Promise<DatasetSummary> {
    const dataset = kind === 'cifar10' ? cifarFromFiles(files) : mnistFromIdxFiles(files);
    validateDataset(dataset, files.map((f) => f.name).join(', '));
    const id = `user-${dataset.info.id}`;
    const entry: DatasetEntry = { id, title: `${dataset.info.title}`, origin: 'user', cacheKey: `user/${dataset.info.id}` };
    const { cache } = this.services;
    if (cache) {
      const { manifest, files: shards } = await encodeDataset(dataset);
      await storeEncodedDataset(cache, entry.cacheKey, manifest, shards);
      const others = (await this.userEntries()).filter((e) => e.id !== id);
      await cache.put(USER_INDEX_KEY, new TextEncoder().encode(JSON.stringify([...others, entry])));
    }
    this.loaded.set(id, dataset);
    return summarize(id, dataset, 0, 0);
  }

  private async userEntries(): Promise<DatasetEntry[]> {
    const bytes = await this.services.cache?.get(USER_INDEX_KEY);
    if (!bytes) return [];
    try {
      const list = JSON.parse(new TextDecoder().decode(bytes)) as DatasetEntry[];
      return Array.isArray(list) ? list.filter((e) => e && typeof e.id === 'string' && e.origin === 'user') : [];
    } catch {
      return [];
    }
  }
}

function summarize(id: string, dataset: Dataset, fromCache: number, fetched: number): DatasetSummary {
  const { info } = dataset;
  return {
    id,
    title: info.title,
    shape: info.shape,
    classNames: info.classNames,
    trainCount: dataset.train.count,
    testCount: dataset.test.count,
    normalization: info.normalization,
    source: info.source,
    license: info.license,
    splitNote: info.splitNote,
    fromCache,
    fetched,
  };
}
