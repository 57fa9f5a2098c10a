import type { Dataset } from '../data/dataset';
import type { Model } from '../model/model';
import type { HostParams } from '../model/params';
import type { LossKind } from '../model/spec';

/**
 * Copies of some lanes' weights read off the device at one step, with the model and the data they
 * belong to: what a landscape or a Hessian analysis works on while training goes on.
 */
export interface WeightsSnapshot {
  model: Model;
  loss: LossKind;
  dataset: Dataset;
  step: number;
  /** Each named lane's current and initial weights and its name. */
  weights: Map<string, { current: HostParams; initial: HostParams; label: string }>;
}
