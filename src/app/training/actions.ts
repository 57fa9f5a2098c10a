/** What the user does to the comparison: data, settings, lanes, presets, shifts and the transport. */
import type { InputFile } from '../../engine/data/files';
import { errorMessage } from '../../engine/errors';
import { defaultOptimizerConfig } from '../../engine/optim/optimizers';
import { freshLaneColor, makeLane, type ComparisonConfig, type LaneConfig } from '../../engine/train/config';
import { MAX_LANES } from '../../engine/train/lanes';
import { CIFAR_HOWTO, PRESETS } from '../../engine/train/presets';
import type { UserDatasetKind } from '../../worker/api';
import type { StartedEngine } from '../../worker/client';
import { useHessian } from '../hessian/store';
import { notify } from '../shell/messages';
import { requireEngine, useApp } from './store';

const get = useApp.getState;
const set = useApp.setState;

// ---- data ---------------------------------------------------------------------------------

/** Loads a dataset and rebuilds the comparison on it. On failure the previous dataset stays. */
export async function selectDataset(id: string): Promise<void> {
  const engine = requireEngine();
  await engine.api.pause();
  const previousPhase = get().phase;
  set({ phase: 'loading', loadProgress: null });
  try {
    const previous = get().dataset;
    const dataset = await engine.api.loadDataset(id);
    set({ dataset });
    const { trainSize, testSize } = get().config;
    // "Test samples" at the old split's size means "the whole split": it follows the new one. A value
    // the user chose is kept where it fits, and said so where it does not.
    const wholeSplit = previous === null || testSize >= previous.testCount;
    const nextTestSize = wholeSplit ? dataset.testCount : Math.min(testSize, dataset.testCount);
    if (!wholeSplit && testSize > dataset.testCount) {
      notify('info', `test samples: ${dataset.title} has ${dataset.testCount.toLocaleString('en-US')} test images, so that many are used`);
    } else if (!wholeSplit && testSize !== previous?.testCount) {
      notify('info', `test samples: kept your ${testSize.toLocaleString('en-US')} (of ${dataset.testCount.toLocaleString('en-US')})`);
    }
    await applyConfig({
      ...get().config,
      datasetId: id,
      testSize: nextTestSize,
      trainSize: trainSize !== undefined && trainSize < dataset.trainCount ? trainSize : undefined,
    });
    set({ phase: 'ready' });
    if (dataset.fetched === 0 && dataset.fromCache > 0)
      notify('info', `${dataset.title}: ${dataset.fromCache} shards read from the browser cache`);
  } catch (error) {
    set({ phase: previousPhase === 'loading' || previousPhase === 'starting' ? (get().summary ? 'ready' : 'failed') : previousPhase });
    notify('error', errorMessage(error));
  } finally {
    set({ loadProgress: null });
  }
}

export async function importFiles(kind: UserDatasetKind, files: File[]): Promise<void> {
  const engine = requireEngine();
  if (files.length === 0) return;
  await engine.api.pause();
  try {
    const inputs: InputFile[] = await Promise.all(files.map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) })));
    const summary = await engine.api.importFiles(kind, inputs);
    set({ datasets: await engine.api.listDatasets() });
    notify(
      'info',
      `${summary.title}: ${summary.trainCount.toLocaleString('en-US')} training and ${summary.testCount.toLocaleString('en-US')} ` +
        `test images converted and cached`,
    );
    await selectDataset(summary.id);
  } catch (error) {
    notify('error', `${errorMessage(error)} (nothing was changed)`);
  }
}

// ---- the comparison -----------------------------------------------------------------------

/** Sends a new config to the engine; if it refuses, the previous config stays and the reason is shown. */
export async function applyConfig(next: ComparisonConfig): Promise<boolean> {
  const engine = get().engine;
  const previous = get().config;
  set({ config: next });
  if (!engine || !get().dataset) return true;
  try {
    const summary = await engine.api.configure(next);
    set({ summary });
    return true;
  } catch (error) {
    set({ config: previous });
    notify('error', errorMessage(error));
    return false;
  }
}

export function updateConfig(patch: Partial<ComparisonConfig>): Promise<boolean> {
  return applyConfig({ ...get().config, ...patch });
}

export function updateLane(id: string, patch: Partial<LaneConfig>): Promise<boolean> {
  const config = get().config;
  return applyConfig({ ...config, lanes: config.lanes.map((l) => (l.id === id ? { ...l, ...patch } : l)) });
}

function freshLaneId(lanes: LaneConfig[]): string {
  for (let i = 1; ; i++) if (!lanes.some((l) => l.id === `lane${i}`)) return `lane${i}`;
}

export function addLane(): Promise<boolean> {
  const { config } = get();
  if (config.lanes.length >= MAX_LANES) {
    notify('error', `a comparison holds at most ${MAX_LANES} lanes`);
    return Promise.resolve(false);
  }
  const id = freshLaneId(config.lanes);
  const lane: LaneConfig = {
    ...makeLane(0, defaultOptimizerConfig('sgd'), `lane ${id.slice(4)}`),
    id,
    color: freshLaneColor(config.lanes),
  };
  const step = get().status.step;
  return applyConfig({ ...config, lanes: [...config.lanes, lane] }).then((applied) => {
    if (applied && step > 0)
      notify('info', `${lane.name} joins at step ${step} from the shared initial weights with a fresh optimizer: its curves start there`);
    return applied;
  });
}

