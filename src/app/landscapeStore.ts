import { create } from 'zustand';
import {
  DEFAULT_LANDSCAPE,
  type CurveResult,
  type Endpoint,
  type LandscapeRequest,
  type LandscapeSettings,
  type SurfaceResult,
} from '../engine/landscape/config';
import type { EngineEvent, JobProgress } from '../worker/api';
import { notify, useApp } from './store';
import { errorMessage } from '../engine/errors';

export type LandscapeKind = LandscapeRequest['kind'];
export type SurfaceDisplay = '3d' | 'contour';

export interface LandscapeState {
  kind: LandscapeKind;
  settings: LandscapeSettings;
  /** Lanes to compute (curves and surfaces); empty means every lane. */
  laneIds: string[];
  from: Endpoint;
  to: Endpoint;
  running: { jobId: number | null; kind: LandscapeKind; started: number } | null;
  progress: JobProgress | null;
  /** 1D curves by lane id, interpolations by their key; the latest computation of each. */
  curves: Record<string, CurveResult>;
  interpolations: Record<string, CurveResult>;
  surfaces: Record<string, SurfaceResult>;
  /** Read-out settings: radius r of the loss rise, and the loss level of the basin (null: automatic). */
  radius: number;
  level: number | null;
  display: SurfaceDisplay;
  wireframe: boolean;
  logScale: boolean;
}

export const useLandscape = create<LandscapeState>(() => ({
  kind: 'surface',
  settings: DEFAULT_LANDSCAPE,
  laneIds: [],
  from: { laneId: 'lane1', weights: 'initial' },
  to: { laneId: 'lane1', weights: 'current' },
  running: null,
  progress: null,
  curves: {},
  interpolations: {},
  surfaces: {},
  radius: 0.5,
  level: null,
  display: '3d',
  wireframe: false,
  logScale: false,
}));

const set = useLandscape.setState;
const get = useLandscape.getState;

/** Engine events about landscapes (called by the app store for every event). */
export function onLandscapeEvent(event: EngineEvent): void {
  const running = get().running;
  if (event.type === 'landscape-progress') {
    if (running && running.jobId === null) set({ running: { ...running, jobId: event.progress.jobId } });
    set({ progress: event.progress });
  } else if (event.type === 'landscape-update') {
    const { update } = event;
    if (update.kind === 'surface') set((s) => ({ surfaces: { ...s.surfaces, [update.result.laneId]: update.result } }));
    else if (update.result.kind === 'interpolation')
      set((s) => ({ interpolations: { ...s.interpolations, [update.result.key]: update.result } }));
    else set((s) => ({ curves: { ...s.curves, [update.result.key]: update.result } }));
  }
}

export function selectedLaneIds(): string[] {
  const lanes = useApp.getState().config.lanes.map((l) => l.id);
  const chosen = get().laneIds.filter((id) => lanes.includes(id));
  return chosen.length > 0 ? chosen : lanes;
}

function request(): LandscapeRequest {
  const { kind, settings, from, to } = get();
  if (kind === 'interpolation') return { kind, from, to, settings };
  return { kind, laneIds: selectedLaneIds(), settings };
}

/** Computes the chosen view for the chosen lanes; results stream in; a failure says why and changes nothing. */
export async function computeLandscape(): Promise<void> {
  const engine = useApp.getState().engine;
  if (!engine || get().running) return;
  const req = request();
  set({ running: { jobId: null, kind: req.kind, started: performance.now() }, progress: null });
  if (req.kind === 'surface')
    set((s) => ({ surfaces: Object.fromEntries(Object.entries(s.surfaces).filter(([id]) => !req.laneIds.includes(id))) }));
  try {
    const outcome = await engine.api.computeLandscape(req);
    if (outcome.cancelled) notify('info', `landscape cancelled after ${outcome.seconds.toFixed(1)} s: what was computed is kept and shown`);
  } catch (error) {
    notify('error', errorMessage(error));
  } finally {
    set({ running: null });
  }
}

export async function cancelLandscape(): Promise<void> {
  await useApp.getState().engine?.api.cancelLandscape();
}

export function updateLandscapeSettings(patch: Partial<LandscapeSettings>): void {
  set((s) => ({ settings: { ...s.settings, ...patch } }));
}
