import { disposeEvalSet, makeEvalSet, type EvalSet } from '../data/batch';
import type { JobControl } from '../control';
import { evaluationChunkSize, gradientChunkSize } from '../model/chunks';
import type { HostParams } from '../model/params';
import type { WeightsSnapshot } from '../train/snapshot';
import type { LandscapeContext } from '../landscape/compute';
import type { SurfaceResult } from '../landscape/config';

/** One lane of a snapshot: its weights and name. */
export function laneWeights(snapshot: WeightsSnapshot, laneId: string): { weights: HostParams; label: string } {
  const w = snapshot.weights.get(laneId);
  if (!w) throw new Error(`no lane "${laneId}" in this comparison`);
  return { weights: w.current, label: w.label };
}

/**
 * The evaluation subsets an analysis needs, made once and freed together: the first N training
 * samples in gradient chunks (Hessians, gradients), in batches of m, or as a landscape context.
 */
export class Subsets {
  private readonly sets: EvalSet[] = [];
  constructor(private readonly snapshot: WeightsSnapshot) {}

  private make(split: 'train' | 'test', count: number, chunk: number): EvalSet {
    const set = makeEvalSet(this.snapshot.dataset[split], this.snapshot.dataset.info, count, chunk);
    this.sets.push(set);
    return set;
  }

  forGradients(count: number): EvalSet {
    return this.make('train', count, gradientChunkSize(this.snapshot.model));
  }

  inBatches(count: number, batchSize: number): EvalSet {
    return this.make('train', count, batchSize);
  }

  landscape(trainCount: number, testCount: number): LandscapeContext {
    const { model, loss, dataset, step } = this.snapshot;
    const chunk = evaluationChunkSize(model);
    const test = testCount > 0 && dataset.test.count > 0 ? this.make('test', testCount, chunk) : null;
    return { model, loss, train: this.make('train', trainCount, chunk), test, step };
  }

  dispose(): void {
    this.sets.forEach(disposeEvalSet);
  }
}

/** Wraps a control so every finished piece of device work reports `count()` as progress. */
export function countingControl(control: JobControl, count: () => number): JobControl {
  return {
    ...control,
    exclusive: async (work) => {
      const result = await control.exclusive(work);
      control.progress(count());
      return result;
    },
  };
}

/** A copy of a surface being computed (its arrays go on filling in): what a partial result shows. */
export function surfaceSoFar(s: SurfaceResult): SurfaceResult {
  return { ...s, loss: [...s.loss], accuracy: [...s.accuracy] };
}
