import { create } from 'zustand';
import type { BackendReport, BackendRequest } from '../engine/backend';
import type { LoadProgress } from '../engine/data/loader';
import type { DatasetEntry } from '../engine/data/registry';
import type { InputFile } from '../engine/data/files';
import { defaultComparison, LANE_COLORS, makeLane, MAX_LANES, type ComparisonConfig, type LaneConfig } from '../engine/train/config';
import { PRESETS } from '../engine/train/presets';
import type { MetricName, MetricPoint } from '../engine/train/metrics';
import type { Divergence } from '../engine/train/records';
import { defaultOptimizerConfig } from '../engine/optim/optimizers';
import type { ComparisonSummary, DatasetSummary, EngineEvent, RunStatus, UserDatasetKind } from '../worker/api';
import type { ShiftReportWithHessian } from '../engine/train/trainer';
import { startEngine, type StartedEngine } from '../worker/client';
import { readUrlOptions, setUrlParam } from './url';
import { onLandscapeEvent } from './landscapeStore';
import { onHessianEvent, useHessian } from './hessianStore';
import { errorMessage } from '../engine/errors';

export interface Series {
  steps: number[];
  values: number[];
  gradEvals: number[];
  wallSeconds: number[];
}

export type LaneSeries = Partial<Record<MetricName, Series>>;

export interface Message {
  id: number;
  kind: 'error' | 'info';
  text: string;
}

export type XAxis = 'step' | 'gradEvals' | 'wallSeconds';

export interface AppState {
  phase: 'starting' | 'loading' | 'ready' | 'failed';
  engine: StartedEngine | null;
  backendRequest: BackendRequest;
  backend: BackendReport | null;
  datasets: DatasetEntry[];
  dataset: DatasetSummary | null;
  loadProgress: LoadProgress | null;
  config: ComparisonConfig;
  summary: ComparisonSummary | null;
  status: RunStatus;
  series: Record<string, LaneSeries>;
  seriesVersion: number;
  logScale: boolean;
  smoothing: number;
  xAxis: XAxis;
  speed: number | null;
  messages: Message[];
  /** The last one-shot optimum shift, shown until dismissed. */
  shiftReport: (ShiftReportWithHessian & { laneName: string }) | null;
  /** Lanes whose loss or weights stopped being finite, until the next reset or rebuild. */
  divergences: Record<string, Divergence>;
  /** The WebGPU device was lost: what happened and where training can resume from. */
  deviceLost: { reason: string; step: number; checkpointStep: number | null } | null;
  /** Steps between the engine's in-memory checkpoints. */
  checkpointEvery: number;
}

const IDLE: RunStatus = { playing: false, step: 0, epoch: 0, totalSteps: 0, finished: false, stepsPerSecond: 0, checkpointStep: null };

export const useApp = create<AppState>(() => ({
  phase: 'starting',
  engine: null,
  backendRequest: 'auto',
  backend: null,
  datasets: [],
  dataset: null,
  loadProgress: null,
  config: defaultComparison(),
  summary: null,
  status: IDLE,
  series: {},
  seriesVersion: 0,
  logScale: false,
  smoothing: 0.3,
  xAxis: 'step',
  speed: null,
  messages: [],
  shiftReport: null,
  divergences: {},
  deviceLost: null,
  checkpointEvery: 100,
}));

const get = useApp.getState;
const set = useApp.setState;
let messageId = 0;

export function notify(kind: Message['kind'], text: string): void {
  const id = ++messageId;
  set((s) => ({ messages: [...s.messages.slice(-4), { id, kind, text }] }));
  if (kind === 'info') setTimeout(() => dismiss(id), 8000);
}

export function dismiss(id: number): void {
  set((s) => ({ messages: s.messages.filter((m) => m.id !== id) }));
}

function describe(error: unknown): string {
  return errorMessage(error);
}

function requireEngine(): StartedEngine {
  const engine = get().engine;
  if (!engine) throw new Error('the engine has not started');
  return engine;
}

// ---- metrics from the engine --------------------------------------------------------------

