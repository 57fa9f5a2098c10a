import { z } from 'zod';
import { seedSchema } from '../validation';
import { laneIdSchema, laneIdsSchema } from '../train/lanes';

const coordinate = z.number().min(-10).max(10);
const range = z
  .tuple([coordinate, coordinate])
  .refine(([a, b]) => a < b, { message: 'the range must go from a smaller to a larger number' });

/** Settings of the landscape views, shared by curves, surfaces and interpolations. */
export const landscapeSettingsSchema = z.object({
  /** α (and β) range of the 1D curves and 2D surfaces, in units of the filter-normalized direction. */
  range: range.default([-1, 1]),
  curvePoints: z.number().int().min(3).max(401).default(51),
  surfacePoints: z.number().int().min(3).max(101).default(51),
  interpolationRange: range.default([-0.5, 1.5]),
  /** The first N training samples / test samples (0: no test curve). */
  trainSamples: z.number().int().min(1).max(1_000_000).default(2000),
  testSamples: z.number().int().min(0).max(1_000_000).default(2000),
  surfaceSplit: z.enum(['train', 'test']).default('train'),
  seed: seedSchema.default(0),
  /** Each lane gets directions from its own seed instead of the comparison's shared one. */
  perLaneSeeds: z.boolean().default(false),
  normalization: z.enum(['filter', 'none']).default('filter'),
});

export type LandscapeSettings = z.infer<typeof landscapeSettingsSchema>;

export const DEFAULT_LANDSCAPE: LandscapeSettings = landscapeSettingsSchema.parse({});

export const endpointSchema = z.object({ laneId: laneIdSchema, weights: z.enum(['current', 'initial']) });
export type Endpoint = z.infer<typeof endpointSchema>;

export const landscapeRequestSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('curve'), laneIds: laneIdsSchema, settings: landscapeSettingsSchema }),
  z.object({ kind: z.literal('surface'), laneIds: laneIdsSchema, settings: landscapeSettingsSchema }),
  z.object({ kind: z.literal('interpolation'), from: endpointSchema, to: endpointSchema, settings: landscapeSettingsSchema }),
]);

export type LandscapeRequest = z.infer<typeof landscapeRequestSchema>;

/** Loss and accuracy along one axis of points. */
export interface CurveValues {
  loss: number[];
  accuracy: number[];
}

export interface CurveResult {
  kind: 'curve' | 'interpolation';
  /** The training step the weights were taken at. */
  step: number;
  /** The lane (curve), or "from→to" (interpolation). */
  key: string;
  label: string;
  alphas: number[];
  train: CurveValues;
  test: CurveValues | null;
  samples: { train: number; test: number };
  seconds: number;
  cancelled: boolean;
}

export interface SurfaceResult {
  laneId: string;
  /** The training step the weights were taken at. */
  step: number;
  alphas: number[];
  betas: number[];
  /** Row-major by β: value at (alphas[i], betas[j]) is at j * alphas.length + i; NaN where not computed. */
  loss: number[];
  accuracy: number[];
  split: 'train' | 'test';
  samples: number;
  /** Indices (into alphas and betas) of the finest level computed completely: it can be drawn. */
  level: number[];
  computed: number;
  total: number;
  seconds: number;
  cancelled: boolean;
}
