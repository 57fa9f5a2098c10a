/**
 * The reproduction study of REPORT.md.
 *   npm run study -- configs              writes experiments/study/*.json (committed)
 *   npm run study -- run [--only mlp|cnn|mnist|mnist-cnn…] runs each config with `npm run experiment`'s engine into
 *                                         experiment-results/study/<name>/ (skips finished ones)
 *   npm run study -- run-ablations        the sensitivity runs (experiments/study-ablations/)
 *   npm run study -- report               aggregates the results into docs/study/ (tables + SVG plots)
 * One config = one dataset x model x seed with the eight methods as lanes of one comparison, so
 * every method starts from the same weights and sees the same batches.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseOptions } from './args';
import { defaultExperiment, experimentToJson, type Experiment } from '../src/engine/io/experiment';
import { DEFAULT_CNN, DEFAULT_MLP } from '../src/engine/model/spec';
import { defaultMethod } from '../src/engine/optim/methods';
import { DEFAULT_SOS } from '../src/engine/optim/sos';
import { makeLane, type LaneConfig } from '../src/engine/train/config';
import type { OptimizerConfig } from '../src/engine/optim/optimizers';
import { main as experimentMain } from './experiment';
import { studyReport } from './study-report';

const root = path.resolve(import.meta.dirname, '..');
export const STUDY_CONFIGS = path.join(root, 'experiments', 'study');
export const STUDY_RESULTS = path.join(root, 'experiment-results', 'study');
export const SEEDS = [1, 2, 3];
export const DATASETS = ['fashion-mnist', 'mnist'] as const;
export const MODELS = ['mlp', 'cnn'] as const;

/** One base optimizer and learning rate for every lane, so that only the method differs. */
const BASE: OptimizerConfig = { kind: 'momentum', lr: 0.02, momentum: 0.9, nesterov: false, weightDecay: 0 };

function studyLanes(sosEvery: number): LaneConfig[] {
  const sos = { ...DEFAULT_SOS, enabled: true, every: sosEvery };
  const lane = (i: number, name: string, extra: Partial<LaneConfig>): LaneConfig => ({ ...makeLane(i, BASE, name), ...extra });
  return [
    lane(0, 'SGDM', {}),
    lane(1, 'SAM', { method: defaultMethod('sam') }),
    lane(2, 'NSO', { method: defaultMethod('nso') }),
    lane(3, 'FAM', { method: defaultMethod('fam') }),
    lane(4, 'SOS+SGDM', { sos }),
    lane(5, 'SOS+SAM', { method: defaultMethod('sam'), sos }),
    lane(6, 'SGDM+AP', { deformation: { kind: 'ap', a1: 18 / Math.PI, a2: 1, a3: 2, a4: 1 } }),
    lane(7, 'SGDM+LE', { deformation: { kind: 'le', e1: 1, e2: 0.9 } }),
  ].map((l, i) => ({ ...l, id: ['sgdm', 'sam', 'nso', 'fam', 'sos-sgdm', 'sos-sam', 'ap', 'le'][i] }));
}

export function studyExperiment(datasetId: string, model: 'mlp' | 'cnn', seed: number): Experiment {
  const e = defaultExperiment();
  const mlp = model === 'mlp';
  // The CNN trains on 4,000 samples for 2 epochs: on this 2-core machine a CNN step of one lane
  // takes ~0.25 s on WASM, so the full split would take hours per config. The MLP uses it all.
  e.comparison = {
    datasetId,
    model: mlp ? DEFAULT_MLP : DEFAULT_CNN,
    loss: 'cross-entropy',
    seed,
    batchSize: 64,
    epochs: 2,
    ...(mlp ? {} : { trainSize: 4000 }),
    logEvery: mlp ? 20 : 5,
    testEvery: mlp ? 100 : 31,
    testSize: mlp ? 10000 : 1000,
    lanes: studyLanes(mlp ? 100 : 40),
  };
  e.landscape.kind = 'curve';
  e.landscape.settings = {
    ...e.landscape.settings,
    range: [-1, 1],
    curvePoints: mlp ? 41 : 15,
    trainSamples: mlp ? 2000 : 500,
    testSamples: mlp ? 2000 : 500,
    seed: 0,
  };
  e.hessian.settings = mlp
    ? { ...e.hessian.settings, samples: 1000, topK: 5, maxIterations: 60, traceMaxSamples: 50, traceTol: 0.01, density: false }
    : { ...e.hessian.settings, samples: 200, topK: 1, maxIterations: 10, traceMaxSamples: 10, traceTol: 0.01, density: false };
  e.hessian.trackingOn = false;
  return e;
}

export const ABLATION_CONFIGS = path.join(root, 'experiments', 'study-ablations');
export const ABLATION_RESULTS = path.join(root, 'experiment-results', 'study-ablations');

/**
 * Sensitivity of the methods whose defaults did not help in the main study (Fashion-MNIST, MLP):
 * NSO's σ, FAM's λ and the deformations' base learning rate, against the same SGDM lane.
 */
