/**
 * The analyses beyond curves, surfaces and spectra in a headless run: each writes its files under
 * analyses/ and gives numbers for results.json (per lane, or for the one pair or plane).
 */
import { z } from 'zod';
import type { AnalysisKind, AnalysisRequest, AnalysisSettings } from '../analyses/config';
import type { ConnectivityResult } from '../analyses/connectivity';
import type { ConvexityResult } from '../analyses/convexity';
import type { EigenSliceResult } from '../analyses/eigenSlices';
import { runAnalysis, type AnalysisResult, type LayerCurvatureResult, type SharpnessResult } from '../analyses/run';
import type { TrajectoryResult } from '../analyses/trajectory';
import type { JobControl } from '../control';
import {
  connectivityCsv,
  connectivityPathsVtp,
  convexityCsv,
  eigenSlicesCsv,
  layersCsv,
  sharpnessCsv,
  trajectoryCsv,
  trajectoryPathsVtp,
} from '../io/exports/analyses';
import { surfaceCsv } from '../io/exports/landscape';
import { convexityH5, trajectoryH5, type H5Scratch } from '../io/exports/h5';
import { surfaceVtp } from '../io/exports/vtp';
import type { Trainer } from '../train/trainer';

/** What a headless run can be asked for after training (the CLI's --analyses list). */
export const HEADLESS_ANALYSES = [
  'curve',
  'surface',
  'hessian',
  'sharpness',
  'layers',
  'eigen-slices',
  'connectivity',
  'trajectory',
  'convexity',
] as const;
export type HeadlessAnalysis = (typeof HEADLESS_ANALYSES)[number];
export type Analyses = Record<HeadlessAnalysis, boolean>;

export const DEFAULT_HEADLESS_ANALYSES: Analyses = Object.fromEntries(
  HEADLESS_ANALYSES.map((a) => [a, a === 'curve' || a === 'hessian']),
) as Analyses;

const num = z.number().nullable();
const estimate = z.object({ value: num, stdError: num });

/** Per-lane keys of results.json from these analyses (absent when not run). */
export const laneAnalysesSchema = {
  sharpness: z
    .object({
      rho: z.number(),
      adaptiveRho: z.number(),
      averageRho: z.number(),
      averageAdaptiveRho: z.number(),
      samples: z.number().int(),
      m: z.number().int(),
      steps: z.number().int(),
      draws: z.number().int(),
      average: estimate,
      averageAdaptive: estimate,
      worst: num,
      worstAdaptive: num,
      mSharpness: estimate.nullable(),
      mSharpnessAdaptive: estimate.nullable(),
    })
    .optional(),
  layers: z.array(z.object({ tensor: z.string(), lambdaMax: num, trace: num, traceStdError: num })).optional(),
  eigenSlices: z.object({ eigenvalues: z.array(num), secondDifferences: z.array(num) }).optional(),
  convexity: z.object({ minRatio: num, maxRatio: num, meanRatio: num, points: z.number().int() }).optional(),
};

/** Top-level keys of results.json from these analyses. */
export const runAnalysesSchema = {
  connectivity: z
    .object({
      from: z.string(),
      to: z.string(),
      distance: num,
      linearBarrier: z.object({ train: num, test: num }),
      bezierBarrier: z.object({ train: num, test: num }).nullable(),
      steps: z.number().int(),
    })
    .optional(),
  trajectory: z.object({ explained: z.array(num), snapshots: z.number().int(), every: z.number().int(), centre: z.string() }).optional(),
};

export type LaneAnalyses = { [K in keyof typeof laneAnalysesSchema]?: z.infer<(typeof laneAnalysesSchema)[K]> };
export type RunAnalyses = { [K in keyof typeof runAnalysesSchema]?: z.infer<(typeof runAnalysesSchema)[K]> };

interface Sink {
  write(name: string, content: string | Uint8Array): void;
}

type ResultOf<K extends AnalysisKind> = Extract<AnalysisResult, { kind: K }>['result'];

function finals<K extends AnalysisKind>(results: AnalysisResult[], kind: K): Array<ResultOf<K>> {
  return results.flatMap((r) => (r.kind === kind ? [r.result as ResultOf<K>] : []));
}

function sharpnessKeys(r: SharpnessResult): LaneAnalyses['sharpness'] {
  const s = r.settings;
  return {
    rho: s.rho,
    adaptiveRho: s.adaptiveRho,
    averageRho: s.averageRho,
    averageAdaptiveRho: s.averageAdaptiveRho,
    samples: r.samples,
    m: s.m,
    steps: s.steps,
    draws: s.draws,
    average: r.average.plain,
    averageAdaptive: r.average.adaptive,
    worst: r.worst.plain,
    worstAdaptive: r.worst.adaptive,
    mSharpness: r.mSharpness?.plain ?? null,
    mSharpnessAdaptive: r.mSharpness?.adaptive ?? null,
  };
}

function convexityKeys(r: ConvexityResult): LaneAnalyses['convexity'] {
  const ratios = r.ratio.filter(Number.isFinite);
  return {
    minRatio: Math.min(...ratios),
    maxRatio: Math.max(...ratios),
    meanRatio: ratios.reduce((a, b) => a + b, 0) / ratios.length,
    points: ratios.length,
  };
}

