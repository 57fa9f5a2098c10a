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
  shown(lane: LaneConfig): boolean;
}

/** Charts of method-specific metrics, shown when some lane uses the method: one per method metric, then SOS and deformations. */
export function methodCharts(): MethodChart[] {
  const fromMethods: MethodChart[] = methodMetrics().map((m) => ({
    metrics: [m.name as MetricName],
    shown: (l) => m.kinds.includes(l.method.kind),
  }));
  return [
    ...fromMethods,
    {
      metrics: ['sos_head_before', 'sos_head_after'],
      title: 'SOS head ‖W‖ before (solid) and after (dashed) each shift',
      help: 'Frobenius norm of the head just before and just after each optimum shift: a shift never increases it.',
      shown: (l) => l.sos.enabled,
    },
    { metrics: ['deform_scale'], shown: (l) => l.deformation.kind !== 'none' },
    { metrics: ['deform_clamps'], shown: (l) => l.deformation.kind !== 'none' },
  ];
}
