import { createRng, deriveSeed, permutation } from '../rng';

/**
 * Minibatch order shared by every lane of a comparison. Each epoch is a fresh seeded permutation
 * of the training indices, cut into batches of `batchSize`; the last incomplete batch is dropped
 * so every step has the same shape. Random access by step: batchAt(t) is the same whenever asked.
 */
export class BatchSampler {
  readonly stepsPerEpoch: number;
  private cachedEpoch = -1;
  private cachedOrder: Uint32Array = new Uint32Array(0);

  constructor(
    readonly count: number,
    readonly batchSize: number,
    readonly seed: number,
  ) {
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batch size must be a positive integer, got ${batchSize}`);
    if (batchSize > count) throw new Error(`batch size ${batchSize} is larger than the training split (${count} samples)`);
    this.stepsPerEpoch = Math.floor(count / batchSize);
  }

  epochOf(step: number): number {
    return Math.floor(step / this.stepsPerEpoch);
  }

  batchAt(step: number): Uint32Array {
    const epoch = this.epochOf(step);
    if (epoch !== this.cachedEpoch) {
      this.cachedOrder = permutation(this.count, createRng(deriveSeed(this.seed, `epoch-${epoch}`)));
      this.cachedEpoch = epoch;
    }
    const start = (step % this.stepsPerEpoch) * this.batchSize;
    return this.cachedOrder.slice(start, start + this.batchSize);
  }
}
