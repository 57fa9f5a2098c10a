import { z } from 'zod';
import type { JobControl } from '../control';
import { makeEvalSet, disposeEvalSet } from '../data/batch';
import type { Dataset } from '../data/dataset';
import { analyseHessian } from '../hessian/analysis';
import type { HessianResult } from '../hessian/config';
import type { TrackedSlice } from '../hessian/tracker';
import type { Experiment } from '../io/experiment';
import { hessianJson } from '../io/exports/hessian';
import { surfaceVtp } from '../io/exports/vtp';
import { curveH5, surfaceH5, type H5Scratch } from '../io/exports/h5';
import { weightsToOnnx } from '../io/exports/onnx';
import { curvesCsv, surfaceCsv, trackedSlicesCsv } from '../io/exports/landscape';
import { metricsCsv } from '../io/exports/metrics';
import { weightsToSafetensors, weightsToTfjs } from '../io/weights';
import { writeSafetensors } from '../io/safetensors';
import type { CurveResult, SurfaceResult } from '../landscape/config';
import { readParams } from '../model/paramTensors';
import { runLandscape } from '../landscape/job';
import type { Comparison } from '../train/comparison';
import { evaluate, evaluateSplit } from '../train/evaluate';
import { Trainer } from '../train/trainer';

import { laneAnalysesSchema, runAnalysesSchema, runHeadlessAnalyses, type Analyses, type LaneAnalyses, type RunAnalyses } from './analyses';

export type { Analyses };

export interface LaneResult extends LaneAnalyses {
  laneId: string;
  name: string;
  steps: number;
  gradEvals: number;
  seconds: number;
  train: { loss: number; accuracy: number; samples: number };
  test: { loss: number; accuracy: number; samples: number };
  generalizationGap: number;
  headNorm: number;
  lambdaMax: number | null;
  eigenvalues: number[] | null;
  trace: number | null;
  traceStdError: number | null;
  /** Where and why the lane stopped, if its loss or weights stopped being finite. */
  divergence: { step: number; message: string } | null;
}

export interface HeadlessResults {
  format: 'flat-minima-playground/results';
  version: 1;
  backend: string;
  backendReason: string;
  dataset: string;
  model: Experiment['comparison']['model'];
  seed: number;
  /** How many training samples the lanes trained on (the whole split, or the config's trainSize). */
  trainSamples: number;
  totalSteps: number;
  completedSteps: number;
  cancelled: boolean;
  seconds: number;
  lanes: LaneResult[];
  connectivity?: RunAnalyses['connectivity'];
  trajectory?: RunAnalyses['trajectory'];
}

const nullableNumber = z.number().nullable();
const evaluation = z.object({ loss: nullableNumber, accuracy: nullableNumber, samples: z.number().int() });

/** The schema of results.json (numbers that were not finite are written as null). */
export const headlessResultsSchema = z
  .object({
    format: z.literal('flat-minima-playground/results'),
    version: z.literal(1),
    backend: z.string(),
    backendReason: z.string(),
    dataset: z.string(),
    model: z.unknown(),
    seed: z.number().int(),
    trainSamples: z.number().int().min(1),
    totalSteps: z.number().int(),
    completedSteps: z.number().int(),
    cancelled: z.boolean(),
    seconds: z.number(),
    lanes: z
      .array(
        z
          .object({
            laneId: z.string(),
            name: z.string(),
            steps: z.number().int(),
            gradEvals: z.number().int(),
            seconds: z.number(),
            train: evaluation,
            test: evaluation,
            generalizationGap: nullableNumber,
            headNorm: nullableNumber,
            lambdaMax: nullableNumber,
            eigenvalues: z.array(z.number()).nullable(),
            trace: nullableNumber,
            traceStdError: nullableNumber,
            divergence: z.object({ step: z.number().int(), message: z.string() }).nullable().optional(),
            ...laneAnalysesSchema,
          })
          .strict(),
      )
      .min(1),
    ...runAnalysesSchema,
  })
  .strict();

export interface OutputSink {
  write(name: string, content: string | Uint8Array): void;
}

export interface HeadlessOptions {
  analyses: Analyses;
  backend: string;
  backendReason: string;
  saveEvalData: boolean;
  control: JobControl;
  /** Called with (steps done, steps in all) during training. */
  onTrainProgress(done: number, total: number): void;
  /** Called when an analysis starts. */
  onPhase(phase: string): void;
  /** h5wasm and a scratch file: landscapes also as loss-landscape .h5 files (absent: none). */
  h5?: H5Scratch;
}

