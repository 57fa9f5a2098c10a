/**
 * A setting described once: the UI renders it as a control (range, default, one-line help) and the
 * zod schema that validates it is derived from the same description, so the two cannot disagree.
 * No tfjs here: the UI reads these on the main thread.
 */
import { z } from 'zod';

interface ControlBase<K extends string> {
  key: K;
  label: string;
  help: string;
}

export interface NumberParam<K extends string = string> extends ControlBase<K> {
  min: number;
  max: number;
  step: number;
  default: number;
  log?: boolean;
  integer?: boolean;
  /** The lower bound itself is not allowed (e.g. e2 in (0, 1]). */
  exclusiveMin?: boolean;
}

export interface BooleanParam<K extends string = string> extends ControlBase<K> {
  default: boolean;
  boolean: true;
}

export interface ChoiceParam<K extends string = string, V extends string = string> extends ControlBase<K> {
  default: NoInfer<V>;
  choices: ReadonlyArray<{ value: V; label: string; help?: string }>;
}

export type ParamControl = NumberParam | BooleanParam | ChoiceParam;

/** The value a control holds: a number, a boolean, or one of its choices. */
type ValueOf<C> = C extends BooleanParam ? boolean : C extends ChoiceParam<string, infer V> ? V : number;

/** The settings object a list of controls describes, e.g. { rho: number; noise: 'normal' | 'uniform' }. */
export type SettingsOf<Cs extends readonly ParamControl[]> = { [C in Cs[number] as C['key']]: ValueOf<C> };

// The helpers keep a control's key (and choices) as literal types, so SettingsOf can name them.
export const numberParam = <const K extends string>(control: NumberParam<K>): NumberParam<K> => control;
export const booleanParam = <const K extends string>(control: Omit<BooleanParam<K>, 'boolean'>): BooleanParam<K> => ({
  ...control,
  boolean: true,
});
export const choiceParam = <const K extends string, const V extends string>(control: ChoiceParam<K, V>): ChoiceParam<K, V> => control;

export function isBooleanParam(control: ParamControl): control is BooleanParam {
  return 'boolean' in control;
}

export function isChoiceParam(control: ParamControl): control is ChoiceParam {
  return 'choices' in control;
}

export function rangeText(control: NumberParam): string {
  return `${control.exclusiveMin ? '(' : '['}${control.min}, ${control.max}]`;
}

/** A zod number whose every error names the setting and its allowed range. */
export function numberSchema(control: NumberParam) {
  const message = `${control.label} must be ${control.integer ? 'a whole number' : 'a number'} in ${rangeText(control)}`;
  let schema = z.number({ error: message }).max(control.max, { error: message });
  schema = control.exclusiveMin ? schema.gt(control.min, { error: message }) : schema.min(control.min, { error: message });
  if (control.integer) schema = schema.int({ error: message });
  return schema;
}

function controlSchema(control: ParamControl): z.ZodType {
  if (isBooleanParam(control)) return z.boolean({ error: `${control.label} must be true or false` });
  if (isChoiceParam(control)) {
    const values = control.choices.map((c) => c.value);
    return z.enum(values as [string, ...string[]], { error: `${control.label} must be one of ${values.join(', ')}` });
  }
  return numberSchema(control);
}

/** The zod shape of a list of controls: { key: schema }. */
export function settingsShape(controls: readonly ParamControl[]): Record<string, z.ZodType> {
  return Object.fromEntries(controls.map((control) => [control.key, controlSchema(control)]));
}

/** The schema of a registered kind (a method, a base optimizer, a deformation): `{ kind, ...settings }`, typed by its controls. */
export function kindSchema<K extends string, Cs extends readonly ParamControl[]>(
  kind: K,
  controls: Cs,
): z.ZodType<{ kind: K } & SettingsOf<Cs>> {
  return z.object({ kind: z.literal(kind), ...settingsShape(controls) }) as unknown as z.ZodType<{ kind: K } & SettingsOf<Cs>>;
}

/** One schema for every registered kind, discriminated by `kind`; an unknown kind gets `unknown` as its message. */
export function unionOfKinds<T>(schemas: readonly z.ZodType[], unknown: string): z.ZodType<T> {
  const options = schemas as unknown as [z.ZodObject, ...z.ZodObject[]];
  return z.discriminatedUnion('kind', options, { error: unknown }) as unknown as z.ZodType<T>;
}

export function controlDefaults(controls: readonly ParamControl[]): Record<string, number | boolean | string> {
  return Object.fromEntries(controls.map((control) => [control.key, control.default]));
}

/** A number in three significant digits, for one-line summaries ("SAM ρ 0.05"). */
export function shortNumber(v: number): string {
  return String(Number(v.toPrecision(3)));
}
