import { readFileSync } from 'node:fs';
import path from 'node:path';
import { initBackend } from '../src/engine/backend';
import { loadDataset } from '../src/engine/data/loader';
import { Comparison } from '../src/engine/train/comparison';
import { defaultComparison } from '../src/engine/train/config';
import { DEFAULT_CNN } from '../src/engine/model/spec';
export async function main(args: string[]): Promise<number> {
  await initBackend(args[0] as 'wasm');
  const dir = path.join(process.cwd(), 'public/data/fashion-mnist');
  const { dataset } = await loadDataset({ cacheKey: 'f', fetchFile: async (f) => new Uint8Array(readFileSync(path.join(dir, f))) });
  const base = defaultComparison();
  const c = new Comparison(dataset, { ...base, model: DEFAULT_CNN, lanes: [base.lanes[1]] });
  await c.trainWindow(2);
  const t = performance.now();
  await c.trainWindow(10);
  console.log(args[0], 'CNN SGDM step batch 64:', ((performance.now() - t) / 10).toFixed(1), 'ms');
  return 0;
}
