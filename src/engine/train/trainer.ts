/**
 * Drives a comparison: windows of lockstep steps that never cross a logging, test, tracking or
 * checkpoint step; the metric points of each window; test points; λmax/trace tracking (measured
 * in slices between windows by `track`, see hessian/tracker.ts); the
 * in-memory checkpoints a lost GPU falls back to; and the one-shot optimum shift with its report.
 * The worker host and the headless runner both train through it; it returns plain values and
 * leaves events and timing of the play loop to its caller.
 */
import type { Dataset } from '../data/dataset';
import { DIRECT_CONTROL } from '../control';
import { analyseHessian, hessianSubject, type HessianSubject } from '../hessian/analysis';
import { CurvatureTracker, sliceOf, type TrackedCurvature, type TrackedSlice } from '../hessian/tracker';
import type { HessianSettings, HessianTracking } from '../hessian/config';
import { MetricAggregator, testPoints, windowLength } from './aggregator';
import { DeferredTest } from './deferredTest';
import { Comparison, type ComparisonCheckpoint, type ShiftReport } from './comparison';
import type { ComparisonConfig, LaneConfig } from './config';
import type { MetricPoint } from './metrics';
import type { Divergence } from './records';
import { DEFAULT_TRAJECTORY, TrajectoryRecorder, type TrajectoryOptions } from './trajectories';
import { readFlat } from '../model/paramTensors';

/** Top eigenvalues and trace of a lane's Hessian (before or after an optimum shift). */
export interface CurvatureSummary {
  eigenvalues: number[];
  trace: number;
  stdError: number;
  samples: number;
}

export interface ShiftReportWithHessian extends ShiftReport {
  hessian?: { before: CurvatureSummary; after: CurvatureSummary };
}

/** What a slice of tracking gave: metric points and each measured lane's live slice. */
export interface TrackOutcome {
  points: MetricPoint[];
  slices: TrackedSlice[];
}

/** What a window of training gave: its steps, its metric points and the lanes that diverged in it. */
export interface WindowOutcome {
  steps: number;
  points: MetricPoint[];
  diverged: Array<{ laneId: string; divergence: Divergence }>;
}

export interface TrainerSummary {
  parameterCount: number;
  featureSize: number;
  stepsPerEpoch: number;
  totalSteps: number;
  step: number;
  laneIds: string[];
}

export interface TrainerOptions {
  /** Steps between in-memory checkpoints (and one at step 0); null: none (headless runs). */
  checkpointEvery: number | null;
  /** λmax and Tr(H) of every lane every N steps as metrics; null: off. */
  tracking?: HessianTracking | null;
  /**
   * Test evaluations after step 0 are taken at their step and computed in pieces by `background`
   * (the app: training never waits for a test split); otherwise within the window (headless).
   */
  deferTests?: boolean;
  /** Weight snapshots of every lane for the trajectory plane (default: every 20 steps within 64 MiB); null: none. */
  trajectory?: TrajectoryOptions | null;
  /** Snapshots to go on with (a trainer rebuilt from a checkpoint keeps those up to its step). */
  trajectories?: TrajectoryRecorder | null;
}

/** Steps between in-memory checkpoints of every lane by default (what a lost GPU falls back to). */
export const DEFAULT_CHECKPOINT_EVERY = 100;

export class Trainer {
  readonly comparison: Comparison;
  checkpointEvery: number | null;
  /** Every lane off the device, taken every `checkpointEvery` steps (and at step 0). */
  checkpoint: ComparisonCheckpoint | null = null;
  private readonly aggregator: MetricAggregator;
  private tracker: CurvatureTracker | null = null;
  private readonly deferTests: boolean;
  private pendingTest: DeferredTest | null = null;
  /** The lanes' weight snapshots for the trajectory plane (null: not recorded). */
  readonly trajectories: TrajectoryRecorder | null;

