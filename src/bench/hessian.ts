/**
 * The Hessian benchmark: one Hessian-vector product against one gradient (both on the same
 * evaluation subset), and the time of the top-5 eigenvalues, for the default MLP after a short
 * training run (the spectrum of trained weights, not of the initialization).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Dataset } from '../engine/data/dataset';
import { disposeEvalSet, makeEvalSet } from '../engine/data/batch';
import { Comparison } from '../engine/train/comparison';
import { defaultComparison } from '../engine/train/config';
import { describeModel, DEFAULT_MLP } from '../engine/model/spec';
import { HessianOperator } from '../engine/hessian/hvp';
import { gradientChunkSize } from '../engine/model/chunks';
import { gaussian, topEigenvalues } from '../engine/hessian/lanczos';

export interface HessianBench {
  model: string;
  backend: string;
  samples: number;
  trainedSteps: number;
  gradientSeconds: number;
  hvpSeconds: number;
  hvpOverGradient: number;
  top5Seconds: number;
  top5: number[];
  top5Iterations: number;
  top5Converged: boolean;
}

async function seconds(work: () => Promise<unknown>, repeats: number): Promise<number> {
  await work();
  const started = performance.now();
  for (let i = 0; i < repeats; i++) await work();
  return (performance.now() - started) / 1000 / repeats;
}

export async function benchHessian(dataset: Dataset, samples = 1000, trainSteps = 300): Promise<HessianBench> {
  const config = { ...defaultComparison(), lanes: defaultComparison().lanes.slice(0, 1) };
  const comparison = new Comparison(dataset, config);
  for (let done = 0; done < trainSteps; done += 50) await comparison.trainWindow(50);
  const snap = await comparison.snapshot([config.lanes[0].id]);
  comparison.dispose();
  const set = makeEvalSet(dataset.train, dataset.info, samples, gradientChunkSize(snap.model));
  const op = new HessianOperator(snap.model, snap.weights.get(config.lanes[0].id)!.current, set, 'cross-entropy');
  try {
    const v = gaussian(op.dimension, 1);
    const gradientSeconds = await seconds(() => op.gradientAtTheta(), 5);
    const hvpSeconds = await seconds(() => op.apply(v), 5);
    const started = performance.now();
    const top = await topEigenvalues(op, { k: 5, tol: 1e-3, maxIterations: 100, seed: 0 });
    const top5Seconds = (performance.now() - started) / 1000;
    return {
      model: describeModel(DEFAULT_MLP),
      backend: tf.getBackend(),
      samples: set.count,
      trainedSteps: trainSteps,
      gradientSeconds,
      hvpSeconds,
      hvpOverGradient: hvpSeconds / gradientSeconds,
      top5Seconds,
      top5: top.eigenvalues,
      top5Iterations: top.iterations,
      top5Converged: top.converged,
    };
  } finally {
    op.dispose();
    disposeEvalSet(set);
  }
}
