import * as tf from '@tensorflow/tfjs-core';
import type { EvalSet } from '../data/batch';
import { dataLoss } from '../model/loss';
import type { Model } from '../model/model';
import { paramsFromList, type ParamSpec } from '../model/params';
import type { LossKind } from '../model/spec';
import { blocksOf } from './vector';

/**
 * A training loss over a fixed set of samples cut into batches, as a function of a flat parameter
 * vector: what the sharpness measures and the Bézier curve training need. Tests implement it in
 * plain JavaScript (a quadratic with a known Hessian); `ModelObjective` implements it on the device.
 */
export interface Objective {
  readonly dimension: number;
  /** How many batches the samples are cut into (batch b of `batches`; null: all samples). */
  readonly batches: number;
  loss(theta: Float64Array, batch: number | null): Promise<number>;
  /** The loss and its gradient at theta. */
  gradient(theta: Float64Array, batch: number | null): Promise<{ loss: number; gradient: Float64Array }>;
  /** Counts of loss evaluations and gradients so far (for the cost read-outs). */
  readonly counts: { losses: number; gradients: number };
}

/** The mean loss of a model over an evaluation set whose chunks are the batches. */
export class ModelObjective implements Objective {
  readonly dimension: number;
  readonly batches: number;
  readonly counts = { losses: 0, gradients: 0 };
  private readonly names: string[];

  constructor(
    private readonly model: Model,
    private readonly set: EvalSet,
    private readonly lossKind: LossKind,
  ) {
    this.names = model.params.map((p) => p.name);
    this.dimension = blocksOf(model.params).reduce((acc, b) => acc + b.size, 0);
    this.batches = set.chunks.length;
  }

  get specs(): readonly ParamSpec[] {
    return this.model.params;
  }

  private upload(theta: Float64Array): tf.Tensor[] {
    if (theta.length !== this.dimension) throw new Error(`a vector of ${theta.length} for ${this.dimension} parameters`);
    return blocksOf(this.model.params).map((b, i) =>
      tf.tensor(Float32Array.from(theta.subarray(b.offset, b.offset + b.size)), this.model.params[i].shape, 'float32'),
    );
  }

  private chunksOf(batch: number | null) {
    if (batch !== null && (batch < 0 || batch >= this.batches)) throw new Error(`no batch ${batch} of ${this.batches}`);
    return batch === null ? this.set.chunks : [this.set.chunks[batch]];
  }

  async loss(theta: Float64Array, batch: number | null): Promise<number> {
    this.counts.losses++;
    const chunks = this.chunksOf(batch);
    const total = chunks.reduce((acc, c) => acc + c.size, 0);
    const value = tf.tidy(() => {
      const params = paramsFromList(this.names, this.upload(theta));
      return chunks.reduce<tf.Tensor>(
        (acc, c) => tf.add(acc, tf.mul(dataLoss(this.lossKind, this.model.forward(params, c.x).logits, c.y), c.size / total)),
        tf.scalar(0),
      );
    });
    const [v] = await value.data();
    value.dispose();
    return v;
  }

  async gradient(theta: Float64Array, batch: number | null): Promise<{ loss: number; gradient: Float64Array }> {
    this.counts.gradients++;
    const chunks = this.chunksOf(batch);
    const total = chunks.reduce((acc, c) => acc + c.size, 0);
    const both = tf.tidy(() => {
      const at = this.upload(theta);
      let lossSum: tf.Tensor = tf.scalar(0);
      let flat: tf.Tensor | null = null;
      for (const c of chunks) {
        const f = (...ts: tf.Tensor[]) =>
          tf.mul(dataLoss(this.lossKind, this.model.forward(paramsFromList(this.names, ts), c.x).logits, c.y), c.size / total) as tf.Scalar;
        const { value, grads } = tf.valueAndGrads(f)(at);
        const g = tf.concat(grads.map((t) => tf.reshape(t, [-1])));
        lossSum = tf.add(lossSum, value);
        flat = flat ? tf.add(flat, g) : g;
      }
      return tf.concat([tf.reshape(lossSum, [1]), flat!]);
    });
    const values = await both.data();
    both.dispose();
    return { loss: values[0], gradient: Float64Array.from(values.subarray(1)) };
  }
}
