/**
 * npm run data:cifar -- --download [--url <url>] [--md5 <hex>] [--out <data folder>]
 * npm run data:cifar -- <path> [<path> ...] [--out <data folder>]
 * Fetches the official cifar-10-binary.tar.gz (in Node, where CORS does not apply) and verifies the
 * MD5 published on the dataset's page, or reads the official binary files you have (a folder holding
 * data_batch_N.bin and test_batch.bin, the files themselves, or the archive), and converts them into
 * verified shards under public/data/cifar10/, so the app serves CIFAR-10 like the built-in datasets.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { cifarFromFiles } from '../src/engine/data/cifar';
import { DataError } from '../src/engine/data/errors';
import type { InputFile } from '../src/engine/data/files';
import { DATA_DIR, writeShards } from './data-files';
import { download, DownloadError } from './download';
import { parseOptions, UsageError } from './args';

export const CIFAR_URL = 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz';
/** As published on https://www.cs.toronto.edu/~kriz/cifar.html for the binary version. */
export const CIFAR_MD5 = 'c32a1d4ab5d03f1284b67883e8d87530';

const USAGE =
  'usage: npm run data:cifar -- --download [--url <url>] [--md5 <hex>] [--out <folder>]\n' +
  '   or: npm run data:cifar -- <folder with data_batch_*.bin and test_batch.bin | cifar-10-binary.tar.gz | files...>';

async function collect(target: string): Promise<InputFile[]> {
  const info = await stat(target).catch(() => {
    throw new DataError(target, 'no such file or folder');
  });
  if (info.isDirectory()) {
    const names = (await readdir(target)).filter((n) => /\.(bin|tar|tar\.gz|tgz)$/i.test(n));
    return Promise.all(names.map(async (n) => ({ name: n, bytes: new Uint8Array(await readFile(path.join(target, n))) })));
  }
  return [{ name: path.basename(target), bytes: new Uint8Array(await readFile(target)) }];
}

export async function main(args: string[]): Promise<number> {
  let options;
  try {
    options = parseOptions(args, { flags: ['download'], values: ['url', 'md5', 'out'], positional: 100 });
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`data:cifar: ${error.message}\n${USAGE}`);
    return 2;
  }
  const out = path.resolve(options.get('out') ?? DATA_DIR);
  const downloading = options.has('download');
  if (downloading === options.positional.length > 0) {
    console.error(downloading ? `data:cifar: give --download or files, not both\n${USAGE}` : USAGE);
    return 2;
  }
  const md5 = (options.get('md5') ?? CIFAR_MD5).toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(md5)) {
    console.error(`data:cifar: --md5 must be 32 hexadecimal digits, got "${options.get('md5')}"`);
    return 2;
  }
  try {
    let files: InputFile[];
    let origin: { title: string; source: string } | undefined;
    if (downloading) {
      const url = options.get('url') ?? CIFAR_URL;
      console.error(`data:cifar: downloading ${url}`);
      // A terminal gets one redrawn line; a pipe or a log gets whole lines.
      const sink = process.stderr.isTTY ? process.stderr : { write: (text: string) => console.error(text.trimEnd()) };
      const bytes = await download(url, md5, sink);
      files = [{ name: path.basename(new URL(url).pathname) || 'cifar-10-binary.tar.gz', bytes }];
      origin = { title: 'CIFAR-10 (60,000 images)', source: `downloaded from ${url} (MD5 ${md5} verified)` };
    } else {
      files = (await Promise.all(options.positional.map(collect))).flat();
    }
    const dataset = cifarFromFiles(files, origin);
    const { files: count, bytes } = await writeShards(dataset, `cifar from ${files.map((f) => f.name).join(',')}`, out);
    console.log(
      `data: cifar10: ${dataset.train.count} train / ${dataset.test.count} test in ${count} shards ` +
        `(${(bytes / 1e6).toFixed(1)} MB) under ${path.join(out, 'cifar10')}; reload the app and pick CIFAR-10`,
    );
    return 0;
  } catch (error) {
    if (error instanceof DataError || error instanceof DownloadError) {
      console.error(`data:cifar: ${error.message}`);
      return 1;
    }
    throw error;
  }
}
