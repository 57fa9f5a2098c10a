/**
 * The engine's events, fanned out to every feature store that listens (training, landscape,
 * Hessian), and hooks run when an engine (re)starts, so features can restore their engine-side
 * settings. Stores register here; none of them imports another feature's store.
 */
import type { EngineEvent } from '../../worker/api';
import type { StartedEngine } from '../../worker/client';

const listeners: Array<(event: EngineEvent) => void> = [];
const startHooks: Array<(engine: StartedEngine) => Promise<void>> = [];

export function onEngineEvent(listener: (event: EngineEvent) => void): void {
  listeners.push(listener);
}

export function dispatchEngineEvent(event: EngineEvent): void {
  for (const listener of listeners) listener(event);
}

export function onEngineStarted(hook: (engine: StartedEngine) => Promise<void>): void {
  startHooks.push(hook);
}

export async function engineStarted(engine: StartedEngine): Promise<void> {
  for (const hook of startHooks) await hook(engine);
}
