import * as tf from '@tensorflow/tfjs-core';
import { withTrainingSubset, type Dataset } from '../data/dataset';
import { disposeBatch, disposeEvalSet, makeBatch, makeEvalSet, normalizationTable, type Batch, type EvalSet } from '../data/batch';
import { BatchSampler } from '../data/sampler';
import { createRng, deriveSeed } from '../rng';
import { initParams } from '../model/init';
import type { Model } from '../model/model';
import { countParams, type Params, type HostParams } from '../model/params';
import { disposeParams, readParams, uploadParams } from '../model/paramTensors';
import { createModel } from '../model/registry';
import { evaluationChunkSize } from '../model/chunks';
import { structureKey, type ComparisonConfig, type LaneConfig } from './config';
import { evaluate, evaluateSplit, type Evaluation } from './evaluate';
import { Lane, type LaneCheckpoint, type StepEnvironment } from './lane';
import type { LaneWindow } from './records';
import { lossAndCorrect } from './gradients';
import type { ShiftOutcome } from '../optim/optimumShift';
import type { WeightsSnapshot } from './snapshot';
import type { WeightsMetadata } from '../io/weights';

export interface ShiftReport extends Omit<ShiftOutcome, 'kernel'> {
  laneId: string;
  step: number;
  sosLossBefore: number;
  sosLossAfter: number;
  trainLossBefore: number;
  trainLossAfter: number;
  trainAccuracyBefore: number;
  trainAccuracyAfter: number;
}

/** Every lane off the device at one step of the comparison. */
export interface ComparisonCheckpoint {
  key: string;
  step: number;
  lanes: LaneCheckpoint[];
}

/**
 * N lanes sharing dataset, architecture, initial weights and minibatch order. Lockstep: every
 * lane takes step t on the same batch. Within a window of k steps the lanes run one after the
 * other over the same k batches, so each lane's time is measured honestly with one readback.
 */

export class Comparison {
  readonly model: Model;
  readonly sampler: BatchSampler;
  readonly parameterCount: number;
  readonly key: string;
  lanes: Lane[] = [];
  step = 0;
  config: ComparisonConfig;
  private readonly initial: Params;
  private readonly tables: Float32Array[];
  private testSet: EvalSet | null = null;
  private readonly env: StepEnvironment;

  /** The training data: `source` itself, or the subset `config.trainSize` asks for. */
  readonly dataset: Dataset;

  constructor(
    readonly source: Dataset,
    config: ComparisonConfig,
  ) {
    this.config = config;
    this.dataset = trainingData(source, config);
    const dataset = this.dataset;
    this.key = structureKey(config);
    this.model = createModel(config.model, dataset.info.shape, dataset.info.classNames.length);
    this.parameterCount = countParams(this.model.params);
    this.sampler = new BatchSampler(dataset.train.count, config.batchSize, deriveSeed(config.seed, 'batches'));
    this.initial = initParams(this.model.params, deriveSeed(config.seed, 'init'));
    this.tables = normalizationTable(dataset.info);
    const noiseSeed = deriveSeed(config.seed, 'noise');
    this.env = { seed: noiseSeed, sosBatch: (step, size) => this.sosBatch(step, size) };
    this.lanes = config.lanes.map((lane) => this.newLane(lane));
  }

  private newLane(config: LaneConfig): Lane {
    return new Lane(this.model, config, this.initial, this.config.loss);
  }

  /** The b2 training samples of an optimum shift at `step`: seeded, so every SOS lane shifts on the same ones. */
  sosBatch(step: number, size: number): Batch {
    const n = this.dataset.train.count;
    const count = Math.min(size, n);
    const rng = createRng(deriveSeed(this.config.seed, `sos-${step}`));
    const chosen = new Map<number, number>();
    const indices = new Uint32Array(count);
    for (let i = 0; i < count; i++) {
      const j = i + rng.int(n - i);
      indices[i] = chosen.get(j) ?? j;
      chosen.set(j, chosen.get(i) ?? i);
    }
    return makeBatch(this.dataset.train, this.dataset.info, indices, this.tables);
  }

