/**
 * Live curvature of every lane during training. At each tracking step the lanes' weights are taken
 * (a snapshot), and each lane's λmax and Tr(H) are measured on a fixed subset (the first N training
 * samples) one HVP at a time, in slices the caller spreads between training windows, so training
 * never waits for a whole measurement. A measurement belongs to the step its weights were taken at.
 *
 * - λmax: Lanczos warm-started from the lane's previous top Ritz vectors, stopped when the top Ritz
 *   pair's residual ‖Hy − θy‖ is within `tol`·θ (at least MIN_LANCZOS steps, at most `iterations`).
 *   The start is the sum of the previous top-3 Ritz vectors plus a seeded random part: the top vector
 *   alone misses λmax when the top two eigenvalues swap between measurements (measured on the default
 *   comparison every 10 steps, 474 points: 9 off by more than 5% from the top vector alone, 1 from
 *   this start, 3 from a cold one; 6.2 Lanczos steps on average against 7.4 cold).
 *   The residual is the uncertainty shown: some eigenvalue lies within it of θ, and θ ≤ λmax.
 * - Tr(H) = Tr(QᵀHQ) + Tr(PHP), P = I − QQᵀ, Q the Lanczos basis: the first part is Σα exactly, the
 *   second Hutchinson with Rademacher vectors projected by P (unbiased; the top directions, which
 *   dominate Hutchinson's variance, are taken out). Its standard error is the uncertainty shown.
 * - The live slice (when on): the loss on the same samples along a random filter-normalized
 *   direction through the lane's weights, at 21 points of α ∈ [−1, 1] (landscape/liveSlice.ts).
 */
import type { JobControl } from '../control';
import { disposeEvalSet, makeEvalSet } from '../data/batch';
import { pieceChunkSize } from '../model/chunks';
import type { HessianSubject } from './analysis';
import type { HessianTracking } from './config';
import { HessianOperator } from './hvp';
import { gaussian, lanczos, topRitz } from './lanczos';
import { hutchinsonTrace } from './trace';
import { applyUnder, axpy, dot, norm, type SymmetricOperator } from './operator';
import { SlicedJob } from './sliced';
import { LIVE_SLICE_ALPHAS, liveSlice } from '../landscape/liveSlice';

const MIN_LANCZOS = 3;
const WARM_VECTORS = 3;

/** Where on the x axes a tracked point goes: the lane's counters when its weights were taken. */
export interface TrackedAt {
  laneId: string;
  step: number;
  gradEvals: number;
  wallSeconds: number;
}

interface Measured {
  lambdaMax: number;
  /** ‖Hy − θy‖ of the top Ritz pair. */
  lambdaResidual: number;
  lanczosSteps: number;
  trace: number;
  traceStdError: number;
  hvps: number;
  /** Training samples measured on (the first N of the split). */
  samples: number;
  /** Loss along the live slice at LIVE_SLICE_ALPHAS (null when the slice is off). */
  slice: number[] | null;
  /** The top Ritz vectors, largest first (at most WARM_VECTORS): the next measurement's warm start. */
  vectors: Float64Array[];
}

export type TrackedCurvature = TrackedAt & Omit<Measured, 'vectors'>;

/** A lane's live slice at a tracking step: loss at each α. */
export interface TrackedSlice extends TrackedAt {
  alphas: number[];
  loss: number[];
  samples: number;
}

/** The live slice of a measurement, if it has one. */
export function sliceOf(t: TrackedCurvature): TrackedSlice | null {
  if (!t.slice) return null;
  const { laneId, step, gradEvals, wallSeconds, samples } = t;
  return { laneId, step, gradEvals, wallSeconds, alphas: [...LIVE_SLICE_ALPHAS], loss: t.slice, samples };
}

/** P·A·P with P = I − QQᵀ the projection off an orthonormal basis Q: zᵀ(PAP)z is Hutchinson's sample of Tr(PAP). */
function projectedOff(op: SymmetricOperator, basis: readonly Float64Array[]): SymmetricOperator {
  const project = (v: Float64Array) => {
    const out = Float64Array.from(v);
    for (const q of basis) axpy(out, -dot(out, q), q);
    return out;
  };
  return {
    dimension: op.dimension,
    apply: async (v) => project(await op.apply(project(v))),
    applyInPieces: async (v, control) => project(await applyUnder(op, project(v), control)),
  };
}

