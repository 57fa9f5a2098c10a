import { disposeEvalSet, makeEvalSet } from '../src/engine/data/batch';
import type { Dataset } from '../src/engine/data/dataset';
import { ModelObjective } from '../src/engine/analyses/objective';
import { flatten, unflatten } from '../src/engine/analyses/vector';
import { initParams } from '../src/engine/model/init';
import type { Model } from '../src/engine/model/model';
import type { HostParams } from '../src/engine/model/params';
import { disposeParams, readParams } from '../src/engine/model/paramTensors';
import { createModel } from '../src/engine/model/registry';
import type { LossKind, ModelSpec } from '../src/engine/model/spec';
import type { WeightsSnapshot } from '../src/engine/train/snapshot';

/** A model's initial weights after `steps` of full-batch gradient descent on the first `samples` training samples. */
export async function trainedWeights(
  model: Model,
  data: Dataset,
  loss: LossKind,
  seed: number,
  steps: number,
  learningRate = 0.2,
  samples = 120,
): Promise<HostParams> {
  const params = initParams(model.params, seed);
  const initial = await readParams(params);
  disposeParams(params);
  const set = makeEvalSet(data.train, data.info, samples);
  const objective = new ModelObjective(model, set, loss);
  const theta = flatten(model.params, initial);
  for (let s = 0; s < steps; s++) {
    const { gradient } = await objective.gradient(theta, null);
    for (let i = 0; i < theta.length; i++) theta[i] -= learningRate * gradient[i];
  }
  disposeEvalSet(set);
  return unflatten(model.params, theta);
}

export interface Lane {
  id: string;
  seed: number;
  steps: number;
}

/** A snapshot of lanes trained from their own seeds (as the analyses receive it from a comparison). */
export async function snapshotOf(
  spec: ModelSpec,
  data: Dataset,
  loss: LossKind,
  lanes: Lane[],
  classes = data.info.classNames.length,
): Promise<WeightsSnapshot> {
  const model = createModel(spec, data.info.shape, classes);
  const weights: WeightsSnapshot['weights'] = new Map();
  for (const lane of lanes) {
    const current = await trainedWeights(model, data, loss, lane.seed, lane.steps);
    weights.set(lane.id, { current, initial: current, label: `lane ${lane.id}` });
  }
  return { model, loss, dataset: data, step: 100, weights };
}
