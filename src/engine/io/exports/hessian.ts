/** Hessian analyses as JSON. */
import { z } from 'zod';
import { hessianResultSchema, type HessianResult } from '../../hessian/config';
import { exportLanes } from '../csv';

export const HESSIAN_JSON_FORMAT = 'flat-minima-playground/hessian';

/**
 * `{"format":"flat-minima-playground/hessian","version":1,"lanes":{id:name},"results":[HessianResult…]}`
 * with each result's fields as in HessianResult; non-finite numbers are null.
 */
export function hessianJson(results: readonly HessianResult[], laneNames: Record<string, string>): string {
  return JSON.stringify({
    format: HESSIAN_JSON_FORMAT,
    version: 1,
    lanes: exportLanes(
      results.map((r) => r.laneId),
      laneNames,
    ),
    results,
  });
}

const hessianJsonSchema = z.object({
  format: z.literal(HESSIAN_JSON_FORMAT),
  version: z.literal(1),
  lanes: z.record(z.string(), z.string()),
  results: z.array(hessianResultSchema),
});

/** Inverse of hessianJson; null numbers → NaN (trace and density stay null when they were). */
export function parseHessianJson(text: string): HessianResult[] {
  return hessianJsonSchema.parse(JSON.parse(text)).results;
}
