import type { JobControl } from '../control';
import { computeSurface } from '../landscape/compute';
import type { SurfaceResult } from '../landscape/config';
import type { WeightsSnapshot } from '../train/snapshot';
import type { TrajectoryState, WeightSnapshot } from '../train/trajectories';
import type { TrajectorySettings } from './config';
import { planePca } from './pca';
import { laneWeights, Subsets, surfaceSoFar } from './subject';
import { flatten, unflatten } from './vector';

export interface LanePath {
  laneId: string;
  label: string;
  steps: number[];
  /** (α, β) of each snapshot on the plane, in weight units. */
  points: Array<[number, number]>;
}

export interface TrajectoryResult {
  step: number;
  /** 'mean' (of the lanes' final weights) or the lane whose final weights are the centre. */
  centre: string;
  explained: [number, number];
  paths: LanePath[];
  /** Snapshots in the PCA, and the recorder's spacing, memory and budget (bytes) when it was read. */
  snapshots: number;
  recorder: TrajectoryState;
  surface: SurfaceResult | null;
  seconds: number;
  cancelled: boolean;
}

/** A lane's recorded snapshots with its current weights appended (the path's end is where the lane is now). */
export function pathOf(
  recorded: readonly WeightSnapshot[],
  step: number,
  current: Float64Array,
): Array<{ step: number; weights: ArrayLike<number> }> {
  const list: Array<{ step: number; weights: ArrayLike<number> }> = recorded.filter((s) => s.step <= step);
  if (list.length === 0 || list[list.length - 1].step < step) list.push({ step, weights: current });
  return list;
}

/**
 * The trajectory plane of several lanes at once (docs/ALGORITHMS.md, "Trajectory plane"): PCA of
 * all their snapshots together, centred on one point, so every lane's path is on one plane; the
 * loss over that plane (directions are the unit principal components, not filter-normalized).
 */
export async function trajectoryPlane(
  snapshot: WeightsSnapshot,
  laneIds: readonly string[],
  recorded: (laneId: string) => readonly WeightSnapshot[],
  recorder: TrajectoryState,
  settings: TrajectorySettings,
  control: JobControl,
  onUpdate: (partial: TrajectoryResult) => void = () => undefined,
): Promise<TrajectoryResult> {
  const started = performance.now();
  const { model } = snapshot;
  const finals = laneIds.map((id) => flatten(model.params, laneWeights(snapshot, id).weights));
  let centre: Float64Array;
  if (settings.centre === 'mean') centre = finals[0].map((_, i) => finals.reduce((acc, f) => acc + f[i], 0) / finals.length);
  else {
    const index = laneIds.indexOf(settings.centre);
    if (index < 0) throw new Error(`the centre lane "${settings.centre}" is not among the chosen lanes`);
    centre = finals[index];
  }
  const lanes = laneIds.map((id, i) => ({
    id,
    label: laneWeights(snapshot, id).label,
    path: pathOf(recorded(id), snapshot.step, finals[i]),
  }));
  const rows = lanes.flatMap((l) => l.path.map((p) => p.weights));
  const pca = await planePca(rows, centre);
  let offset = 0;
  const paths: LanePath[] = lanes.map((l) => {
    const points = pca.coordinates.slice(offset, offset + l.path.length);
    offset += l.path.length;
    return { laneId: l.id, label: l.label, steps: l.path.map((p) => p.step), points };
  });
  const result: TrajectoryResult = {
    step: snapshot.step,
    centre: settings.centre,
    explained: pca.explained,
    paths,
    snapshots: rows.length,
    recorder,
    surface: null,
    seconds: 0,
    cancelled: false,
  };
  onUpdate(result);
  const extent = Math.max(1e-6, ...pca.coordinates.flatMap(([x, y]) => [Math.abs(x), Math.abs(y)]));
  const r = extent * (1 + settings.margin);
  const subsets = new Subsets(snapshot);
  try {
    const ctx = subsets.landscape(Math.min(settings.samples, snapshot.dataset.train.count), 0);
    result.surface = await computeSurface(
      ctx,
      {
        laneId: 'trajectory',
        origin: unflatten(model.params, centre),
        directions: [unflatten(model.params, pca.directions[0]), unflatten(model.params, pca.directions[1])],
      },
      [-r, r],
      settings.surfacePoints,
      'train',
      control,
      (s) => {
        result.surface = surfaceSoFar(s);
        onUpdate(result);
      },
    );
  } finally {
    subsets.dispose();
  }
  result.seconds = (performance.now() - started) / 1000;
  result.cancelled = control.cancelled();
  return result;
}
