import type { JobControl } from '../control';
import { HessianOperator } from '../hessian/hvp';
import type { WeightsSnapshot } from '../train/snapshot';
import type { TrajectoryState, WeightSnapshot } from '../train/trajectories';
import type { AnalysisRequest, LayerCurvatureSettings, SharpnessSettings } from './config';
import { connectivity, connectivityWork, type ConnectivityResult } from './connectivity';
import { convexityMap, convexityWork, type ConvexityResult } from './convexity';
import { eigenSlices, eigenSliceWork, type EigenSliceResult } from './eigenSlices';
import { layerCurvature, layerWork, type BlockCurvature } from './layers';
import { ModelObjective } from './objective';
import { sharpnessMeasures, sharpnessWork, type SharpnessMeasures } from './sharpness';
import { countingControl, laneWeights, Subsets } from './subject';
import { trajectoryPlane, type TrajectoryResult } from './trajectory';
import { blocksOf, flatten } from './vector';

export interface LaneStamp {
  laneId: string;
  label: string;
  step: number;
  seconds: number;
  cancelled: boolean;
}

export interface SharpnessResult extends LaneStamp, SharpnessMeasures {
  samples: number;
  settings: SharpnessSettings;
  losses: number;
  gradients: number;
}

export interface LayerCurvatureResult extends LaneStamp {
  samples: number;
  settings: LayerCurvatureSettings;
  blocks: BlockCurvature[];
  hvps: number;
}

function stamp(snapshot: WeightsSnapshot, laneId: string, label: string, started: number, control: JobControl): LaneStamp {
  return { laneId, label, step: snapshot.step, seconds: (performance.now() - started) / 1000, cancelled: control.cancelled() };
}

export type AnalysisResult =
  | { kind: 'sharpness'; result: SharpnessResult }
  | { kind: 'layers'; result: LayerCurvatureResult }
  | { kind: 'eigen-slices'; result: EigenSliceResult }
  | { kind: 'connectivity'; result: ConnectivityResult }
  | { kind: 'trajectory'; result: TrajectoryResult }
  | { kind: 'convexity'; result: ConvexityResult };

/** What the analyses need besides the lanes' weights now. */
export interface AnalysisInputs {
  snapshot: WeightsSnapshot;
  /** The trajectory recorder's snapshots of a lane, and its state (null: none recorded). */
  trajectories: { of(laneId: string): readonly WeightSnapshot[]; state: TrajectoryState } | null;
}

/** Lanes whose weights a request needs. */
export function analysisLanes(request: AnalysisRequest): string[] {
  if (request.kind === 'connectivity') return [request.from, request.to];
  if (request.kind === 'trajectory' && request.settings.centre !== 'mean' && !request.laneIds.includes(request.settings.centre))
    return [...request.laneIds, request.settings.centre];
  return request.laneIds;
}

async function sharpnessOf(
  inputs: AnalysisInputs,
  laneId: string,
  settings: SharpnessSettings,
  control: JobControl,
): Promise<SharpnessResult> {
  const started = performance.now();
  const { snapshot } = inputs;
  const { weights, label } = laneWeights(snapshot, laneId);
  const subsets = new Subsets(snapshot);
  try {
    const count = Math.min(settings.samples, snapshot.dataset.train.count);
    const useM = settings.m > 0 && settings.m <= count;
    const set = useM ? subsets.inBatches(count, settings.m) : subsets.forGradients(count);
    const mBatches = useM ? set.chunks.flatMap((c, b) => (c.size === settings.m ? [b] : [])) : [];
    const objective = new ModelObjective(snapshot.model, set, snapshot.loss);
    const counted = countingControl(control, () => objective.counts.losses + objective.counts.gradients);
    const measures = await sharpnessMeasures(objective, flatten(snapshot.model.params, weights), settings, mBatches, counted);
    const { losses, gradients } = objective.counts;
    return { ...stamp(snapshot, laneId, label, started, control), samples: set.count, settings, ...measures, losses, gradients };
  } finally {
    subsets.dispose();
  }
}

