/**
 * Every metric a lane logs: the core ones here, each method's from its descriptor (methods.ts).
 * No tfjs: the UI reads the names, labels and help texts.
 */
import { methodMetrics, type MethodMetricName } from '../optim/methods';

const CORE_METRICS = {
  train_loss: { label: 'training loss', help: 'Mean cross-entropy of the training minibatches over each logging interval.' },
  train_acc: { label: 'training accuracy', help: 'Fraction of minibatch samples classified correctly over each logging interval.' },
  test_loss: { label: 'test loss', help: 'Mean cross-entropy on the test samples (every N steps).' },
  test_acc: { label: 'test accuracy', help: 'Fraction of test samples classified correctly (every N steps).' },
  head_norm: { label: 'head ‖W‖_F', help: 'Frobenius norm of the last linear layer (what SOS shrinks and FAM weighs).' },
  steps_per_s: { label: 'steps / s', help: "This lane's training steps per second over each logging interval, readback included." },
  lr: { label: 'learning rate', help: 'Learning rate after the schedule, at each logged step.' },
  deform_scale: { label: 'deformation δ′(ℓ)', help: 'The factor the deformation multiplies the gradient by, at the minibatch loss.' },
  deform_clamps: {
    label: 'δ′ guard clamps',
    help: 'How many gradient evaluations so far hit the deformation guard (slope clamped to 10⁴).',
  },
  sos_head_before: { label: 'SOS head ‖W‖ before', help: 'Head norm just before each optimum shift.' },
  sos_head_after: { label: 'SOS head ‖W‖ after', help: 'Head norm just after each optimum shift (never larger).' },
  hess_lmax: {
    label: 'Hessian λmax (tracked)',
    help:
      'Largest eigenvalue of the training-loss Hessian on a fixed subset: Lanczos warm-started from the ' +
      "lane's previous top eigenvector, until the residual is within the tolerance (settings on the chart).",
  },
  hess_lmax_resid: {
    label: 'λmax residual',
    help: '‖Hy − θy‖ of the tracked top Ritz pair: an eigenvalue lies within it of the tracked λmax (its uncertainty).',
  },
  hess_trace: {
    label: 'Hessian trace (tracked)',
    help:
      'Tr(H) on a fixed subset: exact on the Lanczos directions of λmax, Hutchinson with a few Rademacher samples on ' +
      'the rest (settings on the chart).',
  },
  hess_trace_se: { label: 'trace standard error', help: 'Standard error of the tracked trace (its Hutchinson part).' },
  nso_gap_expected: {
    label: 'σ²/2·Tr(H) (tracked)',
    help:
      "What the noise lane's perturbation gap should be to second order: σ²/2 times the tracked trace (on the " +
      "tracking subset, not the lane's batches, so expect the two to agree in size, not point by point).",
  },
} as const;

export type MetricName = keyof typeof CORE_METRICS | MethodMetricName;

export interface MetricInfo {
  label: string;
  help: string;
}

/** The label and help of a metric, core or a registered method's; undefined for an unknown name. */
export function metricInfo(name: string): MetricInfo | undefined {
  if (Object.hasOwn(CORE_METRICS, name)) return CORE_METRICS[name as keyof typeof CORE_METRICS];
  return methodMetrics().find((m) => m.name === name);
}

export function isMetricName(name: string): name is MetricName {
  return metricInfo(name) !== undefined;
}

/** One logged value; long format, as exported later (lane, step, grad_evals, wall_s, metric, value). */
export interface MetricPoint {
  laneId: string;
  metric: MetricName;
  step: number;
  gradEvals: number;
  wallSeconds: number;
  value: number;
}
