import { z } from 'zod';

const lr = z.number().positive().max(100);
const weightDecay = z.number().min(0).max(1);

export const optimizerConfigSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('sgd'), lr, weightDecay }),
  z.object({ kind: z.literal('momentum'), lr, weightDecay, momentum: z.number().min(0).max(0.9999), nesterov: z.boolean() }),
  z.object({
    kind: z.literal('adam'), lr, weightDecay,
    beta1: z.number().min(0).max(0.9999), beta2: z.number().min(0).max(0.99999),
    epsilon: z.number().positive().max(1), decoupled: z.boolean(),
  }),
]);

export type OptimizerConfig = z.infer<typeof optimizerConfigSchema>;
export type OptimizerKind = OptimizerConfig['kind'];
export type SgdConfig = Extract<OptimizerConfig, { kind: 'sgd' }>;
export type MomentumConfig = Extract<OptimizerConfig, { kind: 'momentum' }>;
export type AdamConfig = Extract<OptimizerConfig, { kind: 'adam' }>;
