import { createRng, permutation } from '../rng';
/** A labelled image dataset held as bytes: images are [count, height, width, channels] uint8, row-major (HWC). */
export interface SplitArrays {
  count: number;
  images: Uint8Array;
  labels: Uint8Array;
}

export interface Normalization {
  /** Per channel, in [0, 1] pixel units: x = (pixel / 255 - mean[c]) / std[c]. */
  mean: number[];
  std: number[];
}

export interface DatasetInfo {
  id: string;
  title: string;
  /** [height, width, channels] */
  shape: [number, number, number];
  classNames: string[];
  normalization: Normalization;
  source: string;
  license: string;
  splitNote: string;
}

export interface Dataset {
  info: DatasetInfo;
  train: SplitArrays;
  test: SplitArrays;
}

export type SplitName = 'train' | 'test';

export function sampleSize(shape: readonly number[]): number {
  return shape[0] * shape[1] * shape[2];
}

/**
 * The dataset with its training split cut to `count` samples drawn without replacement by `seed`
 * (a seeded choice, not the first N, so a class-sorted file still gives every class), in their
 * original order. The test split is kept whole.
 */
export function withTrainingSubset(dataset: Dataset, count: number, seed: number): Dataset {
  const { train, info } = dataset;
  if (!Number.isInteger(count) || count < 1) throw new Error(`train samples must be a positive whole number, got ${count}`);
  if (count > train.count)
    throw new Error(
      `train samples ${count.toLocaleString('en-US')} is more than the training split holds (${train.count.toLocaleString('en-US')}): ` +
        `lower it, or leave it empty for the whole split`,
    );
  if (count === train.count) return dataset;
  const chosen = permutation(train.count, createRng(seed)).slice(0, count).sort();
  const size = sampleSize(info.shape);
  const images = new Uint8Array(count * size);
  const labels = new Uint8Array(count);
  chosen.forEach((from, to) => {
    images.set(train.images.subarray(from * size, (from + 1) * size), to * size);
    labels[to] = train.labels[from];
  });
  return { ...dataset, train: { count, images, labels } };
}
