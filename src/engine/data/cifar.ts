import type { Dataset, SplitArrays } from './dataset';
import { DataError } from './errors';
import { baseName, gunzip, isGzip, type InputFile } from './files';
import { channelStatistics } from './split';
import { readTar } from './tar';

/** CIFAR-10 binary version: records of 1 label byte + 3,072 pixel bytes (1,024 R, G, B planes, 32x32 row-major). */
export const CIFAR_RECORD = 1 + 3072;
export const CIFAR_CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];
const TRAIN_FILE = /^data_batch_([1-5])\.bin$/;
const TEST_FILE = /^test_batch\.bin$/;

/** Parses one batch file into HWC arrays. */
export function parseCifarBatch(bytes: Uint8Array, file: string): SplitArrays {
  if (bytes.length === 0) throw new DataError(file, 'is empty');
  if (bytes.length % CIFAR_RECORD !== 0) {
    throw new DataError(
      file,
      `wrong record size: ${bytes.length} bytes is not a whole number of ${CIFAR_RECORD}-byte records ` +
        `(1 label + 3,072 pixels); the file is truncated or not the CIFAR-10 binary version`,
    );
  }
  const count = bytes.length / CIFAR_RECORD;
  const images = new Uint8Array(count * 3072);
  const labels = new Uint8Array(count);
  for (let r = 0; r < count; r++) {
    const base = r * CIFAR_RECORD;
    const label = bytes[base];
    if (label > 9)
      throw new DataError(file, `label ${label} of record ${r} is out of range 0..9 (is this CIFAR-100? only CIFAR-10 is supported)`);
    labels[r] = label;
    const out = r * 3072;
    for (let p = 0; p < 1024; p++) {
      images[out + p * 3] = bytes[base + 1 + p];
      images[out + p * 3 + 1] = bytes[base + 1 + 1024 + p];
      images[out + p * 3 + 2] = bytes[base + 1 + 2048 + p];
    }
  }
  return { count, images, labels };
}

function concatSplits(parts: SplitArrays[]): SplitArrays {
  const count = parts.reduce((acc, p) => acc + p.count, 0);
  const images = new Uint8Array(count * 3072);
  const labels = new Uint8Array(count);
  let n = 0;
  for (const part of parts) {
    images.set(part.images, n * 3072);
    labels.set(part.labels, n);
    n += part.count;
  }
  return { count, images, labels };
}

/** Expands .tar.gz / .tgz / .tar archives and keeps the CIFAR batch files by base name. */
function collectBatchFiles(files: InputFile[]): Map<string, InputFile> {
  const batches = new Map<string, InputFile>();
  for (const file of files) {
    const name = baseName(file.name);
    if (/\.(tar\.gz|tgz|tar)$/i.test(name)) {
      const tar = isGzip(file.bytes) ? gunzip(file.bytes, name) : file.bytes;
      const members = readTar(tar, name);
      const found = members.filter((m) => TRAIN_FILE.test(baseName(m.name)) || TEST_FILE.test(baseName(m.name)));
      if (found.length === 0) {
        const listed =
          members
            .slice(0, 8)
            .map((m) => m.name)
            .join(', ') || 'no files';
        throw new DataError(
          name,
          `holds no CIFAR-10 batch files (data_batch_1.bin..data_batch_5.bin, test_batch.bin); it contains: ` +
            `${listed}. Use the "CIFAR-10 binary version" archive (cifar-10-binary.tar.gz)`,
        );
      }
      for (const m of found) batches.set(baseName(m.name), { name: `${name}:${m.name}`, bytes: m.bytes });
    } else if (TRAIN_FILE.test(name) || TEST_FILE.test(name)) {
      batches.set(name, { name, bytes: file.bytes });
    }
  }
  return batches;
}

/**
 * Builds the CIFAR-10 dataset from the official binary files: any of data_batch_1..5.bin as the
 * training split (in file order) and test_batch.bin as the test split, given loose or inside the
 * official cifar-10-binary.tar.gz.
 */
export function cifarFromFiles(files: InputFile[], origin?: { title: string; source: string }): Dataset {
  if (files.length === 0)
    throw new DataError('CIFAR-10', 'no files given; pick data_batch_*.bin and test_batch.bin, or cifar-10-binary.tar.gz');
  const batches = collectBatchFiles(files);
  const names = files.map((f) => baseName(f.name)).join(', ');
  const test = batches.get('test_batch.bin');
  if (!test) throw new DataError(names, 'test_batch.bin is missing; CIFAR-10 needs test_batch.bin and at least one data_batch_N.bin');
  const trainNames = [...batches.keys()].filter((n) => TRAIN_FILE.test(n)).sort();
  if (trainNames.length === 0)
    throw new DataError(names, 'no data_batch_N.bin found; CIFAR-10 needs at least one training batch besides test_batch.bin');
  const train = concatSplits(
    trainNames.map((n) => {
      const file = batches.get(n);
      if (!file) throw new DataError(n, 'missing');
      return parseCifarBatch(file.bytes, file.name);
    }),
  );
  return {
    info: {
      id: 'cifar10',
      title: origin?.title ?? `CIFAR-10 (${train.count.toLocaleString('en-US')} train, your files)`,
      shape: [32, 32, 3],
      classNames: CIFAR_CLASSES,
      normalization: channelStatistics(train, 3),
      source: origin?.source ?? `official CIFAR-10 binary files provided by the user: ${trainNames.join(', ')}, test_batch.bin`,
      license: 'CIFAR-10 (Krizhevsky 2009); see https://www.cs.toronto.edu/~kriz/cifar.html',
      splitNote: `train: ${trainNames.join(' + ')} in file order; test: test_batch.bin`,
    },
    train,
    test: parseCifarBatch(test.bytes, test.name),
  };
}

/** Writes arrays back to the official binary layout (tests generate official-format files with it). */
export function encodeCifarBatch(split: SplitArrays): Uint8Array {
  const out = new Uint8Array(split.count * CIFAR_RECORD);
  for (let r = 0; r < split.count; r++) {
    const base = r * CIFAR_RECORD;
    out[base] = split.labels[r];
    for (let p = 0; p < 1024; p++) {
      for (let c = 0; c < 3; c++) out[base + 1 + c * 1024 + p] = split.images[r * 3072 + p * 3 + c];
    }
  }
  return out;
}
