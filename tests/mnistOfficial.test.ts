import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'fflate';
import { byLabel } from '../src/engine/data/builtin';
import { parseIdx } from '../src/engine/data/idx';
import { loadDataset } from '../src/engine/data/loader';
import { interleaveClasses } from '../src/engine/data/split';
import type { SplitArrays } from '../src/engine/data/dataset';

const SHARED_IDX = path.resolve(import.meta.dirname, '..', '..', 'shared', 'data', 'mnist-idx');
const BUILT = path.resolve(import.meta.dirname, '..', 'public', 'data', 'mnist');
const haveShared = existsSync(path.join(SHARED_IDX, 't10k-images-idx3-ubyte.gz'));
const haveBuilt = existsSync(path.join(BUILT, 'manifest.json'));
const PIXELS = 784;

// Official label counts (LeCun's page; the same in every mirror of the IDX files).
const TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949];
const TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009];

async function builtSplits(): Promise<{ train: SplitArrays; test: SplitArrays }> {
  const { dataset } = await loadDataset({ cacheKey: 'mnist', fetchFile: async (f) => new Uint8Array(readFileSync(path.join(BUILT, f))) });
  return dataset;
}

function labelCounts(split: SplitArrays): number[] {
  const counts = new Array<number>(10).fill(0);
  split.labels.forEach((l) => counts[l]++);
  return counts;
}

describe('built MNIST = the official 70,000 digits', () => {
  if (!haveBuilt) console.warn('mnistOfficial.test: public/data/mnist is not built (run npm run data); skipping');
  if (!haveShared)
    console.warn('mnistOfficial.test: ../shared/data/mnist-idx is absent; skipping the byte comparison with the official t10k files');

  it.runIf(haveBuilt)('has 60,000 train and 10,000 test digits with the official label counts, any test prefix balanced', async () => {
    const { train, test } = await builtSplits();
    expect(train.count).toBe(60000);
    expect(test.count).toBe(10000);
    expect(labelCounts(train)).toEqual(TRAIN_COUNTS);
    expect(labelCounts(test)).toEqual(TEST_COUNTS);
    expect(labelCounts({ ...test, count: 1000, labels: test.labels.subarray(0, 1000) })).toEqual(new Array(10).fill(100));
  });

  it.runIf(haveBuilt && haveShared)(
    'its test split is the official t10k file of ../shared/data, interleaved class by class in the official order',
    async () => {
      const images = parseIdx(gunzipSync(readFileSync(path.join(SHARED_IDX, 't10k-images-idx3-ubyte.gz'))), 't10k-images');
      const labels = parseIdx(gunzipSync(readFileSync(path.join(SHARED_IDX, 't10k-labels-idx1-ubyte.gz'))), 't10k-labels');
      const official: SplitArrays = { count: labels.dims[0], images: images.data, labels: labels.data };
      const expected = interleaveClasses(byLabel(official, PIXELS, 10), PIXELS);
      const { test } = await builtSplits();
      expect(Buffer.from(test.labels).equals(Buffer.from(expected.labels))).toBe(true);
      expect(Buffer.from(test.images).equals(Buffer.from(expected.images))).toBe(true);
      // And the interleave is a permutation: every official image appears once, in its class's order.
      const firstOfficialSeven = official.labels.indexOf(7);
      const firstBuiltSeven = test.labels.indexOf(7);
      expect(
        Buffer.from(test.images.subarray(firstBuiltSeven * PIXELS, (firstBuiltSeven + 1) * PIXELS)).equals(
          Buffer.from(official.images.subarray(firstOfficialSeven * PIXELS, (firstOfficialSeven + 1) * PIXELS)),
        ),
      ).toBe(true);
    },
  );
});
