import * as tf from '@tensorflow/tfjs-core';
import type { JobControl } from '../control';
import type { EvalSet } from '../data/batch';
import { FrozenActivations } from '../model/activations';
import { dataLoss } from '../model/loss';
import type { Model } from '../model/model';
import { uploadParams, disposeParams } from '../model/paramTensors';
import type { HostParams } from '../model/params';
import type { LossKind } from '../model/spec';
import { HessianOperator } from '../hessian/hvp';
import { topEigenpairs } from '../hessian/lanczos';
import { norm } from '../hessian/operator';
import { computeCurve, computeSurface } from '../landscape/compute';
import type { CurveResult, SurfaceResult } from '../landscape/config';
import { randomDirection } from '../landscape/directions';
import { linspace } from '../landscape/grid';
import type { WeightsSnapshot } from '../train/snapshot';
import { deriveSeed } from '../rng';
import type { EigenSliceSettings } from './config';
import { countingControl, laneWeights, Subsets, surfaceSoFar } from './subject';
import { flatten, oriented, unflatten } from './vector';

/**
 * d²L/dα² along a direction at α = 0 by a three-point difference with a small step, beside what it
 * should equal: with the ReLU/max-pool pattern frozen at θ (the smooth function whose Hessian the
 * HVPs compute) and of the plain loss (which also picks up the kinks crossed within ±h).
 */
export interface CurvatureCheck {
  direction: string;
  /** The step h in weight units (the direction has norm 1). */
  step: number;
  secondDifference: number;
  plainSecondDifference: number;
  /** λ_i for an eigenvector, vᵀHv for the random direction (not computed: NaN). */
  expected: number;
}

export interface EigenSliceResult {
  laneId: string;
  label: string;
  step: number;
  samples: number;
  eigenvalues: number[];
  residuals: number[];
  iterations: number;
  converged: boolean;
  /** 1D slices along v1…vk, then the random filter-normalized direction scaled to norm 1 ("random"). */
  curves: CurveResult[];
  checks: CurvatureCheck[];
  surface: SurfaceResult | null;
  hvps: number;
  seconds: number;
  cancelled: boolean;
}

/** An HVP (two gradients) costs about as much as this many forward evaluations of a sample (progress units). */
const HVP_COST = 6;

/**
 * Relative size of the curvature check's step: h = CHECK_STEP · max(‖θ‖, 1). On a small test CNN
 * the plain loss's second difference was 24% off λ1 at 1e-2 (kinks crossed within ±h), 4% at 1e-3;
 * with the pattern frozen it is within 1% at 1e-3, and at 3e-4 float32 rounding of the loss takes over.
 */
const CHECK_STEP = 1e-3;

/** HVPs plus loss point-samples of one lane, for progress. */
export function eigenSliceWork(settings: EigenSliceSettings, trainCount: number, testCount: number): number {
  const curves = (settings.directions + 1) * settings.curvePoints * (trainCount + testCount);
  const surface = settings.surface && settings.directions >= 2 ? settings.surfacePoints ** 2 * trainCount : 0;
  return HVP_COST * settings.maxIterations * trainCount + curves + surface + (settings.directions + 1) * 3 * trainCount;
}

/** (L(θ+hv) + L(θ−hv) − 2L(θ)) / h² with every chunk's activation pattern frozen at θ. */
async function frozenSecondDifference(
  model: Model,
  set: EvalSet,
  loss: LossKind,
  weights: HostParams,
  direction: HostParams,
  h: number,
): Promise<number> {
  const theta = uploadParams(model.params, weights);
  const v = uploadParams(model.params, direction);
  try {
    const total = tf.tidy(() => {
      const moved = (c: number) => Object.fromEntries(model.params.map((p) => [p.name, tf.add(theta[p.name], tf.mul(v[p.name], c))]));
      const plus = moved(h);
      const minus = moved(-h);
      let sum: tf.Tensor = tf.scalar(0);
      for (const chunk of set.chunks) {
        const pattern = new FrozenActivations();
        const at = (params: typeof theta) => dataLoss(loss, model.forward(params, chunk.x, pattern).logits, chunk.y);
        const centre = at(theta);
        pattern.freeze();
        const second = tf.sub(tf.add(at(plus), at(minus)), tf.mul(centre, 2));
        sum = tf.add(sum, tf.mul(second, chunk.size / set.count));
        pattern.dispose();
      }
      return sum;
    });
    const [value] = await total.data();
    total.dispose();
    return value / (h * h);
  } finally {
    disposeParams(theta);
    disposeParams(v);
  }
}

