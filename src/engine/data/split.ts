import type { Normalization, SplitArrays } from './dataset';

/** Images of one class, each a flat HWC uint8 array of the same length. */
export type ClassImages = Uint8Array[];

/**
 * Interleaves classes round-robin (class 0, 1, ..., 9, 0, 1, ...), each class in its own order,
 * so any prefix of the result is as class-balanced as the counts allow.
 */
export function interleaveClasses(byClass: ClassImages[], sampleSize: number): SplitArrays {
  const count = byClass.reduce((acc, list) => acc + list.length, 0);
  const images = new Uint8Array(count * sampleSize);
  const labels = new Uint8Array(count);
  const longest = Math.max(0, ...byClass.map((list) => list.length));
  let n = 0;
  for (let k = 0; k < longest; k++) {
    for (let c = 0; c < byClass.length; c++) {
      const image = byClass[c][k];
      if (!image) continue;
      images.set(image, n * sampleSize);
      labels[n] = c;
      n++;
    }
  }
  return { count, images, labels };
}

/** Per-channel mean and standard deviation of pixels / 255 over a split (HWC layout). */
export function channelStatistics(split: SplitArrays, channels: number): Normalization {
  const sum = new Float64Array(channels);
  const sumSq = new Float64Array(channels);
  const { images } = split;
  for (let i = 0; i < images.length; i++) {
    const v = images[i] / 255;
    const c = i % channels;
    sum[c] += v;
    sumSq[c] += v * v;
  }
  const perChannel = images.length / channels;
  const mean = Array.from(sum, (s) => s / perChannel);
  const std = Array.from(sumSq, (s, c) => Math.sqrt(Math.max(s / perChannel - mean[c] * mean[c], 1e-12)));
  const round = (x: number) => Math.round(x * 1e6) / 1e6;
  return { mean: mean.map(round), std: std.map(round) };
}
