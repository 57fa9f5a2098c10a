import * as tf from '@tensorflow/tfjs-core';
import type { Batch } from '../data/batch';
import { HEAD_KERNEL, type Model } from '../model/model';
import { cloneParams, disposeParams, type Params } from '../model/params';
import { createOptimizer, reconfigureOptimizer } from '../optim/registry';
import { learningRateAt, type ScheduleClock } from '../optim/schedule';
import type { BaseOptimizer } from '../optim/types';
import type { LaneConfig } from './config';
import { lossAndGradients } from './gradients';

/** What one training step of one lane measured (read back in batches, never per step). */
export interface StepRecord {
  /** Number of updates done after this step (1 for the first step). */
  step: number;
  loss: number;
  accuracy: number;
  lr: number;
}

export interface CollectedWindow {
  records: StepRecord[];
  headNorm: number;
}

interface PendingStep {
  step: number;
  loss: tf.Scalar;
  correct: tf.Scalar;
  size: number;
  lr: number;
}

/** One optimizer run of a comparison: its weights, optimizer state and counters. */
export class Lane {
  params: Params;
  optimizer: BaseOptimizer;
  steps = 0;
  gradEvals = 0;
  seconds = 0;
  private pending: PendingStep[] = [];

  constructor(readonly model: Model, public config: LaneConfig, initial: Params, optimizer?: BaseOptimizer) {
    this.params = cloneParams(initial);
    this.optimizer = optimizer ?? createOptimizer(config.optimizer);
  }

  /** Dispatches one step on the device; its loss and accuracy are read back by collect(). */
  trainStep(batch: Batch, clock: ScheduleClock): void {
    const lr = learningRateAt(this.config.schedule, this.config.optimizer.lr, clock);
    const { loss, correct, grads } = lossAndGradients(this.model, this.params, batch);
    const next = this.optimizer.apply(this.params, grads, lr);
    disposeParams(grads);
    disposeParams(this.params);
    this.params = next;
    this.steps++;
    this.gradEvals += 1;
    this.pending.push({ step: this.steps, loss, correct, size: batch.size, lr });
  }

  /** Reads back every pending step and the head's Frobenius norm in one asynchronous transfer. */
  async collect(): Promise<CollectedWindow> {
    const pending = this.pending;
    this.pending = [];
    const packed = tf.tidy(() => tf.stack([
      ...pending.map((p) => p.loss),
      ...pending.map((p) => p.correct),
      tf.norm(this.params[HEAD_KERNEL]),
    ]));
    tf.dispose(pending.flatMap((p) => [p.loss, p.correct]));
    const values = await packed.data();
    packed.dispose();
    const n = pending.length;
    const records = pending.map((p, i) => ({ step: p.step, loss: values[i], accuracy: values[n + i] / p.size, lr: p.lr }));
    return { records, headNorm: values[2 * n] };
  }

  reconfigure(config: LaneConfig): void {
    this.optimizer = reconfigureOptimizer(this.optimizer, config.optimizer);
    this.config = config;
  }

  /** A copy at the same step with its own weights and optimizer state (for "what if from here"). */
  fork(config: LaneConfig): Lane {
    const copy = new Lane(this.model, config, this.params, this.optimizer.clone());
    copy.optimizer = reconfigureOptimizer(copy.optimizer, config.optimizer);
    copy.steps = this.steps;
    copy.gradEvals = this.gradEvals;
    copy.seconds = this.seconds;
    return copy;
  }

  dispose(): void {
    tf.dispose(this.pending.flatMap((p) => [p.loss, p.correct]));
    this.pending = [];
    disposeParams(this.params);
    this.optimizer.dispose();
  }
}
