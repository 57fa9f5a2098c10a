/**
 * npm run analyses-cost [-- --steps 300] [--recording]
 * What each analysis across lanes costs with its default settings on the default comparison (the
 * default MLP on Fashion-MNIST, WASM in Node), after `steps` of training: seconds, HVPs, gradients,
 * loss evaluations, and loss point-samples (grid points × samples) of its slices and planes. The
 * per-lane analyses run on one lane, mode connectivity on the first two, the trajectory plane on all.
 * --recording instead times training with and without the trajectory snapshots, alternating.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { initBackend } from '../src/engine/backend';
import { loadDataset } from '../src/engine/data/loader';
import { DIRECT_CONTROL } from '../src/engine/control';
import { ANALYSIS_KINDS, DEFAULT_ANALYSIS_SETTINGS, type AnalysisKind, type AnalysisRequest } from '../src/engine/analyses/config';
import { runAnalysis, type AnalysisResult } from '../src/engine/analyses/run';
import { defaultComparison } from '../src/engine/train/config';
import { Trainer } from '../src/engine/train/trainer';
import { describeModel } from '../src/engine/model/spec';
import { parseOptions } from './args';
import type { Dataset } from '../src/engine/data/dataset';

const root = path.resolve(import.meta.dirname, '..');

interface Cost {
  hvps: number;
  gradients: number;
  losses: number;
  pointSamples: number;
  what: string;
}

function costOf(r: AnalysisResult, test: number): Cost {
  const s = DEFAULT_ANALYSIS_SETTINGS;
  switch (r.kind) {
    case 'sharpness':
      return { hvps: 0, gradients: r.result.gradients, losses: r.result.losses, pointSamples: 0, what: `${r.result.samples} samples` };
    case 'layers':
      return { hvps: r.result.hvps, gradients: 2 * r.result.hvps, losses: 0, pointSamples: 0, what: `${r.result.blocks.length} tensors` };
    case 'eigen-slices': {
      const e = s['eigen-slices'];
      const curves = r.result.curves.length * e.curvePoints * (r.result.samples + Math.min(e.testSamples, test));
      const surface = r.result.surface ? e.surfacePoints ** 2 * r.result.samples : 0;
      const checks = r.result.checks.length * 3 * r.result.samples * 2;
      const what = `${r.result.eigenvalues.length} eigenvectors, ${r.result.iterations} Lanczos steps`;
      return { hvps: r.result.hvps, gradients: 2 * r.result.hvps, losses: 0, pointSamples: curves + surface + checks, what };
    }
    case 'connectivity': {
      const c = s.connectivity;
      const paths = 2 * c.pathPoints * (r.result.samples.eval + r.result.samples.test);
      const plane = r.result.plane?.surface ? c.surfacePoints ** 2 * r.result.samples.eval : 0;
      const what = `${c.steps} bend steps of ${c.batchSize}`;
      return { hvps: 0, gradients: r.result.gradients, losses: 0, pointSamples: paths + plane, what };
    }
    case 'trajectory': {
      const t = s.trajectory;
      const what = `${r.result.snapshots} snapshots`;
      return { hvps: 0, gradients: 0, losses: 0, pointSamples: t.surfacePoints ** 2 * t.samples, what };
    }
    case 'convexity': {
      const what = `${r.result.computed} points`;
      return { hvps: r.result.hvps, gradients: 2 * r.result.hvps, losses: r.result.computed, pointSamples: 0, what };
    }
  }
}

function requestOf(kind: AnalysisKind, lanes: string[]): AnalysisRequest {
  const settings = DEFAULT_ANALYSIS_SETTINGS;
  if (kind === 'connectivity') return { kind, from: lanes[0], to: lanes[1], settings: settings.connectivity };
  if (kind === 'trajectory') return { kind, laneIds: lanes, settings: settings.trajectory };
  return { kind, laneIds: [lanes[0]], settings: settings[kind] } as AnalysisRequest;
}

/** Seconds to train `steps` of the default comparison, with or without weight snapshots. */
async function trainingSeconds(dataset: Dataset, steps: number, recording: boolean): Promise<number> {
  const trainer = new Trainer(dataset, defaultComparison(), { checkpointEvery: null, trajectory: recording ? undefined : null });
  await trainer.start();
  await trainer.trainWindow(20); // warm-up
  const started = performance.now();
  while (trainer.comparison.step < steps + 20 && !trainer.finished) await trainer.trainWindow(steps + 20 - trainer.comparison.step);
  const seconds = (performance.now() - started) / 1000;
  await trainer.dispose();
  return seconds;
}

async function recordingCost(dataset: Dataset, steps: number): Promise<void> {
  const times = { on: [] as number[], off: [] as number[] };
  for (let round = 0; round < 3; round++) {
    times.off.push(await trainingSeconds(dataset, steps, false));
    times.on.push(await trainingSeconds(dataset, steps, true));
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[1];
  const [off, on] = [median(times.off), median(times.on)];
  console.log(`default comparison, ${steps} steps, median of 3 alternating rounds (wasm in Node):`);
  console.log(
    `  without snapshots ${off.toFixed(2)} s, with snapshots every 20 steps ${on.toFixed(2)} s: ${((on / off - 1) * 100).toFixed(1)}%`,
  );
}

export async function main(args: string[]): Promise<number> {
  const options = parseOptions(args, { values: ['steps'], flags: ['recording'] });
  const steps = Number(options.get('steps') ?? 300);
  await initBackend('wasm');
  const dir = path.join(root, 'public', 'data', 'fashion-mnist');
  const { dataset } = await loadDataset({ cacheKey: 'cost', fetchFile: async (f) => new Uint8Array(readFileSync(path.join(dir, f))) });
  if (options.has('recording')) {
    await recordingCost(dataset, steps);
    return 0;
  }
  const config = defaultComparison();
  const trainer = new Trainer(dataset, config, { checkpointEvery: null });
  await trainer.start();
  while (trainer.comparison.step < steps && !trainer.finished) await trainer.trainWindow(steps - trainer.comparison.step);
  const lanes = config.lanes.map((l) => l.id);
  const { parameterCount, step } = trainer.comparison;
  console.log(`${describeModel(config.model)} on ${config.datasetId}, ${parameterCount} parameters, step ${step}, wasm in Node\n`);
  console.log('| analysis | on | work | seconds | HVPs | gradients | loss evaluations | loss point-samples |');
  console.log('|---|---|---|---:|---:|---:|---:|---:|');
  for (const kind of ANALYSIS_KINDS) {
    const recorder = trainer.trajectories!;
    const inputs = {
      snapshot: await trainer.comparison.snapshot(lanes),
      trajectories: { of: (id: string) => recorder.snapshots(id), state: recorder.state() },
    };
    const request = requestOf(kind, lanes);
    const results: AnalysisResult[] = [];
    const started = performance.now();
    await runAnalysis(inputs, request, DIRECT_CONTROL, (r, final) => final && results.push(r));
    const seconds = (performance.now() - started) / 1000;
    const cost = costOf(results[0], dataset.test.count);
    const on = kind === 'connectivity' ? '2 lanes' : kind === 'trajectory' ? `${lanes.length} lanes` : '1 lane';
    const n = (v: number) => v.toLocaleString('en-US');
    const counts = [cost.hvps, cost.gradients, cost.losses, cost.pointSamples].map(n).join(' | ');
    console.log(`| ${kind} | ${on} | ${cost.what} | ${seconds.toFixed(1)} | ${counts} |`);
  }
  await trainer.dispose();
  return 0;
}
