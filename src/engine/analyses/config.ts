import { z } from 'zod';
import { seedSchema } from '../validation';
import { laneIdSchema, laneIdsSchema } from '../train/lanes';

/**
 * Settings of the analyses beyond curves, surfaces and spectra (docs/ALGORITHMS.md, "Analyses
 * beyond the single-tool anchors"); every number a result reports is computed with these.
 */
const samples = (fallback: number) => z.number().int().min(1).max(100_000).default(fallback);
const radius = z.number().gt(0).max(100);

export const sharpnessSettingsSchema = z.object({
  /** The loss is the mean training loss on the first N training samples. */
  samples: samples(1000),
  /** ρ of the worst-case measure (weight units): ‖δ‖ ≤ ρ. */
  rho: radius.default(0.1),
  /** ρ of the adaptive worst-case measure: δ = |θ| ⊙ u, ‖u‖ ≤ ρ. */
  adaptiveRho: radius.default(1),
  /**
   * ρ of the average-case measure: δ ~ N(0, ρ²I/d), so ‖δ‖ ≈ ρ. Random directions are so much flatter
   * than the worst one that the same ρ gives a rise near float32 noise: the average case needs its own.
   */
  averageRho: radius.default(10),
  /** ρ of the adaptive average-case measure: δ = |θ| ⊙ u, u ~ N(0, ρ²I/d). */
  averageAdaptiveRho: radius.default(30),
  /** Antithetic pairs (δ, −δ) of the average-case estimate. */
  draws: z.number().int().min(1).max(1000).default(20),
  /** Projected gradient-ascent steps of the worst-case measures. */
  steps: z.number().int().min(1).max(200).default(10),
  /** Batch size m of m-sharpness (each batch its own δ); 0: off. */
  m: z.number().int().min(0).max(10_000).default(128),
  seed: seedSchema.default(0),
});
export type SharpnessSettings = z.infer<typeof sharpnessSettingsSchema>;

export const layerCurvatureSettingsSchema = z.object({
  samples: samples(1000),
  /** Lanczos steps per block for its λmax (stops earlier at a residual of `tol`·λ). */
  maxIterations: z.number().int().min(2).max(300).default(30),
  tol: z.number().gt(0).max(0.5).default(1e-3),
  /** Hutchinson samples per block (stops earlier at a relative standard error of `traceTol`). */
  traceSamples: z.number().int().min(2).max(2000).default(50),
  traceTol: z.number().gt(0).max(0.5).default(0.02),
  seed: seedSchema.default(0),
});
export type LayerCurvatureSettings = z.infer<typeof layerCurvatureSettingsSchema>;

const range = z
  .tuple([z.number().min(-1000).max(1000), z.number().min(-1000).max(1000)])
  .refine(([a, b]) => a < b, { message: 'the range must go from a smaller to a larger number' });

export const eigenSliceSettingsSchema = z.object({
  /** The Hessian (and the slices' loss) on the first N training samples. */
  samples: samples(1000),
  /** Slices along v1 … vk. */
  directions: z.number().int().min(1).max(5).default(2),
  maxIterations: z.number().int().min(2).max(300).default(60),
  /** α range in weight units (the eigenvectors and the comparison direction have norm 1). */
  range: range.default([-0.5, 0.5]),
  curvePoints: z.number().int().min(3).max(401).default(41),
  /** A 2D surface over (v1, v2) too. */
  surface: z.boolean().default(true),
  surfacePoints: z.number().int().min(3).max(101).default(21),
  testSamples: z.number().int().min(0).max(100_000).default(1000),
  seed: seedSchema.default(0),
});
export type EigenSliceSettings = z.infer<typeof eigenSliceSettingsSchema>;

