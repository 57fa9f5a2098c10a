import { create } from 'zustand';
import {
  DEFAULT_HESSIAN,
  DEFAULT_TRACKING,
  type HessianResult,
  type HessianSettings,
  type HessianTracking,
} from '../../engine/hessian/config';
import type { EngineEvent, JobProgress } from '../../worker/api';
import type { TrackedSlice } from '../../engine/hessian/tracker';
import { useApp } from '../training/store';
import { onEngineEvent, onEngineStarted } from '../shell/engineEvents';
import { notify } from '../shell/messages';
import { runJob } from '../shared/runJob';
import { errorMessage } from '../../engine/errors';

export interface HessianState {
  settings: HessianSettings;
  /** Lanes to analyse; empty means every lane. */
  laneIds: string[];
  running: { started: number } | null;
  progress: JobProgress | null;
  /** The latest analysis of each lane. */
  results: Record<string, HessianResult>;
  /** The run (useApp's runId) the results belong to; a result of a newer run drops them. */
  resultsRun: number;
  tracking: HessianTracking;
  trackingOn: boolean;
  /** The latest live slice of each lane from tracking (cleared by a new run). */
  slices: Record<string, TrackedSlice>;
  /** Measure top eigenvalues and the trace before and after "shift now". */
  measureShift: boolean;
  logBars: boolean;
}

export const useHessian = create<HessianState>(() => ({
  settings: DEFAULT_HESSIAN,
  laneIds: [],
  running: null,
  progress: null,
  results: {},
  resultsRun: 0,
  tracking: DEFAULT_TRACKING,
  trackingOn: true,
  slices: {},
  measureShift: false,
  logBars: false,
}));

const set = useHessian.setState;
const get = useHessian.getState;

/** Slices newer than `step` are of weights the comparison went back from. */
function slicesUpTo(slices: Record<string, TrackedSlice>, step: number): Record<string, TrackedSlice> {
  return Object.fromEntries(Object.entries(slices).filter(([, s]) => s.step <= step));
}

onEngineEvent((event: EngineEvent) => {
  if (event.type === 'tracked-slices')
    set((s) => ({ slices: { ...s.slices, ...Object.fromEntries(event.slices.map((x) => [x.laneId, x])) } }));
  else if (event.type === 'reset') set({ slices: {} });
  else if (event.type === 'restored') set((s) => ({ slices: slicesUpTo(s.slices, event.step) }));
  else if (event.type === 'hessian-progress') set({ progress: event.progress });
  else if (event.type === 'hessian-result') {
    const run = useApp.getState().runId;
    set((s) => ({ results: { ...(s.resultsRun === run ? s.results : {}), [event.result.laneId]: event.result }, resultsRun: run }));
  }
});

// A new engine (another backend) tracks as the old one did.
onEngineStarted(async (engine) => {
  await engine.api.setHessianTracking(get().trackingOn ? get().tracking : null);
});

export function selectedHessianLanes(): string[] {
  const lanes = useApp.getState().config.lanes.map((l) => l.id);
  const chosen = get().laneIds.filter((id) => lanes.includes(id));
  return chosen.length > 0 ? chosen : lanes;
}

export function computeHessian(): Promise<void> {
  return runJob(
    useHessian,
    useApp.getState().engine?.api,
    { started: performance.now() },
    (api) => api.computeHessian({ laneIds: selectedHessianLanes(), settings: get().settings }),
    (seconds) => `Hessian analysis cancelled after ${seconds} s: finished lanes are kept`,
  );
}

export async function cancelHessian(): Promise<void> {
  await useApp.getState().engine?.api.cancelHessian();
}

export function updateHessianSettings(patch: Partial<HessianSettings>): void {
  set((s) => ({ settings: { ...s.settings, ...patch } }));
}

/** Turns λmax/trace tracking on or off (or changes its settings); if the engine refuses, the previous settings come back. */
export async function applyTracking(on: boolean, tracking: HessianTracking = get().tracking): Promise<void> {
  const engine = useApp.getState().engine;
  const previous = { trackingOn: get().trackingOn, tracking: get().tracking };
  set({ trackingOn: on, tracking });
  try {
    await engine?.api.setHessianTracking(on ? tracking : null);
  } catch (error) {
    set(previous);
    notify('error', errorMessage(error));
  }
}
