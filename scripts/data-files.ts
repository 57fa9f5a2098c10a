import { mkdir, readFile, writeFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Dataset } from '../src/engine/data/dataset';
import { encodeDataset } from '../src/engine/data/shards';
import { datasetIndexSchema, type DatasetIndex } from '../src/engine/data/registry';

export const DATA_DIR = path.resolve(import.meta.dirname, '..', 'public', 'data');

/** Writes a dataset's shards and manifest under public/data/<id>/ and records it in index.json. */
export async function writeShards(dataset: Dataset, stamp: string): Promise<{ files: number; bytes: number }> {
  const dir = path.join(DATA_DIR, dataset.info.id);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const { manifest, files } = await encodeDataset(dataset);
  let bytes = 0;
  for (const [name, data] of files) {
    await writeFile(path.join(dir, name), data);
    bytes += data.length;
  }
  await writeFile(path.join(dir, 'manifest.json'), JSON.stringify(manifest, null, 1));
  await writeFile(path.join(dir, '.stamp'), stamp);
  await addToIndex({ id: dataset.info.id, title: dataset.info.title, path: `data/${dataset.info.id}/` });
  return { files: files.size, bytes };
}

export async function isUpToDate(id: string, stamp: string): Promise<boolean> {
  const file = path.join(DATA_DIR, id, '.stamp');
  if (!existsSync(file) || !existsSync(path.join(DATA_DIR, id, 'manifest.json'))) return false;
  return (await readFile(file, 'utf8')) === stamp;
}

export async function readIndex(): Promise<DatasetIndex> {
  const file = path.join(DATA_DIR, 'index.json');
  if (!existsSync(file)) return { datasets: [] };
  const parsed = datasetIndexSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
  return parsed.success ? parsed.data : { datasets: [] };
}

export async function addToIndex(entry: DatasetIndex['datasets'][number]): Promise<void> {
  await mkdir(DATA_DIR, { recursive: true });
  const index = await readIndex();
  const datasets = index.datasets.filter((d) => d.id !== entry.id).concat(entry);
  const order = ['fashion-mnist', 'mnist', 'cifar10'];
  datasets.sort((a, b) => (order.indexOf(a.id) + 1 || 99) - (order.indexOf(b.id) + 1 || 99) || a.id.localeCompare(b.id));
  await writeFile(path.join(DATA_DIR, 'index.json'), JSON.stringify({ datasets }, null, 1));
}