  /** Throws, allocating nothing, if `config` cannot be built on `dataset` (say why). */
  static check(source: Dataset, config: ComparisonConfig): void {
    const dataset = trainingData(source, config);
    createModel(config.model, dataset.info.shape, dataset.info.classNames.length);
    new BatchSampler(dataset.train.count, config.batchSize, 0);
  }

  get totalSteps(): number {
    return this.config.epochs * this.sampler.stepsPerEpoch;
  }

  get epoch(): number {
    return this.step / this.sampler.stepsPerEpoch;
  }

  batchAt(step: number): Batch {
    return makeBatch(this.dataset.train, this.dataset.info, this.sampler.batchAt(step), this.tables);
  }

  /** Trains every lane `steps` steps on the same batches; returns what each lane measured. */
  async trainWindow(steps: number): Promise<LaneWindow[]> {
    const count = Math.max(0, Math.min(steps, this.totalSteps - this.step));
    if (count === 0) return [];
    const batches = Array.from({ length: count }, (_, i) => this.batchAt(this.step + i));
    const results: LaneWindow[] = [];
    try {
      // GPU backends upload a tensor on first use: do it now, so the first lane's time does not include it.
      const touched = tf.tidy(() => tf.addN(batches.map((b) => tf.sum(b.x))));
      await touched.data();
      touched.dispose();
      for (const lane of this.lanes) {
        if (lane.diverged) continue;
        const started = performance.now();
        for (let i = 0; i < batches.length; i++) await lane.trainStep(batches[i], this.clock(this.step + i), this.env);
        const collected = await lane.collect();
        const seconds = (performance.now() - started) / 1000;
        lane.seconds += seconds;
        results.push({ laneId: lane.config.id, ...collected, seconds, gradEvals: lane.gradEvals, totalSeconds: lane.seconds });
      }
    } finally {
      batches.forEach(disposeBatch);
    }
    this.step += count;
    return results;
  }

  clock(step: number) {
    return { step, stepsPerEpoch: this.sampler.stepsPerEpoch, totalSteps: this.totalSteps };
  }

  /** The first `testSize` test samples on the device (made again when the size changes). */
  testEvalSet(): EvalSet {
    if (!this.testSet || this.testSet.count !== Math.min(this.config.testSize, this.dataset.test.count)) {
      if (this.testSet) disposeEvalSet(this.testSet);
      // A chunk is the piece of a deferred test evaluation beside training and fixes the summation
      // order of every test evaluation, deferred or not: 1,000 images of the default MLP, 334 of the
      // CNN (1,000 of its images were a 0.3-0.8 s piece on WASM here, the longest stalls).
      this.testSet = makeEvalSet(this.dataset.test, this.dataset.info, this.config.testSize, evaluationChunkSize(this.model));
    }
    return this.testSet;
  }

  /** Test loss and accuracy of every lane on the first `testSize` test samples (kept on the device). */
  async evaluateTest(only?: Set<string>): Promise<Map<string, Evaluation>> {
    const testSet = this.testEvalSet();
    const out = new Map<string, Evaluation>();
    for (const lane of this.lanes) {
      // A diverged lane keeps its last test point: its weights are not finite.
      if (lane.diverged) continue;
      if (!only || only.has(lane.config.id)) out.set(lane.config.id, await evaluate(this.model, lane.params, testSet, this.config.loss));
    }
    return out;
  }

  /**
   * Applies settings that keep the weights: optimizer settings, schedules, epochs, logging, and
   * lanes added or removed. A lane added after step 0 joins at the current step from the shared
   * initial weights with a fresh optimizer (as a lane missing from a checkpoint is restored), and
   * trains on the same batches as the others from there on.
   * Throws if `config` changes the structure (dataset, model, seed, batch size): rebuild instead.
   */
  applyConfig(config: ComparisonConfig): void {
    if (structureKey(config) !== this.key) throw new Error('dataset, model, seed or batch size changed: the comparison must be rebuilt');
    const wanted = new Map(config.lanes.map((lane) => [lane.id, lane]));
    for (const lane of this.lanes.filter((l) => !wanted.has(l.config.id))) lane.dispose();
    const kept = new Map(this.lanes.filter((l) => wanted.has(l.config.id)).map((l) => [l.config.id, l]));
    this.lanes = config.lanes.map((laneConfig) => {
      const existing = kept.get(laneConfig.id);
      if (existing) {
        existing.reconfigure(laneConfig);
        return existing;
      }
      const joining = this.newLane(laneConfig);
      joining.steps = this.step;
      return joining;
    });
    this.config = config;
  }

