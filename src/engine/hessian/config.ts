import { z } from 'zod';
import { seedSchema } from '../validation';
import { laneIdsSchema } from '../train/lanes';

/** What a Hessian analysis computes and how precisely (defaults: docs/ALGORITHMS.md, "Hessian analysis"). */
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
  seed: seedSchema.default(0),
});

export type HessianSettings = z.infer<typeof hessianSettingsSchema>;
export const DEFAULT_HESSIAN: HessianSettings = hessianSettingsSchema.parse({});

export const hessianRequestSchema = z.object({ laneIds: laneIdsSchema, settings: hessianSettingsSchema });
export type HessianRequest = z.infer<typeof hessianRequestSchema>;

/** λmax and Tr(H) of every lane every N steps, with cheap settings stated on the charts. */
export const hessianTrackingSchema = z.object({
  every: z.number().int().min(1).max(100_000).default(100),
  samples: z.number().int().min(1).max(100_000).default(256),
  /** Lanczos steps for λmax. */
  iterations: z.number().int().min(2).max(200).default(10),
  /** Hutchinson samples for the trace. */
  traceSamples: z.number().int().min(2).max(1000).default(10),
  /** Lanczos stops when the top Ritz pair's residual is within tol · λ (after 3 steps). */
  tol: z.number().gt(0).max(0.5).default(0.01),
  /** Most of the wall time tracking may take while training plays (0.25: a quarter). */
  budget: z.number().min(0.01).max(0.9).default(0.25),
  /** Also the loss along a random filter-normalized direction through each lane (21 points on the same samples). */
  slice: z.boolean().default(true),
});
export type HessianTracking = z.infer<typeof hessianTrackingSchema>;
/** Tracking settings as given (tol and budget may be left to their defaults). */
export type HessianTrackingInput = z.input<typeof hessianTrackingSchema>;
export const DEFAULT_TRACKING: HessianTracking = hessianTrackingSchema.parse({});

/** A number of a result; null (how JSON writes a non-finite number) reads back as NaN. */
const jsonNumber = z
  .number()
  .nullable()
  .transform((x) => x ?? NaN);
const jsonNumbers = z.array(jsonNumber);

/**
 * One lane's analysis: the top eigenvalues, trace and density with the step, samples, settings and
 * cost they came from. Numbers written as JSON null (not finite) read back as NaN.
 */
export const hessianResultSchema = z.object({
  laneId: z.string(),
  label: z.string(),
  step: jsonNumber,
  samples: jsonNumber,
  settings: hessianSettingsSchema,
  top: z.object({ eigenvalues: jsonNumbers, residuals: jsonNumbers, iterations: jsonNumber, converged: z.boolean() }),
  trace: z.object({ trace: jsonNumber, stdError: jsonNumber, samples: jsonNumber, converged: z.boolean() }).nullable(),
  density: z
    .object({
      nodes: jsonNumbers,
      weights: jsonNumbers,
      grid: jsonNumbers,
      density: jsonNumbers,
      sigma: jsonNumber,
      runs: jsonNumber,
      steps: jsonNumber,
    })
    .nullable(),
  hvps: jsonNumber,
  gradients: jsonNumber,
  seconds: jsonNumber,
  cancelled: z.boolean(),
});

export type HessianResult = z.output<typeof hessianResultSchema>;
