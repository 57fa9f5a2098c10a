/**
 * npm run toy -- --surface <name> --start=<x>,<y> --optimizer <gd|sgd|sgdm|adam|sam|nso> --lr <η>
 *   [--momentum <μ>] [--nesterov] [--rho <ρ>] [--sigma <σ>] [--k <k>] [--noise <s>] [--seed <n>]
 *   [--steps <N>] [--deform ap:<a1>,<a2>,<a3>,<a4> | le:<e1>,<e2>] [--path]
 * Runs one optimizer on a toy surface and prints one JSON object; bad arguments exit with code 2.
 */
import { describeZodError } from '../src/engine/validation';
import { deformationSchema } from '../src/engine/optim/deformation';
import { runToy, toyRunSchema } from '../src/engine/toy/optimizers';
import { SURFACE_IDS, SURFACES, type Vec2 } from '../src/engine/toy/surfaces';

class UsageError extends Error {}

const VALUED = [
  'surface',
  'start',
  'optimizer',
  'lr',
  'momentum',
  'rho',
  'sigma',
  'k',
  'noise',
  'seed',
  'steps',
  'deform',
  'beta1',
  'beta2',
];
const FLAGS = ['nesterov', 'path'];

function parseArgs(args: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument "${arg}"`);
    const [key, inline] = arg.slice(2).split(/=(.*)/s, 2);
    if (FLAGS.includes(key)) {
      out.set(key, 'true');
    } else if (VALUED.includes(key)) {
      const value = inline ?? args[++i];
      if (value === undefined) throw new UsageError(`--${key} needs a value`);
      out.set(key, value);
    } else {
      throw new UsageError(`unknown option --${key}; options: ${[...VALUED, ...FLAGS].map((o) => `--${o}`).join(' ')}`);
    }
  }
  return out;
}

function number(options: Map<string, string>, key: string): number | undefined {
  const text = options.get(key);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) throw new UsageError(`--${key} must be a number, got "${text}"`);
  return value;
}

function deformation(text: string | undefined) {
  if (!text) return { kind: 'none' as const };
  const [kind, list] = text.split(':');
  const values = (list ?? '').split(',').map(Number);
  const raw =
    kind === 'ap'
      ? { kind, a1: values[0], a2: values[1], a3: values[2], a4: values[3] }
      : kind === 'le'
        ? { kind, e1: values[0], e2: values[1] }
        : null;
  if (!raw || values.some((v) => !Number.isFinite(v)) || values.length !== (kind === 'ap' ? 4 : 2))
    throw new UsageError(`--deform must be ap:<a1>,<a2>,<a3>,<a4> or le:<e1>,<e2>, got "${text}"`);
  const parsed = deformationSchema.safeParse(raw);
  if (!parsed.success) throw new UsageError(`--deform: ${describeZodError(parsed.error)}`);
  return parsed.data;
}

export async function main(args: string[]): Promise<number> {
  try {
    const options = parseArgs(args);
    const surfaceId = options.get('surface');
    if (!surfaceId || !SURFACES[surfaceId])
      throw new UsageError(`--surface must be one of ${SURFACE_IDS.join(', ')}${surfaceId ? `, got "${surfaceId}"` : ''}`);
    const surface = SURFACES[surfaceId];
    let start: Vec2 = surface.start;
    if (options.has('start')) {
      const parts = options.get('start')!.split(',').map(Number);
      if (parts.length !== 2 || parts.some((v) => !Number.isFinite(v)))
        throw new UsageError(`--start must be <x>,<y>, got "${options.get('start')}"`);
      start = [parts[0], parts[1]];
    }
    const steps = number(options, 'steps') ?? 100;
    if (!Number.isInteger(steps) || steps < 0 || steps > 1_000_000)
      throw new UsageError(`--steps must be a whole number in [0, 1000000], got ${steps}`);
    const parsed = toyRunSchema.safeParse({
      optimizer: options.get('optimizer'),
      lr: number(options, 'lr'),
      momentum: number(options, 'momentum') ?? (options.get('optimizer') === 'sgdm' ? 0.9 : undefined),
      nesterov: options.has('nesterov'),
      rho: number(options, 'rho'),
      sigma: number(options, 'sigma'),
      k: number(options, 'k'),
      noise: number(options, 'noise'),
      seed: number(options, 'seed'),
      beta1: number(options, 'beta1'),
      beta2: number(options, 'beta2'),
      deformation: deformation(options.get('deform')),
    });
    if (!parsed.success) throw new UsageError(describeZodError(parsed.error));
    const result = runToy(surface, parsed.data, start, steps);
    const { path, ...summary } = result;
    console.log(JSON.stringify(options.has('path') ? { ...summary, path } : summary));
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`toy: ${error.message}`);
      return 2;
    }
    throw error;
  }
}
