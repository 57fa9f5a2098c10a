import type { Rng } from '../src/engine/rng';

export type Mutable = Record<string, unknown>;

/** Every path to a value in a JSON-like document. */
export function paths(node: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  if (typeof node !== 'object' || node === null) return [];
  const keys: Array<string | number> = Array.isArray(node) ? node.map((_, i) => i) : Object.keys(node);
  return keys.flatMap((key) => [[...prefix, key], ...paths((node as Mutable)[key], [...prefix, key])]);
}

/** 1 to `most` random edits of `doc` in place: delete a key, replace a value, or add an unknown key. */
export function mutateDoc(doc: Mutable, rng: Rng, randomValue: (rng: Rng) => unknown, most = 4): void {
  const all = paths(doc);
  const count = 1 + rng.int(most);
  for (let m = 0; m < count; m++) {
    const path = all[rng.int(all.length)];
    let parent: unknown = doc;
    for (const key of path.slice(0, -1)) parent = typeof parent === 'object' && parent !== null ? (parent as Mutable)[key] : undefined;
    if (typeof parent !== 'object' || parent === null) continue;
    const key = path[path.length - 1];
    const action = rng.int(3);
    const target = parent as Mutable;
    if (action === 0) delete target[key];
    else if (action === 1) target[key] = randomValue(rng);
    else target[`extra${rng.int(5)}`] = randomValue(rng);
  }
}
