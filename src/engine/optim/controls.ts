import { z } from 'zod';

/** One numeric setting of a method, rendered by the UI (range, default, one-line help) and validated by zod. */
export interface NumberParam {
  key: string;
  label: string;
  help: string;
  min: number;
  max: number;
  step: number;
  default: number;
  log?: boolean;
  integer?: boolean;
  /** The lower bound itself is not allowed (e.g. e2 in (0, 1]). */
  exclusiveMin?: boolean;
}

export interface BooleanParam {
  key: string;
  label: string;
  help: string;
  default: boolean;
  boolean: true;
}

export interface ChoiceParam {
  key: string;
  label: string;
  help: string;
  default: string;
  choices: Array<{ value: string; label: string; help?: string }>;
}

export type ParamControl = NumberParam | BooleanParam | ChoiceParam;

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

/** The zod shape of a list of controls: { key: schema }. */
export function controlsShape(controls: readonly ParamControl[]): Record<string, z.ZodType> {
  const shape: Record<string, z.ZodType> = {};
  for (const control of controls) {
    if (isBooleanParam(control)) shape[control.key] = z.boolean({ error: `${control.label} must be true or false` });
    else if (isChoiceParam(control)) {
      const values = control.choices.map((c) => c.value) as [string, ...string[]];
      shape[control.key] = z.enum(values, { error: `${control.label} must be one of ${values.join(', ')}` });
    } else shape[control.key] = numberSchema(control);
  }
  return shape;
}

export function controlDefaults(controls: readonly ParamControl[]): Record<string, number | boolean | string> {
  const values: Record<string, number | boolean | string> = {};
  for (const control of controls) values[control.key] = control.default;
  return values;
}

/** Turns a zod error into one line per problem: "lanes.0.method.rho: ρ must be a number in [0, 2]". */
export function describeZodError(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.length > 0 ? `${issue.path.join('.')}: ` : ''}${issue.message}`).join('; ');
}
