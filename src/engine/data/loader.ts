import type { Dataset, SplitName } from './dataset';
import { DataError } from './errors';
import type { Manifest, ShardEntry } from './manifest';
import { assembleSplit, infoFromManifest, parseManifest, verifyShard } from './shards';
import { errorMessage } from '../errors';

/** Byte storage that survives a reload (Cache API in the browser, a Map in tests). */
export interface ByteCache {
  get(key: string): Promise<Uint8Array | undefined>;
  put(key: string, bytes: Uint8Array): Promise<void>;
  delete(key: string): Promise<void>;
  keys(prefix: string): Promise<string[]>;
}

/** Fetches a file of a dataset by its name relative to the dataset's folder. */
export type FileFetcher = (file: string) => Promise<Uint8Array>;

export interface LoadProgress {
  datasetId: string;
  shardsDone: number;
  shardsTotal: number;
  bytesDone: number;
  bytesTotal: number;
  fromCache: number;
  fetched: number;
  currentFile: string;
}

export interface LoadOptions {
  /** Cache namespace of this dataset, e.g. "builtin/fashion-mnist" or "user/cifar10". */
  cacheKey: string;
  /** Network fetcher; absent for datasets that live only in the cache (user uploads). */
  fetchFile?: FileFetcher;
  cache?: ByteCache;
  onProgress?: (progress: LoadProgress) => void;
  signal?: AbortSignal;
}

export interface LoadResult {
  dataset: Dataset;
  manifest: Manifest;
  fromCache: number;
  fetched: number;
}

const MANIFEST = 'manifest.json';

export function shardCacheKey(cacheKey: string, shard: ShardEntry): string {
  return `${cacheKey}/${shard.file}@${shard.sha256}`;
}

export function manifestCacheKey(cacheKey: string): string {
  return `${cacheKey}/${MANIFEST}`;
}

async function readManifest(options: LoadOptions): Promise<Manifest> {
  const cached = options.cache ? await options.cache.get(manifestCacheKey(options.cacheKey)) : undefined;
  let bytes: Uint8Array | undefined;
  let networkError: unknown;
  if (options.fetchFile) {
    try {
      bytes = await options.fetchFile(MANIFEST);
    } catch (error) {
      networkError = error;
    }
  }
  bytes ??= cached;
  if (!bytes) {
    const why = networkError instanceof Error ? networkError.message : 'it is not in the cache';
    throw new DataError(`${options.cacheKey}/${MANIFEST}`, `could not be read (${why})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new DataError(`${options.cacheKey}/${MANIFEST}`, 'is not valid JSON; rebuild the shards with "npm run data"');
  }
  const manifest = parseManifest(json, `${options.cacheKey}/${MANIFEST}`);
  if (options.cache && bytes !== cached) await options.cache.put(manifestCacheKey(options.cacheKey), bytes);
  return manifest;
}

/**
 * Loads a sharded dataset shard by shard, verifying every shard's size, checksum and labels, and
 * caching verified shards so that a reload reads them from the cache. Throws DataError on the first
 * bad shard; nothing partial is returned.
 */
export async function loadDataset(options: LoadOptions): Promise<LoadResult> {
  const manifest = await readManifest(options);
  const all: Array<{ split: SplitName; shard: ShardEntry }> = [];
  for (const split of ['train', 'test'] as const) {
    for (const shard of manifest.splits[split].shards) all.push({ split, shard });
  }
  const bytesTotal = all.reduce((acc, item) => acc + item.shard.bytes, 0);
  const loaded: Record<SplitName, Uint8Array[]> = { train: [], test: [] };
  const progress: LoadProgress = {
    datasetId: manifest.id,
    shardsDone: 0,
    shardsTotal: all.length,
    bytesDone: 0,
    bytesTotal,
    fromCache: 0,
    fetched: 0,
    currentFile: MANIFEST,
  };
  options.onProgress?.({ ...progress });
  for (const { split, shard } of all) {
    if (options.signal?.aborted) throw new DataError(options.cacheKey, 'loading was cancelled');
    progress.currentFile = shard.file;
    const bytes = await readShard(options, manifest, shard, progress);
    loaded[split].push(bytes);
    progress.shardsDone++;
    progress.bytesDone += shard.bytes;
    options.onProgress?.({ ...progress });
  }
  const dataset: Dataset = {
    info: infoFromManifest(manifest),
    train: assembleSplit(manifest, 'train', loaded.train),
    test: assembleSplit(manifest, 'test', loaded.test),
  };
  return { dataset, manifest, fromCache: progress.fromCache, fetched: progress.fetched };
}

async function readShard(options: LoadOptions, manifest: Manifest, shard: ShardEntry, progress: LoadProgress): Promise<Uint8Array> {
  const key = shardCacheKey(options.cacheKey, shard);
  const cached = options.cache ? await options.cache.get(key) : undefined;
  if (cached) {
    try {
      await verifyShard(cached, shard, manifest);
      progress.fromCache++;
      return cached;
    } catch {
      await options.cache?.delete(key);
    }
  }
  if (!options.fetchFile) {
    throw new DataError(shard.file, 'is missing from the browser cache (it was cleared?); load the dataset files again');
  }
  let bytes: Uint8Array;
  try {
    bytes = await options.fetchFile(shard.file);
  } catch (error) {
    throw new DataError(shard.file, `could not be fetched (${errorMessage(error)})`);
  }
  await verifyShard(bytes, shard, manifest);
  progress.fetched++;
  await options.cache?.put(key, bytes);
  return bytes;
}

/** An in-memory ByteCache (tests, Node). */
export class MemoryByteCache implements ByteCache {
  readonly entries = new Map<string, Uint8Array>();
  async get(key: string): Promise<Uint8Array | undefined> {
    return this.entries.get(key);
  }
  async put(key: string, bytes: Uint8Array): Promise<void> {
    this.entries.set(key, bytes.slice());
  }
  async delete(key: string): Promise<void> {
    this.entries.delete(key);
  }
  async keys(prefix: string): Promise<string[]> {
    return [...this.entries.keys()].filter((k) => k.startsWith(prefix));
  }
}

/** Stores an encoded dataset (e.g. converted CIFAR-10) in a cache so loadDataset can read it back. */
export async function storeEncodedDataset(
  cache: ByteCache,
  cacheKey: string,
  manifest: Manifest,
  files: Map<string, Uint8Array>,
): Promise<void> {
  for (const split of ['train', 'test'] as const) {
    for (const shard of manifest.splits[split].shards) {
      const bytes = files.get(shard.file);
      if (!bytes) throw new DataError(shard.file, 'missing from the encoded dataset');
      await cache.put(shardCacheKey(cacheKey, shard), bytes);
    }
  }
  await cache.put(manifestCacheKey(cacheKey), new TextEncoder().encode(JSON.stringify(manifest)));
}
