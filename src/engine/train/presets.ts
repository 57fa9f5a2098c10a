import type { OptimizerConfig } from '../optim/optimizers';
import { defaultMethod, type MethodConfig } from '../optim/methods';
import { DEFAULT_SOS, type SosConfig } from '../optim/sos';
import type { Deformation } from '../optim/deformation';
import { makeLane, type LaneConfig } from './config';
import type { ModelSpec } from '../model/spec';

export interface Preset {
  id: string;
  label: string;
  /** Which paper's comparison this is, and what to look for. */
  description: string;
  lanes: LaneConfig[];
  /** A preset for other data: the dataset ids it runs on (the first one present is used) and its model. */
  data?: { datasetIds: string[]; datasetName: string; model: ModelSpec };
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

/** A CNN for 32x32x3 colour images: twice the default's channels (32, 64), dense 128; 545,098 parameters. */
export const CIFAR_CNN: ModelSpec = { kind: 'cnn', channels: [32, 64], kernelSize: 3, dense: 128 };

/** What to run when CIFAR-10 is not there (the files cannot be shipped with the app). */
export const CIFAR_HOWTO =
  'run "npm run data:cifar -- --download" in the project folder (fetches the official archive of about 170 MB, checks its MD5, ' +
  'converts it) and reload, or drop cifar-10-binary.tar.gz (or data_batch_N.bin and test_batch.bin) on "Use your own files"';

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
    id: 'cifar10-cnn',
    label: 'CIFAR-10 CNN: SGDM vs SAM vs ASAM',
    description:
      "SAM's own benchmark in miniature: CIFAR-10 with a CNN sized for 32x32x3 images (conv 32 and 64 channels, " +
      'dense 128), SGD with momentum (η 0.02) against SAM (ρ 0.05) and ASAM (ρ 0.5). Switches the dataset and the model.',
    lanes: lanes([
      { name: 'SGDM', optimizer: { ...SGDM, lr: 0.02 } },
      { name: 'SAM', optimizer: { ...SGDM, lr: 0.02 }, method: defaultMethod('sam') },
      { name: 'ASAM', optimizer: { ...SGDM, lr: 0.02 }, method: defaultMethod('asam') },
    ]),
    data: { datasetIds: ['cifar10', 'user-cifar10'], datasetName: 'CIFAR-10', model: CIFAR_CNN },
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