/**
 * Slices of one lane's loss along its Hessian's top eigenvectors (Lanczos Ritz vectors, unit norm)
 * and along a random filter-normalized direction scaled to norm 1, on the same α axis in weight
 * units: the sharpest direction next to a typical one (docs/ALGORITHMS.md, "Eigen-direction slices").
 */
export async function eigenSlices(
  snapshot: WeightsSnapshot,
  laneId: string,
  settings: EigenSliceSettings,
  control: JobControl,
  onUpdate: (partial: EigenSliceResult) => void = () => undefined,
): Promise<EigenSliceResult> {
  const started = performance.now();
  const { model, loss } = snapshot;
  const { weights, label } = laneWeights(snapshot, laneId);
  const subsets = new Subsets(snapshot);
  const trainCount = Math.min(settings.samples, snapshot.dataset.train.count);
  const hessianSet = subsets.forGradients(trainCount);
  const op = new HessianOperator(model, weights, hessianSet, loss);
  const done = { value: 0 };
  const result: EigenSliceResult = {
    laneId,
    label,
    step: snapshot.step,
    samples: hessianSet.count,
    eigenvalues: [],
    residuals: [],
    iterations: 0,
    converged: false,
    curves: [],
    checks: [],
    surface: null,
    hvps: 0,
    seconds: 0,
    cancelled: false,
  };
  const finish = () => {
    result.hvps = op.hvps;
    result.seconds = (performance.now() - started) / 1000;
    result.cancelled = control.cancelled();
    return result;
  };
  try {
    const top = await topEigenpairs(
      op,
      { k: settings.directions, tol: 1e-4, maxIterations: settings.maxIterations, seed: settings.seed },
      countingControl(control, () => HVP_COST * op.hvps * hessianSet.count),
    );
    done.value = HVP_COST * settings.maxIterations * hessianSet.count;
    Object.assign(result, {
      eigenvalues: top.pairs.map((p) => p.value),
      residuals: top.pairs.map((p) => p.residual),
      iterations: top.iterations,
      converged: top.converged,
    });
    if (control.cancelled() || top.pairs.length === 0) return finish();
    const ctx = subsets.landscape(trainCount, settings.testSamples);
    const theta = flatten(model.params, weights);
    const random = flatten(model.params, randomDirection(model.params, weights, deriveSeed(settings.seed, 'eigen-slices/random')));
    const randomNorm = norm(random);
    const directions = [
      ...top.pairs.map((p, i) => ({
        key: `v${i + 1}`,
        name: `v${i + 1} (λ${i + 1} = ${p.value.toPrecision(4)})`,
        vector: oriented(p.vector),
      })),
      { key: 'random', name: 'random (filter-normalized, norm 1)', vector: random.map((x) => x / randomNorm) },
    ];
    const alphas = linspace(settings.range[0], settings.range[1], settings.curvePoints);
    const h = CHECK_STEP * Math.max(norm(theta), 1);
    for (const [i, d] of directions.entries()) {
      if (control.cancelled()) return finish();
      const source = {
        key: `${laneId}:${d.key}`,
        label: `${label}: ${d.name}`,
        kind: 'curve' as const,
        origin: weights,
        direction: unflatten(model.params, d.vector),
      };
      const curve = await computeCurve(ctx, source, alphas, control, done);
      result.curves.push(curve);
      const check = await computeCurve({ ...ctx, test: null }, source, [-h, 0, h], control, done);
      const [lm, l0, lp] = check.train.loss;
      const frozen = await control.exclusive(() => frozenSecondDifference(model, hessianSet, loss, weights, source.direction, h));
      result.checks.push({
        direction: d.key,
        step: h,
        secondDifference: frozen,
        plainSecondDifference: (lp + lm - 2 * l0) / (h * h),
        expected: result.eigenvalues[i] ?? NaN,
      });
      control.progress(done.value);
      onUpdate(result);
    }
    if (settings.surface && directions.length >= 3 && !control.cancelled()) {
      result.surface = await computeSurface(
        { ...ctx, test: null },
        {
          laneId,
          origin: weights,
          directions: [unflatten(model.params, directions[0].vector), unflatten(model.params, directions[1].vector)],
        },
        settings.range,
        settings.surfacePoints,
        'train',
        control,
        (s) => {
          result.surface = surfaceSoFar(s);
          onUpdate(result);
        },
        done,
      );
    }
    return finish();
  } finally {
    op.dispose();
    subsets.dispose();
  }
}