export function removeLane(id: string): Promise<boolean> {
  const { config } = get();
  if (config.lanes.length <= 1) {
    notify('error', 'a comparison needs at least one lane');
    return Promise.resolve(false);
  }
  return applyConfig({ ...config, lanes: config.lanes.filter((l) => l.id !== id) }).then((applied) => {
    // Its curves go with it (a lane added later may reuse the id).
    if (applied)
      set((s) => ({
        series: Object.fromEntries(Object.entries(s.series).filter(([laneId]) => laneId !== id)),
        seriesVersion: s.seriesVersion + 1,
      }));
    return applied;
  });
}

/** Copies a lane with its weights, optimizer state and history so far (a fork at the current step). */
export async function duplicateLane(id: string): Promise<void> {
  const { config, engine } = get();
  const source = config.lanes.find((l) => l.id === id);
  if (!source || !engine) return;
  if (config.lanes.length >= MAX_LANES) {
    notify('error', `a comparison holds at most ${MAX_LANES} lanes`);
    return;
  }
  const lane: LaneConfig = {
    ...source,
    id: freshLaneId(config.lanes),
    name: `${source.name} (copy)`.slice(0, 40),
    color: freshLaneColor(config.lanes),
  };
  try {
    const summary = await engine.api.forkLane(id, lane);
    const index = config.lanes.indexOf(source);
    const lanes = [...config.lanes.slice(0, index + 1), lane, ...config.lanes.slice(index + 1)];
    const series = get().series;
    const history = series[id];
    if (history) {
      series[lane.id] = Object.fromEntries(
        Object.entries(history).map(([m, s]) => [
          m,
          {
            steps: [...s.steps],
            values: [...s.values],
            gradEvals: [...s.gradEvals],
            wallSeconds: [...s.wallSeconds],
          },
        ]),
      );
    }
    set((s) => ({ config: { ...config, lanes }, summary, series, seriesVersion: s.seriesVersion + 1 }));
  } catch (error) {
    notify('error', errorMessage(error));
  }
}

/** Replaces the lanes by a paper's comparison, from step 0 (dataset, model and seed stay). */
/** The first of a preset's datasets that is here (built or loaded from your files). */
export function presetDataset(ids: readonly string[]): string | undefined {
  const present = new Set(get().datasets.map((d) => d.id));
  return ids.find((id) => present.has(id));
}

export async function applyPreset(id: string): Promise<void> {
  const preset = PRESETS.find((p) => p.id === id);
  const engine = get().engine;
  if (!preset || !engine) return;
  const step = get().status.step;
  const wipe = `"${preset.label}" replaces the lanes and starts again from step 0: the run at step ${step} and its curves go. Go on?`;
  const datasetId = preset.data ? presetDataset(preset.data.datasetIds) : get().config.datasetId;
  if (datasetId === undefined) {
    notify('error', `${preset.label} needs ${preset.data?.datasetName}, which is not here yet: ${CIFAR_HOWTO}`);
    return;
  }
  if (step > 0 && !window.confirm(wipe)) return;
  try {
    await engine.api.reset();
  } catch (error) {
    notify('error', errorMessage(error));
    return;
  }
  if (datasetId !== get().config.datasetId) {
    await selectDataset(datasetId);
    if (get().config.datasetId !== datasetId) return;
  }
  const model = preset.data?.model ?? get().config.model;
  if (await applyConfig({ ...get().config, model, lanes: preset.lanes })) notify('info', `${preset.label}: ${preset.description}`);
}

export async function shiftNow(laneId: string, samples: number): Promise<void> {
  const engine = get().engine;
  const lane = get().config.lanes.find((l) => l.id === laneId);
  if (!engine || !lane) return;
  try {
    const { measureShift, settings } = useHessian.getState();
    const report = await engine.api.shiftNow(laneId, samples, measureShift ? settings : undefined);
    set({ shiftReport: { ...report, laneName: lane.name } });
  } catch (error) {
    notify('error', errorMessage(error));
  }
}

// ---- transport ----------------------------------------------------------------------------

async function guarded(action: (engine: StartedEngine) => Promise<void>): Promise<void> {
  try {
    await action(requireEngine());
  } catch (error) {
    notify('error', errorMessage(error));
  }
}

export const play = () => guarded((e) => e.api.play());
export const pause = () => guarded((e) => e.api.pause());
export const stepOnce = () => guarded((e) => e.api.stepOnce());
export const reset = () => guarded((e) => e.api.reset());
export const togglePlay = () => (get().status.playing ? pause() : play());

export function setSpeed(speed: number | null): Promise<void> {
  set({ speed });
  return guarded((e) => e.api.setSpeed(speed));
}
