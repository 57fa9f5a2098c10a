/** Which charts the metrics panel shows: the core ones always, a method's when some lane uses it (from the method list). */
import { methodMetrics } from '../../engine/optim/methods';
import type { LaneConfig } from '../../engine/train/config';
import type { MetricName } from '../../engine/train/metrics';

/** The charts every comparison shows. */
export const CORE_CHARTS: MetricName[] = ['train_loss', 'test_loss', 'train_acc', 'test_acc', 'head_norm', 'steps_per_s'];

export interface MethodChart {
  metrics: MetricName[];
  title?: string;
  help?: string;
  /** What each lane's series of a pair is called in the legend. */
  seriesLabels?: string[];
  shown(lane: LaneConfig): boolean;
}

/** A method metric drawn with a second series beside it (dashed): the noise gap with its σ²/2·Tr(H) prediction. */
const COMPANIONS: Partial<Record<string, Omit<MethodChart, 'shown'>>> = {
  nso_gap: {
    metrics: ['nso_gap', 'nso_gap_expected'],
    title: 'NSO perturbation gap (solid) and σ²/2·Tr(H) from tracking (dashed)',
    help:
      'Solid: mean over the noise of [L(θ+U) + L(θ−U)]/2 − L(θ) on the batch. Dashed points: σ²/2 times the tracked ' +
      'Hessian trace, its second-order prediction (needs curvature tracking on).',
    seriesLabels: ['gap', 'σ²/2·Tr(H)'],
  },
};

/** Charts of method-specific metrics, shown when some lane uses the method: one per method metric, then SOS and deformations. */
export function methodCharts(): MethodChart[] {
  const fromMethods: MethodChart[] = methodMetrics().map((m) => ({
    metrics: [m.name as MetricName],
    ...COMPANIONS[m.name],
    shown: (l) => m.kinds.includes(l.method.kind),
  }));
  return [
    ...fromMethods,
    {
      metrics: ['sos_head_before', 'sos_head_after'],
      title: 'SOS head ‖W‖ before (solid) and after (dashed) each shift',
      seriesLabels: ['before', 'after'],
      help: 'Frobenius norm of the head just before and just after each optimum shift: a shift never increases it.',
      shown: (l) => l.sos.enabled,
    },
    { metrics: ['deform_scale'], shown: (l) => l.deformation.kind !== 'none' },
    { metrics: ['deform_clamps'], shown: (l) => l.deformation.kind !== 'none' },
  ];
}
