/** The settings of stochastic optimum shifting (the shift itself is optimumShift.ts). No tfjs here. */
import { z } from 'zod';
import { numberParam, numberSchema } from './controls';

export const SOS_EVERY = numberParam({
  key: 'every',
  label: 'every s steps',
  help: 'Shift the head after every s training steps.',
  min: 1,
  max: 100000,
  step: 1,
  default: 100,
  integer: true,
});
export const SOS_SAMPLES = numberParam({
  key: 'samples',
  label: 'b2 samples',
  step: 1,
  default: 32,
  integer: true,
  min: 1,
  max: 4096,
  help:
    'Training samples the shift keeps the logits of. Needs b2 ≥ classes (neural collapse) and b2 ' +
    "< m features (else nothing can change); 32 suits 10 classes and the default MLP's 64 features.",
});

export const sosSchema = z.object({
  enabled: z.boolean({ error: 'SOS enabled must be true or false' }),
  every: numberSchema(SOS_EVERY),
  samples: numberSchema(SOS_SAMPLES),
});
export type SosConfig = z.infer<typeof sosSchema>;
export const DEFAULT_SOS: SosConfig = { enabled: false, every: SOS_EVERY.default, samples: SOS_SAMPLES.default };
