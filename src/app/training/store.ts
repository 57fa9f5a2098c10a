/** The comparison as the UI sees it: the engine connection, the settings, the charted series, the run status. */
import { create } from 'zustand';
import type { BackendReport, BackendRequest } from '../../engine/gpuProbe';
import type { LoadProgress } from '../../engine/data/loader';
import type { DatasetEntry } from '../../engine/data/registry';
import { defaultComparison, type ComparisonConfig } from '../../engine/train/config';
import type { MetricName, MetricPoint } from '../../engine/train/metrics';
import type { Divergence } from '../../engine/train/records';
import type { ShiftReportWithHessian } from '../../engine/train/trainer';
import type { ComparisonSummary, DatasetSummary, EngineEvent, RunStatus } from '../../worker/api';
import type { StartedEngine } from '../../worker/client';
import { onEngineEvent } from '../shell/engineEvents';
import { notify } from '../shell/messages';

export interface Series {
  steps: number[];
  values: number[];
  gradEvals: number[];
  wallSeconds: number[];
}

export type LaneSeries = Partial<Record<MetricName, Series>>;

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
  /** Counts the comparison's rebuilds and resets: results stamped with an older one are from a previous run. */
  runId: number;
  logScale: boolean;
  smoothing: number;
  xAxis: XAxis;
  speed: number | null;
  /** The last one-shot optimum shift, shown until dismissed. */
  shiftReport: (ShiftReportWithHessian & { laneName: string }) | null;
  /** Lanes whose loss or weights stopped being finite, until the next reset or rebuild. */
  divergences: Record<string, Divergence>;
  /** The WebGPU device was lost: what happened and where training can resume from. */
  deviceLost: { reason: string; step: number; checkpointStep: number | null } | null;
  /** Steps between the engine's in-memory checkpoints. */
  checkpointEvery: number;
}

export const IDLE: RunStatus = {
  playing: false,
  step: 0,
  epoch: 0,
  totalSteps: 0,
  finished: false,
  stepsPerSecond: 0,
  checkpointStep: null,
  measuring: false,
};

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
  runId: 0,
  logScale: false,
  smoothing: 0.3,
  xAxis: 'step',
  speed: null,
  shiftReport: null,
  divergences: {},
  deviceLost: null,
  checkpointEvery: 100,
}));

const get = useApp.getState;
const set = useApp.setState;

export function requireEngine(): StartedEngine {
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

onEngineEvent((event: EngineEvent) => {
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
      // A new run: results of the old one are marked as such (runId), the shift report goes.
      set((s) => ({ series: {}, seriesVersion: s.seriesVersion + 1, divergences: {}, runId: s.runId + 1, shiftReport: null }));
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
});

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
