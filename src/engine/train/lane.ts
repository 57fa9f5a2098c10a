import * as tf from '@tensorflow/tfjs-core';
import type { Batch } from '../data/batch';
import type { LossKind } from '../model/spec';
import { type Model } from '../model/model';
import { HEAD_KERNEL } from '../model/params';
import { mapEntries, type HostParams, type Params } from '../model/params';
import { cloneParams, disposeParams, readParams, uploadParams } from '../model/paramTensors';
import { deformSlopeOnDevice } from '../optim/deformation';
import { plainGradient, type GradientRule, type Regularizer } from '../optim/methodDescriptor';
import { methodOf, type MethodConfig } from '../optim/methods';
import { Objective } from '../optim/objective';
import { createOptimizer, reconfigureOptimizer } from '../optim/optimizers';
import { learningRateAt, type ScheduleClock } from '../optim/schedule';
import { optimumShift, type ShiftOutcome } from '../optim/optimumShift';
import type { BaseOptimizer } from '../optim/optimizerDescriptor';
import { createRng, deriveSeed } from '../rng';
import type { LaneConfig } from './config';
import { detectDivergence, emptyHistory, type LossHistory } from './divergence';
import type { CollectedWindow, Divergence, SosEvent } from './records';

/** A lane off the device: weights, optimizer state and counters, enough to go on elsewhere. */
export interface LaneCheckpoint {
  laneId: string;
  params: HostParams;
  /** The optimizer's buffers (velocity, moments) off the device, and its step count. */
  optimizer: { buffers: Record<string, HostParams>; step: number };
  steps: number;
  gradEvals: number;
  seconds: number;
  diverged: Divergence | null;
}

/** What a step needs from the comparison: seeds and the shared SOS samples. */
export interface StepEnvironment {
  seed: number;
  sosBatch(step: number, size: number): Batch;
}

interface PendingStep {
  step: number;
  loss: tf.Scalar;
  correct: tf.Scalar;
  size: number;
  lr: number;
  metrics: Record<string, tf.Scalar>;
}

/** How a lane's method changes its steps: the method's gradient rule (or the plain gradient) and regularizer. */
export function methodParts(method: MethodConfig, loss: LossKind): { gradient: GradientRule; regularizer?: Regularizer } {
  const parts = methodOf(method.kind).parts(method, { tf, loss });
  return { gradient: parts.gradient ?? plainGradient, regularizer: parts.regularizer };
}

/**
 * One optimizer run of a comparison: its weights and its optimizer, which is a base optimizer
 * (SGD, momentum, Adam) + at most one method (SAM, ASAM, NSO, WP-SGD, FAM) + optional SOS +
 * optional deformation (docs/ALGORITHMS.md).
 */
export class Lane {
  params: Params;
  optimizer: BaseOptimizer;
  objective!: Objective;
  gradient!: GradientRule;
  steps = 0;
  gradEvals = 0;
  seconds = 0;
  /** Set when the loss or the weights stopped being finite: the lane trains no more. */
  diverged: Divergence | null = null;
  private history: LossHistory = emptyHistory();
  private pending: PendingStep[] = [];
  private sosEvents: SosEvent[] = [];

  constructor(
    readonly model: Model,
    public config: LaneConfig,
    initial: Params,
    readonly lossKind: LossKind,
    optimizer?: BaseOptimizer,
  ) {
    this.params = cloneParams(initial);
    this.optimizer = optimizer ?? createOptimizer(config.optimizer, tf);
    this.buildMethod(config);
  }

  private buildMethod(config: LaneConfig): void {
    const parts = methodParts(config.method, this.lossKind);
    this.objective?.dispose();
    this.objective = new Objective(this.model, this.lossKind, config.deformation, parts.regularizer);
    this.gradient = parts.gradient;
  }

  /** One step: dispatched on the device; awaits only when an optimum shift is due (it needs the CPU). */
  async trainStep(batch: Batch, clock: ScheduleClock, env: StepEnvironment): Promise<void> {
    const lr = learningRateAt(this.config.schedule, this.config.optimizer.lr, clock);
    const rng = createRng(deriveSeed(env.seed, `${this.config.id}/step-${this.steps}`));
    const before = this.objective.evaluations;
    const result = this.gradient({ params: this.params, specs: this.model.params, batch, objective: this.objective, rng });
    const next = this.optimizer.apply(this.params, result.grads, lr);
    disposeParams(result.grads);
    disposeParams(this.params);
    this.params = next;
    this.steps++;
    this.gradEvals += this.objective.evaluations - before;
    const metrics = { ...result.metrics };
    if (this.config.deformation.kind !== 'none') {
      const { slope, clamped } = deformSlopeOnDevice(tf, this.config.deformation, result.loss);
      clamped.dispose();
      metrics.deform_scale = slope;
      const clamps = this.objective.drainClampCount();
      if (clamps) metrics.deform_clamps = clamps;
    }
    this.pending.push({ step: this.steps, loss: result.loss, correct: result.correct, size: batch.size, lr, metrics });
    const { sos } = this.config;
    if (sos.enabled && this.steps % sos.every === 0) {
      const sosBatch = env.sosBatch(this.steps, sos.samples);
      try {
        await this.shift(sosBatch);
      } finally {
        tf.dispose([sosBatch.x, sosBatch.y, sosBatch.labels]);
      }
    }
  }

