import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import type { Batch } from '../data/batch';
import { correctCount, dataLoss } from '../model/loss';
import type { Model } from '../model/model';
import { paramList, paramsFromList, type Params } from '../model/params';
import type { LossKind } from '../model/spec';
import { deformSlopeOnDevice, type Deformation } from './deformation';
import type { GradientEvaluation, GradientOracle, Regularizer } from './methodDescriptor';

type CustomGradientFunc = Parameters<typeof tf.customGrad>[0];

/**
 * A scalar whose value is ℓ and whose gradient is δ′(ℓ)·∇ℓ (guarded δ′ held constant). The slope is
 * computed inside the custom gradient, so its comparisons never enter the tape.
 */
function deformedLoss(d: Deformation, loss: tf.Scalar): tf.Scalar {
  const op = tf.customGrad(((l: tf.Scalar, save: (tensors: tf.Tensor[]) => void) => {
    const { slope, clamped } = deformSlopeOnDevice(tf, d, l);
    clamped.dispose();
    save([slope]);
    return { value: tf.clone(l), gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, saved[0]) };
  }) as unknown as CustomGradientFunc);
  return op(loss) as tf.Scalar;
}

/**
 * The function a lane's optimizer differentiates: the data loss, optionally deformed (the gradient
 * of ℓ is scaled by δ'(ℓ), held constant) and optionally regularized. Counts gradient evaluations;
 * collects the deformation guard's clamp flags until drained.
 */
export class Objective implements GradientOracle {
  evaluations = 0;
  private clampFlags: tf.Scalar[] = [];
  private readonly names: string[];

  constructor(
    readonly model: Model,
    readonly lossKind: LossKind,
    readonly deformation: Deformation = { kind: 'none' },
    readonly regularizer?: Regularizer,
  ) {
    this.names = model.params.map((p) => p.name);
  }

  evaluate(params: Params, batch: Batch): GradientEvaluation {
    this.evaluations++;
    let loss: tf.Scalar | undefined;
    let correct: tf.Scalar | undefined;
    let metrics: Record<string, tf.Scalar> = {};
    const f = (...tensors: tf.Tensor[]): tf.Scalar => {
      const p = paramsFromList(this.names, tensors);
      const forward = this.model.forward(p, batch.x);
      const l = dataLoss(this.lossKind, forward.logits, batch.y);
      loss = tf.keep(tf.clone(l));
      correct = tf.keep(correctCount(forward.logits, batch.labels));
      let total: tf.Scalar = l;
      if (this.deformation.kind !== 'none') {
        const { slope, clamped } = deformSlopeOnDevice(tf, this.deformation, l);
        slope.dispose();
        this.clampFlags.push(tf.keep(clamped));
        total = deformedLoss(this.deformation, l);
      }
      if (this.regularizer) {
        const extra = this.regularizer(forward, p);
        metrics = Object.fromEntries(Object.entries(extra.metrics).map(([k, v]) => [k, tf.keep(v)]));
        total = tf.add(total, extra.penalty);
      }
      return total;
    };
    const { value, grads } = tf.valueAndGrads(f)(paramList(params, this.names));
    value.dispose();
    if (!loss || !correct) throw new Error('the loss function did not run');
    return { loss, correct, grads: paramsFromList(this.names, grads), metrics };
  }

  /** Loss and hits without gradients (logging, evaluation); not counted as a gradient evaluation. */
  forward(params: Params, batch: Batch): { loss: tf.Scalar; correct: tf.Scalar } {
    return tf.tidy(() => {
      const { logits } = this.model.forward(params, batch.x);
      return { loss: dataLoss(this.lossKind, logits, batch.y), correct: correctCount(logits, batch.labels) };
    });
  }

  /** How many evaluations since the last call hit the deformation guard (a kept scalar), or null without deformation. */
  drainClampCount(): tf.Scalar | null {
    if (this.deformation.kind === 'none') return null;
    const flags = this.clampFlags;
    this.clampFlags = [];
    const count = flags.length > 0 ? tf.tidy(() => tf.addN(flags)) : tf.scalar(0);
    tf.dispose(flags);
    return count;
  }

  dispose(): void {
    tf.dispose(this.clampFlags);
    this.clampFlags = [];
  }
}
