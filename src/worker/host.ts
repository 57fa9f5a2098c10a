import * as tf from '@tensorflow/tfjs-core';
import { initBackend, type BackendOptions, type BackendReport, type BackendRequest } from '../engine/backend';
import { cifarFromFiles } from '../engine/data/cifar';
import type { Dataset } from '../engine/data/dataset';
import { DataError } from '../engine/data/errors';
import type { InputFile } from '../engine/data/files';
import { mnistFromIdxFiles } from '../engine/data/idx';
import { loadDataset, storeEncodedDataset, type ByteCache } from '../engine/data/loader';
import { builtinEntries, datasetIndexSchema, type DatasetEntry } from '../engine/data/registry';
import { encodeDataset, validateDataset } from '../engine/data/shards';
import { comparisonConfigSchema, laneConfigSchema, structureKey, type ComparisonConfig, type LaneConfig } from '../engine/train/config';
import { Comparison } from '../engine/train/comparison';
import { dropLostBackend, loseDevice, watchDevice } from './device';
import { checkEvaluationFits, checkLanczosFits, checkTrainingFits } from '../engine/memory';
import { landscapeChunkSize } from '../engine/landscape/evaluate';
import { type MetricPoint } from '../engine/train/metrics';
import { MetricAggregator, testPoints, windowLength } from '../engine/train/aggregator';
import type {
  ComparisonSummary,
  DatasetSummary,
  EngineApi,
  EngineEvent,
  EngineListener,
  InitOptions,
  RunStatus,
  UserDatasetKind, CurvatureSummary, LandscapeOutcome, ShiftReportWithHessian, WeightsFormat, WeightsImportSummary, WeightsTarget
} from './api';
import { Mutex, sleep, yieldToEventLoop } from './mutex';
import { describeZodError } from '../engine/validation';
import { landscapeRequestSchema, type LandscapeRequest } from '../engine/landscape/config';
import { landscapeWork, lanesOf, runLandscape } from '../engine/landscape/job';
import {
  architectureDifferences,
  weightsFromSafetensors,
  weightsFromTfjs,
  weightsToSafetensors,
  weightsToTfjs,
  type ImportedWeights,
} from '../engine/io/weights';
import { readParams } from '../engine/model/paramTensors';
import {
  hessianRequestSchema,
  hessianSettingsSchema,
  hessianTrackingSchema,
  type HessianRequest,
  type HessianSettings,
  type HessianTracking,
} from '../engine/hessian/config';
import { analyseHessian, hessianBudget, trackedCurvature, type HessianSubject } from '../engine/hessian/analysis';
import { DIRECT_CONTROL } from '../engine/control';
import type { Comparison as ComparisonType, ComparisonCheckpoint } from '../engine/train/comparison';

/** What the host needs from its environment: the network and a persistent byte cache. */
export interface DataServices {
  fetchBytes(url: string): Promise<Uint8Array>;
  cache?: ByteCache;
}

const USER_INDEX_KEY = 'user/index.json';
const TARGET_WINDOW_SECONDS = 0.25;
/** Steps between in-memory checkpoints of every lane (what a lost GPU falls back to). */
export const DEFAULT_CHECKPOINT_EVERY = 100;
const MAX_WINDOW = 50;

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Runs comparisons: owns datasets, the comparison, and the play/pause training loop. */
export class EngineHost implements EngineApi {
  private listeners: EngineListener[] = [];
  private baseUrl = './';
  private report: BackendReport | null = null;
  private backendOptions: BackendOptions = {};
  /** Auto mode left WASM for a CNN; it returns to the first choice for an MLP. */
  private datasets = new Map<string, Dataset>();
  private comparison: Comparison | null = null;
  private aggregator = new MetricAggregator(10);
  private readonly mutex = new Mutex();
  private playing = false;
  private loopRunning: Promise<void> | null = null;
  private maxStepsPerSecond: number | null = null;
  private windowSize = 1;
  private lastRate = 0;
  private landscapeJob: { id: number; cancelled: boolean } | null = null;
  private landscapeJobs = 0;
  private hessianJob: { id: number; cancelled: boolean } | null = null;
  private hessianJobs = 0;
  private tracking: HessianTracking | null = null;
  /** Every lane off the device, taken every `checkpointEvery` steps (and at step 0). */
  private checkpoint: ComparisonCheckpoint | null = null;
  private checkpointEvery = DEFAULT_CHECKPOINT_EVERY;
  /** Set when the WebGPU device was lost: nothing runs until the user picks another backend. */
  private deviceLost: string | null = null;

