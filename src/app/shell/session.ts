/** The engine's life: start-up, a backend switch, the way on after a lost GPU, the checkpoint cadence. */
import type { BackendRequest } from '../../engine/gpuProbe';
import { errorMessage } from '../../engine/errors';
import { startEngine } from '../../worker/client';
import { selectDataset } from '../training/actions';
import { IDLE, requireEngine, useApp } from '../training/store';
import { dispatchEngineEvent, engineStarted } from './engineEvents';
import { notify } from './messages';
import { readUrlOptions, setUrlParam } from './url';

const get = useApp.getState;
const set = useApp.setState;

/** After a lost GPU: go on from the last checkpoint on another backend. */
export async function continueOn(backend: BackendRequest): Promise<void> {
  const engine = requireEngine();
  try {
    const summary = await engine.api.continueOn(backend);
    const lost = get().deviceLost;
    set({ summary, deviceLost: null, backendRequest: backend });
    notify(
      'info',
      `continuing on ${get().backend?.name ?? backend} from the checkpoint at step ${lost?.checkpointStep ?? 0}; ` +
        `the metrics up to there are kept`,
    );
  } catch (error) {
    notify('error', errorMessage(error));
  }
}

export async function setCheckpointEvery(steps: number): Promise<void> {
  try {
    await requireEngine().api.setCheckpointEvery(steps);
    set({ checkpointEvery: steps });
  } catch (error) {
    notify('error', errorMessage(error));
  }
}

export async function boot(): Promise<void> {
  const url = readUrlOptions(window.location.search);
  url.problems.forEach((p) => notify('error', p));
  set({ backendRequest: url.backend, phase: 'starting' });
  try {
    const engine = await startEngine(url.backend, url.useWorker);
    await engine.api.subscribe(dispatchEngineEvent);
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
    notify('error', `could not start: ${errorMessage(error)}`);
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
    await engine.api.subscribe(dispatchEngineEvent);
    set({ engine, backend: engine.report });
    await engineStarted(engine);
    await selectDataset(get().config.datasetId);
  } catch (error) {
    set({ phase: 'failed' });
    notify('error', `could not start on ${request}: ${errorMessage(error)}`);
  }
}
