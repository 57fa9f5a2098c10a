import type { StoreApi } from 'zustand';
import { errorMessage } from '../../engine/errors';
import type { EngineApi, JobOutcome, JobProgress } from '../../worker/api';
import { notify } from '../shell/messages';

interface JobState {
  running: unknown;
  progress: JobProgress | null;
}

/**
 * Runs a landscape or Hessian job from a feature store: marks it running (one at a time), says so
 * when it was cancelled (`cancelled` words it) or why it failed, and always clears the mark.
 */
export async function runJob<S extends JobState>(
  store: StoreApi<S>,
  api: EngineApi | undefined,
  running: NonNullable<S['running']>,
  start: (api: EngineApi) => Promise<JobOutcome>,
  cancelled: (seconds: string) => string,
): Promise<void> {
  if (!api || store.getState().running) return;
  store.setState({ running, progress: null } as Partial<S>);
  try {
    const outcome = await start(api);
    if (outcome.cancelled) notify('info', cancelled(outcome.seconds.toFixed(1)));
  } catch (error) {
    notify('error', errorMessage(error));
  } finally {
    store.setState({ running: null } as Partial<S>);
  }
}
