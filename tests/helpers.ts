import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type { Dataset } from '../src/engine/data/dataset';
import type { ModelSpec } from '../src/engine/model/spec';
import type { WeightsMetadata } from '../src/engine/io/weights';
import { createRng } from '../src/engine/rng';

export async function useCpu(): Promise<void> {
  await tf.setBackend('cpu');
  await tf.ready();
}

/** A small random dataset with learnable structure: class c has bright pixels in band c. */
export function syntheticDataset(train = 200, test = 50, shape: [number, number, number] = [8, 8, 1], classes = 4, seed = 7): Dataset {
  const rng = createRng(seed);
  const size = shape[0] * shape[1] * shape[2];
  const make = (count: number) => {
    const images = new Uint8Array(count * size);
    const labels = new Uint8Array(count);
    for (let i = 0; i < count; i++) {
      const label = i % classes;
      labels[i] = label;
      for (let p = 0; p < size; p++) {
        const band = Math.floor((p / size) * classes);
        images[i * size + p] = Math.min(255, Math.floor(rng.next() * 80 + (band === label ? 150 : 0)));
      }
    }
    return { count, images, labels };
  };
  return {
    info: {
      id: 'synthetic',
      title: 'synthetic',
      shape,
      classNames: Array.from({ length: classes }, (_, c) => `class ${c}`),
      normalization: { mean: Array(shape[2]).fill(0.3), std: Array(shape[2]).fill(0.3) },
      source: 'test',
      license: 'test',
      splitNote: 'test',
    },
    train: make(train),
    test: make(test),
  };
}

/** Runs a script's `main(args)` capturing what it prints: its exit status, stdout and stderr lines. */
export async function runMain(
  main: (args: string[]) => Promise<number>,
  args: string[],
): Promise<{ status: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = console.log;
  const error = console.error;
  console.log = (...a: unknown[]) => out.push(a.join(' '));
  console.error = (...a: unknown[]) => err.push(a.join(' '));
  try {
    return { status: await main(args), out: out.join('\n'), err: err.join('\n') };
  } finally {
    console.log = log;
    console.error = error;
  }
}

/** Largest |a − b| over the largest |b|: how far two sets of logits are apart, relative to their size. */
export function relativeGap(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    worst = Math.max(worst, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return worst / scale;
}

/** The metadata exported weights carry, for a model of `spec` on a test dataset. */
export function testWeightsMetadata(spec: ModelSpec, data: Dataset, seed = 1): WeightsMetadata {
  return {
    format: 'flat-minima-playground/weights',
    version: 1,
    model: spec,
    inputShape: data.info.shape,
    classes: data.info.classNames.length,
    dataset: { id: data.info.id, title: data.info.title, normalization: data.info.normalization },
    loss: 'cross-entropy',
    seed,
    step: 0,
    lane: {},
  };
}