function appendPoints(points: MetricPoint[]): void {
  const series = get().series;
  for (const p of points) {
    const lane = (series[p.laneId] ??= {});
    const s = (lane[p.metric] ??= { steps: [], values: [], gradEvals: [], wallSeconds: [] });
    // The engine never sends a non-finite value; should one come, it is not charted or exported.
    if (!Number.isFinite(p.value)) continue;
    s.steps.push(p.step);
    s.values.push(p.value);
    s.gradEvals.push(p.gradEvals);
    s.wallSeconds.push(p.wallSeconds);
  }
  set((st) => ({ series, seriesVersion: st.seriesVersion + 1 }));
}

function onEngineEvent(event: EngineEvent): void {
  onLandscapeEvent(event);
  onHessianEvent(event);
  switch (event.type) {
    case 'load-progress':
      set({ loadProgress: event.progress });
      break;
    case 'metrics':
      appendPoints(event.points);
      break;
    case 'status':
      set({ status: event.status });
      break;
    case 'reset':
      set((s) => ({ series: {}, seriesVersion: s.seriesVersion + 1, divergences: {} }));
      break;
    case 'lane-diverged':
      set((s) => ({ divergences: { ...s.divergences, [event.laneId]: event.divergence } }));
      notify('error', event.divergence.message);
      break;
    case 'error':
      notify('error', event.message);
      break;
    case 'device-lost':
      set({ deviceLost: { reason: event.reason, step: event.step, checkpointStep: event.checkpointStep } });
      break;
    case 'restored':
      truncateSeries(event.step);
      break;
    case 'backend':
      set({ backend: event.report });
      notify('info', `now training on ${event.report.name}: ${event.report.notes.join('; ')}`);
      break;
  }
}

/** Drops every point after `step` (the comparison went back to a checkpoint there). */
function truncateSeries(step: number): void {
  const series = get().series;
  for (const lane of Object.values(series)) {
    for (const s of Object.values(lane)) {
      if (!s) continue;
      const keep = s.steps.findIndex((t) => t > step);
      if (keep < 0) continue;
      for (const key of ['steps', 'values', 'gradEvals', 'wallSeconds'] as const) s[key].length = keep;
    }
  }
  set((st) => ({ series, seriesVersion: st.seriesVersion + 1 }));
}

/** After a lost GPU: go on from the last checkpoint on another backend. */
export async function continueOn(backend: BackendRequest): Promise<void> {
  const engine = requireEngine();
  try {
    const summary = await engine.api.continueOn(backend);
    const lost = get().deviceLost;
    set({ summary, deviceLost: null, backendRequest: backend });
    notify(
      'info',
      `continuing on ${get().backend?.name ?? backend} from the checkpoint at step ${lost?.checkpointStep ?? 0}; the metrics up to there are kept`,
    );
  } catch (error) {
    notify('error', describe(error));
  }
}

export async function setCheckpointEvery(steps: number): Promise<void> {
  try {
    await requireEngine().api.setCheckpointEvery(steps);
    set({ checkpointEvery: steps });
  } catch (error) {
    notify('error', describe(error));
  }
}

// ---- start-up -----------------------------------------------------------------------------

export async function boot(): Promise<void> {
  const url = readUrlOptions(window.location.search);
  url.problems.forEach((p) => notify('error', p));
  set({ backendRequest: url.backend, phase: 'starting' });
  try {
    const engine = await startEngine(url.backend, url.useWorker);
    await engine.api.subscribe(onEngineEvent);
    set({ engine, backend: engine.report });
    const datasets = await engine.api.listDatasets();
    set({ datasets });
    if (datasets.length === 0) {
      set({ phase: 'failed' });
      notify('error', 'no datasets are available: run "npm run data" (it runs before "npm run dev" and "npm start") and reload');
      return;
    }
    const wanted = url.dataset ?? get().config.datasetId;
    const first = datasets.find((d) => d.id === wanted) ?? datasets[0];
    if (url.dataset && first.id !== url.dataset) notify('error', `dataset "${url.dataset}" is not available; showing ${first.title}`);
    await selectDataset(first.id);
  } catch (error) {
    set({ phase: 'failed' });
    notify('error', `could not start: ${describe(error)}`);
  }
}

