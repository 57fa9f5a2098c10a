import type { EvalSet } from '../data/batch';
import type { LossKind } from '../model/spec';
import type { Model } from '../model/model';
import type { CurveResult, CurveValues, SurfaceResult } from './config';
import type { HostParams } from '../model/params';
import { evaluatePointsFast, evaluatePointsNaive, type PointValues } from './evaluate';
import { firstLayerWidth } from '../model/chunks';
import { AffineFamily } from './family';
import { gridLevels, levelIndices, linspace } from './grid';

import { DIRECT_CONTROL, type JobControl } from '../control';

export type { JobControl };

export interface LandscapeContext {
  model: Model;
  loss: LossKind;
  train: EvalSet;
  test: EvalSet | null;
  /** 'naive' runs the per-point reference loop (for checks and the benchmark). */
  path?: 'fast' | 'naive';
  /** The training step the weights were taken at (stamped on every result; 0 when not from a run). */
  step?: number;
}

/** Work of the first pass in first-layer floats: 256 points of the default MLP on 2,000 samples. */
const FIRST_PASS_WORK = 2 ** 26;
/** Later passes are sized from the measured speed to take about this long (progress, cancel). */
const PASS_SECONDS = 1;

/**
 * Splits work into passes: the first sized by a work estimate, the next ones from the measured
 * time per point, so a slow backend still reports progress and cancels within about a second.
 */
class PassSizer {
  private secondsPerPoint = NaN;
  constructor(private readonly first: number) {}

  static for(model: Model, samples: number): PassSizer {
    return new PassSizer(Math.max(4, Math.min(512, Math.round(FIRST_PASS_WORK / (samples * firstLayerWidth(model))))));
  }

  next(): number {
    if (!Number.isFinite(this.secondsPerPoint)) return this.first;
    return Math.max(1, Math.min(1024, Math.round(PASS_SECONDS / this.secondsPerPoint)));
  }

  measured(points: number, seconds: number): void {
    if (points > 0) this.secondsPerPoint = seconds / points;
  }
}

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await work();
  return [result, (performance.now() - started) / 1000];
}

function evaluatePoints(ctx: LandscapeContext, family: AffineFamily, set: EvalSet, coords: number[][]): Promise<PointValues> {
  return (ctx.path === 'naive' ? evaluatePointsNaive : evaluatePointsFast)(ctx.model, family, set, coords, ctx.loss);
}

/** Loss and accuracy at `alphas` along one direction, in passes; NaN where cancelled before computing. */
function evaluateAxis(
  ctx: LandscapeContext,
  family: AffineFamily,
  set: EvalSet,
  alphas: number[],
  control: JobControl,
  done: { value: number },
): Promise<CurveValues & { complete: boolean }> {
  return evaluateCoords(
    ctx,
    family,
    set,
    alphas.map((a) => [a]),
    control,
    done,
  );
}

/**
 * Loss and accuracy at points of an affine family given by their coordinates, in passes sized to
 * about a second each (progress, cancel); NaN where cancelled before computing.
 */
export async function evaluateCoords(
  ctx: LandscapeContext,
  family: AffineFamily,
  set: EvalSet,
  points: number[][],
  control: JobControl,
  done: { value: number },
): Promise<CurveValues & { complete: boolean }> {
  const out = { loss: points.map(() => NaN), accuracy: points.map(() => NaN), complete: true };
  const sizer = PassSizer.for(ctx.model, set.count);
  for (let s = 0, size = sizer.next(); s < points.length; s += size, size = sizer.next()) {
    if (control.cancelled()) return { ...out, complete: false };
    const coords = points.slice(s, s + size);
    const [values, seconds] = await control.exclusive(() => timed(() => evaluatePoints(ctx, family, set, coords)));
    sizer.measured(coords.length, seconds);
    values.loss.forEach((v, k) => {
      out.loss[s + k] = v;
      out.accuracy[s + k] = values.accuracy[k];
    });
    done.value += coords.length * set.count;
    control.progress(done.value);
  }
  return out;
}

