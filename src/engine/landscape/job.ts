import { disposeEvalSet, makeEvalSet, type EvalSet } from '../data/batch';
import { computeCurve, computeSurface, type JobControl, type LandscapeContext } from './compute';
import type { CurveResult, Endpoint, LandscapeRequest, SurfaceResult } from './config';
import { difference, directionSeeds, randomDirection } from './directions';
import { type HostParams } from '../model/params';
import { evaluationChunkSize } from '../model/chunks';
import { linspace } from './grid';
import type { WeightsSnapshot } from '../train/snapshot';

export type LandscapeUpdate = { kind: 'curve'; result: CurveResult } | { kind: 'surface'; result: SurfaceResult };

/** Lanes whose weights a request needs. */
export function lanesOf(request: LandscapeRequest): string[] {
  return request.kind === 'interpolation' ? [...new Set([request.from.laneId, request.to.laneId])] : request.laneIds;
}

function subsetSizes(inputs: WeightsSnapshot, request: LandscapeRequest): { train: number; test: number } {
  const { settings } = request;
  const train = Math.min(settings.trainSamples, inputs.dataset.train.count);
  const test = Math.min(settings.testSamples, inputs.dataset.test.count);
  if (request.kind === 'surface') return settings.surfaceSplit === 'test' ? { train: 0, test } : { train, test: 0 };
  return { train, test };
}

/** Total work of a request in point-samples, for the progress bar. */
export function landscapeWork(inputs: WeightsSnapshot, request: LandscapeRequest): number {
  const { train, test } = subsetSizes(inputs, request);
  const { settings } = request;
  if (request.kind === 'surface') return request.laneIds.length * settings.surfacePoints ** 2 * (train + test);
  const lanes = request.kind === 'curve' ? request.laneIds.length : 1;
  return lanes * settings.curvePoints * (train + test);
}

function endpointLabel(inputs: WeightsSnapshot, e: Endpoint): string {
  const label = inputs.weights.get(e.laneId)?.label ?? e.laneId;
  return e.weights === 'initial' ? `${label} (initial)` : label;
}

function weightsAt(inputs: WeightsSnapshot, e: Endpoint): HostParams {
  const w = inputs.weights.get(e.laneId);
  if (!w) throw new Error(`no lane "${e.laneId}"`);
  return w[e.weights];
}

/**
 * Runs a landscape request: 1D curves or 2D surfaces of every named lane (directions drawn from one
 * shared seed unless per-lane seeds are asked for), or an interpolation between two weight vectors.
 * Results stream through `onUpdate`; a cancelled request returns what it had.
 */
export async function runLandscape(
  inputs: WeightsSnapshot,
  request: LandscapeRequest,
  control: JobControl,
  onUpdate: (u: LandscapeUpdate) => void,
): Promise<{ cancelled: boolean }> {
  const { model, dataset } = inputs;
  const { settings } = request;
  const sizes = subsetSizes(inputs, request);
  if (sizes.train + sizes.test === 0) throw new Error('a surface on the test split needs test samples: set "test subset" above 0');
  const chunk = evaluationChunkSize(model);
  const sets: EvalSet[] = [];
  const subset = (split: 'train' | 'test', count: number) => {
    if (count === 0) return null;
    const set = makeEvalSet(dataset[split], dataset.info, count, chunk);
    sets.push(set);
    return set;
  };
  const done = { value: 0 };
  try {
    const train = subset('train', sizes.train);
    const test = subset('test', sizes.test);
    const ctx: LandscapeContext = { model, loss: inputs.loss, train: (train ?? test)!, test, step: inputs.step };
    const directionsOf = (laneId: string, origin: HostParams) =>
      directionSeeds(settings.seed, settings.perLaneSeeds ? laneId : null).map((seed) =>
        randomDirection(model.params, origin, seed, settings.normalization),
      ) as [HostParams, HostParams];
    if (request.kind === 'interpolation') {
      const from = weightsAt(inputs, request.from);
      const to = weightsAt(inputs, request.to);
      const label = `${endpointLabel(inputs, request.from)} → ${endpointLabel(inputs, request.to)}`;
      const [lo, hi] = settings.interpolationRange;
      const result = await computeCurve(
        ctx,
        {
          key: `${request.from.laneId}:${request.from.weights}→${request.to.laneId}:${request.to.weights}`,
          label,
          kind: 'interpolation',
          origin: from,
          direction: difference(from, to),
        },
        linspace(lo, hi, settings.curvePoints),
        control,
        done,
      );
      onUpdate({ kind: 'curve', result });
      return { cancelled: result.cancelled };
    }
    for (const laneId of request.laneIds) {
      if (control.cancelled()) return { cancelled: true };
      const origin = weightsAt(inputs, { laneId, weights: 'current' });
      const [d1, d2] = directionsOf(laneId, origin);
      if (request.kind === 'curve') {
        const result = await computeCurve(
          ctx,
          { key: laneId, label: inputs.weights.get(laneId)!.label, kind: 'curve', origin, direction: d1 },
          linspace(settings.range[0], settings.range[1], settings.curvePoints),
          control,
          done,
        );
        onUpdate({ kind: 'curve', result });
        if (result.cancelled) return { cancelled: true };
      } else {
        const result = await computeSurface(
          ctx,
          { laneId, origin, directions: [d1, d2] },
          settings.range,
          settings.surfacePoints,
          settings.surfaceSplit,
          control,
          (r) => onUpdate({ kind: 'surface', result: { ...r, loss: [...r.loss], accuracy: [...r.accuracy] } }),
          done,
        );
        if (result.cancelled) return { cancelled: true };
      }
    }
    return { cancelled: false };
  } finally {
    sets.forEach(disposeEvalSet);
  }
}
