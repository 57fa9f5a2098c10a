import { z } from 'zod';
import { seedSchema } from '../validation';
import { laneIdSchema, MAX_LANES } from './lanes';
import { modelSpecSchema, DEFAULT_MLP } from '../model/spec';
import { optimizerConfigSchema, type OptimizerConfig } from '../optim/optimizers';
import { deformationSchema } from '../optim/deformation';
import { defaultMethod, methodSchema } from '../optim/methods';
import { defaultOptimizerConfig } from '../optim/optimizers';
import { scheduleSchema } from '../optim/schedule';
import { DEFAULT_SOS, sosSchema } from '../optim/sos';

/**
 * Okabe & Ito's colour-blind-safe palette, yellow last (faint on white): the closest pair is ΔE 26 in
 * CIELAB, and at least 16 under simulated protanopia, deuteranopia and tritanopia (tests/laneColors).
 */
export const LANE_COLORS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#F0E442'];

/** The first palette colour no lane has (the lanes' count-th one when all are taken). */
export function freshLaneColor(lanes: ReadonlyArray<{ color: string }>): string {
  const used = new Set(lanes.map((l) => l.color.toUpperCase()));
  return LANE_COLORS.find((c) => !used.has(c)) ?? LANE_COLORS[lanes.length % LANE_COLORS.length];
}

export const laneConfigSchema = z.object({
  id: laneIdSchema,
  name: z.string().min(1).max(40),
  color: z.string().regex(/^#[0-9a-fA-F]{6}$/),
  optimizer: optimizerConfigSchema,
  schedule: scheduleSchema,
  /** At most one flat-minima method (none, SAM, ASAM, NSO, WP-SGD, FAM). */
  method: methodSchema.default({ kind: 'none' }),
  /** Optional stochastic optimum shifting of the head every s steps. */
  sos: sosSchema.default(DEFAULT_SOS),
  /** Optional loss deformation (AP or LE) on top of everything. */
  deformation: deformationSchema.default({ kind: 'none' }),
});

export const comparisonConfigSchema = z.object({
  datasetId: z.string().regex(/^[a-z0-9/-]{1,64}$/),
  model: modelSpecSchema,
  loss: z.enum(['cross-entropy', 'mse'], { error: 'loss must be cross-entropy or mse' }).default('cross-entropy'),
  seed: seedSchema,
  batchSize: z.number().int().min(1).max(4096),
  epochs: z.number().int().min(1).max(1000),
  /** Train on this many samples of the training split (a seeded choice); absent: the whole split. */
  trainSize: z.number().int().min(1).max(10_000_000).optional(),
  /** Training loss and accuracy are averaged over this many steps per logged point. */
  logEvery: z.number().int().min(1).max(10000),
  /** Test loss and accuracy every this many steps (and at step 0). */
  testEvery: z.number().int().min(1).max(100000),
  /** How many test samples the periodic test evaluation uses (the first N of the test split). */
  testSize: z.number().int().min(1).max(1_000_000),
  lanes: z.array(laneConfigSchema).min(1).max(MAX_LANES),
});

export type LaneConfig = z.infer<typeof laneConfigSchema>;
export type ComparisonConfig = z.infer<typeof comparisonConfigSchema>;

export function makeLane(index: number, optimizer: OptimizerConfig, name?: string): LaneConfig {
  return {
    id: `lane${index + 1}`,
    name: name ?? `lane ${index + 1}`,
    color: LANE_COLORS[index % LANE_COLORS.length],
    optimizer,
    schedule: { kind: 'constant' },
    method: { kind: 'none' },
    sos: DEFAULT_SOS,
    deformation: { kind: 'none' },
  };
}

/**
 * The flat-minima comparison in its simplest form, on one base optimizer (SGD with momentum, lr 0.05):
 * plain, SAM (ρ 0.05) and NSO at a σ that visibly acts (0.03; at 0.01 it barely differs from plain).
 * Within a minute the tracked curvature separates them (README, "Using it").
 */
const SGDM: OptimizerConfig = { ...defaultOptimizerConfig('momentum'), lr: 0.05 };
/** The study's measured σ where NSO lowers the trace visibly (~19% at 0.03), docs/ALGORITHMS.md. */
export const DEFAULT_NSO_SIGMA = 0.03;

export function defaultComparison(datasetId = 'fashion-mnist'): ComparisonConfig {
  return {
    datasetId,
    model: DEFAULT_MLP,
    loss: 'cross-entropy',
    seed: 1,
    batchSize: 64,
    epochs: 5,
    logEvery: 10,
    testEvery: 100,
    testSize: 10000,
    lanes: [
      makeLane(0, SGDM, 'SGDM'),
      { ...makeLane(1, SGDM, 'SAM'), method: defaultMethod('sam') },
      { ...makeLane(2, SGDM, 'NSO σ 0.03'), method: { ...defaultMethod('nso'), sigma: DEFAULT_NSO_SIGMA } },
    ],
  };
}

/** Settings whose change invalidates every lane's history (a rebuild from step 0). */
export function structureKey(config: ComparisonConfig): string {
  return JSON.stringify([config.datasetId, config.model, config.seed, config.batchSize, config.loss, config.trainSize ?? null]);
}
