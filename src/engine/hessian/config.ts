import { z } from 'zod';
import type { DensityResult } from './density';
import type { TopEigenResult } from './lanczos';
import type { TraceResult } from './trace';

const laneId = z.string().regex(/^[A-Za-z0-9_-]{1,32}$/);

/** What a Hessian analysis computes and how precisely (defaults follow ALGORITHMS.md). */
export const hessianSettingsSchema = z.object({
  /** The Hessian is of the mean training loss on the first N training samples. */
  samples: z.number().int().min(1).max(100_000).default(1000),
  topK: z.number().int().min(1).max(20).default(5),
  tol: z.number().gt(0).max(0.5).default(1e-3),
  maxIterations: z.number().int().min(1).max(500).default(100),
  trace: z.boolean().default(true),
  traceTol: z.number().gt(0).max(0.5).default(1e-3),
  traceMaxSamples: z.number().int().min(2).max(10_000).default(100),
  density: z.boolean().default(true),
  densityRuns: z.number().int().min(1).max(50).default(3),
  densitySteps: z.number().int().min(2).max(300).default(40),
  /** Gaussian broadening σ as a fraction of the spectrum's width. */
  broadening: z.number().gt(0).max(0.5).default(0.01),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .default(0),
});

export type HessianSettings = z.infer<typeof hessianSettingsSchema>;
export const DEFAULT_HESSIAN: HessianSettings = hessianSettingsSchema.parse({});

export const hessianRequestSchema = z.object({ laneIds: z.array(laneId).min(1).max(8), settings: hessianSettingsSchema });
export type HessianRequest = z.infer<typeof hessianRequestSchema>;

/** λmax and Tr(H) of every lane every N steps, with cheap settings stated on the charts. */
export const hessianTrackingSchema = z.object({
  every: z.number().int().min(1).max(100_000).default(100),
  samples: z.number().int().min(1).max(100_000).default(256),
  /** Lanczos steps for λmax. */
  iterations: z.number().int().min(2).max(200).default(10),
  /** Hutchinson samples for the trace. */
  traceSamples: z.number().int().min(2).max(1000).default(10),
});
export type HessianTracking = z.infer<typeof hessianTrackingSchema>;
export const DEFAULT_TRACKING: HessianTracking = hessianTrackingSchema.parse({});

export interface HessianResult {
  laneId: string;
  label: string;
  /** The training step of the weights analysed. */
  step: number;
  samples: number;
  settings: HessianSettings;
  top: TopEigenResult;
  trace: TraceResult | null;
  density: DensityResult | null;
  hvps: number;
  gradients: number;
  seconds: number;
  cancelled: boolean;
}