export function ablationExperiment(seed: number): Experiment {
  const e = studyExperiment('fashion-mnist', 'mlp', seed);
  const lane = (i: number, id: string, name: string, extra: Partial<LaneConfig>): LaneConfig => ({
    ...makeLane(i, BASE, name),
    ...extra,
    id,
  });
  const nso = (sigma: number) => ({ method: { ...defaultMethod('nso'), sigma } as LaneConfig['method'] });
  const fam = (lambda: number) => ({ method: { ...defaultMethod('fam'), lambda } as LaneConfig['method'] });
  // AP(18/π,1,2,1) and LE(1,0.9) multiply the gradient by δ′(ℓ) ≈ 3-4 at the losses reached here,
  // so at η 0.02 they take larger effective steps than SGDM; η 0.005 brings δ′η back near 0.02.
  const slow = { ...BASE, lr: 0.005 };
  e.comparison.lanes = [
    lane(0, 'sgdm', 'SGDM', {}),
    lane(1, 'nso-003', 'NSO σ 0.03', nso(0.03)),
    lane(2, 'nso-01', 'NSO σ 0.1', nso(0.1)),
    lane(3, 'fam-001', 'FAM λ 0.01', fam(0.01)),
    lane(4, 'fam-0001', 'FAM λ 0.001', fam(0.001)),
    lane(5, 'ap-slow', 'SGDM+AP η 0.005', { optimizer: slow, deformation: { kind: 'ap', a1: 18 / Math.PI, a2: 1, a3: 2, a4: 1 } }),
    lane(6, 'le-slow', 'SGDM+LE η 0.005', { optimizer: slow, deformation: { kind: 'le', e1: 1, e2: 0.9 } }),
    lane(7, 'sgdm-slow', 'SGDM η 0.005', { optimizer: slow }),
  ];
  return e;
}

/** FAM's λ on the CNN, where the default λ 0.1 collapsed the features in the main study. */
export function cnnFamAblation(seed: number): Experiment {
  const e = studyExperiment('fashion-mnist', 'cnn', seed);
  const fam = (lambda: number) => ({ method: { ...defaultMethod('fam'), lambda } as LaneConfig['method'] });
  e.comparison.lanes = [
    { ...makeLane(0, BASE, 'SGDM'), id: 'sgdm' },
    { ...makeLane(1, BASE, 'FAM λ 0.01'), id: 'fam-001', ...fam(0.01) },
    { ...makeLane(2, BASE, 'FAM λ 0.001'), id: 'fam-0001', ...fam(0.001) },
  ];
  return e;
}

export function studyName(datasetId: string, model: string, seed: number): string {
  return `${datasetId}-${model}-seed${seed}`;
}

function configText(e: Experiment): string {
  return experimentToJson(e).replace('"version"', '"analyses": ["curve", "hessian"],\n  "version"');
}

function writeConfigs(): void {
  mkdirSync(STUDY_CONFIGS, { recursive: true });
  mkdirSync(ABLATION_CONFIGS, { recursive: true });
  for (const d of DATASETS)
    for (const m of MODELS)
      for (const s of SEEDS) writeFileSync(path.join(STUDY_CONFIGS, `${studyName(d, m, s)}.json`), configText(studyExperiment(d, m, s)));
  for (const s of SEEDS)
    writeFileSync(path.join(ABLATION_CONFIGS, `${studyName('fashion-mnist', 'mlp', s)}.json`), configText(ablationExperiment(s)));
  for (const s of SEEDS)
    writeFileSync(path.join(ABLATION_CONFIGS, `${studyName('fashion-mnist', 'cnn', s)}.json`), configText(cnnFamAblation(s)));
  console.log(
    `wrote ${DATASETS.length * MODELS.length * SEEDS.length} configs to ${path.relative(root, STUDY_CONFIGS)} ` +
      `and ${2 * SEEDS.length} to ${path.relative(root, ABLATION_CONFIGS)}`,
  );
}

/** `--only` names a model (mlp, cnn), a dataset (mnist, fashion-mnist) or both (mnist-cnn). */
function matchesOnly(name: string, only: string): boolean {
  const parts = /^(.+)-(mlp|cnn)-seed\d+$/.exec(name);
  if (!parts) return false;
  const [, dataset, model] = parts;
  return only === model || only === dataset || only === `${dataset}-${model}`;
}

async function runAll(configs: string, results: string, only: string | undefined): Promise<number> {
  const STUDY_CONFIGS = configs;
  const STUDY_RESULTS = results;
  const names = readdirSync(STUDY_CONFIGS)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.replace(/\.json$/, ''))
    .filter((n) => !only || matchesOnly(n, only))
    .sort();
  for (const name of names) {
    const out = path.join(STUDY_RESULTS, name);
    if (existsSync(path.join(out, 'results.json')) && !JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')).cancelled) {
      console.log(`${name}: done before, skipped`);
      continue;
    }
    console.log(`${name}…`);
    const code = await experimentMain(['--config', path.join(STUDY_CONFIGS, `${name}.json`), '--out', out]);
    if (code !== 0) return code;
  }
  return 0;
}

export async function main(args: string[]): Promise<number> {
  const options = parseOptions(args, { values: ['only'], positional: 1 });
  const [command] = options.positional;
  if (command === 'configs') {
    writeConfigs();
    return 0;
  }
  const only = options.get('only');
  if (command === 'run') return runAll(STUDY_CONFIGS, STUDY_RESULTS, only);
  if (command === 'run-ablations') return runAll(ABLATION_CONFIGS, ABLATION_RESULTS, only);
  if (command === 'report') {
    studyReport(STUDY_RESULTS, path.join(root, 'docs', 'study'));
    const finished =
      existsSync(ABLATION_RESULTS) && readdirSync(ABLATION_RESULTS).some((n) => existsSync(path.join(ABLATION_RESULTS, n, 'results.json')));
    if (finished) studyReport(ABLATION_RESULTS, path.join(root, 'docs', 'study', 'ablations'));
    return 0;
  }
  console.error('usage: npm run study -- configs | run [--only <model>|<dataset>|<dataset>-<model>] | run-ablations | report');
  return 2;
}
