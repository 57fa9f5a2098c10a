import { create } from 'zustand';
import {
  DEFAULT_LANDSCAPE,
  type CurveResult,
  type Endpoint,
  type LandscapeRequest,
  type LandscapeSettings,
  type SurfaceResult,
} from '../../engine/landscape/config';
import type { EngineEvent, JobProgress } from '../../worker/api';
import { useApp } from '../training/store';
import { onEngineEvent } from '../shell/engineEvents';
import { runJob } from '../shared/runJob';

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
  /** The run (useApp's runId) the results above belong to; a result of a newer run drops them. */
  resultsRun: number;
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
  resultsRun: 0,
  radius: 0.5,
  level: null,
  display: '3d',
  wireframe: false,
  logScale: false,
}));

const set = useLandscape.setState;
const get = useLandscape.getState;

onEngineEvent((event: EngineEvent) => {
  const running = get().running;
  if (event.type === 'landscape-progress') {
    if (running && running.jobId === null) set({ running: { ...running, jobId: event.progress.jobId } });
    set({ progress: event.progress });
  } else if (event.type === 'landscape-update') {
    const { update } = event;
    const run = useApp.getState().runId;
    if (get().resultsRun !== run) set({ curves: {}, interpolations: {}, surfaces: {}, resultsRun: run });
    if (update.kind === 'surface') set((s) => ({ surfaces: { ...s.surfaces, [update.result.laneId]: update.result } }));
    else if (update.result.kind === 'interpolation')
      set((s) => ({ interpolations: { ...s.interpolations, [update.result.key]: update.result } }));
    else set((s) => ({ curves: { ...s.curves, [update.result.key]: update.result } }));
  }
});

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
export function computeLandscape(): Promise<void> {
  const req = request();
  return runJob(
    useLandscape,
    useApp.getState().engine?.api,
    { jobId: null, kind: req.kind, started: performance.now() },
    (api) => {
      // A lane's old surface goes: the new one streams in level by level.
      if (req.kind === 'surface') {
        set((s) => ({ surfaces: Object.fromEntries(Object.entries(s.surfaces).filter(([id]) => !req.laneIds.includes(id))) }));
      }
      return api.computeLandscape(req);
    },
    (seconds) => `landscape cancelled after ${seconds} s: what was computed is kept and shown`,
  );
}

export async function cancelLandscape(): Promise<void> {
  await useApp.getState().engine?.api.cancelLandscape();
}

export function updateLandscapeSettings(patch: Partial<LandscapeSettings>): void {
  set((s) => ({ settings: { ...s.settings, ...patch } }));
}
