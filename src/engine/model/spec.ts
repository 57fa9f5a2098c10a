import { z } from 'zod';

const width = z.number().int().min(1).max(4096);

export const mlpSpecSchema = z.object({
  kind: z.literal('mlp'),
  hidden: z.array(width).max(6),
});

export const cnnSpecSchema = z.object({
  kind: z.literal('cnn'),
  channels: z.tuple([z.number().int().min(1).max(256), z.number().int().min(1).max(256)]),
  kernelSize: z.number().int().min(1).max(7),
  dense: width,
});

export const modelSpecSchema = z.discriminatedUnion('kind', [mlpSpecSchema, cnnSpecSchema]);

export type MlpSpec = z.infer<typeof mlpSpecSchema>;
export type CnnSpec = z.infer<typeof cnnSpecSchema>;
export type ModelSpec = z.infer<typeof modelSpecSchema>;

/** The training losses (FAM has a closed form for both). */
export const LOSSES = {
  'cross-entropy': { label: 'cross-entropy', help: 'Mean softmax cross-entropy of the logits against the labels.' },
  mse: { label: 'squared error', help: 'Mean over samples of ½‖z − y‖², z the logits and y the one-hot label.' },
} as const;

export type LossKind = keyof typeof LOSSES;

export const DEFAULT_MLP: MlpSpec = { kind: 'mlp', hidden: [128, 64] };
export const DEFAULT_CNN: CnnSpec = { kind: 'cnn', channels: [16, 32], kernelSize: 3, dense: 128 };

export function describeModel(spec: ModelSpec): string {
  if (spec.kind === 'mlp') return spec.hidden.length === 0 ? 'MLP (linear)' : `MLP ${spec.hidden.join('-')}`;
  return `CNN conv${spec.kernelSize}x${spec.kernelSize} ${spec.channels[0]}-${spec.channels[1]}, dense ${spec.dense}`;
}
