import { DEFAULT_HEADLESS_ANALYSES } from '../src/engine/headless/analyses';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { experimentFromJson } from '../src/engine/io/experiment';
import { runHeadless } from '../src/engine/headless/run';
import { DIRECT_CONTROL } from '../src/engine/control';
import { defaultComparison, makeLane } from '../src/engine/train/config';
import { defaultOptimizerConfig } from '../src/engine/optim/optimizers';
import { defaultMethod } from '../src/engine/optim/methods';
import {
  ABLATION_CONFIGS,
  ablationExperiment,
  cnnFamAblation,
  DATASETS,
  MODELS,
  SEEDS,
  STUDY_CONFIGS,
  studyExperiment,
  studyName,
} from '../scripts/study';
import { meanStd, studyReport } from '../scripts/study-report';
import { syntheticDataset, useCpu } from './helpers';

describe('the reproduction study', () => {
  it('commits one valid config per dataset, model and seed, equal to what the generator writes', () => {
    const files = readdirSync(STUDY_CONFIGS)
      .filter((f) => f.endsWith('.json'))
      .sort();
    expect(files).toHaveLength(DATASETS.length * MODELS.length * SEEDS.length);
    for (const d of DATASETS)
      for (const m of MODELS)
        for (const s of SEEDS) {
          const raw = JSON.parse(readFileSync(path.join(STUDY_CONFIGS, `${studyName(d, m, s)}.json`), 'utf8'));
          expect(raw.analyses).toEqual(['curve', 'hessian']);
          delete raw.analyses;
          const loaded = experimentFromJson(JSON.stringify(raw));
          expect(loaded.ignored).toEqual([]);
          expect(loaded.experiment).toEqual(JSON.parse(JSON.stringify(studyExperiment(d, m, s))));
          expect(loaded.experiment.comparison.lanes.map((l) => l.name)).toEqual([
            'SGDM',
            'SAM',
            'NSO',
            'FAM',
            'SOS+SGDM',
            'SOS+SAM',
            'SGDM+AP',
            'SGDM+LE',
          ]);
          // Only the method differs between lanes: one base optimizer and learning rate.
          expect(new Set(loaded.experiment.comparison.lanes.map((l) => JSON.stringify(l.optimizer))).size).toBe(1);
        }
  });

  it('commits the ablation configs (NSO σ, FAM λ, deformation learning rate) as generated', () => {
    for (const s of SEEDS) {
      const raw = JSON.parse(readFileSync(path.join(ABLATION_CONFIGS, `${studyName('fashion-mnist', 'mlp', s)}.json`), 'utf8'));
      delete raw.analyses;
      const loaded = experimentFromJson(JSON.stringify(raw));
      expect(loaded.ignored).toEqual([]);
      expect(loaded.experiment).toEqual(JSON.parse(JSON.stringify(ablationExperiment(s))));
      expect(
        loaded.experiment.comparison.lanes.map((l) => (l.method.kind === 'nso' ? l.method.sigma : null)).filter((v) => v !== null),
      ).toEqual([0.03, 0.1]);
      const cnn = JSON.parse(readFileSync(path.join(ABLATION_CONFIGS, `${studyName('fashion-mnist', 'cnn', s)}.json`), 'utf8'));
      delete cnn.analyses;
      expect(experimentFromJson(JSON.stringify(cnn)).experiment).toEqual(JSON.parse(JSON.stringify(cnnFamAblation(s))));
    }
  });

  it('mean and sample standard deviation are exact', () => {
    expect(meanStd([2, 4, 4, 4, 5, 5, 7, 9])).toEqual({ mean: 5, std: Math.sqrt(32 / 7), n: 8 });
    expect(meanStd([3, NaN])).toEqual({ mean: 3, std: 0, n: 1 });
  });

  it('aggregates runs into mean ± std tables and SVG plots', async () => {
    await useCpu();
    const results = mkdtempSync(path.join(os.tmpdir(), 'fmp-study-'));
    const accuracies: Record<string, number[]> = { sgd: [], sam: [] };
    for (const seed of [1, 2]) {
      const experiment = experimentFromJson('{}').experiment;
      experiment.comparison = {
        ...defaultComparison('synthetic'),
        model: { kind: 'mlp', hidden: [8] },
        seed,
        batchSize: 20,
        epochs: 2,
        testSize: 50,
        testEvery: 5,
        logEvery: 5,
        lanes: [
          { ...makeLane(0, { ...defaultOptimizerConfig('sgd'), lr: 0.1 }, 'SGD'), id: 'sgdm' },
          { ...makeLane(1, { ...defaultOptimizerConfig('sgd'), lr: 0.1 }, 'SAM'), id: 'sam', method: defaultMethod('sam') },
        ],
      };
      experiment.landscape.settings = { ...experiment.landscape.settings, curvePoints: 9, trainSamples: 50, testSamples: 0 };
      experiment.hessian.settings = {
        ...experiment.hessian.settings,
        samples: 50,
        topK: 2,
        maxIterations: 20,
        traceMaxSamples: 10,
        density: false,
      };
      const dir = path.join(results, `synthetic-mlp-seed${seed}`);
      mkdirSync(dir, { recursive: true });
      const run = await runHeadless(
        syntheticDataset(100, 50),
        experiment,
        {
          write: (name, content) => {
            mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
            writeFileSync(path.join(dir, name), content);
          },
        },
        {
          analyses: { ...DEFAULT_HEADLESS_ANALYSES },
          backend: 'cpu',
          backendReason: 'test',
          saveEvalData: false,
          control: DIRECT_CONTROL,
          onTrainProgress: () => undefined,
          onPhase: () => undefined,
        },
      );
      accuracies.sgd.push(run.lanes[0].test.accuracy);
      accuracies.sam.push(run.lanes[1].test.accuracy);
    }
    const out = mkdtempSync(path.join(os.tmpdir(), 'fmp-report-'));
    studyReport(results, out);
    const tables = readFileSync(path.join(out, 'tables.md'), 'utf8');
    expect(tables).toContain('## synthetic-mlp (2 seeds: 1, 2)');
    for (const [id, name] of [
      ['sgd', 'SGD'],
      ['sam', 'SAM'],
    ] as const) {
      const { mean, std } = meanStd(accuracies[id].map((a) => a * 100));
      expect(tables).toContain(`| ${name} | ${mean.toFixed(2)} ± ${std.toFixed(2)} |`);
    }
    for (const plot of ['curves', 'lambda-max', 'trace', 'test-accuracy', 'head-norm', 'accuracy-vs-grad-evals', 'top-eigenvalues']) {
      const svg = readFileSync(path.join(out, `synthetic-mlp-${plot}.svg`), 'utf8');
      expect(svg, plot).toMatch(/^<svg[\s\S]*<\/svg>\n$/);
      expect(svg, plot).not.toMatch(/NaN|Infinity/);
    }
  });

  it('says what to do when there is nothing to report', () => {
    expect(() => studyReport(mkdtempSync(path.join(os.tmpdir(), 'fmp-empty-')), mkdtempSync(path.join(os.tmpdir(), 'fmp-out-')))).toThrow(
      /no finished runs.*npm run study -- run/,
    );
  });
});
