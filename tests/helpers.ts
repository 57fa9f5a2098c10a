import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type { Dataset } from '../src/engine/data/dataset';
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
