import { z } from 'zod';

/** The largest seed: the generators take 31-bit seeds. */
export const MAX_SEED = 2 ** 31 - 1;

/** A seed: a whole number in [0, 2³¹ − 1]. */
export const seedSchema = z.number().int().min(0).max(MAX_SEED);

/** One line per problem: "lanes.0.method.rho: ρ must be a number in [0, 2]". */
export function describeZodError(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.length > 0 ? `${issue.path.join('.')}: ` : ''}${issue.message}`).join('; ');
}

/** `raw` validated by `schema`, or an error "invalid <what>: <every problem>". */
export function parse<S extends z.ZodType>(schema: S, raw: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new Error(`invalid ${what}: ${describeZodError(parsed.error)}`);
  return parsed.data;
}