  /** A new lane that copies `sourceId`'s weights, optimizer state and counters at the current step. */
  forkLane(sourceId: string, config: LaneConfig): Lane {
    const source = this.lanes.find((l) => l.config.id === sourceId);
    if (!source) throw new Error(`no lane "${sourceId}" to duplicate`);
    if (this.lanes.some((l) => l.config.id === config.id)) throw new Error(`lane id "${config.id}" is taken`);
    if (source.diverged && this.step > 0)
      throw new Error(
        `"${source.config.name}" diverged at step ${source.diverged.step}: its weights are not finite, ` +
          `so there is nothing to duplicate (reset first)`,
      );
    const fork = this.step === 0 ? this.newLane(config) : source.fork(config);
    const index = this.lanes.indexOf(source);
    this.lanes.splice(index + 1, 0, fork);
    this.config = { ...this.config, lanes: this.lanes.map((l) => l.config) };
    return fork;
  }

  /**
   * A one-shot optimum shift of a lane's head on `samples` training samples, with the paper's
   * failure signature: the loss on the whole training split before and after.
   */
  async shiftNow(laneId: string, samples: number): Promise<ShiftReport> {
    const lane = this.requireFiniteLane(laneId);
    const { train, info } = this.dataset;
    const batch = this.sosBatch(this.step, samples);
    try {
      const sosLoss = async () => {
        const r = lossAndCorrect(this.model, lane.params, batch, this.config.loss);
        const value = (await r.loss.data())[0];
        tf.dispose([r.loss, r.correct]);
        return value;
      };
      const sosLossBefore = await sosLoss();
      const trainBefore = await evaluateSplit(this.model, lane.params, train, info, this.config.loss);
      const outcome = await lane.shift(batch);
      const sosLossAfter = outcome.changed ? await sosLoss() : sosLossBefore;
      const trainAfter = outcome.changed ? await evaluateSplit(this.model, lane.params, train, info, this.config.loss) : trainBefore;
      const { kernel: _kernel, ...rest } = outcome;
      return {
        ...rest,
        laneId,
        step: this.step,
        sosLossBefore,
        sosLossAfter,
        trainLossBefore: trainBefore.loss,
        trainLossAfter: trainAfter.loss,
        trainAccuracyBefore: trainBefore.accuracy,
        trainAccuracyAfter: trainAfter.accuracy,
      };
    } finally {
      disposeBatch(batch);
    }
  }

  /** Copies of the named lanes' current weights and the shared initial weights, read now (landscapes, Hessians). */
  async snapshot(laneIds: readonly string[]): Promise<WeightsSnapshot> {
    const initial = await readParams(this.initial);
    const weights: WeightsSnapshot['weights'] = new Map();
    for (const id of laneIds) {
      const lane = this.lanes.find((l) => l.config.id === id);
      if (!lane) throw new Error(`no lane "${id}"`);
      if (lane.diverged) throw new Error(divergedMessage(lane));
      weights.set(id, { current: await readParams(lane.params), initial, label: lane.config.name });
    }
    return { model: this.model, loss: this.config.loss, dataset: this.dataset, weights, step: this.step };
  }

