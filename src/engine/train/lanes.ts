import { z } from 'zod';

/** The most lanes a comparison holds. */
export const MAX_LANES = 8;

/** A lane's id: letters, digits, '_' and '-', at most 32 characters. */
export const laneIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,32}$/);

/** The lanes an analysis names: at least one, at most MAX_LANES. */
export const laneIdsSchema = z.array(laneIdSchema).min(1).max(MAX_LANES);