/** Restarts the engine on another backend (the lanes restart from step 0 with the same settings). */
export async function switchBackend(request: BackendRequest): Promise<void> {
  const old = get().engine;
  if (old) {
    await old.api.pause().catch(() => undefined);
    old.terminate();
  }
  setUrlParam('backend', request === 'auto' ? null : request);
  set({ engine: null, backend: null, backendRequest: request, summary: null, phase: 'starting', series: {}, status: IDLE });
  try {
    const engine = await startEngine(request, readUrlOptions(window.location.search).useWorker);
    await engine.api.subscribe(onEngineEvent);
    set({ engine, backend: engine.report });
    if (useHessian.getState().trackingOn) await engine.api.setHessianTracking(useHessian.getState().tracking);
    await selectDataset(get().config.datasetId);
  } catch (error) {
    set({ phase: 'failed' });
    notify('error', `could not start on ${request}: ${describe(error)}`);
  }
}

// ---- data ---------------------------------------------------------------------------------

/** Loads a dataset and rebuilds the comparison on it. On failure the previous dataset stays. */
export async function selectDataset(id: string): Promise<void> {
  const engine = requireEngine();
  await engine.api.pause();
  const previousPhase = get().phase;
  set({ phase: 'loading', loadProgress: null });
  try {
    const dataset = await engine.api.loadDataset(id);
    set({ dataset });
    const { trainSize, testSize } = get().config;
    await applyConfig({
      ...get().config,
      datasetId: id,
      testSize: Math.min(testSize, dataset.testCount) || dataset.testCount,
      trainSize: trainSize !== undefined && trainSize < dataset.trainCount ? trainSize : undefined,
    });
    set({ phase: 'ready' });
    if (dataset.fetched === 0 && dataset.fromCache > 0)
      notify('info', `${dataset.title}: ${dataset.fromCache} shards read from the browser cache`);
  } catch (error) {
    set({ phase: previousPhase === 'loading' || previousPhase === 'starting' ? (get().summary ? 'ready' : 'failed') : previousPhase });
    notify('error', describe(error));
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
      `${summary.title}: ${summary.trainCount.toLocaleString('en-US')} training and ${summary.testCount.toLocaleString('en-US')} test images converted and cached`,
    );
    await selectDataset(summary.id);
  } catch (error) {
    notify('error', `${describe(error)} (nothing was changed)`);
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
    notify('error', describe(error));
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

function freshColor(lanes: LaneConfig[]): string {
  return LANE_COLORS.find((c) => !lanes.some((l) => l.color === c)) ?? LANE_COLORS[lanes.length % LANE_COLORS.length];
}

export function addLane(): Promise<boolean> {
  const { config } = get();
  if (config.lanes.length >= MAX_LANES) {
    notify('error', `a comparison holds at most ${MAX_LANES} lanes`);
    return Promise.resolve(false);
  }
  const id = freshLaneId(config.lanes);
  const lane: LaneConfig = { ...makeLane(0, defaultOptimizerConfig('sgd'), `lane ${id.slice(4)}`), id, color: freshColor(config.lanes) };
  return applyConfig({ ...config, lanes: [...config.lanes, lane] });
}

export function removeLane(id: string): Promise<boolean> {
  const { config } = get();
  if (config.lanes.length <= 1) {
    notify('error', 'a comparison needs at least one lane');
    return Promise.resolve(false);
  }
  return applyConfig({ ...config, lanes: config.lanes.filter((l) => l.id !== id) });
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
    color: freshColor(config.lanes),
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
    notify('error', describe(error));
  }
}

/** Replaces the lanes by a paper's comparison, from step 0 (dataset, model and seed stay). */
export async function applyPreset(id: string): Promise<void> {
  const preset = PRESETS.find((p) => p.id === id);
  const engine = get().engine;
  if (!preset || !engine) return;
  try {
    await engine.api.reset();
  } catch (error) {
    notify('error', describe(error));
    return;
  }
  if (await applyConfig({ ...get().config, lanes: preset.lanes })) notify('info', `${preset.label}: ${preset.description}`);
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
    notify('error', describe(error));
  }
}

// ---- transport ----------------------------------------------------------------------------

async function guarded(action: (engine: StartedEngine) => Promise<void>): Promise<void> {
  try {
    await action(requireEngine());
  } catch (error) {
    notify('error', describe(error));
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
