import { methodOf } from '../optim/methods';
import { OPTIMIZERS } from '../optim/optimizers';
import type { LaneConfig } from './config';
import type { Divergence, StepRecord } from './records';

/** The loss history a lane keeps to judge a divergence: its first and recent finite losses. */
export interface LossHistory {
  first: number | null;
  recent: number[];
}

export function emptyHistory(): LossHistory {
  return { first: null, recent: [] };
}

export function remember(history: LossHistory, loss: number): void {
  if (!Number.isFinite(loss)) return;
  if (history.first === null) history.first = loss;
  history.recent.push(loss);
  if (history.recent.length > 20) history.recent.shift();
}

/**
 * The likely cause: a deformation whose slope hit its guard, a loss that climbed before it blew up
 * (the learning rate), a flat-minima method's strength, or the learning rate in general.
 */
export function likelyCause(config: LaneConfig, history: LossHistory, deformClamps: number, lr: number): string {
  const optimizer = OPTIMIZERS[config.optimizer.kind].longName;
  if (config.deformation.kind !== 'none' && deformClamps > 0) {
    return (
      `the ${config.deformation.kind.toUpperCase()} deformation's slope δ′ hit its guard ${deformClamps} ` +
      `time(s): lower the learning rate or use a milder deformation`
    );
  }
  const climbing =
    history.first !== null &&
    history.recent.length >= 2 &&
    history.recent[history.recent.length - 1] > Math.max(1.5 * Math.min(...history.recent), history.first);
  if (climbing || config.method.kind === 'none') return `learning rate ${lr} too high for ${optimizer}`;
  const method = methodOf(config.method.kind);
  const strength = method.controls[0]?.label ?? 'strength';
  return `learning rate ${lr} too high for ${optimizer} with ${method.label}, or its ${strength} too large`;
}

/** Looks at a window's records and final weights; returns the divergence, or null if all is finite. */
export function detectDivergence(
  config: LaneConfig,
  records: readonly StepRecord[],
  weightsFinite: boolean,
  history: LossHistory,
  lastStepOfWindow: number,
): Divergence | null {
  let clamps = 0;
  for (const record of records) {
    clamps = Math.max(clamps, record.metrics.deform_clamps ?? 0);
    if (!Number.isFinite(record.loss)) return divergence(config, 'loss', record.step, history, clamps, record.lr, String(record.loss));
    remember(history, record.loss);
  }
  if (weightsFinite) return null;
  return divergence(
    config,
    'weights',
    lastStepOfWindow,
    history,
    clamps,
    records[records.length - 1]?.lr ?? config.optimizer.lr,
    'not finite',
  );
}

function divergence(
  config: LaneConfig,
  what: Divergence['what'],
  step: number,
  history: LossHistory,
  clamps: number,
  lr: number,
  value: string,
): Divergence {
  const last = history.recent.length ? history.recent[history.recent.length - 1] : null;
  const lastStep = last === null ? null : step - 1;
  const cause = likelyCause(config, history, clamps, lr);
  const became = what === 'loss' ? `its training loss became ${value}` : 'its weights became NaN or infinite';
  const before = last === null ? 'no finite loss before' : `last finite loss ${last.toPrecision(4)}`;
  const message =
    `"${config.name}" stopped at step ${step}: ${became} (${before}). Likely cause: ${cause}. The ` +
    `other lanes go on; reset to try again.`;
  return { step, what, lastFiniteLoss: last, lastFiniteStep: what === 'loss' ? lastStep : step, cause, message };
}