  constructor(private readonly services: DataServices) {}

  async init(options: InitOptions): Promise<BackendReport> {
    this.baseUrl = options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`;
    this.backendOptions = { wasmPaths: options.wasmPaths };
    this.report = await initBackend(options.backend, this.backendOptions);
    watchDevice((reason) => this.onDeviceLost(reason));
    return this.report;
  }

  // ---- device loss and checkpoints --------------------------------------------------------

  private onDeviceLost(reason: string): void {
    if (this.deviceLost !== null) return;
    this.deviceLost = reason;
    this.playing = false;
    if (this.landscapeJob) this.landscapeJob.cancelled = true;
    if (this.hessianJob) this.hessianJob.cancelled = true;
    this.emit({ type: 'device-lost', reason, step: this.comparison?.step ?? 0, checkpointStep: this.checkpoint?.step ?? null });
  }

  private requireDevice(): void {
    if (this.deviceLost !== null) throw new Error(`the GPU device was lost (${this.deviceLost}): continue on another backend first`);
  }

  async setCheckpointEvery(steps: number): Promise<void> {
    if (!Number.isInteger(steps) || steps < 1 || steps > 100_000)
      throw new Error(`checkpoint every must be a whole number of steps in [1, 100000], got ${steps}`);
    this.checkpointEvery = steps;
  }

  private async takeCheckpoint(comparison: ComparisonType): Promise<void> {
    this.checkpoint = await comparison.checkpoint();
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
      const lost = this.comparison;
      const checkpoint = this.checkpoint;
      if (!lost || !checkpoint) throw new Error('nothing was training when the device was lost: pick a dataset and a model');
      // The old comparison's tensors died with the device: drop them, do not touch them.
      this.comparison = null;
      dropLostBackend();
      this.report = await initBackend(backend === 'auto' ? 'auto' : backend, this.backendOptions);
      watchDevice((reason) => this.onDeviceLost(reason));
      this.emit({ type: 'backend', report: this.report });
      const comparison = new Comparison(lost.source, lost.config);
      comparison.restore(checkpoint);
      this.comparison = comparison;
      this.deviceLost = null;
      this.aggregator.reset();
      this.emit({ type: 'restored', step: checkpoint.step });
      this.emitStatus();
      return this.summary(false);
    });
  }

  async tfBackend(): Promise<string> {
    return tf.getBackend();
  }

  async subscribe(listener: EngineListener): Promise<void> {
    this.listeners.push(listener);
  }

  private emit(event: EngineEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  // ---- datasets ---------------------------------------------------------------------------

  async listDatasets(): Promise<DatasetEntry[]> {
    let builtin: DatasetEntry[] = [];
    try {
      const bytes = await this.services.fetchBytes(`${this.baseUrl}data/index.json`);
      const parsed = datasetIndexSchema.safeParse(JSON.parse(new TextDecoder().decode(bytes)));
      if (parsed.success) builtin = builtinEntries(parsed.data);
    } catch {
      builtin = [];
    }
    return [...builtin, ...(await this.userEntries())];
  }

  private async userEntries(): Promise<DatasetEntry[]> {
    const bytes = await this.services.cache?.get(USER_INDEX_KEY);
    if (!bytes) return [];
    try {
      const list = JSON.parse(new TextDecoder().decode(bytes)) as DatasetEntry[];
      return Array.isArray(list) ? list.filter((e) => e && typeof e.id === 'string' && e.origin === 'user') : [];
    } catch {
      return [];
    }
  }

  async loadDataset(id: string): Promise<DatasetSummary> {
    const entry = (await this.listDatasets()).find((e) => e.id === id);
    if (!entry) throw new DataError(id, 'is not a known dataset; run "npm run data" (built-in) or load the files again (your own)');
    const base = entry.path ? `${this.baseUrl}${entry.path}` : undefined;
    const result = await loadDataset({
      cacheKey: entry.cacheKey,
      cache: this.services.cache,
      fetchFile: base ? (file) => this.services.fetchBytes(`${base}${file}`) : undefined,
      onProgress: (progress) => this.emit({ type: 'load-progress', progress }),
    });
    this.datasets.set(id, result.dataset);
    return summarize(id, result.dataset, result.fromCache, result.fetched);
  }

  async importFiles(kind: UserDatasetKind, files: InputFile[]): Promise<DatasetSummary> {
    const dataset = kind === 'cifar10' ? cifarFromFiles(files) : mnistFromIdxFiles(files);
    validateDataset(dataset, files.map((f) => f.name).join(', '));
    const id = `user-${dataset.info.id}`;
    const entry: DatasetEntry = { id, title: `${dataset.info.title}`, origin: 'user', cacheKey: `user/${dataset.info.id}` };
    if (this.services.cache) {
      const { manifest, files: shards } = await encodeDataset(dataset);
      await storeEncodedDataset(this.services.cache, entry.cacheKey, manifest, shards);
      const others = (await this.userEntries()).filter((e) => e.id !== id);
      await this.services.cache.put(USER_INDEX_KEY, new TextEncoder().encode(JSON.stringify([...others, entry])));
    }
    this.datasets.set(id, dataset);
    return summarize(id, dataset, 0, 0);
  }

  // ---- the comparison ---------------------------------------------------------------------

  async configure(raw: ComparisonConfig): Promise<ComparisonSummary> {
    this.requireDevice();
    const parsed = comparisonConfigSchema.safeParse(raw);
    if (!parsed.success) throw new Error(`invalid settings: ${describeZodError(parsed.error)}`);
    const config = parsed.data;
    return this.mutex.run(async () => {
      const dataset = this.datasets.get(config.datasetId);
      if (!dataset) throw new Error(`dataset "${config.datasetId}" is not loaded yet`);
      checkTrainingFits(config, dataset.info);
      let rebuilt = false;
      if (!this.comparison || this.comparison.key !== structureKey(config) || this.comparison.source !== dataset) {
        Comparison.check(dataset, config);
        this.comparison?.dispose();
        this.comparison = null;
        this.comparison = new Comparison(dataset, config);
        rebuilt = true;
      } else {
        const before = new Set(this.comparison.lanes.map((l) => l.config.id));
        this.comparison.applyConfig(config);
        const added = this.comparison.lanes.filter((l) => !before.has(l.config.id)).map((l) => l.config.id);
        // Lanes join only at step 0: give them the step-0 test point the others have.
        if (added.length > 0) await this.evaluateTest(new Set(added));
      }
      this.aggregator.logEvery = config.logEvery;
      if (rebuilt) {
        this.aggregator.reset();
        this.emit({ type: 'reset' });
        await this.takeCheckpoint(this.comparison);
        await this.evaluateTest();
      }
      this.emitStatus();
      return this.summary(rebuilt);
    });
  }

  async forkLane(sourceId: string, rawLane: LaneConfig): Promise<ComparisonSummary> {
    this.requireDevice();
    const parsed = laneConfigSchema.safeParse(rawLane);
    if (!parsed.success) throw new Error(`invalid lane: ${describeZodError(parsed.error)}`);
    const lane = parsed.data;
    return this.mutex.run(async () => {
      const comparison = this.requireComparison();
      if (comparison.lanes.length >= 8) throw new Error('a comparison holds at most 8 lanes');
      comparison.forkLane(sourceId, lane);
      return this.summary(false);
    });
  }

  async shiftNow(laneId: string, samples: number, hessian?: HessianSettings): Promise<ShiftReportWithHessian> {
    this.requireDevice();
    if (!Number.isInteger(samples) || samples < 1 || samples > 4096)
      throw new Error(`b2 samples must be a whole number in [1, 4096], got ${samples}`);
    const settings = hessian ? hessianSettingsSchema.safeParse(hessian) : null;
    if (settings && !settings.success) throw new Error(`invalid Hessian settings: ${describeZodError(settings.error)}`);
    await this.pause();
    return this.mutex.run(async () => {
      const comparison = this.requireComparison();
      const measure = async (): Promise<CurvatureSummary | null> => {
        if (!settings?.success) return null;
        const r = await analyseHessian(await this.subject(comparison, laneId), { ...settings.data, density: false }, DIRECT_CONTROL);
        return { eigenvalues: r.top.eigenvalues, trace: r.trace?.trace ?? NaN, stdError: r.trace?.stdError ?? NaN, samples: r.samples };
      };
      const before = await measure();
      const report: ShiftReportWithHessian = await comparison.shiftNow(laneId, samples);
      const after = await measure();
      if (before && after) report.hessian = { before, after };
      const lane = comparison.lanes.find((l) => l.config.id === laneId);
      const collected = lane ? await lane.collect() : null;
      if (lane && collected) {
        const points = this.aggregator.addWindow({
          laneId,
          records: [],
          headNorm: collected.headNorm,
          sosEvents: collected.sosEvents,
          seconds: 0,
          gradEvals: lane.gradEvals,
          totalSeconds: lane.seconds,
        });
        if (points.length > 0) this.emit({ type: 'metrics', points });
      }
      return report;
    });
  }

  /** One lane's weights now, as the subject of a Hessian analysis. */
  private async subject(comparison: ComparisonType, laneId: string): Promise<HessianSubject> {
    const snap = await comparison.snapshot([laneId]);
    const w = snap.weights.get(laneId)!;
    return { model: snap.model, loss: snap.loss, dataset: snap.dataset, laneId, label: w.label, step: snap.step, weights: w.current };
  }

  async computeHessian(raw: HessianRequest): Promise<LandscapeOutcome> {
    this.requireDevice();
    const parsed = hessianRequestSchema.safeParse(raw);
    if (!parsed.success) throw new Error(`invalid Hessian settings: ${describeZodError(parsed.error)}`);
    if (this.hessianJob) throw new Error('a Hessian analysis is running: wait for it or cancel it first');
    const { laneIds, settings } = parsed.data;
    const job = { id: ++this.hessianJobs, cancelled: false };
    this.hessianJob = job;
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    try {
      const subjects = await this.mutex.run(async () => {
        const comparison = this.requireComparison();
        checkEvaluationFits(
          comparison.config.model,
          comparison.dataset.info,
          Math.min(settings.samples, comparison.dataset.train.count),
          500,
          'Hessian analysis',
          6,
        );
        checkLanczosFits(
          comparison.parameterCount,
          Math.max(settings.maxIterations, settings.density ? settings.densitySteps : 0) + settings.topK,
        );
        const out: HessianSubject[] = [];
        for (const id of laneIds) out.push(await this.subject(comparison, id));
        return out;
      });
      const total = subjects.length * hessianBudget(settings);
      let before = 0;
      this.emit({ type: 'hessian-progress', progress: { jobId: job.id, done: 0, total, seconds: 0 } });
      for (const subject of subjects) {
        if (job.cancelled) break;
        const result = await analyseHessian(subject, settings, {
          cancelled: () => job.cancelled,
          exclusive: (work) => this.mutex.run(work),
          progress: (hvps) =>
            this.emit({ type: 'hessian-progress', progress: { jobId: job.id, done: before + hvps, total, seconds: seconds() } }),
        });
        before += hessianBudget(settings);
        this.emit({ type: 'hessian-result', jobId: job.id, result });
      }
      this.emit({ type: 'hessian-progress', progress: { jobId: job.id, done: total, total, seconds: seconds() } });
      return { jobId: job.id, cancelled: job.cancelled, seconds: seconds() };
    } finally {
      this.hessianJob = null;
    }
  }

  async cancelHessian(): Promise<void> {
    if (this.hessianJob) this.hessianJob.cancelled = true;
  }

  async setHessianTracking(raw: HessianTracking | null): Promise<void> {
    if (raw === null) {
      this.tracking = null;
      return;
    }
    const parsed = hessianTrackingSchema.safeParse(raw);
    if (!parsed.success) throw new Error(`invalid tracking settings: ${describeZodError(parsed.error)}`);
    this.tracking = parsed.data;
  }

  /** λmax and Tr(H) of every lane at this step, as metric points. */
  private async trackCurvature(comparison: ComparisonType, tracking: HessianTracking): Promise<void> {
    const points: MetricPoint[] = [];
    for (const lane of comparison.lanes.filter((l) => !l.diverged)) {
      const { lambdaMax, trace } = await trackedCurvature(await this.subject(comparison, lane.config.id), tracking, DIRECT_CONTROL);
      const at = { laneId: lane.config.id, step: comparison.step, gradEvals: lane.gradEvals, wallSeconds: lane.seconds };
      points.push({ ...at, metric: 'hess_lmax', value: lambdaMax }, { ...at, metric: 'hess_trace', value: trace });
    }
    this.emit({ type: 'metrics', points });
  }

  async computeLandscape(raw: LandscapeRequest): Promise<LandscapeOutcome> {
    this.requireDevice();
    const parsed = landscapeRequestSchema.safeParse(raw);
    if (!parsed.success) throw new Error(`invalid landscape settings: ${describeZodError(parsed.error)}`);
    if (this.landscapeJob) throw new Error('a landscape is being computed: wait for it or cancel it first');
    const request = parsed.data;
    const job = { id: ++this.landscapeJobs, cancelled: false };
    this.landscapeJob = job;
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    try {
      const inputs = await this.mutex.run(() => {
        const comparison = this.requireComparison();
        const { settings } = request;
        const samples =
          Math.min(settings.trainSamples, comparison.dataset.train.count) + Math.min(settings.testSamples, comparison.dataset.test.count);
        checkEvaluationFits(
          comparison.config.model,
          comparison.dataset.info,
          samples,
          landscapeChunkSize(comparison.model),
          'landscape',
          4,
        );
        return comparison.snapshot(lanesOf(request));
      });
      const total = landscapeWork(inputs, request);
      this.emit({ type: 'landscape-progress', progress: { jobId: job.id, done: 0, total, seconds: 0 } });
      const { cancelled } = await runLandscape(
        inputs,
        request,
        {
          cancelled: () => job.cancelled,
          exclusive: (work) => this.mutex.run(work),
          progress: (done) => this.emit({ type: 'landscape-progress', progress: { jobId: job.id, done, total, seconds: seconds() } }),
        },
        (update) => this.emit({ type: 'landscape-update', jobId: job.id, update }),
      );
      return { jobId: job.id, cancelled, seconds: seconds() };
    } finally {
      this.landscapeJob = null;
    }
  }

  async cancelLandscape(): Promise<void> {
    if (this.landscapeJob) this.landscapeJob.cancelled = true;
  }

  async exportWeights(laneId: string, format: WeightsFormat): Promise<InputFile[]> {
    this.requireDevice();
    return this.mutex.run(async () => {
      const comparison = this.requireComparison();
      const lane = comparison.requireFiniteLane(laneId);
      const values = await readParams(lane.params);
      const metadata = comparison.weightsMetadata(laneId);
      if (format === 'tfjs') return weightsToTfjs(comparison.model.params, values, metadata);
      const base = `${lane.config.name.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-|-$/g, '') || lane.config.id}-step${lane.steps}`;
      return [{ name: `${base}.safetensors`, bytes: weightsToSafetensors(comparison.model.params, values, metadata) }];
    });
  }

  async importWeights(files: InputFile[], target: WeightsTarget): Promise<WeightsImportSummary> {
    this.requireDevice();
    const imported = await readWeightFiles(files);
    await this.pause();
    return this.mutex.run(async () => {
      const comparison = this.requireComparison();
      const differences = architectureDifferences(comparison.model.params, imported.shapes);
      if (differences.length > 0)
        throw new Error(
          `the weights do not fit this model (${comparison.parameterCount.toLocaleString('en-US')} parameters): ${differences.slice(0, 8).join('; ')}${differences.length > 8 ? `; and ${differences.length - 8} more` : ''}`,
        );
      let laneId: string;
      if (target.mode === 'replace') {
        comparison.replaceWeights(target.laneId, imported.values);
        laneId = target.laneId;
      } else {
        const parsed = laneConfigSchema.safeParse(target.lane);
        if (!parsed.success) throw new Error(`invalid lane: ${describeZodError(parsed.error)}`);
        if (comparison.lanes.length >= 8) throw new Error('a comparison holds at most 8 lanes: remove one first');
        laneId = comparison.addLaneWithWeights(parsed.data, imported.values).config.id;
      }
      const m = imported.metadata;
      const origin = m
        ? `${m.model.kind.toUpperCase()} trained ${m.step} steps on ${m.dataset.title} (seed ${m.seed})`
        : 'no Flat Minima Playground metadata in the file';
      return { laneId, origin, comparison: this.summary(false) };
    });
  }

  async play(): Promise<void> {
    this.requireDevice();
    this.requireComparison();
    if (this.playing) return;
    this.playing = true;
    this.emitStatus();
    this.loopRunning = this.loop();
  }

  async pause(): Promise<void> {
    this.playing = false;
    await this.loopRunning;
    this.emitStatus();
  }

  async stepOnce(): Promise<void> {
    this.requireDevice();
    if (this.playing) return;
    await this.mutex.run(() => this.trainWindow(1));
    this.emitStatus();
  }

  async reset(): Promise<void> {
    this.requireDevice();
    await this.pause();
    await this.mutex.run(async () => {
      const comparison = this.requireComparison();
      comparison.reset();
      this.aggregator.reset();
      this.emit({ type: 'reset' });
      await this.takeCheckpoint(comparison);
      await this.evaluateTest();
    });
    this.emitStatus();
  }

  async setSpeed(maxStepsPerSecond: number | null): Promise<void> {
    this.maxStepsPerSecond = maxStepsPerSecond !== null && maxStepsPerSecond > 0 ? maxStepsPerSecond : null;
  }

  async memory(): Promise<{ numTensors: number; numBytes: number }> {
    const m = tf.memory();
    return { numTensors: m.numTensors, numBytes: m.numBytes };
  }

  async dispose(): Promise<void> {
    await this.cancelLandscape();
    await this.cancelHessian();
    await this.pause();
    this.comparison?.dispose();
    this.comparison = null;
  }

  // ---- the training loop ------------------------------------------------------------------

  private async loop(): Promise<void> {
    try {
      while (this.playing) {
        const comparison = this.requireComparison();
        if (comparison.step >= comparison.totalSteps) {
          this.playing = false;
          break;
        }
        if (comparison.allDiverged) {
          this.playing = false;
          this.emit({ type: 'error', message: 'every lane has diverged, so training stopped: lower the learning rates and reset' });
          break;
        }
        const wanted = this.maxStepsPerSecond ? Math.max(1, Math.round(this.maxStepsPerSecond * TARGET_WINDOW_SECONDS)) : this.windowSize;
        const started = performance.now();
        const done = await this.mutex.run(() => this.trainWindow(wanted));
        const seconds = (performance.now() - started) / 1000;
        if (done > 0) {
          this.lastRate = done / Math.max(seconds, 1e-6);
          this.windowSize = Math.max(1, Math.min(MAX_WINDOW, Math.round(this.lastRate * TARGET_WINDOW_SECONDS)));
        }
        this.emitStatus();
        if (this.maxStepsPerSecond) {
          const wait = done / this.maxStepsPerSecond - seconds;
          if (wait > 0) await sleep(wait * 1000);
        }
        await yieldToEventLoop();
      }
    } catch (error) {
      this.playing = false;
      // A lost GPU makes the pending readback fail just before (or after) device.lost resolves:
      // give it a moment, and report the loss rather than its symptom.
      if (this.deviceLost === null && tf.getBackend() === 'webgpu') await sleep(200);
      if (this.deviceLost === null) this.emit({ type: 'error', message: `training stopped: ${describeError(error)}` });
    } finally {
      this.emitStatus();
    }
  }

  /** Trains up to `wanted` steps (never past a logging or test step), emits metrics; returns steps done. */
  private async trainWindow(wanted: number): Promise<number> {
    const comparison = this.requireComparison();
    const { logEvery, testEvery } = comparison.config;
    const tracking = this.tracking;
    const steps = windowLength(
      comparison.step,
      wanted,
      logEvery,
      testEvery,
      comparison.totalSteps,
      this.checkpointEvery,
      ...(tracking ? [tracking.every] : []),
    );
    if (steps === 0) return 0;
    const windows = await comparison.trainWindow(steps);
    const points: MetricPoint[] = windows.flatMap((w) => this.aggregator.addWindow(w));
    if (points.length > 0) this.emit({ type: 'metrics', points });
    for (const w of windows) if (w.diverged) this.emit({ type: 'lane-diverged', laneId: w.laneId, divergence: w.diverged });
    if (comparison.step % testEvery === 0 || comparison.step === comparison.totalSteps) await this.evaluateTest();
    if (tracking && comparison.step % tracking.every === 0) await this.trackCurvature(comparison, tracking);
    if (comparison.step % this.checkpointEvery === 0) await this.takeCheckpoint(comparison);
    return steps;
  }

  private async evaluateTest(only?: Set<string>): Promise<void> {
    const comparison = this.requireComparison();
    const results = await comparison.evaluateTest(only);
    const points = comparison.lanes
      .filter((lane) => !only || only.has(lane.config.id))
      .flatMap((lane) => {
        const r = results.get(lane.config.id);
        return r ? testPoints(lane.config.id, comparison.step, lane.gradEvals, lane.seconds, r) : [];
      });
    this.emit({ type: 'metrics', points });
  }

  private requireComparison(): Comparison {
    if (!this.comparison) throw new Error('no comparison yet: pick a dataset and a model first');
    return this.comparison;
  }

  private status(): RunStatus {
    const c = this.comparison;
    return {
      playing: this.playing,
      step: c?.step ?? 0,
      epoch: c?.epoch ?? 0,
      totalSteps: c?.totalSteps ?? 0,
      finished: c ? c.step >= c.totalSteps : false,
      checkpointStep: this.checkpoint?.step ?? null,
      stepsPerSecond: this.lastRate,
    };
  }

  private emitStatus(): void {
    this.emit({ type: 'status', status: this.status() });
  }

  private summary(rebuilt: boolean): ComparisonSummary {
    const c = this.requireComparison();
    return {
      parameterCount: c.parameterCount,
      featureSize: c.model.featureSize,
      stepsPerEpoch: c.sampler.stepsPerEpoch,
      totalSteps: c.totalSteps,
      step: c.step,
      laneIds: c.lanes.map((l) => l.config.id),
      rebuilt,
    };
  }
}

/** Reads weights from a .safetensors file or a TF.js pair (model.json + weights.bin). */
async function readWeightFiles(files: InputFile[]): Promise<ImportedWeights> {
  const safetensors = files.find((f) => f.name.toLowerCase().endsWith('.safetensors'));
  if (safetensors) return weightsFromSafetensors(safetensors.bytes, safetensors.name);
  const json = files.find((f) => f.name.toLowerCase().endsWith('.json'));
  const bin = files.find((f) => f.name.toLowerCase().endsWith('.bin'));
  if (json && bin) return weightsFromTfjs(json.bytes, bin.bytes);
  throw new Error(
    `choose a .safetensors file, or a TF.js model.json together with its weights.bin (got ${files.map((f) => f.name).join(', ') || 'nothing'})`,
  );
}

function summarize(id: string, dataset: Dataset, fromCache: number, fetched: number): DatasetSummary {
  const { info } = dataset;
  return {
    id,
    title: info.title,
    shape: info.shape,
    classNames: info.classNames,
    trainCount: dataset.train.count,
    testCount: dataset.test.count,
    normalization: info.normalization,
    source: info.source,
    license: info.license,
    splitNote: info.splitNote,
    fromCache,
    fetched,
  };
}