const FINAL_TRAIN_SAMPLES = 10_000;

/** Trains every lane of the experiment, runs the asked analyses, and writes everything to `out`. */
export async function runHeadless(
  dataset: Dataset,
  experiment: Experiment,
  out: OutputSink,
  options: HeadlessOptions,
): Promise<HeadlessResults> {
  const started = performance.now();
  const config = experiment.comparison;
  const { trackingOn, tracking } = experiment.hessian;
  const trainer = new Trainer(dataset, config, { checkpointEvery: null, tracking: trackingOn ? tracking : null });
  const { comparison } = trainer;
  const names = Object.fromEntries(config.lanes.map((l) => [l.id, l.name]));
  try {
    const points = await trainer.start();
    const slices: TrackedSlice[] = [];
    while (!trainer.finished && !options.control.cancelled()) {
      const window = await trainer.trainWindow(50);
      points.push(...window.points);
      // Headless, every tracking measurement finishes before training goes on: same seed, same numbers.
      const tracked = await trainer.track(Infinity);
      points.push(...tracked.points);
      slices.push(...tracked.slices);
      for (const { divergence } of window.diverged) options.onPhase(divergence.message);
      if (comparison.allDiverged) break;
      options.onTrainProgress(comparison.step, comparison.totalSteps);
    }
    out.write('metrics.csv', metricsCsv(points, names));
    if (slices.length > 0) out.write('tracked_slices.csv', trackedSlicesCsv(slices, names));
    const lanes = await finalResults(comparison, comparison.dataset);
    const hessians: HessianResult[] = [];
    if (!options.control.cancelled()) await analyses(trainer, experiment, options, out, hessians);
    const healthy = comparison.lanes.filter((l) => !l.diverged).map((l) => l.config.id);
    const more =
      healthy.length > 0 && !options.control.cancelled()
        ? await runHeadlessAnalyses(
            trainer,
            healthy,
            options.analyses,
            experiment.analysisSettings,
            out,
            options.control,
            options.onPhase,
            options.h5,
          )
        : { lanes: new Map<string, LaneAnalyses>(), run: {} };
    for (const lane of lanes) Object.assign(lane, more.lanes.get(lane.laneId) ?? {});
    for (const lane of lanes) {
      const h = hessians.find((r) => r.laneId === lane.laneId);
      if (h)
        Object.assign(lane, {
          lambdaMax: h.top.eigenvalues[0] ?? null,
          eigenvalues: h.top.eigenvalues,
          trace: h.trace?.trace ?? null,
          traceStdError: h.trace?.stdError ?? null,
        });
    }
    for (const lane of comparison.lanes) {
      const values = await readParams(lane.params);
      const metadata = comparison.weightsMetadata(lane.config.id);
      out.write(`weights/${lane.config.id}.safetensors`, weightsToSafetensors(comparison.model.params, values, metadata));
      for (const f of await weightsToTfjs(comparison.model.params, values, metadata))
        out.write(`weights/${lane.config.id}/${f.name}`, f.bytes);
      out.write(`weights/${lane.config.id}.onnx`, weightsToOnnx(values, metadata));
    }
    if (options.saveEvalData) saveEvalData(comparison.dataset, experiment, out);
    const results: HeadlessResults = {
      format: 'flat-minima-playground/results',
      version: 1,
      backend: options.backend,
      backendReason: options.backendReason,
      dataset: config.datasetId,
      model: config.model,
      seed: config.seed,
      trainSamples: comparison.dataset.train.count,
      totalSteps: comparison.totalSteps,
      completedSteps: comparison.step,
      cancelled: options.control.cancelled(),
      seconds: (performance.now() - started) / 1000,
      lanes,
      ...more.run,
    };
    out.write(
      'results.json',
      JSON.stringify(results, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2),
    );
    return results;
  } finally {
    await trainer.dispose();
  }
}