  /** What exported weights of a lane carry: the architecture, data, loss, seed, step and lane settings. */
  weightsMetadata(laneId: string): WeightsMetadata {
    const lane = this.requireLane(laneId);
    const { info } = this.dataset;
    const { id: _id, color: _color, ...settings } = lane.config;
    return {
      format: 'flat-minima-playground/weights',
      version: 1,
      model: this.config.model,
      inputShape: info.shape,
      classes: info.classNames.length,
      dataset: { id: this.config.datasetId, title: info.title, normalization: info.normalization },
      loss: this.config.loss,
      seed: this.config.seed,
      step: lane.steps,
      lane: settings,
    };
  }

  requireLane(laneId: string): Lane {
    const lane = this.lanes.find((l) => l.config.id === laneId);
    if (!lane) throw new Error(`no lane "${laneId}"`);
    return lane;
  }

  /** The lane, if its weights are finite; a diverged lane cannot be analysed, shifted or exported. */
  requireFiniteLane(laneId: string): Lane {
    const lane = this.requireLane(laneId);
    if (lane.diverged) throw new Error(divergedMessage(lane));
    return lane;
  }

  /** True when every lane has diverged: nothing is left to train. */
  get allDiverged(): boolean {
    return this.lanes.length > 0 && this.lanes.every((l) => l.diverged);
  }

  /** Replaces a lane's weights (validated by the caller against the architecture); its optimizer starts afresh. */
  replaceWeights(laneId: string, values: HostParams): void {
    this.requireLane(laneId).setWeights(uploadParams(this.model.params, values));
  }

  /** A new lane with the given weights that joins the lockstep at the current step. */
  addLaneWithWeights(config: LaneConfig, values: HostParams): Lane {
    if (this.lanes.some((l) => l.config.id === config.id)) throw new Error(`lane id "${config.id}" is taken`);
    const params = uploadParams(this.model.params, values);
    const lane = new Lane(this.model, config, params, this.config.loss);
    disposeParams(params);
    lane.steps = this.step;
    this.lanes.push(lane);
    this.config = { ...this.config, lanes: this.lanes.map((l) => l.config) };
    return lane;
  }

  /** Every lane's weights, optimizer state and counters, read into JavaScript memory now. */
  async checkpoint(): Promise<ComparisonCheckpoint> {
    const lanes: LaneCheckpoint[] = [];
    for (const lane of this.lanes) lanes.push(await lane.checkpoint());
    return { key: this.key, step: this.step, lanes };
  }

  /**
   * Goes back to a checkpoint of this comparison's structure (e.g. on a new backend after the GPU
   * was lost): lanes in the checkpoint get its weights and state; lanes added since start afresh
   * at its step from the initial weights; the lane settings stay those of the current config.
   */
  restore(checkpoint: ComparisonCheckpoint): void {
    if (checkpoint.key !== this.key) throw new Error('the checkpoint belongs to another dataset, model, seed or batch size');
    this.lanes.forEach((lane) => lane.dispose());
    this.lanes = this.config.lanes.map((config) => {
      const saved = checkpoint.lanes.find((l) => l.laneId === config.id);
      if (saved) return Lane.fromCheckpoint(this.model, config, saved, this.config.loss);
      const lane = this.newLane(config);
      lane.steps = checkpoint.step;
      return lane;
    });
    this.step = checkpoint.step;
  }

  /** Back to step 0: every lane gets the same initial weights again and a fresh optimizer. */
  reset(): void {
    this.lanes.forEach((lane) => lane.dispose());
    this.lanes = this.config.lanes.map((lane) => this.newLane(lane));
    this.step = 0;
  }

  dispose(): void {
    this.lanes.forEach((lane) => lane.dispose());
    this.lanes = [];
    disposeParams(this.initial);
    if (this.testSet) disposeEvalSet(this.testSet);
    this.testSet = null;
  }
}

function trainingData(source: Dataset, config: ComparisonConfig): Dataset {
  return config.trainSize === undefined ? source : withTrainingSubset(source, config.trainSize, deriveSeed(config.seed, 'train-subset'));
}

function divergedMessage(lane: Lane): string {
  return (
    `"${lane.config.name}" diverged at step ${lane.diverged?.step}: its weights are not finite, ` +
    `so there is nothing to analyse, shift or export (reset to train it again)`
  );
}