async function layersOf(
  inputs: AnalysisInputs,
  laneId: string,
  settings: LayerCurvatureSettings,
  control: JobControl,
): Promise<LayerCurvatureResult> {
  const started = performance.now();
  const { snapshot } = inputs;
  const { weights, label } = laneWeights(snapshot, laneId);
  const subsets = new Subsets(snapshot);
  const set = subsets.forGradients(Math.min(settings.samples, snapshot.dataset.train.count));
  const op = new HessianOperator(snapshot.model, weights, set, snapshot.loss);
  try {
    const blocks = await layerCurvature(
      op,
      blocksOf(snapshot.model.params),
      settings,
      countingControl(control, () => op.hvps),
    );
    return { ...stamp(snapshot, laneId, label, started, control), samples: set.count, settings, blocks, hvps: op.hvps };
  } finally {
    op.dispose();
    subsets.dispose();
  }
}

/** Work of one lane (or of the request's single item) in the analysis's own units, for progress. */
function itemWork(inputs: AnalysisInputs, request: AnalysisRequest): number {
  const { dataset, model } = inputs.snapshot;
  const train = (n: number) => Math.min(n, dataset.train.count);
  const test = (n: number) => Math.min(n, dataset.test.count);
  switch (request.kind) {
    case 'sharpness': {
      const s = request.settings;
      return sharpnessWork(s, s.m > 0 ? Math.floor(train(s.samples) / s.m) : 0);
    }
    case 'layers':
      return layerWork(request.settings, blocksOf(model.params));
    case 'eigen-slices':
      return eigenSliceWork(request.settings, train(request.settings.samples), test(request.settings.testSamples));
    case 'connectivity':
      return connectivityWork(request.settings, train(request.settings.evalSamples), test(request.settings.testSamples));
    case 'trajectory':
      return request.settings.surfacePoints ** 2 * train(request.settings.samples);
    case 'convexity':
      return convexityWork(request.settings);
  }
}

/** How many items (lanes, or one pair or plane) a request runs, each of `itemWork`. */
function itemCount(request: AnalysisRequest): number {
  return request.kind === 'connectivity' || request.kind === 'trajectory' ? 1 : request.laneIds.length;
}

export function analysisWork(inputs: AnalysisInputs, request: AnalysisRequest): number {
  return itemCount(request) * itemWork(inputs, request);
}

/**
 * Runs one analysis request on a snapshot: lane after lane (or the one pair, or the one plane),
 * streaming partial and final results through `onResult`; a cancelled request keeps what it has.
 */
export async function runAnalysis(
  inputs: AnalysisInputs,
  request: AnalysisRequest,
  control: JobControl,
  onResult: (result: AnalysisResult, final: boolean) => void,
): Promise<void> {
  const each = itemWork(inputs, request);
  const at = (item: number): JobControl => ({ ...control, progress: (done) => control.progress(item * each + Math.min(done, each)) });
  const { snapshot } = inputs;
  switch (request.kind) {
    case 'connectivity': {
      const r = await connectivity(snapshot, request.from, request.to, request.settings, at(0), (p) =>
        onResult({ kind: 'connectivity', result: p }, false),
      );
      onResult({ kind: 'connectivity', result: r }, true);
      return;
    }
    case 'trajectory': {
      if (!inputs.trajectories) throw new Error('no weight snapshots were recorded in this comparison: the trajectory plane needs them');
      const { of, state } = inputs.trajectories;
      const r = await trajectoryPlane(snapshot, request.laneIds, of, state, request.settings, at(0), (p) =>
        onResult({ kind: 'trajectory', result: p }, false),
      );
      onResult({ kind: 'trajectory', result: r }, true);
      return;
    }
    default:
  }
  for (const [item, laneId] of request.laneIds.entries()) {
    if (control.cancelled()) return;
    const c = at(item);
    if (request.kind === 'sharpness') onResult({ kind: 'sharpness', result: await sharpnessOf(inputs, laneId, request.settings, c) }, true);
    else if (request.kind === 'layers') onResult({ kind: 'layers', result: await layersOf(inputs, laneId, request.settings, c) }, true);
    else if (request.kind === 'eigen-slices') {
      const r = await eigenSlices(snapshot, laneId, request.settings, c, (p) => onResult({ kind: 'eigen-slices', result: p }, false));
      onResult({ kind: 'eigen-slices', result: r }, true);
    } else if (request.kind === 'convexity') {
      const r = await convexityMap(snapshot, laneId, request.settings, c, (p) => onResult({ kind: 'convexity', result: p }, false));
      onResult({ kind: 'convexity', result: r }, true);
    }
    control.progress((item + 1) * each);
  }
}
