import type { Deformation } from '../optim/deformation';
import type { ToyRunConfig } from './optimizers';
import { toyRunSchema } from './optimizers';
import type { Vec2 } from './surfaces';

export interface ToyRunSpec {
  label: string;
  color: string;
  config: ToyRunConfig;
}

export interface ToyPreset {
  id: string;
  label: string;
  description: string;
  surface: string;
  start: Vec2;
  steps: number;
  runs: ToyRunSpec[];
}

const run = (label: string, color: string, config: Partial<ToyRunConfig> & Pick<ToyRunConfig, 'optimizer' | 'lr'>): ToyRunSpec => ({
  label,
  color,
  config: toyRunSchema.parse(config),
});
const SGDM = { optimizer: 'sgdm', lr: 0.02, momentum: 0.9 } as const;
const AP10: Deformation = { kind: 'ap', a1: 10, a2: 1, a3: 1, a4: 1 };
const LE: Deformation = { kind: 'le', e1: 1, e2: 0.9 };

export const TOY_PRESETS: ToyPreset[] = [
  {
    id: 'fig1',
    label: 'Figure 1: SGDM vs SGDM + AP(10,1,1,1)',
    surface: 'deform-fig1',
    start: [-9.5, -10],
    steps: 400,
    description:
      'The deformation paper: plain SGDM settles in a sharp minimum, the deformed run in a flat region (η 0.02, μ 0.9, 400 steps).',
    runs: [run('SGDM', '#e8710a', SGDM), run('SGDM + AP(10,1,1,1)', '#1a73e8', { ...SGDM, deformation: AP10 })],
  },
  {
    id: 'fig5',
    label: 'Figure 5: SGDM vs SGDM + LE(1, 0.9)',
    surface: 'deform-fig5',
    start: [-6, 11],
    steps: 100,
    description: 'The deformation paper’s second surface: plain SGDM vs LE(1, 0.9) (η 0.02, μ 0.9, 100 steps).',
    runs: [run('SGDM', '#e8710a', SGDM), run('SGDM + LE(1, 0.9)', '#1a73e8', { ...SGDM, deformation: LE })],
  },
  {
    id: 'two-wells',
    label: 'SGD vs SAM vs NSO on two wells',
    surface: 'two-wells',
    start: [-1.4, 0.4],
    steps: 300,
    description:
      'From the edge of the narrow deep well: SGD falls in; SAM (ρ 0.8) and NSO (σ 0.8) feel the ' +
      'well as a wide bump and end in flat regions.',
    runs: [
      run('SGD', '#e8710a', { optimizer: 'sgd', lr: 0.1, noise: 0.1, seed: 1 }),
      run('SAM ρ 0.8', '#1a73e8', { optimizer: 'sam', lr: 0.1, rho: 0.8 }),
      run('NSO σ 0.8', '#12a150', { optimizer: 'nso', lr: 0.1, sigma: 0.8, k: 1, seed: 2 }),
    ],
  },
];