  /** Builds the comparison; call `start()` for its step-0 points and checkpoint. */
  constructor(source: Dataset, config: ComparisonConfig, options: TrainerOptions) {
    this.comparison = new Comparison(source, config);
    this.aggregator = new MetricAggregator(config.logEvery);
    this.checkpointEvery = options.checkpointEvery;
    this.deferTests = options.deferTests ?? false;
    if (options.tracking) this.tracker = new CurvatureTracker(options.tracking);
    const trajectory = options.trajectory === undefined ? DEFAULT_TRAJECTORY : options.trajectory;
    this.trajectories = options.trajectories ?? (trajectory ? new TrajectoryRecorder(trajectory) : null);
  }

  get tracking(): HessianTracking | null {
    return this.tracker?.settings ?? null;
  }

  /** Turns tracking on, changes its settings (measurements under way finish with the new ones) or off. */
  async setTracking(tracking: HessianTracking | null): Promise<void> {
    if (!tracking) {
      await this.tracker?.clear();
      this.tracker = null;
    } else if (this.tracker) this.tracker.settings = tracking;
    else this.tracker = new CurvatureTracker(tracking);
  }

  /** Measurements waiting for `track`. */
  get trackingPending(): number {
    return this.tracker?.pending ?? 0;
  }

  /** A deferred test evaluation is waiting for `testPiece`. */
  get testPending(): boolean {
    return this.pendingTest !== null;
  }

  /** One piece (a chunk of one lane) of the pending test evaluation; its points once the last piece is in. */
  async testPiece(): Promise<MetricPoint[]> {
    const test = this.pendingTest;
    if (!test) return [];
    const points = await test.advance();
    if (test.done) this.pendingTest = null;
    return points;
  }

  /** The pending test evaluation to its end (before anything that changes the lanes or the test set). */
  async finishTest(): Promise<MetricPoint[]> {
    const test = this.pendingTest;
    this.pendingTest = null;
    return test ? test.finish() : [];
  }

  /** Curvature work for about `ms` (Infinity: every queued measurement); what the measurements that ended gave. */
  async track(ms: number): Promise<TrackOutcome> {
    if (!this.tracker) return { points: [], slices: [] };
    const sigmaOf = (laneId: string) => noiseSigma(this.comparison.lanes.find((l) => l.config.id === laneId)?.config);
    const done = await this.tracker.work(ms);
    return {
      points: done.flatMap((t) => trackedPoints(t, sigmaOf(t.laneId))),
      slices: done.flatMap((t) => sliceOf(t) ?? []),
    };
  }

  /** Goes on from a checkpoint taken by a trainer of the same structure (e.g. on a new backend). */
  static fromCheckpoint(source: Dataset, config: ComparisonConfig, checkpoint: ComparisonCheckpoint, options: TrainerOptions): Trainer {
    const trainer = new Trainer(source, config, options);
    trainer.comparison.restore(checkpoint);
    trainer.checkpoint = checkpoint;
    trainer.trajectories?.dropAfter(checkpoint.step);
    return trainer;
  }

  get config(): ComparisonConfig {
    return this.comparison.config;
  }

  get finished(): boolean {
    return this.comparison.step >= this.comparison.totalSteps;
  }

  /** Step 0: the checkpoint and every lane's test point. */
  async start(): Promise<MetricPoint[]> {
    await this.takeCheckpoint();
    await this.recordTrajectories();
    return this.testPoints();
  }

  /** Back to step 0 with the same settings: fresh weights and optimizers, metrics from scratch. */
  async reset(): Promise<MetricPoint[]> {
    this.dropTest();
    await this.tracker?.clear();
    this.comparison.reset();
    this.aggregator.reset();
    this.trajectories?.clear();
    return this.start();
  }