async function finalResults(comparison: Comparison, dataset: Dataset): Promise<LaneResult[]> {
  const { config } = comparison;
  const trainSet = makeEvalSet(dataset.train, dataset.info, FINAL_TRAIN_SAMPLES);
  try {
    const out: LaneResult[] = [];
    for (const lane of comparison.lanes) {
      const train = await evaluate(comparison.model, lane.params, trainSet, config.loss);
      const test = await evaluateSplit(comparison.model, lane.params, dataset.test, dataset.info, config.loss);
      const collected = await lane.collect();
      out.push({
        laneId: lane.config.id,
        name: lane.config.name,
        steps: lane.steps,
        gradEvals: lane.gradEvals,
        seconds: lane.seconds,
        train: { loss: train.loss, accuracy: train.accuracy, samples: train.count },
        test: { loss: test.loss, accuracy: test.accuracy, samples: test.count },
        generalizationGap: test.loss - train.loss,
        headNorm: collected.headNorm,
        lambdaMax: null,
        eigenvalues: null,
        trace: null,
        traceStdError: null,
        divergence: lane.diverged ? { step: lane.diverged.step, message: lane.diverged.message } : null,
      });
    }
    return out;
  } finally {
    disposeEvalSet(trainSet);
  }
}

async function analyses(
  trainer: Trainer,
  experiment: Experiment,
  options: HeadlessOptions,
  out: OutputSink,
  hessians: HessianResult[],
): Promise<void> {
  const { comparison } = trainer;
  // A diverged lane's weights are not finite: it has no landscape and no Hessian.
  const laneIds = comparison.lanes.filter((l) => !l.diverged).map((l) => l.config.id);
  if (laneIds.length === 0) return;
  const names = Object.fromEntries(comparison.lanes.map((l) => [l.config.id, l.config.name]));
  const settings = experiment.landscape.settings;
  for (const kind of ['curve', 'surface'] as const) {
    if (!options.analyses[kind] || options.control.cancelled()) continue;
    options.onPhase(kind === 'curve' ? '1D landscape' : '2D landscape');
    const curves: CurveResult[] = [];
    const surfaces: SurfaceResult[] = [];
    await runLandscape(await comparison.snapshot(laneIds), { kind, laneIds, settings }, options.control, (u) => {
      if (u.kind === 'curve') curves.push(u.result);
      else if (u.result.computed === u.result.total || u.result.cancelled) surfaces.push(u.result);
    });
    if (curves.length > 0) out.write('landscape/curves.csv', curvesCsv(curves));
    for (const c of curves) if (options.h5) out.write(`landscape/curve-${c.key}.h5`, curveH5(options.h5, c, c.label));
    for (const s of surfaces) {
      out.write(`landscape/surface-${s.laneId}.csv`, surfaceCsv(s, names[s.laneId]));
      out.write(`landscape/surface-${s.laneId}.vtp`, surfaceVtp(s));
      if (options.h5) out.write(`landscape/surface-${s.laneId}.h5`, surfaceH5(options.h5, s, names[s.laneId]));
    }
  }
  if (options.analyses.hessian && !options.control.cancelled()) {
    options.onPhase('Hessian');
    for (const subject of await trainer.hessianSubjects(laneIds)) {
      if (options.control.cancelled()) break;
      hessians.push(await analyseHessian(subject, experiment.hessian.settings, options.control));
    }
    out.write('hessian.json', hessianJson(hessians, names));
  }
}

/** The exact samples the analyses used (normalized inputs and labels), for recomputation elsewhere. */
function saveEvalData(dataset: Dataset, experiment: Experiment, out: OutputSink): void {
  const { info } = dataset;
  const size = info.shape[0] * info.shape[1] * info.shape[2];
  const write = (name: string, split: 'train' | 'test', count: number) => {
    const n = Math.min(count, dataset[split].count);
    const x = new Float32Array(n * size);
    const y = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      for (let p = 0; p < size; p++) {
        const c = p % info.shape[2];
        x[i * size + p] = (dataset[split].images[i * size + p] / 255 - info.normalization.mean[c]) / info.normalization.std[c];
      }
      y[i] = dataset[split].labels[i];
    }
    out.write(
      name,
      writeSafetensors(
        [
          { name: 'x', shape: [n, ...info.shape], data: x },
          { name: 'y', shape: [n], data: y },
        ],
        {
          layout: 'x: normalized pixels [n, height, width, channels] (HWC), (p/255 - mean[c]) / std[c]; y: labels as float32',
          split,
          samples: String(n),
        },
      ),
    );
  };
  const { settings } = experiment.landscape;
  write('eval-data/landscape-train.safetensors', 'train', settings.trainSamples);
  write('eval-data/landscape-test.safetensors', 'test', settings.testSamples);
  write('eval-data/hessian-train.safetensors', 'train', experiment.hessian.settings.samples);
}
