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