  /** Settings that keep the weights (see Comparison.applyConfig); lanes added at step 0 get their step-0 test point. */
  async reconfigure(config: ComparisonConfig): Promise<MetricPoint[]> {
    const finished = await this.finishTest();
    const before = new Set(this.comparison.lanes.map((l) => l.config.id));
    this.comparison.applyConfig(config);
    this.aggregator.logEvery = config.logEvery;
    const added = this.comparison.lanes.filter((l) => !before.has(l.config.id)).map((l) => l.config.id);
    const kept = new Set(this.comparison.lanes.map((l) => l.config.id));
    for (const id of before) if (!kept.has(id)) this.tracker?.forget(id);
    for (const id of before) if (!kept.has(id)) this.trajectories?.forget(id);
    return [...finished, ...(added.length > 0 ? await this.testPoints(new Set(added)) : [])];
  }

  /** Trains up to `wanted` steps, never past a logging, test, tracking or checkpoint step or the end. */
  async trainWindow(wanted: number): Promise<WindowOutcome> {
    const { comparison, tracking, checkpointEvery, tracker } = this;
    const { logEvery, testEvery } = comparison.config;
    const cadences = [checkpointEvery, tracking?.every, this.trajectories?.options.every].filter(
      (n): n is number => n !== null && n !== undefined,
    );
    const steps = windowLength(comparison.step, wanted, logEvery, testEvery, comparison.totalSteps, ...cadences);
    if (steps === 0) return { steps: 0, points: [], diverged: [] };
    const windows = await comparison.trainWindow(steps);
    const points = windows.flatMap((w) => this.aggregator.addWindow(w));
    const diverged = windows.flatMap((w) => (w.diverged ? [{ laneId: w.laneId, divergence: w.diverged }] : []));
    const step = comparison.step;
    if (step % testEvery === 0 || step === comparison.totalSteps) {
      if (this.deferTests) points.push(...(await this.deferTest()));
      else points.push(...(await this.testPoints()));
    }
    if (tracker && tracking && step % tracking.every === 0) tracker.enqueue(await this.trackingSubjects());
    if (checkpointEvery !== null && step % checkpointEvery === 0) await this.takeCheckpoint();
    if (this.trajectories?.due(step)) await this.recordTrajectories();
    return { steps, points, diverged };
  }

  /** Test loss and accuracy of the lanes (all, or `only`) at the current step. */
  async testPoints(only?: Set<string>): Promise<MetricPoint[]> {
    const { comparison } = this;
    const results = await comparison.evaluateTest(only);
    return comparison.lanes.flatMap((lane) => {
      const r = results.get(lane.config.id);
      return r ? testPoints(lane.config.id, comparison.step, lane.gradEvals, lane.seconds, r) : [];
    });
  }

  /** The named lanes' weights now, each as the subject of a Hessian analysis. */
  async hessianSubjects(laneIds: readonly string[]): Promise<HessianSubject[]> {
    const snapshot = await this.comparison.snapshot(laneIds);
    return laneIds.map((id) => hessianSubject(snapshot, id));
  }

  /**
   * A one-shot optimum shift of a lane's head on `samples` training samples, with the training loss
   * before and after and, given Hessian settings, the top eigenvalues and trace before and after.
   */
  async shiftNow(
    laneId: string,
    samples: number,
    hessian?: HessianSettings,
  ): Promise<{ report: ShiftReportWithHessian; points: MetricPoint[] }> {
    const measure = async (): Promise<CurvatureSummary | null> => {
      if (!hessian) return null;
      const [subject] = await this.hessianSubjects([laneId]);
      const r = await analyseHessian(subject, { ...hessian, density: false }, DIRECT_CONTROL);
      return { eigenvalues: r.top.eigenvalues, trace: r.trace?.trace ?? NaN, stdError: r.trace?.stdError ?? NaN, samples: r.samples };
    };
    const before = await measure();
    const report: ShiftReportWithHessian = await this.comparison.shiftNow(laneId, samples);
    const after = await measure();
    if (before && after) report.hessian = { before, after };
    const lane = this.comparison.requireLane(laneId);
    const collected = await lane.collect();
    const points = this.aggregator.addWindow({
      laneId,
      records: [],
      headNorm: collected.headNorm,
      sosEvents: collected.sosEvents,
      seconds: 0,
      gradEvals: lane.gradEvals,
      totalSeconds: lane.seconds,
    });
    return { report, points };
  }

