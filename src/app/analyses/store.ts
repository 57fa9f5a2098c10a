import { create } from 'zustand';
import { DEFAULT_ANALYSIS_SETTINGS, type AnalysisKind, type AnalysisRequest, type AnalysisSettings } from '../../engine/analyses/config';
import type { AnalysisResult } from '../../engine/analyses/run';
import type { EngineEvent, JobProgress } from '../../worker/api';
import { useApp } from '../training/store';
import { onEngineEvent } from '../shell/engineEvents';
import { runJob } from '../shared/runJob';
import { notify } from '../shell/messages';

type ResultOf<K extends AnalysisKind> = Extract<AnalysisResult, { kind: K }>['result'];

/** The latest result of each kind: per lane, or the one pair / plane. */
export interface AnalysisResults {
  sharpness: Record<string, ResultOf<'sharpness'>>;
  layers: Record<string, ResultOf<'layers'>>;
  'eigen-slices': Record<string, ResultOf<'eigen-slices'>>;
  convexity: Record<string, ResultOf<'convexity'>>;
  connectivity: ResultOf<'connectivity'> | null;
  trajectory: ResultOf<'trajectory'> | null;
}

export interface AnalysesState {
  kind: AnalysisKind;
  settings: AnalysisSettings;
  /** Lanes to analyse; empty means every lane. */
  laneIds: string[];
  /** The two lanes of mode connectivity (null: the first two lanes). */
  pair: [string, string] | null;
  running: { kind: AnalysisKind; started: number } | null;
  progress: JobProgress | null;
  results: AnalysisResults;
  /** The run (useApp's runId) each kind's results belong to. */
  resultsRun: Partial<Record<AnalysisKind, number>>;
}

const EMPTY: AnalysisResults = { sharpness: {}, layers: {}, 'eigen-slices': {}, convexity: {}, connectivity: null, trajectory: null };

export const useAnalyses = create<AnalysesState>(() => ({
  kind: 'sharpness',
  settings: structuredClone(DEFAULT_ANALYSIS_SETTINGS),
  laneIds: [],
  pair: null,
  running: null,
  progress: null,
  results: EMPTY,
  resultsRun: {},
}));

const set = useAnalyses.setState;
const get = useAnalyses.getState;

function store(result: AnalysisResult): void {
  const run = useApp.getState().runId;
  set((s) => {
    const fresh = s.resultsRun[result.kind] === run;
    const results = { ...s.results };
    switch (result.kind) {
      case 'connectivity':
        results.connectivity = result.result;
        break;
      case 'trajectory':
        results.trajectory = result.result;
        break;
      default: {
        const before = fresh ? s.results[result.kind] : {};
        results[result.kind] = { ...before, [result.result.laneId]: result.result } as never;
      }
    }
    return { results, resultsRun: { ...s.resultsRun, [result.kind]: run } };
  });
}

onEngineEvent((event: EngineEvent) => {
  if (event.type === 'analysis-progress') set({ progress: event.progress });
  else if (event.type === 'analysis-result') store(event.result);
});

export function selectedLanes(): string[] {
  const lanes = useApp.getState().config.lanes.map((l) => l.id);
  const chosen = get().laneIds.filter((id) => lanes.includes(id));
  return chosen.length > 0 ? chosen : lanes;
}

/** The two lanes of mode connectivity: the chosen pair if both still exist, else the first two lanes. */
export function connectivityPair(): [string, string] | null {
  const lanes = useApp.getState().config.lanes.map((l) => l.id);
  const pair = get().pair;
  if (pair && lanes.includes(pair[0]) && lanes.includes(pair[1]) && pair[0] !== pair[1]) return pair;
  return lanes.length >= 2 ? [lanes[0], lanes[1]] : null;
}

export function analysisRequest(kind: AnalysisKind = get().kind): AnalysisRequest | string {
  const settings = get().settings;
  if (kind === 'connectivity') {
    const pair = connectivityPair();
    if (!pair) return 'mode connectivity needs two lanes: add a lane first';
    return { kind, from: pair[0], to: pair[1], settings: settings.connectivity };
  }
  const laneIds = selectedLanes();
  if (kind === 'trajectory' && laneIds.length > 0) return { kind, laneIds, settings: settings.trajectory };
  return { kind, laneIds, settings: settings[kind] } as AnalysisRequest;
}

export function computeAnalysis(): Promise<void> {
  const request = analysisRequest();
  if (typeof request === 'string') {
    notify('error', request);
    return Promise.resolve();
  }
  return runJob(
    useAnalyses,
    useApp.getState().engine?.api,
    { kind: request.kind, started: performance.now() },
    (api) => api.computeAnalysis(request),
    (seconds) => `analysis cancelled after ${seconds} s: what was computed is kept`,
  );
}

export async function cancelAnalysis(): Promise<void> {
  await useApp.getState().engine?.api.cancelAnalysis();
}

export function updateAnalysisSettings<K extends AnalysisKind>(kind: K, patch: Partial<AnalysisSettings[K]>): void {
  set((s) => ({ settings: { ...s.settings, [kind]: { ...s.settings[kind], ...patch } } }));
}
