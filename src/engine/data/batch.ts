import * as tf from '@tensorflow/tfjs-core';
import type { DatasetInfo, SplitArrays } from './dataset';
import { sampleSize } from './dataset';

/** A minibatch on the device: x is [n, H, W, C] normalized, y is one-hot [n, classes], labels int32 [n]. */
export interface Batch {
  x: tf.Tensor4D;
  y: tf.Tensor2D;
  labels: tf.Tensor1D;
  size: number;
}

/** 256-entry lookup table per channel: (p / 255 - mean) / std. */
export function normalizationTable(info: DatasetInfo): Float32Array[] {
  return info.normalization.mean.map((mean, c) => {
    const table = new Float32Array(256);
    const std = info.normalization.std[c];
    for (let p = 0; p < 256; p++) table[p] = (p / 255 - mean) / std;
    return table;
  });
}

export function normalizedPixels(
  split: SplitArrays,
  info: DatasetInfo,
  indices: ArrayLike<number>,
  tables = normalizationTable(info),
): Float32Array {
  const size = sampleSize(info.shape);
  const channels = info.shape[2];
  const out = new Float32Array(indices.length * size);
  for (let i = 0; i < indices.length; i++) {
    const src = indices[i] * size;
    const dst = i * size;
    for (let p = 0; p < size; p++) out[dst + p] = tables[p % channels][split.images[src + p]];
  }
  return out;
}

export function makeBatch(split: SplitArrays, info: DatasetInfo, indices: ArrayLike<number>, tables?: Float32Array[]): Batch {
  const n = indices.length;
  const [h, w, c] = info.shape;
  const labelArray = new Int32Array(n);
  for (let i = 0; i < n; i++) labelArray[i] = split.labels[indices[i]];
  return tf.tidy(() => {
    const x = tf.tensor4d(normalizedPixels(split, info, indices, tables), [n, h, w, c]);
    const labels = tf.tensor1d(labelArray, 'int32');
    const y = tf.cast(tf.oneHot(labels, info.classNames.length), 'float32') as tf.Tensor2D;
    return { x, y, labels, size: n };
  });
}

export function disposeBatch(batch: Batch): void {
  tf.dispose([batch.x, batch.y, batch.labels]);
}

export function rangeIndices(start: number, end: number): Uint32Array {
  const out = new Uint32Array(end - start);
  for (let i = 0; i < out.length; i++) out[i] = start + i;
  return out;
}

/** A fixed evaluation subset kept on the device in chunks (no upload per evaluation). */
export interface EvalSet {
  chunks: Batch[];
  count: number;
}

export function makeEvalSet(split: SplitArrays, info: DatasetInfo, count: number, chunkSize = 1000): EvalSet {
  const n = Math.min(count, split.count);
  const tables = normalizationTable(info);
  const chunks: Batch[] = [];
  for (let start = 0; start < n; start += chunkSize) {
    chunks.push(makeBatch(split, info, rangeIndices(start, Math.min(n, start + chunkSize)), tables));
  }
  return { chunks, count: n };
}

export function disposeEvalSet(set: EvalSet): void {
  set.chunks.forEach(disposeBatch);
  set.chunks = [];
}