  /** The comparison's size and progress in numbers. */
  summary(): TrainerSummary {
    const c = this.comparison;
    return {
      parameterCount: c.parameterCount,
      featureSize: c.model.featureSize,
      stepsPerEpoch: c.sampler.stepsPerEpoch,
      totalSteps: c.totalSteps,
      step: c.step,
      laneIds: c.lanes.map((l) => l.config.id),
    };
  }

  /** Frees every tensor: the comparison's, a pending test's and a measurement's under way. */
  async dispose(): Promise<void> {
    this.dropTest();
    await this.tracker?.clear();
    this.comparison.dispose();
  }

  /** Copies the lanes' weights for a test at this step; a test still pending finishes first (its points). */
  private async deferTest(): Promise<MetricPoint[]> {
    const finished = await this.finishTest();
    const { comparison } = this;
    const subjects = comparison.lanes
      .filter((lane) => !lane.diverged)
      .map((lane) => ({
        laneId: lane.config.id,
        params: DeferredTest.copy(lane.params),
        gradEvals: lane.gradEvals,
        seconds: lane.seconds,
      }));
    this.pendingTest = new DeferredTest(comparison.step, subjects, comparison.testEvalSet(), comparison.model, comparison.config.loss);
    return finished;
  }

  private dropTest(): void {
    this.pendingTest?.dispose();
    this.pendingTest = null;
  }

  /** Every training lane's weights at this step into the trajectory recorder. */
  private async recordTrajectories(): Promise<void> {
    const { comparison, trajectories } = this;
    if (!trajectories) return;
    for (const lane of comparison.lanes) {
      if (!lane.diverged) trajectories.record(lane.config.id, comparison.step, await readFlat(comparison.model.params, lane.params));
    }
  }

  private async takeCheckpoint(): Promise<void> {
    if (this.checkpointEvery !== null) this.checkpoint = await this.comparison.checkpoint();
  }

  /** Every lane still training, as the subject of a tracking measurement at this step. */
  private async trackingSubjects() {
    const { comparison } = this;
    const lanes = comparison.lanes.filter((l) => !l.diverged);
    const subjects = await this.hessianSubjects(lanes.map((l) => l.config.id));
    return lanes.map((lane, i) => ({
      at: { laneId: lane.config.id, step: comparison.step, gradEvals: lane.gradEvals, wallSeconds: lane.seconds },
      subject: subjects[i],
    }));
  }
}

/** The noise σ of a noise-injecting lane (NSO, WP-SGD), else null. */
function noiseSigma(lane: LaneConfig | undefined): number | null {
  const method = lane?.method;
  return method && (method.kind === 'nso' || method.kind === 'wpsgd') ? method.sigma : null;
}

/**
 * A tracked measurement as metric points: λmax and the trace with their uncertainties, and for a
 * noise-injecting lane the second-order prediction σ²/2·Tr(H) of its logged perturbation gap.
 */
function trackedPoints(t: TrackedCurvature, sigma: number | null): MetricPoint[] {
  const at = { laneId: t.laneId, step: t.step, gradEvals: t.gradEvals, wallSeconds: t.wallSeconds };
  const points: MetricPoint[] = [
    { ...at, metric: 'hess_lmax', value: t.lambdaMax },
    { ...at, metric: 'hess_lmax_resid', value: t.lambdaResidual },
    { ...at, metric: 'hess_trace', value: t.trace },
    { ...at, metric: 'hess_trace_se', value: t.traceStdError },
  ];
  if (sigma !== null) points.push({ ...at, metric: 'nso_gap_expected', value: ((sigma * sigma) / 2) * t.trace });
  return points;
}
