import { parseCsv } from '../src/engine/io/csv';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { headlessResultsSchema } from '../src/engine/headless/run';
import { readSafetensors } from '../src/engine/io/safetensors';
import { parseMetricsCsv } from '../src/engine/io/exports/metrics';
import { runMain } from './helpers';

const SMOKE = path.join(import.meta.dirname, '..', 'experiments', 'smoke-mnist-mlp.json');

async function experiment(args: string[]) {
  return runMain((await import('../scripts/experiment')).main, args);
}

/** The smoke config as loose JSON, patched (often into something invalid on purpose). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function configWith(patch: (c: Record<string, any>) => void): string {
  const config = JSON.parse(readFileSync(SMOKE, 'utf8'));
  patch(config);
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'fmp-config-')), 'config.json');
  writeFileSync(file, JSON.stringify(config));
  return file;
}

describe('npm run experiment', () => {
  it('refuses bad configs and arguments with a clear message and exit code 2', async () => {
    const notJson = path.join(mkdtempSync(path.join(os.tmpdir(), 'fmp-config-')), 'bad.json');
    writeFileSync(notJson, '{ "comparison": ');
    const cases: Array<[string[], RegExp]> = [
      [[], /--config <file.json> is required/],
      [['--config', '/nonexistent/x.json'], /cannot read \/nonexistent\/x\.json/],
      [['--config', notJson], /not JSON/],
      [['--config', configWith((c) => (c.comparison.lanes[0].optimizer.lr = -1))], /not a valid setup[\s\S]*lane 1 "SGD"[\s\S]*lr/],
      [['--config', configWith((c) => (c.comparison.bogus = 1))], /comparison\.bogus: unknown key/],
      [
        ['--config', configWith((c) => (c.comparison.trainSize = 70000))],
        /cannot run on mnist: train samples 70,000 is more than the training split holds \(60,000\)/,
      ],
      [
        [
          '--config',
          configWith((c) => {
            c.comparison.trainSize = 100;
            c.comparison.batchSize = 128;
          }),
        ],
        /cannot run on mnist: batch size 128 is larger than the training split \(100 samples\)/,
      ],
      [['--config', SMOKE, '--backend', 'webgpu'], /--backend must be wasm or cpu/],
      [['--config', SMOKE, '--analyses', 'curve,hessians'], /--analyses: unknown hessians/],
      [['--config', SMOKE, '--fast'], /unknown option --fast/],
      [['--config', configWith((c) => (c.comparison.datasetId = 'cifar-100'))], /dataset "cifar-100" is not in public\/data/],
    ];
    for (const [args, message] of cases) {
      const r = await experiment(args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.err).toMatch(message);
    }
  });

  it(
    'runs the smoke config end to end: results.json matches the schema, with weights, metrics, ' +
      'curves, Hessian and eval data; the same seed gives the same numbers',
    async () => {
      const runs: Array<ReturnType<typeof headlessResultsSchema.parse>> = [];
      for (let i = 0; i < 2; i++) {
        const out = mkdtempSync(path.join(os.tmpdir(), 'fmp-run-'));
        const r = await experiment(['--config', SMOKE, '--out', out, '--save-eval-data']);
        expect(r.status, r.err).toBe(0);
        const results = headlessResultsSchema.parse(JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')));
        expect(results.backend).toBe('wasm');
        expect(results.completedSteps).toBe(results.totalSteps);
        expect(results.lanes.map((l) => l.laneId)).toEqual(['sgd', 'sam']);
        expect(results.lanes[1].gradEvals).toBe(2 * results.lanes[0].gradEvals);
        for (const lane of results.lanes) {
          expect(lane.test.accuracy).toBeGreaterThan(0.5);
          expect(lane.eigenvalues).toHaveLength(3);
          expect(lane.trace).not.toBeNull();
        }
        for (const file of [
          'metrics.csv',
          'landscape/curves.csv',
          'landscape/curve-sgd.h5',
          'landscape/curve-sam.h5',
          'hessian.json',
          'weights/sgd.safetensors',
          'weights/sgd/model.json',
          'weights/sgd.onnx',
          'weights/sgd/weights.bin',
          'eval-data/hessian-train.safetensors',
        ])
          expect(existsSync(path.join(out, file)), file).toBe(true);
        const evalData = readSafetensors(new Uint8Array(readFileSync(path.join(out, 'eval-data/hessian-train.safetensors'))));
        expect(evalData.tensors.map((t) => t.shape)).toEqual([[300, 28, 28, 1], [300]]);
        runs.push(results);
      }
      const strip = (r: (typeof runs)[number]) => r.lanes.map(({ seconds: _seconds, ...rest }) => rest);
      expect(strip(runs[1])).toEqual(strip(runs[0]));
    },
  );

  it('runs the six analyses across lanes headless: their keys in results.json and their files under analyses/', async () => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'fmp-run-'));
    const config = configWith((c) => {
      c.comparison.trainSize = 1000;
      c.analysisSettings = {
        sharpness: { samples: 200, draws: 3, steps: 3, m: 100 },
        layers: { samples: 100, maxIterations: 4, traceSamples: 4 },
        'eigen-slices': { samples: 100, maxIterations: 10, curvePoints: 5, surfacePoints: 3, testSamples: 50 },
        connectivity: { trainSamples: 200, steps: 10, batchSize: 50, evalSamples: 100, testSamples: 50, pathPoints: 5, surfacePoints: 3 },
        trajectory: { samples: 100, surfacePoints: 3 },
        convexity: { samples: 50, gridPoints: 2, lanczosSteps: 4 },
      };
    });
    const analyses = 'sharpness,layers,eigen-slices,connectivity,trajectory,convexity';
    const r = await experiment(['--config', config, '--out', out, '--analyses', analyses]);
    expect(r.status, r.err).toBe(0);
    const results = headlessResultsSchema.parse(JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')));
    for (const lane of results.lanes) {
      expect(lane.sharpness?.samples).toBe(200);
      expect(lane.sharpness?.mSharpness?.value).toBeGreaterThan(0);
      expect(lane.layers?.map((l) => l.tensor)).toEqual(['dense1/kernel', 'dense1/bias', 'head/kernel', 'head/bias']);
      expect(lane.eigenSlices?.eigenvalues).toHaveLength(2);
      expect(lane.convexity?.points).toBe(4);
      expect(lane.lambdaMax).toBeNull(); // the Hessian analysis was not asked for
    }
    expect(results.connectivity?.from).toBe('sgd');
    expect(results.connectivity?.bezierBarrier).not.toBeNull();
    expect(results.trajectory?.every).toBe(20);
    // 16 steps (1,000 samples in batches of 64): snapshots at 0 and now.
    expect(results.trajectory?.snapshots).toBe(2 * 2);
    for (const file of [
      'sharpness.csv',
      'layers.csv',
      'eigen-slices.csv',
      'eigen-surface-sgd.vtp',
      'connectivity.csv',
      'connectivity-plane.vtp',
      'connectivity-paths.vtp',
      'trajectory.csv',
      'trajectory-surface.vtp',
      'trajectory-paths.vtp',
      'convexity.csv',
      'convexity-sgd.h5',
      'trajectory-surface.h5',
      'trajectory-directions.h5',
      'trajectory-sam.h5',
    ])
      expect(existsSync(path.join(out, 'analyses', file)), file).toBe(true);
    const sharpness = parseCsv(readFileSync(path.join(out, 'analyses/sharpness.csv'), 'utf8'));
    expect(sharpness[0]).toEqual(['lane', 'step', 'samples', 'measure', 'rho', 'm', 'steps', 'draws', 'value', 'std_error']);
    const measures = ['loss', 'avg', 'avg-adaptive', 'max', 'max-adaptive', 'm-max', 'm-max-adaptive'];
    expect(sharpness.slice(1).map((row) => `${row[0]}:${row[3]}`)).toEqual(
      ['sgd', 'sam'].flatMap((lane) => measures.map((m) => `${lane}:${m}`)),
    );
  });

  it('trains a CNN on WASM on a subset of the training split, with tracking: λmax, trace and live slices', async () => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'fmp-run-'));
    const config = configWith((c) => {
      c.comparison.model = { kind: 'cnn', channels: [2, 4], kernelSize: 3, dense: 8 };
      c.comparison.trainSize = 256;
      c.hessian = { ...c.hessian, trackingOn: true, tracking: { every: 2, samples: 32, iterations: 4, traceSamples: 2 } };
    });
    const r = await experiment(['--config', config, '--out', out, '--analyses', 'none']);
    expect(r.status, r.err).toBe(0);
    const results = headlessResultsSchema.parse(JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')));
    expect(results.backend).toBe('wasm');
    expect(results.trainSamples).toBe(256);
    expect(results.totalSteps).toBe(4);
    const metrics = parseMetricsCsv(readFileSync(path.join(out, 'metrics.csv'), 'utf8'));
    for (const lane of results.lanes) {
      expect(lane.train.samples).toBe(256);
      const start = metrics.find((p) => p.laneId === lane.laneId && p.metric === 'test_loss' && p.step === 0)!.value;
      expect(lane.test.loss).toBeLessThan(start);
      const tracked = metrics.filter((p) => p.laneId === lane.laneId && p.metric === 'hess_lmax');
      expect(tracked.map((p) => p.step)).toEqual([2, 4]);
    }
    const slices = parseCsv(readFileSync(path.join(out, 'tracked_slices.csv'), 'utf8'));
    expect(slices[0]).toEqual(['lane', 'name', 'step', 'alpha', 'loss', 'samples']);
    expect(slices.length - 1).toBe(2 * 2 * 21);
    const centre = slices.filter((row) => row[3] === '0');
    expect(centre.map((row) => `${row[0]}@${row[2]}`)).toEqual(['sgd@2', 'sam@2', 'sgd@4', 'sam@4']);
    for (const row of slices.slice(1)) {
      expect(Number.isFinite(Number(row[4]))).toBe(true);
      expect(row[5]).toBe('32');
    }
  });
});
