/**
 * npm run toy -- --surface <name> --start=<x>,<y> --optimizer <gd|sgd|sgdm|adam|sam|nso> --lr <η>
 *   [--momentum <μ>] [--nesterov] [--rho <ρ>] [--sigma <σ>] [--k <k>] [--noise <s>] [--seed <n>]
 *   [--steps <N>] [--deform ap:<a1>,<a2>,<a3>,<a4> | le:<e1>,<e2>] [--path]
 * Runs one optimizer on a toy surface and prints one JSON object; bad arguments exit with code 2.
 */
import { describeZodError } from '../src/engine/validation';
import { parseOptions, UsageError } from './args';
import { deformationSchema } from '../src/engine/optim/deformation';
import { runToy, toyRunSchema } from '../src/engine/toy/optimizers';
import { SURFACE_IDS, SURFACES, type Vec2 } from '../src/engine/toy/surfaces';

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
    const options = parseOptions(args, { values: VALUED, flags: FLAGS });
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
    const steps = options.number('steps') ?? 100;
    if (!Number.isInteger(steps) || steps < 0 || steps > 1_000_000)
      throw new UsageError(`--steps must be a whole number in [0, 1000000], got ${steps}`);
    const parsed = toyRunSchema.safeParse({
      optimizer: options.get('optimizer'),
      lr: options.number('lr'),
      momentum: options.number('momentum') ?? (options.get('optimizer') === 'sgdm' ? 0.9 : undefined),
      nesterov: options.has('nesterov'),
      rho: options.number('rho'),
      sigma: options.number('sigma'),
      k: options.number('k'),
      noise: options.number('noise'),
      seed: options.number('seed'),
      beta1: options.number('beta1'),
      beta2: options.number('beta2'),
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
