import { experimentFromJson, experimentToJson, type Experiment, type LoadedExperiment } from '../../engine/io/experiment';
import { decodeExperimentParam, encodeExperimentParam } from '../../engine/io/shareLink';
import { download } from './download';
import { applyTracking, useHessian } from '../hessian/store';
import { useLandscape } from '../landscape/store';
import { useAnalyses } from '../analyses/store';
import { useApp } from '../training/store';
import { applyConfig, selectDataset } from '../training/actions';
import { notify } from '../shell/messages';
import { recompute, useToy } from '../toy/store';

export const EXPERIMENT_PARAM = 'x';

/** The whole setup as one versioned document: comparison, analysis settings and toy lab. */
export function collectExperiment(): Experiment {
  const { config } = useApp.getState();
  const landscape = useLandscape.getState();
  const hessian = useHessian.getState();
  const toy = useToy.getState();
  return {
    format: 'flat-minima-playground/experiment',
    version: 2,
    comparison: config,
    landscape: { settings: landscape.settings, kind: landscape.kind },
    hessian: { settings: hessian.settings, tracking: hessian.tracking, trackingOn: hessian.trackingOn },
    analysisSettings: useAnalyses.getState().settings,
    toy: {
      surface: toy.surfaceId,
      formula: toy.formula,
      start: toy.start,
      steps: toy.steps,
      runs: toy.runs.map((r) => ({ label: r.label, color: r.color, config: r.config })),
    },
  };
}

/** Applies a loaded experiment to every part of the app, and says what was ignored. */
export async function applyExperiment({ experiment, ignored }: LoadedExperiment, source: string): Promise<void> {
  if (ignored.length > 0)
    notify(
      'error',
      `${source}: ignored ${ignored.length === 1 ? 'one thing' : `${ignored.length} things`}: ` +
        `${ignored.slice(0, 6).join('; ')}${ignored.length > 6 ? '; …' : ''}`,
    );
  const { comparison, landscape, hessian, toy, analysisSettings } = experiment;
  useLandscape.setState({ settings: landscape.settings, kind: landscape.kind });
  useAnalyses.setState({ settings: analysisSettings });
  useHessian.setState({ settings: hessian.settings });
  await applyTracking(hessian.trackingOn, hessian.tracking);
  useToy.setState({
    surfaceId: toy.surface,
    formula: toy.formula,
    start: toy.start,
    steps: toy.steps,
    upTo: 0,
    playing: false,
    deformedBy: null,
    runs: toy.runs.map((r, i) => ({ id: `run${i + 1}`, label: r.label, color: r.color, config: r.config })),
  });
  recompute();
  const app = useApp.getState();
  if (app.dataset?.id !== comparison.datasetId && app.datasets.some((d) => d.id === comparison.datasetId)) {
    useApp.setState({ config: comparison });
    await selectDataset(comparison.datasetId);
  } else if (app.dataset?.id !== comparison.datasetId) {
    notify(
      'error',
      `${source}: dataset "${comparison.datasetId}" is not available here; the lanes use ${app.dataset?.title ?? 'the current dataset'}`,
    );
    await applyConfig({ ...comparison, datasetId: app.config.datasetId });
  } else {
    await applyConfig(comparison);
  }
}

/** A link that reproduces the setup. */
export function shareLink(): string {
  const url = new URL(window.location.href);
  url.search = '';
  url.searchParams.set(EXPERIMENT_PARAM, encodeExperimentParam(collectExperiment()));
  return url.toString();
}

export async function copyShareLink(): Promise<string> {
  const link = shareLink();
  try {
    await navigator.clipboard.writeText(link);
    notify(
      'info',
      `link copied (${link.length} characters): it reproduces the dataset, model, lanes, seeds, analysis settings and toy lab`,
    );
  } catch {
    notify('info', 'copy the link from the address bar: it now holds the whole setup');
  }
  window.history.replaceState(null, '', link);
  return link;
}

export function saveExperimentFile(): void {
  download('experiment.json', experimentToJson(collectExperiment()), 'application/json');
}

export async function openExperimentFile(file: File): Promise<void> {
  if (file.size > 1_000_000) {
    notify('error', `${file.name}: ${file.size.toLocaleString('en-US')} bytes is too large for an experiment file (nothing was changed)`);
    return;
  }
  await applyExperiment(experimentFromJson(await file.text()), file.name);
}

/** On start-up: a link with ?x=… sets everything up (what cannot be used is listed, never obeyed). */
export async function applyExperimentFromUrl(): Promise<void> {
  const param = new URLSearchParams(window.location.search).get(EXPERIMENT_PARAM);
  if (param === null) return;
  await applyExperiment(decodeExperimentParam(param), 'the link');
}
