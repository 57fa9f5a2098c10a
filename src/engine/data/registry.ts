import { z } from 'zod';

/** public/data/index.json: the datasets the server offers (built by "npm run data" and "npm run data:cifar"). */
export const datasetIndexSchema = z.object({
  datasets: z.array(
    z.object({
      id: z.string().regex(/^[a-z0-9-]+$/),
      title: z.string(),
      path: z.string().regex(/^data\/[a-z0-9-]+\/$/),
    }),
  ),
});

export type DatasetIndex = z.infer<typeof datasetIndexSchema>;

/** A dataset the user can pick: served by the app ("builtin") or converted from files they gave ("user", cached). */
export interface DatasetEntry {
  id: string;
  title: string;
  origin: 'builtin' | 'user';
  /** Cache namespace, e.g. "builtin/fashion-mnist" or "user/cifar10". */
  cacheKey: string;
  /** Folder URL of a served dataset, relative to the app. */
  path?: string;
}

export function builtinEntries(index: DatasetIndex): DatasetEntry[] {
  return index.datasets.map((d) => ({ id: d.id, title: d.title, origin: 'builtin', cacheKey: `builtin/${d.id}`, path: d.path }));
}
