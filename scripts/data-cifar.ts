/**
 * npm run data:cifar -- <path> [<path> ...]
 * Converts the official CIFAR-10 binary files (a folder holding data_batch_N.bin and
 * test_batch.bin, the files themselves, or cifar-10-binary.tar.gz) into shards under
 * public/data/cifar10/ so the app serves CIFAR-10 like the built-in datasets.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { cifarFromFiles } from '../src/engine/data/cifar';
import { DataError } from '../src/engine/data/errors';
import type { InputFile } from '../src/engine/data/files';
import { writeShards } from './data-files';

async function collect(target: string): Promise<InputFile[]> {
  const info = await stat(target);
  if (info.isDirectory()) {
    const names = (await readdir(target)).filter((n) => /\.(bin|tar|tar\.gz|tgz)$/i.test(n));
    return Promise.all(names.map(async (n) => ({ name: n, bytes: new Uint8Array(await readFile(path.join(target, n))) })));
  }
  return [{ name: path.basename(target), bytes: new Uint8Array(await readFile(target)) }];
}

async function main(): Promise<void> {
  const targets = process.argv.slice(2);
  if (targets.length === 0) {
    console.error('usage: npm run data:cifar -- <folder with data_batch_*.bin and test_batch.bin | cifar-10-binary.tar.gz | files...>');
    process.exit(2);
  }
  const files = (await Promise.all(targets.map(collect))).flat();
  const dataset = cifarFromFiles(files);
  const { files: count, bytes } = await writeShards(dataset, `cifar from ${files.map((f) => f.name).join(',')}`);
  console.log(
    `data: cifar10: ${dataset.train.count} train / ${dataset.test.count} test in ${count} shards ` +
      `(${(bytes / 1e6).toFixed(1)} MB) under public/data/cifar10/`,
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof DataError ? `data:cifar: ${error.message}` : error);
  process.exit(1);
});
