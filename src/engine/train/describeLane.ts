import { describeDeformation } from '../optim/deformation';
import { methodGradEvals, methodOf } from '../optim/methods';
import { describeOptimizer } from '../optim/optimizers';
import type { LaneConfig } from './config';

/** One line that says what a lane's optimizer is, e.g. "SGD + momentum η 0.05 μ 0.9 · SAM ρ 0.05 — 2 grad/step". */
export function describeLane(lane: LaneConfig): string {
  const base = describeOptimizer(lane.optimizer) + (lane.schedule.kind !== 'constant' ? `, ${lane.schedule.kind} schedule` : '');
  const parts = [
    base,
    methodOf(lane.method.kind).summary(lane.method),
    lane.sos.enabled ? `SOS every ${lane.sos.every} on ${lane.sos.samples}` : '',
    describeDeformation(lane.deformation),
  ];
  return `${parts.filter(Boolean).join(' · ')} — ${methodGradEvals(lane.method)} grad/step`;
}
