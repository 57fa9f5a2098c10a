import type { LaneConfig } from '../engine/train/config';
import { METHODS } from '../engine/optim/methods';
import { OPTIMIZERS } from '../engine/optim/registry';

const num = (v: number) => String(Number(v.toPrecision(3)));

/** One line that says what a lane's optimizer is, e.g. "SGD + momentum η 0.05 · SAM ρ 0.05 · SOS /100 on 32". */
export function describeLane(lane: LaneConfig): string {
  const o = lane.optimizer;
  const parts = [
    `${OPTIMIZERS[o.kind].label} η ${num(o.lr)}${o.kind === 'momentum' ? ` μ ${num(o.momentum)}${o.nesterov ? ' (Nesterov)' : ''}` : ''}${o.weightDecay > 0 ? ` wd ${num(o.weightDecay)}` : ''}`,
  ];
  if (lane.schedule.kind !== 'constant') parts[0] += `, ${lane.schedule.kind} schedule`;
  const m = lane.method;
  if (m.kind === 'sam') parts.push(`SAM ρ ${num(m.rho)}`);
  if (m.kind === 'asam') parts.push(`ASAM ρ ${num(m.rho)}`);
  if (m.kind === 'nso') parts.push(`NSO σ ${num(m.sigma)} k ${m.k}${m.lambda > 0 ? ` λ ${num(m.lambda)}` : ''}`);
  if (m.kind === 'wpsgd') parts.push(`WP-SGD σ ${num(m.sigma)} k ${m.k}`);
  if (m.kind === 'fam')
    parts.push(`FAM λ ${num(m.lambda)}${m.measure === 'simplified' ? ' (‖W‖²Tr H)' : ''}${m.detachTrace ? ' detached' : ''}`);
  if (lane.sos.enabled) parts.push(`SOS every ${lane.sos.every} on ${lane.sos.samples}`);
  const d = lane.deformation;
  if (d.kind === 'ap') parts.push(`AP(${[d.a1, d.a2, d.a3, d.a4].map(num).join(', ')})`);
  if (d.kind === 'le') parts.push(`LE(${num(d.e1)}, ${num(d.e2)})`);
  return `${parts.join(' · ')} — ${METHODS[m.kind].gradEvals(m)} grad/step`;
}
