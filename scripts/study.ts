/**
 * The reproduction study of REPORT.md.
 *   npm run study -- configs              writes experiments/study/*.json (committed)
 *   npm run study -- run [--only mlp|cnn] runs each config with `npm run experiment`'s engine into
 *                                         experiment-results/study/<name>/ (skips finished ones)
 *   npm run study -- report               aggregates the results into docs/study/ (tables + SVG plots)
 * One config = one dataset x model x seed with the eight methods as lanes of one comparison, so
 * every method starts from the same weights and sees the same batches.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { defaultExperiment, experimentToJson, type Experiment } from '../src/engine/io/experiment';
import { DEFAULT_CNN, DEFAULT_MLP } from '../src/engine/model/spec';
import { defaultMethod } from '../src/engine/optim/methods';
import { DEFAULT_SOS } from '../src/engine/optim/sos';
import { makeLane, type LaneConfig } from '../src/engine/train/config';
import type { OptimizerConfig } from '../src/engine/optim/config';
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
    datasetId, model: mlp ? DEFAULT_MLP : DEFAULT_CNN, loss: 'cross-entropy', seed, batchSize: 64,
    epochs: 2, ...(mlp ? {} : { trainSize: 4000 }),
    logEvery: mlp ? 20 : 5, testEvery: mlp ? 100 : 31, testSize: mlp ? 10000 : 1000,
    lanes: studyLanes(mlp ? 100 : 40),
  };
  e.landscape.kind = 'curve';
  e.landscape.settings = { ...e.landscape.settings, range: [-1, 1], curvePoints: mlp ? 41 : 15, trainSamples: mlp ? 2000 : 500, testSamples: mlp ? 2000 : 500, seed: 0 };
  e.hessian.settings = mlp
    ? { ...e.hessian.settings, samples: 1000, topK: 5, maxIterations: 60, traceMaxSamples: 50, traceTol: 0.01, density: false }
    : { ...e.hessian.settings, samples: 200, topK: 1, maxIterations: 10, traceMaxSamples: 10, traceTol: 0.01, density: false };
  e.hessian.trackingOn = false;
  return e;
}

export function studyName(datasetId: string, model: string, seed: number): string {
  return `${datasetId}-${model}-seed${seed}`;
}

function writeConfigs(): void {
  mkdirSync(STUDY_CONFIGS, { recursive: true });
  for (const d of DATASETS) for (const m of MODELS) for (const s of SEEDS) {
    const text = experimentToJson(studyExperiment(d, m, s));
    writeFileSync(path.join(STUDY_CONFIGS, `${studyName(d, m, s)}.json`), text.replace('"version"', '"analyses": ["curve", "hessian"],\n  "version"'));
  }
  console.log(`wrote ${DATASETS.length * MODELS.length * SEEDS.length} configs to ${path.relative(root, STUDY_CONFIGS)}`);
}

async function runAll(only: string | undefined): Promise<number> {
  const names = readdirSync(STUDY_CONFIGS).filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, '')).filter((n) => !only || n.includes(`-${only}-`)).sort();
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
  const [command] = args;
  if (command === 'configs') {
    writeConfigs();
    return 0;
  }
  if (command === 'run') return runAll(args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined);
  if (command === 'report') {
    studyReport(STUDY_RESULTS, path.join(root, 'docs', 'study'));
    return 0;
  }
  console.error('usage: npm run study -- configs | run [--only mlp|cnn] | report');
  return 2;
}
