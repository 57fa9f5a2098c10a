import type * as tf from '@tensorflow/tfjs-core';
import type { Batch } from '../data/batch';
import type { Params, ParamSpec } from '../model/params';
import type { Rng } from '../rng';
import type { Evaluation } from './objective';

/** Evaluates the objective: its gradient (counted) or just the loss (not counted). */
export interface GradientOracle {
  evaluate(params: Params, batch: Batch): Evaluation;
  forward(params: Params, batch: Batch): { loss: tf.Scalar; correct: tf.Scalar };
}

/** What a method needs to compute one step's gradient. */
export interface StepContext {
  params: Params;
  specs: readonly ParamSpec[];
  batch: Batch;
  objective: GradientOracle;
  /** Seeded for this lane and step (noise of NSO and WP-SGD). */
  rng: Rng;
}

/** The gradient the base optimizer will apply, the loss at θ for logging, and method metrics. All kept. */
export interface MethodResult {
  grads: Params;
  loss: tf.Scalar;
  correct: tf.Scalar;
  metrics: Record<string, tf.Scalar>;
}

/** A flat-minima method: how the gradient handed to the base optimizer is formed. */
export interface GradientMethod {
  gradient(ctx: StepContext): MethodResult;
}

/** The plain gradient ∇L(θ) (and the base of FAM, whose change is in the objective). */
export const plainGradient: GradientMethod = {
  gradient({ params, batch, objective }) {
    const e = objective.evaluate(params, batch);
    return { grads: e.grads, loss: e.loss, correct: e.correct, metrics: e.metrics };
  },
};