export interface CurveSource {
  key: string;
  label: string;
  kind: CurveResult['kind'];
  origin: HostParams;
  direction: HostParams;
}

/** L(θ + α d) (or the interpolation θ1 + α(θ2 − θ1)) on the training subset and, if given, the test subset. */
export async function computeCurve(
  ctx: LandscapeContext,
  source: CurveSource,
  alphas: number[],
  control: JobControl = DIRECT_CONTROL,
  done = { value: 0 },
): Promise<CurveResult> {
  const started = performance.now();
  const family = new AffineFamily(ctx.model.params, source.origin, [source.direction]);
  try {
    const train = await evaluateAxis(ctx, family, ctx.train, alphas, control, done);
    const test = ctx.test && train.complete ? await evaluateAxis(ctx, family, ctx.test, alphas, control, done) : null;
    return {
      kind: source.kind,
      step: ctx.step ?? 0,
      key: source.key,
      label: source.label,
      alphas,
      train: { loss: train.loss, accuracy: train.accuracy },
      test: test ? { loss: test.loss, accuracy: test.accuracy } : null,
      samples: { train: ctx.train.count, test: ctx.test?.count ?? 0 },
      seconds: (performance.now() - started) / 1000,
      cancelled: !train.complete || (test !== null && !test.complete) || (ctx.test !== null && test === null),
    };
  } finally {
    family.dispose();
  }
}

export interface SurfaceSource {
  laneId: string;
  origin: HostParams;
  directions: [HostParams, HostParams];
}

/**
 * L(θ + α d1 + β d2) on an n x n grid over range², coarse to fine (a 13 x 13 preview, then finer
 * levels), calling `onUpdate` after every pass with everything computed so far. A cancelled grid
 * keeps what it has; `level` says which sub-grid is complete.
 */
export async function computeSurface(
  ctx: LandscapeContext,
  source: SurfaceSource,
  range: [number, number],
  n: number,
  split: 'train' | 'test' = 'train',
  control: JobControl = DIRECT_CONTROL,
  onUpdate: (result: SurfaceResult) => void = () => undefined,
  done = { value: 0 },
): Promise<SurfaceResult> {
  const started = performance.now();
  const axis = linspace(range[0], range[1], n);
  const set = split === 'test' ? ctx.test : ctx.train;
  if (!set) throw new Error('a surface on the test split needs test samples (set "test subset" above 0)');
  const result: SurfaceResult = {
    laneId: source.laneId,
    step: ctx.step ?? 0,
    alphas: axis,
    betas: axis,
    loss: Array(n * n).fill(NaN),
    accuracy: Array(n * n).fill(NaN),
    split,
    samples: set.count,
    level: [],
    computed: 0,
    total: n * n,
    seconds: 0,
    cancelled: false,
  };
  const family = new AffineFamily(ctx.model.params, source.origin, source.directions);
  const sizer = PassSizer.for(ctx.model, set.count);
  try {
    levels: for (const level of gridLevels(n)) {
      for (let s = 0, size = sizer.next(); s < level.points.length; s += size, size = sizer.next()) {
        if (control.cancelled()) {
          result.cancelled = true;
          break levels;
        }
        const points = level.points.slice(s, s + size);
        const coords = points.map(([i, j]) => [axis[i], axis[j]]);
        const [values, seconds] = await control.exclusive(() => timed(() => evaluatePoints(ctx, family, set, coords)));
        sizer.measured(points.length, seconds);
        points.forEach(([i, j], k) => {
          result.loss[j * n + i] = values.loss[k];
          result.accuracy[j * n + i] = values.accuracy[k];
        });
        result.computed += points.length;
        if (s + size >= level.points.length) result.level = levelIndices(n, level.size);
        result.seconds = (performance.now() - started) / 1000;
        done.value += points.length * set.count;
        control.progress(done.value);
        onUpdate(result);
      }
      if (level.points.length === 0) result.level = levelIndices(n, level.size);
    }
  } finally {
    family.dispose();
  }
  result.seconds = (performance.now() - started) / 1000;
  return result;
}