export const connectivitySettingsSchema = z.object({
  /** The bend is trained on the first N training samples, in batches. */
  trainSamples: samples(5000),
  testSamples: z.number().int().min(0).max(100_000).default(2000),
  /** Loss along the paths and on the plane: the first N training samples. */
  evalSamples: samples(2000),
  steps: z.number().int().min(0).max(100_000).default(300),
  learningRate: z.number().gt(0).max(10).default(0.05),
  momentum: z.number().min(0).max(0.999).default(0.9),
  batchSize: z.number().int().min(1).max(4096).default(128),
  /** Points of t in [0, 1] along each path. */
  pathPoints: z.number().int().min(3).max(201).default(21),
  /** Grid of the loss on the plane through θ1, θ2 and the bend (0: no plane). */
  surfacePoints: z.number().int().min(0).max(101).default(21),
  seed: seedSchema.default(0),
});
export type ConnectivitySettings = z.infer<typeof connectivitySettingsSchema>;

export const trajectorySettingsSchema = z.object({
  /** Centre of the PCA: the mean of the lanes' final weights, or one lane's final weights. */
  centre: z.union([z.literal('mean'), laneIdSchema]).default('mean'),
  /** Loss on the plane: the first N training samples. */
  samples: samples(2000),
  surfacePoints: z.number().int().min(3).max(101).default(21),
  /** Margin around the paths' extent on the plane, as a fraction of it. */
  margin: z.number().min(0).max(5).default(0.25),
});
export type TrajectorySettings = z.infer<typeof trajectorySettingsSchema>;

export const convexitySettingsSchema = z.object({
  /** The Hessian at each grid point: the first N training samples. */
  samples: samples(500),
  gridPoints: z.number().int().min(2).max(21).default(7),
  /** α, β range in units of the filter-normalized directions (the landscape's). */
  range: range.default([-1, 1]),
  /** Lanczos steps at each point (its extreme Ritz values approximate λmin and λmax). */
  lanczosSteps: z.number().int().min(2).max(200).default(20),
  seed: seedSchema.default(0),
});
export type ConvexitySettings = z.infer<typeof convexitySettingsSchema>;

export const analysisRequestSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('sharpness'), laneIds: laneIdsSchema, settings: sharpnessSettingsSchema }),
  z.object({ kind: z.literal('layers'), laneIds: laneIdsSchema, settings: layerCurvatureSettingsSchema }),
  z.object({ kind: z.literal('eigen-slices'), laneIds: laneIdsSchema, settings: eigenSliceSettingsSchema }),
  z.object({ kind: z.literal('connectivity'), from: laneIdSchema, to: laneIdSchema, settings: connectivitySettingsSchema }),
  z.object({ kind: z.literal('trajectory'), laneIds: laneIdsSchema, settings: trajectorySettingsSchema }),
  z.object({ kind: z.literal('convexity'), laneIds: laneIdsSchema, settings: convexitySettingsSchema }),
]);
export type AnalysisRequest = z.infer<typeof analysisRequestSchema>;
export type AnalysisKind = AnalysisRequest['kind'];

export const ANALYSIS_KINDS = ['sharpness', 'layers', 'eigen-slices', 'connectivity', 'trajectory', 'convexity'] as const;

export const ANALYSIS_SETTINGS_SCHEMAS = {
  sharpness: sharpnessSettingsSchema,
  layers: layerCurvatureSettingsSchema,
  'eigen-slices': eigenSliceSettingsSchema,
  connectivity: connectivitySettingsSchema,
  trajectory: trajectorySettingsSchema,
  convexity: convexitySettingsSchema,
} as const;

/** Every analysis's settings (the experiment document's "analysisSettings" section). */
export const analysisSettingsSchema = z.object(ANALYSIS_SETTINGS_SCHEMAS);
export type AnalysisSettings = z.infer<typeof analysisSettingsSchema>;

export const DEFAULT_ANALYSIS_SETTINGS: AnalysisSettings = analysisSettingsSchema.parse({
  sharpness: {},
  layers: {},
  'eigen-slices': {},
  connectivity: {},
  trajectory: {},
  convexity: {},
});
