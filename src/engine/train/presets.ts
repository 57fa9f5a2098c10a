import type { OptimizerConfig } from '../optim/optimizers';
import { defaultMethod, type MethodConfig } from '../optim/methods';
import { DEFAULT_SOS, type SosConfig } from '../optim/sos';
import type { Deformation } from '../optim/deformation';
import { makeLane, type LaneConfig } from './config';

export interface Preset {
  id: string;
  label: string;
  /** Which paper's comparison this is, and what to look for. */
  description: string;
  lanes: LaneConfig[];
}

interface LaneSpec {
  name: string;
  optimizer: OptimizerConfig;
  method?: MethodConfig;
  sos?: SosConfig;
  deformation?: Deformation;
}

function lanes(specs: LaneSpec[]): LaneConfig[] {
  return specs.map((spec, i) => ({
    ...makeLane(i, spec.optimizer, spec.name),
    method: spec.method ?? { kind: 'none' },
    sos: spec.sos ?? DEFAULT_SOS,
    deformation: spec.deformation ?? { kind: 'none' },
  }));
}

const SGDM: OptimizerConfig = { kind: 'momentum', lr: 0.05, momentum: 0.9, nesterov: false, weightDecay: 0 };
const SGD_NESTEROV: OptimizerConfig = { kind: 'momentum', lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 1e-4 };
const SOS_ON: SosConfig = { ...DEFAULT_SOS, enabled: true };

/**
 * One-click comparisons from the papers (optimum shifting, noise stability optimization, FAM, loss
 * deformation), each on one base optimizer.
 */
export const PRESETS: Preset[] = [
  {
    id: 'sgd-sam-nso',
    label: 'SGD vs SAM vs NSO',
    description:
      'The NSO paper: SAM (ρ 0.05) and two-point noise injection (σ 0.01, k 1) on the same SGD with ' +
      'momentum. Switch the x axis to gradient evaluations to compare at equal compute.',
    lanes: lanes([
      { name: 'SGD', optimizer: SGDM },
      { name: 'SAM', optimizer: SGDM, method: defaultMethod('sam') },
      { name: 'NSO', optimizer: SGDM, method: defaultMethod('nso') },
    ]),
  },
  {
    id: 'os-four-schemes',
    label: 'SGD / SOS+SGD / SAM / SOS+SAM',
    description:
      "The OS paper's four schemes (Nesterov momentum 0.9, weight decay 1e-4): optimum shifting of " +
      'the head every 100 steps on 32 samples. Watch the head norm drop at each shift.',
    lanes: lanes([
      { name: 'SGD', optimizer: SGD_NESTEROV },
      { name: 'SOS + SGD', optimizer: SGD_NESTEROV, sos: SOS_ON },
      { name: 'SAM', optimizer: SGD_NESTEROV, method: defaultMethod('sam') },
      { name: 'SOS + SAM', optimizer: SGD_NESTEROV, method: defaultMethod('sam'), sos: SOS_ON },
    ]),
  },
  {
    id: 'sgd-fam-sam',
    label: 'SGD vs FAM vs SAM',
    description:
      'The FAM paper: the relative-flatness regularizer on the head (λ 0.1, full κ) against SAM, at the cost of one gradient per step.',
    lanes: lanes([
      { name: 'SGD', optimizer: SGDM },
      { name: 'FAM', optimizer: SGDM, method: defaultMethod('fam') },
      { name: 'SAM', optimizer: SGDM, method: defaultMethod('sam') },
    ]),
  },
  {
    id: 'sgdm-deformations',
    label: 'SGDM vs SGDM+AP vs SGDM+LE',
    description:
      'The deformation paper: AP(18/π, 1, 2, 1) and LE(1, 0.9) multiply the gradient by δ′(ℓ); a ' +
      'smaller base learning rate (0.02) because δ′ is several times 1 at typical losses.',
    lanes: lanes([
      { name: 'SGDM', optimizer: { ...SGDM, lr: 0.02 } },
      { name: 'SGDM + AP', optimizer: { ...SGDM, lr: 0.02 }, deformation: { kind: 'ap', a1: 18 / Math.PI, a2: 1, a3: 2, a4: 1 } },
      { name: 'SGDM + LE', optimizer: { ...SGDM, lr: 0.02 }, deformation: { kind: 'le', e1: 1, e2: 0.9 } },
    ]),
  },
  {
    id: 'every-method',
    label: 'One lane per method',
    description: 'SGD, SAM, ASAM, NSO, WP-SGD, FAM, SOS and AP deformation side by side (8 lanes).',
    lanes: lanes([
      { name: 'SGD', optimizer: SGDM },
      { name: 'SAM', optimizer: SGDM, method: defaultMethod('sam') },
      { name: 'ASAM', optimizer: SGDM, method: defaultMethod('asam') },
      { name: 'NSO', optimizer: SGDM, method: defaultMethod('nso') },
      { name: 'WP-SGD', optimizer: SGDM, method: defaultMethod('wpsgd') },
      { name: 'FAM', optimizer: SGDM, method: defaultMethod('fam') },
      { name: 'SOS + SGD', optimizer: SGDM, sos: SOS_ON },
      { name: 'SGDM + AP', optimizer: { ...SGDM, lr: 0.02 }, deformation: { kind: 'ap', a1: 18 / Math.PI, a2: 1, a3: 2, a4: 1 } },
    ]),
  },
];
