import { z } from 'zod';

export const MANIFEST_VERSION = 1;

const shardSchema = z.object({
  file: z.string().regex(/^[A-Za-z0-9._-]+$/, 'shard file names are plain names'),
  count: z.number().int().positive(),
  bytes: z.number().int().positive(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});

const splitSchema = z.object({
  count: z.number().int().nonnegative(),
  shards: z.array(shardSchema),
});

export const manifestSchema = z.object({
  version: z.literal(MANIFEST_VERSION),
  id: z.string().regex(/^[a-z0-9-]+$/),
  title: z.string(),
  shape: z.tuple([z.number().int().positive(), z.number().int().positive(), z.number().int().positive()]),
  classNames: z.array(z.string()).min(2).max(256),
  normalization: z.object({ mean: z.array(z.number()), std: z.array(z.number().positive()) }),
  source: z.string(),
  license: z.string(),
  splitNote: z.string(),
  shardSize: z.number().int().positive(),
  layout: z.literal('images-then-labels'),
  splits: z.object({ train: splitSchema, test: splitSchema }),
});

export type Manifest = z.infer<typeof manifestSchema>;
export type ShardEntry = z.infer<typeof shardSchema>;
