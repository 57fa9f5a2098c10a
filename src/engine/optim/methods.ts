/**
 * Every flat-minima method, one file each in methods/. Adding a method is a new file that exports a
 * descriptor (see methodDescriptor.ts) and a line in BUILT_IN; the schema, the lane, the metrics,
 * the charts and the lane descriptions read it from here. No tfjs at run time.
 */
import { z } from 'zod';
import { controlDefaults, unionOfKinds } from './controls';
import type { MethodDescriptor, MethodMetric } from './methodDescriptor';
import { fam } from './methods/fam';
import { none } from './methods/none';
import { nso, wpsgd } from './methods/nso';
import { asam, sam } from './methods/sam';

const BUILT_IN = [none, sam, asam, nso, wpsgd, fam] as const;

type BuiltIn = (typeof BUILT_IN)[number];
export type MethodConfig = BuiltIn extends infer M ? (M extends MethodDescriptor<infer C> ? C : never) : never;
export type MethodKind = MethodConfig['kind'];
/** The names of the built-in methods' metrics, e.g. "sam_sharpness". */
export type MethodMetricName = BuiltIn extends infer M ? (M extends { metric?: MethodMetric<infer N> } ? N : never) : never;

/** A descriptor of any method (settings typed loosely: the registry checks them with its schema). */
export type AnyMethod = MethodDescriptor<{ kind: string }>;

const registry = new Map<string, AnyMethod>(BUILT_IN.map((m) => [m.kind, m as AnyMethod]));
/** Set once the schema was first used: zod builds the union once, so the list is fixed from then on. */
let sealed = false;

/**
 * Adds a method at run time, as a line in BUILT_IN does at build time (tests use it for a
 * throw-away method). It must come before the first validation of a method's settings.
 */
export function registerMethod(method: AnyMethod): void {
  if (registry.has(method.kind)) throw new Error(`a method "${method.kind}" is already registered`);
  if (sealed) throw new Error(`register "${method.kind}" before settings are first validated: the method list is fixed from then on`);
  registry.set(method.kind, method);
}

/** Every registered method, in menu order. */
export function allMethods(): AnyMethod[] {
  return [...registry.values()];
}

export function methodOf(kind: string): AnyMethod {
  const method = registry.get(kind);
  if (!method) throw new Error(`unknown method "${kind}": one of ${[...registry.keys()].join(', ')}`);
  return method;
}

/** `{ kind, ...settings }` of any registered method. */
export const methodSchema = z.lazy(() => {
  sealed = true;
  return unionOfKinds<MethodConfig>(
    allMethods().map((m) => m.schema),
    `method must be one of ${[...registry.keys()].join(', ')}`,
  );
});

/** A method's settings at their defaults. */
export function defaultMethod<K extends MethodKind>(kind: K): Extract<MethodConfig, { kind: K }>;
export function defaultMethod(kind: string): { kind: string };
export function defaultMethod(kind: string): { kind: string } {
  const method = methodOf(kind);
  return method.schema.parse({ kind, ...controlDefaults(method.controls) });
}

/** Gradient evaluations per step of a method's settings. */
export function methodGradEvals(config: { kind: string }): number {
  return methodOf(config.kind).gradEvals(config);
}

/** Every metric some method logs, once each, with the kinds that log it. */
export function methodMetrics(): Array<MethodMetric & { kinds: string[] }> {
  const byName = new Map<string, MethodMetric & { kinds: string[] }>();
  for (const method of allMethods()) {
    if (!method.metric) continue;
    const entry = byName.get(method.metric.name) ?? { ...method.metric, kinds: [] };
    entry.kinds.push(method.kind);
    byName.set(method.metric.name, entry);
  }
  return [...byName.values()];
}
