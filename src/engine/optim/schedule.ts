import { z } from 'zod';

export const scheduleSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('constant') }),
  z.object({
    kind: z.literal('step'),
    /** Epochs at which the learning rate is multiplied by `factor`. */
    milestones: z.array(z.number().int().positive()).max(20),
    factor: z.number().positive().max(1),
  }),
  z.object({
    kind: z.literal('cosine'),
    /** Final learning rate as a fraction of the initial one. */
    minFactor: z.number().min(0).max(1),
  }),
]);

export type Schedule = z.infer<typeof scheduleSchema>;

export interface ScheduleClock {
  step: number;
  stepsPerEpoch: number;
  totalSteps: number;
}

/**
 * Learning rate at a step (0-based). step: η·factor^(number of milestones ≤ current epoch), like
 * PyTorch's MultiStepLR stepped per epoch; cosine: η·(f + (1 − f)(1 + cos(π t / T)) / 2) per step.
 */
export function learningRateAt(schedule: Schedule, baseLr: number, clock: ScheduleClock): number {
  switch (schedule.kind) {
    case 'constant':
      return baseLr;
    case 'step': {
      const epoch = Math.floor(clock.step / clock.stepsPerEpoch);
      const passed = schedule.milestones.filter((m) => m <= epoch).length;
      return baseLr * schedule.factor ** passed;
    }
    case 'cosine': {
      const progress = Math.min(1, clock.step / Math.max(1, clock.totalSteps));
      return baseLr * (schedule.minFactor + (1 - schedule.minFactor) * 0.5 * (1 + Math.cos(Math.PI * progress)));
    }
  }
}
