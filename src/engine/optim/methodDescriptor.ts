/**
 * What a flat-minima method file exports: one descriptor with its settings, its words, its cost,
 * its metric and how it changes a training step. `methods.ts` lists them; the lane, the metrics,
 * the charts and the lane descriptions all read from the descriptor. No tfjs at run time here:
 * `parts` receives tfjs from the engine (see ../tf.ts).
 */
import type { Scalar } from '@tensorflow/tfjs-core';
import type { z } from 'zod';
import type { Batch } from '../data/batch';
import type { ForwardResult } from '../model/model';
import type { Params, ParamSpec } from '../model/params';
import type { LossKind } from '../model/spec';
import type { Rng } from '../rng';
import type { Tf } from '../tf';
import { kindSchema, type ParamControl, type SettingsOf } from './controls';

/** One gradient evaluation of the objective. All tensors are kept: the caller disposes them. */
export interface GradientEvaluation {
  /** The plain data loss ℓ at these parameters (undeformed, without regularizer). */
  loss: Scalar;
  correct: Scalar;
  /** Gradient of the objective δ(ℓ) + penalty, i.e. δ'(ℓ)·∇ℓ + ∇penalty. */
  grads: Params;
  metrics: Record<string, Scalar>;
}

/** Evaluates the objective: its gradient (counted) or just the loss (not counted). */
export interface GradientOracle {
  evaluate(params: Params, batch: Batch): GradientEvaluation;
  forward(params: Params, batch: Batch): { loss: Scalar; correct: Scalar };
}

/** What a method needs to compute one step's gradient. */
export interface StepContext {
  params: Params;
  specs: readonly ParamSpec[];
  batch: Batch;
  objective: GradientOracle;
  /** Seeded for this lane and step (e.g. the noise of NSO). */
  rng: Rng;
}

/** The gradient the base optimizer will apply, the loss at θ for logging, and method metrics. All kept. */
export interface MethodResult {
  grads: Params;
  loss: Scalar;
  correct: Scalar;
  metrics: Record<string, Scalar>;
}

/** How the gradient handed to the base optimizer is formed. */
export type GradientRule = (ctx: StepContext) => MethodResult;

/** A term added to the (deformed) loss, e.g. FAM's λκ; its metrics are logged per step. */
export type Regularizer = (forward: ForwardResult, params: Params) => { penalty: Scalar; metrics: Record<string, Scalar> };

/** How a method changes a step: its gradient rule (default: the plain gradient ∇L(θ)) and a regularizer. */
export interface MethodParts {
  gradient?: GradientRule;
  regularizer?: Regularizer;
}

/** What the engine gives `parts`: tfjs itself and the lane's loss. */
export interface MethodEnvironment {
  tf: Tf;
  loss: LossKind;
}

/** The lane metric a method adds (logged under `name`, charted with `label`, explained by `help`). */
export interface MethodMetric<N extends string = string> {
  name: N;
  label: string;
  help: string;
}

export interface MethodDescriptor<C extends { kind: string } = { kind: string }, N extends string = string> {
  kind: C['kind'];
  label: string;
  /** One line for the method menu: what the base optimizer receives and what it costs. */
  help: string;
  /** The settings, in the order the UI shows them; the first is the method's strength (ρ, σ, λ). */
  controls: readonly ParamControl[];
  /** `{ kind, ...settings }`, derived from the controls. */
  schema: z.ZodType<C>;
  /** Gradient evaluations per step (what the cost comparison at equal compute counts). */
  gradEvals(config: C): number;
  metric?: MethodMetric<N>;
  /** The settings in a few words for the lane's one-line description, e.g. "SAM ρ 0.05". */
  summary(config: C): string;
  parts(config: C, env: MethodEnvironment): MethodParts;
}

type Spec<K extends string, Cs extends readonly ParamControl[], N extends string> = Omit<
  MethodDescriptor<{ kind: K } & SettingsOf<Cs>, N>,
  'schema' | 'controls' | 'kind'
> & { kind: K; controls: Cs };

/** A method descriptor with its schema derived from its controls and its settings typed by them. */
export function defineMethod<const K extends string, const Cs extends readonly ParamControl[], const N extends string = never>(
  spec: Spec<K, Cs, N>,
): MethodDescriptor<{ kind: K } & SettingsOf<Cs>, N> {
  return { ...spec, schema: kindSchema(spec.kind, spec.controls) } as unknown as MethodDescriptor<{ kind: K } & SettingsOf<Cs>, N>;
}

/** The plain gradient ∇L(θ): what a method without a gradient rule (none, FAM) gets. */
export const plainGradient: GradientRule = ({ params, batch, objective }) => {
  const e = objective.evaluate(params, batch);
  return { grads: e.grads, loss: e.loss, correct: e.correct, metrics: e.metrics };
};

/** Releases an evaluation's scalars (and its gradients unless they are kept for the caller). */
export function disposeEvaluation(tf: Tf, e: GradientEvaluation, keepGrads = false): void {
  tf.dispose([e.loss, e.correct, ...Object.values(e.metrics)]);
  if (!keepGrads) tf.dispose(Object.values(e.grads));
}