/** Σ of the unit previous Ritz vectors, plus a seeded Gaussian of norm ½·√(their count). */
function warmStart(vectors: readonly Float64Array[], seed: number): Float64Array {
  const n = vectors[0].length;
  const start = new Float64Array(n);
  for (const v of vectors) axpy(start, 1 / norm(v), v);
  const noise = gaussian(n, seed);
  axpy(start, (0.5 * Math.sqrt(vectors.length)) / norm(noise), noise);
  return start;
}

/** One lane's λmax and trace at its weights now, warm-started from `warm` (previous Ritz vectors) when they fit. */
export async function measureCurvature(
  subject: HessianSubject,
  tracking: HessianTracking,
  warm: readonly Float64Array[] | null,
  control: JobControl,
): Promise<Measured> {
  const set = makeEvalSet(subject.dataset.train, subject.dataset.info, tracking.samples, pieceChunkSize(subject.model, tracking.samples));
  const op = new HessianOperator(subject.model, subject.weights, set, subject.loss);
  try {
    const start =
      warm && warm.length > 0 && warm[0].length === op.dimension ? warmStart(warm, subject.step) : gaussian(op.dimension, subject.step);
    const run = await lanczos(op, start, tracking.iterations, control, (r) => {
      if (r.alphas.length < MIN_LANCZOS) return false;
      const [top] = topRitz(r, 1, false);
      return top.residual <= tracking.tol * Math.abs(top.value);
    });
    const ritz = topRitz(run, WARM_VECTORS, true);
    const top = ritz[0];
    const rest = await hutchinsonTrace(
      projectedOff(op, run.basis),
      { tol: 0, minSamples: tracking.traceSamples, maxSamples: tracking.traceSamples, seed: subject.step + 1 },
      control,
    );
    const slice = tracking.slice ? await liveSlice(subject.model, subject.weights, set, subject.loss, control) : null;
    return {
      lambdaMax: top.value,
      lambdaResidual: top.residual,
      lanczosSteps: run.alphas.length,
      trace: run.alphas.reduce((a, b) => a + b, 0) + rest.trace,
      traceStdError: rest.stdError,
      hvps: op.hvps,
      samples: set.count,
      slice,
      vectors: ritz.map((p) => p.vector),
    };
  } finally {
    op.dispose();
    disposeEvalSet(set);
  }
}

interface Queued {
  at: TrackedAt;
  subject: HessianSubject;
}

/** The queue of measurements and the warm starts of every lane; see the module comment. */
export class CurvatureTracker {
  private queue: Queued[] = [];
  private running: { item: Queued; job: SlicedJob<Measured> } | null = null;
  private readonly warm = new Map<string, Float64Array[]>();
  /** Measurements skipped because the previous round was still being measured. */
  skipped = 0;

  constructor(public settings: HessianTracking) {}

  /** Measurements waiting or running. */
  get pending(): number {
    return this.queue.length + (this.running ? 1 : 0);
  }

  /**
   * Queues a round of measurements (every lane at one step). A round that arrives while the previous
   * one is still being measured is skipped whole: every round on the charts has every lane, at the
   * same step, and none starves.
   */
  enqueue(items: Queued[]): void {
    if (this.pending > 0) {
      this.skipped += items.length;
      return;
    }
    this.queue = [...items];
  }

  /** Runs slices (one HVP each) for about `ms` (at least one when ms > 0); the measurements that ended. */
  async work(ms: number): Promise<TrackedCurvature[]> {
    const done: TrackedCurvature[] = [];
    const started = performance.now();
    while (ms > 0 && performance.now() - started < ms) {
      if (!this.running) {
        const item = this.queue.shift();
        if (!item) break;
        const warm = this.warm.get(item.at.laneId) ?? null;
        this.running = { item, job: new SlicedJob((control) => measureCurvature(item.subject, this.settings, warm, control)) };
      }
      const { item, job } = this.running;
      if (!(await job.advance())) continue;
      this.running = null;
      const measured = await job.result();
      this.warm.set(item.at.laneId, measured.vectors);
      const { vectors: _vectors, ...values } = measured;
      done.push({ ...item.at, ...values });
    }
    return done;
  }

  /** Every queued measurement to its end. */
  drain(): Promise<TrackedCurvature[]> {
    return this.work(Infinity);
  }

  /** Drops the queue, stops the running measurement (freeing its tensors) and forgets the warm starts. */
  async clear(): Promise<void> {
    this.queue = [];
    const running = this.running;
    this.running = null;
    if (running) await running.job.cancel();
    this.warm.clear();
  }

  /** A lane removed or restarted: its warm start no longer applies. */
  forget(laneId: string): void {
    this.warm.delete(laneId);
    this.queue = this.queue.filter((q) => q.at.laneId !== laneId);
  }
}