  /** Applies an optimum shift of the head on `batch` and records it. */
  async shift(batch: Batch): Promise<ShiftOutcome> {
    const outcome = await optimumShift(this.model, this.params, batch);
    if (outcome.kernel) {
      this.params[HEAD_KERNEL].dispose();
      this.params[HEAD_KERNEL] = tf.keep(outcome.kernel);
    }
    this.sosEvents.push({
      step: this.steps,
      changed: outcome.changed,
      reason: outcome.reason,
      rank: outcome.rank,
      headNormBefore: outcome.headNormBefore,
      headNormAfter: outcome.headNormAfter,
    });
    return outcome;
  }

  /**
   * Reads back every pending step, its metrics, the head's Frobenius norm and whether the weights
   * are finite, in one asynchronous transfer; marks the lane diverged at the first non-finite loss.
   */
  async collect(): Promise<CollectedWindow> {
    const pending = this.pending;
    this.pending = [];
    const keys = [...new Set(pending.flatMap((p) => Object.keys(p.metrics)))].sort();
    const packed = tf.tidy(() => {
      const columns = pending.flatMap((p) => [p.loss, p.correct, ...keys.map((k) => p.metrics[k] ?? tf.scalar(NaN))]);
      const sumOfSquares = tf.addN(Object.values(this.params).map((t) => tf.sum(tf.square(t))));
      return tf.stack([...columns, tf.norm(this.params[HEAD_KERNEL]), sumOfSquares]);
    });
    tf.dispose([...pending.flatMap((p) => [p.loss, p.correct, ...Object.values(p.metrics)])]);
    const values = await packed.data();
    packed.dispose();
    const width = 2 + keys.length;
    const records = pending.map((p, i) => ({
      step: p.step,
      loss: values[i * width],
      accuracy: values[i * width + 1] / p.size,
      lr: p.lr,
      metrics: Object.fromEntries(keys.map((k, j) => [k, values[i * width + 2 + j]])),
    }));
    const sosEvents = this.sosEvents;
    this.sosEvents = [];
    const headNorm = values[pending.length * width];
    const weightsFinite = Number.isFinite(values[pending.length * width + 1]);
    if (this.diverged) return { records: [], headNorm: NaN, sosEvents: [] };
    const diverged = detectDivergence(this.config, records, weightsFinite, this.history, this.steps);
    if (!diverged) return { records, headNorm, sosEvents };
    this.diverged = diverged;
    return {
      records: records.filter((r) => r.step < diverged.step),
      headNorm: NaN,
      sosEvents: sosEvents.filter((e) => e.step < diverged.step),
      diverged,
    };
  }

  reconfigure(config: LaneConfig): void {
    this.optimizer = reconfigureOptimizer(this.optimizer, config.optimizer, tf);
    this.config = config;
    this.buildMethod(config);
  }

  /** Replaces the weights (e.g. imported from a file); the optimizer starts afresh, the step count stays. */
  setWeights(params: Params): void {
    disposeParams(this.params);
    this.params = params;
    this.optimizer.dispose();
    this.optimizer = createOptimizer(this.config.optimizer, tf);
  }

  /** Weights, optimizer state and counters read into JavaScript memory. */
  async checkpoint(): Promise<LaneCheckpoint> {
    const state = this.optimizer.state();
    const buffers: Record<string, HostParams> = {};
    for (const [name, tensors] of Object.entries(state.buffers)) buffers[name] = await readParams(tensors);
    return {
      laneId: this.config.id,
      params: await readParams(this.params),
      optimizer: { buffers, step: state.step },
      steps: this.steps,
      gradEvals: this.gradEvals,
      seconds: this.seconds,
      diverged: this.diverged,
    };
  }

  /** A lane rebuilt from a checkpoint on whatever backend is active now. */
  static fromCheckpoint(model: Model, config: LaneConfig, checkpoint: LaneCheckpoint, lossKind: LossKind): Lane {
    const params = uploadParams(model.params, checkpoint.params);
    const lane = new Lane(model, config, params, lossKind);
    disposeParams(params);
    const { buffers, step } = checkpoint.optimizer;
    lane.optimizer.restore({ buffers: mapEntries(buffers, (values) => uploadParams(model.params, values)), step });
    lane.steps = checkpoint.steps;
    lane.gradEvals = checkpoint.gradEvals;
    lane.seconds = checkpoint.seconds;
    lane.diverged = checkpoint.diverged;
    return lane;
  }

  /** A copy at the same step with its own weights and optimizer state (for "what if from here"). */
  fork(config: LaneConfig): Lane {
    const copy = new Lane(
      this.model,
      config,
      this.params,
      this.lossKind,
      reconfigureOptimizer(this.optimizer.clone(), config.optimizer, tf),
    );
    copy.steps = this.steps;
    copy.gradEvals = this.gradEvals;
    copy.seconds = this.seconds;
    return copy;
  }

  dispose(): void {
    tf.dispose(this.pending.flatMap((p) => [p.loss, p.correct, ...Object.values(p.metrics)]));
    this.pending = [];
    disposeParams(this.params);
    this.optimizer.dispose();
    this.objective.dispose();
  }
}
