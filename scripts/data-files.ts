import { mkdir, readFile, writeFile, rm, rename } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Dataset } from '../src/engine/data/dataset';
import { encodeDataset } from '../src/engine/data/shards';
import { datasetIndexSchema, type DatasetIndex } from '../src/engine/data/registry';

export const DATA_DIR = path.resolve(import.meta.dirname, '..', 'public', 'data');

/**
 * Writes a dataset's shards and manifest under <root>/<id>/ and records it in index.json. The files
 * go to a sibling folder first and replace the old ones only when all are written, so a failure
 * leaves the previous version (or nothing) in place, never half a dataset.
 */
export async function writeShards(dataset: Dataset, stamp: string, root = DATA_DIR): Promise<{ files: number; bytes: number }> {
  const dir = path.join(root, dataset.info.id);
  const partial = `${dir}.partial`;
  await rm(partial, { recursive: true, force: true });
  await mkdir(partial, { recursive: true });
  let bytes = 0;
  try {
    const { manifest, files } = await encodeDataset(dataset);
    for (const [name, data] of files) {
      await writeFile(path.join(partial, name), data);
      bytes += data.length;
    }
    await writeFile(path.join(partial, 'manifest.json'), JSON.stringify(manifest, null, 1));
    await writeFile(path.join(partial, '.stamp'), stamp);
    await rm(dir, { recursive: true, force: true });
    await rename(partial, dir);
    await addToIndex({ id: dataset.info.id, title: dataset.info.title, path: `data/${dataset.info.id}/` }, root);
    return { files: files.size, bytes };
  } finally {
    await rm(partial, { recursive: true, force: true });
  }
}

export async function isUpToDate(id: string, stamp: string): Promise<boolean> {
  const file = path.join(DATA_DIR, id, '.stamp');
  if (!existsSync(file) || !existsSync(path.join(DATA_DIR, id, 'manifest.json'))) return false;
  return (await readFile(file, 'utf8')) === stamp;
}

export async function readIndex(root = DATA_DIR): Promise<DatasetIndex> {
  const file = path.join(root, 'index.json');
  if (!existsSync(file)) return { datasets: [] };
  const parsed = datasetIndexSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
  return parsed.success ? parsed.data : { datasets: [] };
}

export async function addToIndex(entry: DatasetIndex['datasets'][number], root = DATA_DIR): Promise<void> {
  await mkdir(root, { recursive: true });
  const index = await readIndex(root);
  const datasets = index.datasets.filter((d) => d.id !== entry.id).concat(entry);
  const order = ['fashion-mnist', 'mnist', 'cifar10'];
  datasets.sort((a, b) => (order.indexOf(a.id) + 1 || 99) - (order.indexOf(b.id) + 1 || 99) || a.id.localeCompare(b.id));
  await writeFile(path.join(root, 'index.json'), JSON.stringify({ datasets }, null, 1));
}
