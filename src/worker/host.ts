/**
 * The engine behind the one typed boundary (api.ts): it validates what the UI sends, serializes
 * device work with a mutex, turns results into events, and delegates the rest: datasets to
 * DatasetStore, training to the engine's Trainer, the play loop to Player, analyses to Analyses,
 * weight files to weights.ts.
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../engine/backend';
import { type BackendOptions, type BackendReport, type BackendRequest } from '../engine/gpuProbe';
import { AutoBackend, DEFAULT_WORKLOAD } from './autoBackend';
import type { DatasetEntry } from '../engine/data/registry';
import type { InputFile } from '../engine/data/files';
import {
  hessianSettingsSchema,
  DEFAULT_TRACKING,
  hessianTrackingSchema,
  type HessianRequest,
  type HessianSettings,
  type HessianTracking,
  type HessianTrackingInput,
} from '../engine/hessian/config';
import type { LandscapeRequest } from '../engine/landscape/config';
import { checkTrainingFits } from '../engine/memory';
import { Comparison } from '../engine/train/comparison';
import { comparisonConfigSchema, laneConfigSchema, structureKey, type ComparisonConfig, type LaneConfig } from '../engine/train/config';
import { MAX_LANES } from '../engine/train/lanes';
import type { MetricPoint } from '../engine/train/metrics';
import { DEFAULT_CHECKPOINT_EVERY, Trainer, type ShiftReportWithHessian } from '../engine/train/trainer';
import { parse } from '../engine/validation';
import type {
  ComparisonSummary,
  DatasetSummary,
  EngineApi,
  EngineEvent,
  EngineListener,
  InitOptions,
  JobOutcome,
  UserDatasetKind,
  WeightsFormat,
  WeightsImportSummary,
  WeightsTarget,
} from './api';
import { Analyses } from './analyses';
import type { AnalysisRequest } from '../engine/analyses/config';
import { DatasetStore, type DataServices } from './datasets';
import { dropLostBackend, loseDevice, watchDevice } from './device';
import { Mutex, sleep } from './mutex';
import { Player } from './player';
import { backgroundPending, runStatus, TrackingScheduler } from './tracking';
import { applyWeights, exportWeights, readWeightFiles } from './weights';

export class EngineHost implements EngineApi {
  private listeners: EngineListener[] = [];
  private datasets: DatasetStore | null = null;
  private backendOptions: BackendOptions = {};
  private trainer: Trainer | null = null;
  private readonly mutex = new Mutex();
  private readonly player = new Player({
    stopReason: () => this.stopReason(),
    trainWindow: (wanted) => this.mutex.run(() => this.trainWindow(wanted)),
    onStatus: () => this.emitStatus(),
    onStop: (message) => this.emit({ type: 'error', message }),
    onError: (message) => this.reportLoopError(message),
  });
  private readonly analyses = new Analyses(
    this.mutex,
    () => this.requireTrainer(),
    (event) => this.emit(event),
  );
  private tracking: HessianTracking | null = DEFAULT_TRACKING;
  private readonly scheduler = new TrackingScheduler({
    mutex: this.mutex,
    trainer: () => this.trainer,
    playing: () => this.player.playing,
    emitTracked: ({ points, slices }) => {
      this.emitPoints(points);
      if (slices.length > 0) this.emit({ type: 'tracked-slices', slices });
    },
    emitError: (message) => this.emit({ type: 'error', message }),
    emitIdle: () => this.emit({ type: 'status', status: runStatus(this.trainer, this.player) }),
  });
  private checkpointEvery = DEFAULT_CHECKPOINT_EVERY;
  private readonly auto = new AutoBackend();
  /** Set when the WebGPU device was lost: nothing runs until the user picks another backend. */
  private deviceLost: string | null = null;

  constructor(private readonly services: DataServices) {}

  async init(options: InitOptions): Promise<BackendReport> {
    const baseUrl = options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`;
    this.datasets = new DatasetStore(this.services, baseUrl, (progress) => this.emit({ type: 'load-progress', progress }));
    this.backendOptions = { wasmPaths: options.wasmPaths };
    let report = await initBackend(options.backend, this.backendOptions);
    if (options.backend === 'auto') report = await this.auto.choose(report, DEFAULT_WORKLOAD, this.backendOptions);
    watchDevice((reason) => this.onDeviceLost(reason));
    return report;
  }

  async tfBackend(): Promise<string> {
    return tf.getBackend();
  }

  async subscribe(listener: EngineListener): Promise<void> {
    this.listeners.push(listener);
  }

  // ---- datasets -----------------------------------------------------------------------------

  async listDatasets(): Promise<DatasetEntry[]> {
    return this.requireDatasets().list();
  }

  async loadDataset(id: string): Promise<DatasetSummary> {
    return this.requireDatasets().load(id);
  }

  async importFiles(kind: UserDatasetKind, files: InputFile[]): Promise<DatasetSummary> {
    return this.requireDatasets().importFiles(kind, files);
  }

  // ---- the comparison -----------------------------------------------------------------------

  async configure(raw: ComparisonConfig): Promise<ComparisonSummary> {
    this.requireDevice();
    const config = parse(comparisonConfigSchema, raw, 'settings');
    return this.mutex.run(async () => {
      const dataset = this.requireDatasets().get(config.datasetId);
      if (!dataset) throw new Error(`dataset "${config.datasetId}" is not loaded yet`);
      checkTrainingFits(config, dataset.info);
      const current = this.trainer;
      if (current && current.comparison.key === structureKey(config) && current.comparison.source === dataset) {
        this.emitPoints(await current.reconfigure(config));
        this.emitStatus();
        return this.summary(false);
      }
      Comparison.check(dataset, config);
      await current?.dispose();
      this.trainer = null;
      const rechosen = await this.auto.rechoose(config, dataset.info, this.backendOptions);
      if (rechosen) this.emit({ type: 'backend', report: rechosen });
      const trainer = new Trainer(dataset, config, { checkpointEvery: this.checkpointEvery, tracking: this.tracking, deferTests: true });
      this.trainer = trainer;
      this.emit({ type: 'reset' });
      this.emitPoints(await trainer.start());
      this.emitStatus();
      return this.summary(true);
    });
  }

  async forkLane(sourceId: string, rawLane: LaneConfig): Promise<ComparisonSummary> {
    this.requireDevice();
    const lane = parse(laneConfigSchema, rawLane, 'lane');
    return this.mutex.run(async () => {
      const { comparison } = this.requireTrainer();
      if (comparison.lanes.length >= MAX_LANES) throw new Error(`a comparison holds at most ${MAX_LANES} lanes`);
      comparison.forkLane(sourceId, lane);
      return this.summary(false);
    });
  }

  async shiftNow(laneId: string, samples: number, hessian?: HessianSettings): Promise<ShiftReportWithHessian> {
    this.requireDevice();
    if (!Number.isInteger(samples) || samples < 1 || samples > 4096) {
      throw new Error(`b2 samples must be a whole number in [1, 4096], got ${samples}`);
    }
    const settings = hessian ? parse(hessianSettingsSchema, hessian, 'Hessian settings') : undefined;
    await this.pause();
    return this.mutex.run(async () => {
      const { report, points } = await this.requireTrainer().shiftNow(laneId, samples, settings);
      this.emitPoints(points);
      return report;
    });
  }

  // ---- analyses -----------------------------------------------------------------------------

  async computeHessian(raw: HessianRequest): Promise<JobOutcome> {
    this.requireDevice();
    return this.analyses.hessian(raw);
  }

  async cancelHessian(): Promise<void> {
    this.analyses.cancelHessian();
  }

  async setHessianTracking(raw: HessianTrackingInput | null): Promise<void> {
    const tracking = raw === null ? null : parse(hessianTrackingSchema, raw, 'tracking settings');
    this.tracking = tracking;
    await this.mutex.run(async () => this.trainer?.setTracking(tracking));
  }

  async computeLandscape(raw: LandscapeRequest): Promise<JobOutcome> {
    this.requireDevice();
    return this.analyses.landscape(raw);
  }

  async cancelLandscape(): Promise<void> {
    this.analyses.cancelLandscape();
  }

  async computeAnalysis(raw: AnalysisRequest): Promise<JobOutcome> {
    this.requireDevice();
    return this.analyses.analysis(raw);
  }

  async cancelAnalysis(): Promise<void> {
    this.analyses.cancelAnalysis();
  }

  // ---- weights ------------------------------------------------------------------------------

  async exportWeights(laneId: string, format: WeightsFormat): Promise<InputFile[]> {
    this.requireDevice();
    return this.mutex.run(() => exportWeights(this.requireTrainer().comparison, laneId, format));
  }

  async importWeights(files: InputFile[], target: WeightsTarget): Promise<WeightsImportSummary> {
    this.requireDevice();
    const imported = await readWeightFiles(files);
    await this.pause();
    return this.mutex.run(async () => {
      const { laneId, origin } = applyWeights(this.requireTrainer().comparison, imported, target);
      return { laneId, origin, comparison: this.summary(false) };
    });
  }

  // ---- device loss and checkpoints ----------------------------------------------------------

  async setCheckpointEvery(steps: number): Promise<void> {
    if (!Number.isInteger(steps) || steps < 1 || steps > 100_000) {
      throw new Error(`checkpoint every must be a whole number of steps in [1, 100000], got ${steps}`);
    }
    this.checkpointEvery = steps;
    if (this.trainer) this.trainer.checkpointEvery = steps;
  }

  /** Simulates a lost GPU (destroys the WebGPU device), as a driver reset would. */
  async loseDevice(): Promise<void> {
    loseDevice();
  }

  /**
   * After the GPU was lost: starts `backend` and rebuilds the comparison there from the last
   * checkpoint (the steps since are trained again). Metrics up to the checkpoint are kept.
   */
  async continueOn(backend: BackendRequest): Promise<ComparisonSummary> {
    if (this.deviceLost === null) throw new Error('the device was not lost: nothing to recover');
    if (backend === 'webgpu') throw new Error('WebGPU lost its device here: continue on webgl, wasm or cpu');
    return this.mutex.run(async () => {
      const lost = this.trainer;
      const checkpoint = lost?.checkpoint;
      if (!lost || !checkpoint) throw new Error('nothing was training when the device was lost: pick a dataset and a model');
      // The old comparison's tensors died with the device: drop them, do not touch them.
      this.trainer = null;
      dropLostBackend();
      const report = await initBackend(backend, this.backendOptions);
      watchDevice((reason) => this.onDeviceLost(reason));
      this.emit({ type: 'backend', report });
      const { source, config } = lost.comparison;
      this.trainer = Trainer.fromCheckpoint(source, config, checkpoint, {
        checkpointEvery: this.checkpointEvery,
        tracking: this.tracking,
        deferTests: true,
        trajectories: lost.trajectories,
      });
      this.deviceLost = null;
      this.emit({ type: 'restored', step: checkpoint.step });
      this.emitStatus();
      return this.summary(false);
    });
  }

  private onDeviceLost(reason: string): void {
    if (this.deviceLost !== null) return;
    this.deviceLost = reason;
    this.player.playing = false;
    this.analyses.cancelAll();
    const step = this.trainer?.comparison.step ?? 0;
    this.emit({ type: 'device-lost', reason, step, checkpointStep: this.trainer?.checkpoint?.step ?? null });
  }

  // ---- transport ----------------------------------------------------------------------------

  async play(): Promise<void> {
    this.requireDevice();
    this.requireTrainer();
    this.player.play();
  }

  async pause(): Promise<void> {
    await this.player.pause();
    this.emitStatus();
  }

  async stepOnce(): Promise<void> {
    this.requireDevice();
    if (this.player.playing) return;
    await this.mutex.run(() => this.trainWindow(1));
    this.emitStatus();
  }

  async reset(): Promise<void> {
    this.requireDevice();
    await this.pause();
    await this.mutex.run(async () => {
      const trainer = this.requireTrainer();
      this.emit({ type: 'reset' });
      this.emitPoints(await trainer.reset());
    });
    this.emitStatus();
  }

  async setSpeed(maxStepsPerSecond: number | null): Promise<void> {
    this.player.setSpeed(maxStepsPerSecond);
  }

  async memory(): Promise<{ numTensors: number; numBytes: number }> {
    const m = tf.memory();
    return { numTensors: m.numTensors, numBytes: m.numBytes };
  }

  async dispose(): Promise<void> {
    this.analyses.cancelAll();
    await this.pause();
    await this.trainer?.dispose();
    this.trainer = null;
  }

  // ---- internals ----------------------------------------------------------------------------

  /** A window of training, then a piece of a pending test and curvature tracking for its share of the time. */
  private async trainWindow(wanted: number): Promise<number> {
    const trainer = this.requireTrainer();
    const started = performance.now();
    const { steps, points, diverged } = await trainer.trainWindow(wanted);
    this.emitPoints(points);
    for (const { laneId, divergence } of diverged) this.emit({ type: 'lane-diverged', laneId, divergence });
    // The step counter moves now, not after the tracking slice.
    if (steps > 0) this.emitStatus();
    await this.scheduler.afterWindow(trainer, performance.now() - started);
    return steps;
  }

  private stopReason(): string | null {
    const trainer = this.requireTrainer();
    if (trainer.finished) return '';
    if (trainer.comparison.allDiverged) return 'every lane has diverged, so training stopped: lower the learning rates and reset';
    return null;
  }

  /**
   * A lost GPU makes the pending readback fail just before (or after) device.lost resolves: give it
   * a moment, and report the loss rather than its symptom.
   */
  private async reportLoopError(message: string): Promise<void> {
    if (this.deviceLost === null && tf.getBackend() === 'webgpu') await sleep(200);
    if (this.deviceLost === null) this.emit({ type: 'error', message });
  }

  private requireDevice(): void {
    if (this.deviceLost !== null) throw new Error(`the GPU device was lost (${this.deviceLost}): continue on another backend first`);
  }

  private requireDatasets(): DatasetStore {
    if (!this.datasets) throw new Error('the engine has not started: call init first');
    return this.datasets;
  }

  private requireTrainer(): Trainer {
    if (!this.trainer) throw new Error('no comparison yet: pick a dataset and a model first');
    return this.trainer;
  }

  private emit(event: EngineEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  private emitPoints(points: MetricPoint[]): void {
    if (points.length > 0) this.emit({ type: 'metrics', points });
  }

  private emitStatus(): void {
    this.emit({ type: 'status', status: runStatus(this.trainer, this.player) });
    if (!this.player.playing && this.trainer && backgroundPending(this.trainer)) void this.scheduler.whileIdle();
  }

  private summary(rebuilt: boolean): ComparisonSummary {
    return { ...this.requireTrainer().summary(), rebuilt };
  }
}