/** Runs the asked analyses in order, writes their files, and returns their numbers for results.json. */
export async function runHeadlessAnalyses(
  trainer: Trainer,
  laneIds: readonly string[],
  asked: Analyses,
  settings: AnalysisSettings,
  out: Sink,
  control: JobControl,
  onPhase: (phase: string) => void,
  h5?: H5Scratch,
): Promise<{ lanes: Map<string, LaneAnalyses>; run: RunAnalyses }> {
  const { comparison } = trainer;
  const names = Object.fromEntries(comparison.lanes.map((l) => [l.config.id, l.config.name]));
  const lanes = new Map(laneIds.map((id) => [id, {} as LaneAnalyses]));
  const run: RunAnalyses = {};
  const requests: Array<[string, AnalysisRequest]> = [];
  if (asked.sharpness) requests.push(['sharpness measures', { kind: 'sharpness', laneIds: [...laneIds], settings: settings.sharpness }]);
  if (asked.layers) requests.push(['per-layer curvature', { kind: 'layers', laneIds: [...laneIds], settings: settings.layers }]);
  if (asked['eigen-slices'])
    requests.push(['eigen-direction slices', { kind: 'eigen-slices', laneIds: [...laneIds], settings: settings['eigen-slices'] }]);
  if (asked.connectivity) {
    if (laneIds.length < 2) onPhase('mode connectivity skipped: it needs two lanes that did not diverge');
    else requests.push(['mode connectivity', { kind: 'connectivity', from: laneIds[0], to: laneIds[1], settings: settings.connectivity }]);
  }
  if (asked.trajectory) requests.push(['trajectory plane', { kind: 'trajectory', laneIds: [...laneIds], settings: settings.trajectory }]);
  if (asked.convexity) requests.push(['convexity map', { kind: 'convexity', laneIds: [...laneIds], settings: settings.convexity }]);
  for (const [phase, request] of requests) {
    if (control.cancelled()) break;
    onPhase(phase);
    const recorder = trainer.trajectories;
    const inputs = {
      snapshot: await comparison.snapshot(request.kind === 'connectivity' ? [request.from, request.to] : laneIds),
      trajectories: recorder ? { of: (id: string) => recorder.snapshots(id), state: recorder.state() } : null,
    };
    const results: AnalysisResult[] = [];
    await runAnalysis(inputs, request, control, (r, final) => final && results.push(r));
    write(results, request.kind, out, names, lanes, run, h5);
  }
  return { lanes, run };
}

function write(
  results: AnalysisResult[],
  kind: AnalysisKind,
  out: Sink,
  names: Record<string, string>,
  lanes: Map<string, LaneAnalyses>,
  run: RunAnalyses,
  h5: H5Scratch | undefined,
): void {
  const lane = (id: string) => lanes.get(id) ?? {};
  if (kind === 'sharpness') {
    const rs = finals(results, 'sharpness');
    out.write('analyses/sharpness.csv', sharpnessCsv(rs));
    rs.forEach((r) => (lane(r.laneId).sharpness = sharpnessKeys(r)));
  } else if (kind === 'layers') {
    const rs: LayerCurvatureResult[] = finals(results, 'layers');
    out.write('analyses/layers.csv', layersCsv(rs));
    rs.forEach(
      (r) =>
        (lane(r.laneId).layers = r.blocks.map((b) => ({
          tensor: b.name,
          lambdaMax: b.lambdaMax,
          trace: b.trace.trace,
          traceStdError: b.trace.stdError,
        }))),
    );
  } else if (kind === 'eigen-slices') {
    const rs: EigenSliceResult[] = finals(results, 'eigen-slices');
    out.write('analyses/eigen-slices.csv', eigenSlicesCsv(rs));
    for (const r of rs) {
      lane(r.laneId).eigenSlices = { eigenvalues: r.eigenvalues, secondDifferences: r.checks.map((c) => c.secondDifference) };
      if (r.surface) {
        out.write(`analyses/eigen-surface-${r.laneId}.csv`, surfaceCsv(r.surface, names[r.laneId]));
        out.write(`analyses/eigen-surface-${r.laneId}.vtp`, surfaceVtp(r.surface));
      }
    }
  } else if (kind === 'connectivity') {
    const [r]: ConnectivityResult[] = finals(results, 'connectivity');
    if (!r) return;
    out.write('analyses/connectivity.csv', connectivityCsv(r));
    if (r.plane?.surface) {
      out.write('analyses/connectivity-plane.csv', surfaceCsv(r.plane.surface, `${names[r.from.laneId]} ~ ${names[r.to.laneId]}`));
      out.write('analyses/connectivity-plane.vtp', surfaceVtp(r.plane.surface));
      out.write('analyses/connectivity-paths.vtp', connectivityPathsVtp(r));
    }
    run.connectivity = {
      from: r.from.laneId,
      to: r.to.laneId,
      distance: r.distance,
      linearBarrier: r.linear ? r.linear.barrier : { train: null, test: null },
      bezierBarrier: r.bezier ? r.bezier.barrier : null,
      steps: r.training?.steps ?? 0,
    };
  } else if (kind === 'trajectory') {
    const [r]: TrajectoryResult[] = finals(results, 'trajectory');
    if (!r) return;
    out.write('analyses/trajectory.csv', trajectoryCsv(r));
    out.write('analyses/trajectory-paths.vtp', trajectoryPathsVtp(r));
    if (h5) for (const [name, bytes] of Object.entries(trajectoryH5(h5, r))) out.write(`analyses/${name}`, bytes);
    if (r.surface) {
      out.write('analyses/trajectory-surface.csv', surfaceCsv(r.surface, 'trajectory plane'));
      out.write('analyses/trajectory-surface.vtp', surfaceVtp(r.surface));
    }
    run.trajectory = { explained: r.explained, snapshots: r.snapshots, every: r.recorder.every, centre: r.centre };
  } else {
    const rs: ConvexityResult[] = finals(results, 'convexity');
    out.write('analyses/convexity.csv', convexityCsv(rs));
    rs.forEach((r) => (lane(r.laneId).convexity = convexityKeys(r)));
    if (h5) for (const r of rs) out.write(`analyses/convexity-${r.laneId}.h5`, convexityH5(h5, r, names[r.laneId]));
  }
}
