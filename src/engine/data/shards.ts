import { sha256Hex } from './checksum';
import type { Dataset, DatasetInfo, SplitArrays, SplitName } from './dataset';
import { sampleSize } from './dataset';
import { DataError } from './errors';
import { MANIFEST_VERSION, manifestSchema, type Manifest, type ShardEntry } from './manifest';

/**
 * Shard layout: one file per shard holding `count` images (count x H x W x C bytes, HWC) followed
 * by `count` label bytes. Shards have `shardSize` samples, the last of a split may have fewer.
 */
export interface EncodedDataset {
  manifest: Manifest;
  files: Map<string, Uint8Array>;
}

export const DEFAULT_SHARD_SIZE = 5000;

export async function encodeDataset(dataset: Dataset, shardSize = DEFAULT_SHARD_SIZE): Promise<EncodedDataset> {
  const files = new Map<string, Uint8Array>();
  const splits = {} as Manifest['splits'];
  for (const split of ['train', 'test'] as const) {
    const arrays = dataset[split];
    const shards: ShardEntry[] = [];
    const size = sampleSize(dataset.info.shape);
    for (let start = 0, index = 0; start < arrays.count; start += shardSize, index++) {
      const count = Math.min(shardSize, arrays.count - start);
      const bytes = new Uint8Array(count * (size + 1));
      bytes.set(arrays.images.subarray(start * size, (start + count) * size), 0);
      bytes.set(arrays.labels.subarray(start, start + count), count * size);
      const file = `${split}-${String(index).padStart(3, '0')}.bin`;
      files.set(file, bytes);
      shards.push({ file, count, bytes: bytes.length, sha256: await sha256Hex(bytes) });
    }
    splits[split] = { count: arrays.count, shards };
  }
  const manifest: Manifest = {
    version: MANIFEST_VERSION,
    ...dataset.info,
    shardSize,
    layout: 'images-then-labels',
    splits,
  };
  return { manifest, files };
}

/** Parses and checks a manifest; the error names the file and the first problem found. */
export function parseManifest(json: unknown, file = 'manifest.json'): Manifest {
  const result = manifestSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue.path.length > 0 ? ` at "${issue.path.join('.')}"` : '';
    throw new DataError(file, `invalid manifest${where}: ${issue.message}. Rebuild it with "npm run data".`);
  }
  const manifest = result.data;
  const channels = manifest.shape[2];
  if (manifest.normalization.mean.length !== channels || manifest.normalization.std.length !== channels) {
    throw new DataError(
      file,
      `normalization has ${manifest.normalization.mean.length} means and ${manifest.normalization.std.length} ` +
        `stds for ${channels} channels`,
    );
  }
  for (const split of ['train', 'test'] as const) {
    const entry = manifest.splits[split];
    const sum = entry.shards.reduce((acc, s) => acc + s.count, 0);
    if (sum !== entry.count) {
      throw new DataError(file, `the ${split} split declares ${entry.count} samples but its shards hold ${sum}`);
    }
    const size = sampleSize(manifest.shape);
    for (const shard of entry.shards) {
      if (shard.bytes !== shard.count * (size + 1)) {
        throw new DataError(
          file,
          `shard ${shard.file} declares ${shard.bytes} bytes; ${shard.count} samples of ${size} pixels ` +
            `plus labels need ${shard.count * (size + 1)}`,
        );
      }
    }
  }
  return manifest;
}

export function infoFromManifest(manifest: Manifest): DatasetInfo {
  const { id, title, shape, classNames, normalization, source, license, splitNote } = manifest;
  return { id, title, shape, classNames, normalization, source, license, splitNote };
}

/** Checks a shard's bytes against its manifest entry (size, checksum, labels). */
export async function verifyShard(bytes: Uint8Array, shard: ShardEntry, manifest: Manifest): Promise<void> {
  if (bytes.length !== shard.bytes) {
    throw new DataError(
      shard.file,
      `expected ${shard.bytes} bytes, got ${bytes.length} (truncated or wrong file); clear the cache or rebuild the shards`,
    );
  }
  const digest = await sha256Hex(bytes);
  if (digest !== shard.sha256) {
    throw new DataError(
      shard.file,
      `checksum mismatch (expected sha256 ${shard.sha256.slice(0, 12)}…, got ${digest.slice(0, 12)}…); ` +
        `the file is corrupt or from another build`,
    );
  }
  const labelsStart = shard.count * sampleSize(manifest.shape);
  const classes = manifest.classNames.length;
  for (let i = labelsStart; i < bytes.length; i++) {
    if (bytes[i] >= classes) {
      throw new DataError(shard.file, `label ${bytes[i]} of sample ${i - labelsStart} is out of range 0..${classes - 1}`);
    }
  }
}

/** Concatenates verified shards of one split into arrays. */
export function assembleSplit(manifest: Manifest, split: SplitName, shardBytes: Uint8Array[]): SplitArrays {
  const entry = manifest.splits[split];
  const size = sampleSize(manifest.shape);
  const images = new Uint8Array(entry.count * size);
  const labels = new Uint8Array(entry.count);
  let offset = 0;
  entry.shards.forEach((shard, i) => {
    const bytes = shardBytes[i];
    images.set(bytes.subarray(0, shard.count * size), offset * size);
    labels.set(bytes.subarray(shard.count * size), offset);
    offset += shard.count;
  });
  return { count: entry.count, images, labels };
}

/** Checks a whole in-memory dataset (used before encoding user-provided data). */
export function validateDataset(dataset: Dataset, file: string): void {
  const size = sampleSize(dataset.info.shape);
  const classes = dataset.info.classNames.length;
  for (const split of ['train', 'test'] as const) {
    const arrays = dataset[split];
    if (arrays.images.length !== arrays.count * size || arrays.labels.length !== arrays.count) {
      throw new DataError(
        file,
        `${split} split: ${arrays.count} samples need ${arrays.count * size} pixel bytes and ${arrays.count} ` +
          `labels, got ${arrays.images.length} and ${arrays.labels.length}`,
      );
    }
    for (let i = 0; i < arrays.count; i++) {
      if (arrays.labels[i] >= classes) {
        throw new DataError(file, `${split} split: label ${arrays.labels[i]} of sample ${i} is out of range 0..${classes - 1}`);
      }
    }
  }
}
