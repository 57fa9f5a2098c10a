import type { JobControl } from '../control';
import { disposeEvalSet, makeEvalSet } from '../data/batch';
import type { Dataset } from '../data/dataset';
import type { HostParams } from '../model/params';
import type { LossKind } from '../model/spec';
import type { Model } from '../model/model';
import { gradientChunkSize } from '../model/chunks';
import type { WeightsSnapshot } from '../train/snapshot';
import type { HessianResult, HessianSettings } from './config';
import { spectralDensity } from './density';
import { HessianOperator } from './hvp';
import { topEigenvalues } from './lanczos';
import { hutchinsonTrace } from './trace';

/** One lane's weights and what they are of: the subject of a Hessian analysis. */
export interface HessianSubject {
  model: Model;
  loss: LossKind;
  dataset: Dataset;
  laneId: string;
  label: string;
  step: number;
  weights: HostParams;
}

/** A lane of a snapshot as the subject of a Hessian analysis. */
export function hessianSubject(snapshot: WeightsSnapshot, laneId: string): HessianSubject {
  const w = snapshot.weights.get(laneId);
  if (!w) throw new Error(`the snapshot has no lane "${laneId}"`);
  const { model, loss, dataset, step } = snapshot;
  return { model, loss, dataset, laneId, label: w.label, step, weights: w.current };
}

/** HVPs a full analysis may take at most (for progress): Lanczos + Hutchinson + SLQ. */
export function hessianBudget(settings: HessianSettings): number {
  return (
    settings.maxIterations +
    (settings.trace ? settings.traceMaxSamples : 0) +
    (settings.density ? settings.densityRuns * settings.densitySteps : 0)
  );
}

/**
 * Top-k eigenvalues, trace and spectral density of the Hessian of the mean training loss on the
 * first `samples` training samples, at the given weights. `progress` receives HVPs done.
 */
export async function analyseHessian(subject: HessianSubject, settings: HessianSettings, control: JobControl): Promise<HessianResult> {
  const started = performance.now();
  const set = makeEvalSet(subject.dataset.train, subject.dataset.info, settings.samples, gradientChunkSize(subject.model));
  const op = new HessianOperator(subject.model, subject.weights, set, subject.loss);
  const counted: JobControl = {
    ...control,
    exclusive: async (work) => {
      const result = await control.exclusive(work);
      control.progress(op.hvps);
      return result;
    },
  };
  try {
    const top = await topEigenvalues(
      op,
      { k: settings.topK, tol: settings.tol, maxIterations: settings.maxIterations, seed: settings.seed },
      counted,
    );
    const trace =
      settings.trace && !control.cancelled()
        ? await hutchinsonTrace(
            op,
            {
              tol: settings.traceTol,
              minSamples: Math.min(10, settings.traceMaxSamples),
              maxSamples: settings.traceMaxSamples,
              seed: settings.seed + 1,
            },
            counted,
          )
        : null;
    const density =
      settings.density && !control.cancelled()
        ? await spectralDensity(
            op,
            {
              runs: settings.densityRuns,
              steps: settings.densitySteps,
              seed: settings.seed + 2,
              broadening: settings.broadening,
              points: 400,
            },
            counted,
          )
        : null;
    return {
      laneId: subject.laneId,
      label: subject.label,
      step: subject.step,
      samples: set.count,
      settings,
      top,
      trace,
      density,
      hvps: op.hvps,
      gradients: op.gradients,
      seconds: (performance.now() - started) / 1000,
      cancelled: control.cancelled(),
    };
  } finally {
    op.dispose();
    disposeEvalSet(set);
  }
}
