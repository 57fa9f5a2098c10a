import type { Dataset, SplitArrays } from './dataset';
import { DataError } from './errors';
import { baseName, gunzip, isGzip, type InputFile } from './files';
import { DIGIT_CLASSES } from './classNames';
import { channelStatistics } from './split';

/** An IDX array of unsigned bytes (type 0x08), as in the official MNIST files. */
export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

export function parseIdx(raw: Uint8Array, file: string): IdxArray {
  const bytes = isGzip(raw) ? gunzip(raw, file) : raw;
  if (bytes.length < 4) throw new DataError(file, 'too short to be an IDX file');
  if (bytes[0] !== 0 || bytes[1] !== 0) throw new DataError(file, 'bad IDX magic number (the first two bytes must be zero)');
  if (bytes[2] !== 0x08) throw new DataError(file, `IDX data type 0x${bytes[2].toString(16)} is not supported (only unsigned bytes, 0x08)`);
  const ndims = bytes[3];
  if (ndims < 1 || ndims > 4) throw new DataError(file, `IDX with ${ndims} dimensions is not supported`);
  const headerLength = 4 + 4 * ndims;
  if (bytes.length < headerLength) throw new DataError(file, 'truncated IDX header');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  for (let i = 0; i < ndims; i++) dims.push(view.getUint32(4 + 4 * i, false));
  const size = dims.reduce((a, b) => a * b, 1);
  if (bytes.length !== headerLength + size) {
    throw new DataError(
      file,
      `expected ${headerLength + size} bytes for dimensions ${dims.join(' x ')}, got ${bytes.length} (truncated or extra data)`,
    );
  }
  return { dims, data: bytes.subarray(headerLength) };
}

export interface IdxSplit extends SplitArrays {
  rows: number;
  cols: number;
}

export function idxImagesAndLabels(images: InputFile, labels: InputFile): IdxSplit {
  const img = parseIdx(images.bytes, images.name);
  const lab = parseIdx(labels.bytes, labels.name);
  if (img.dims.length !== 3) throw new DataError(images.name, `images need 3 dimensions (count x rows x cols), got ${img.dims.length}`);
  if (lab.dims.length !== 1) throw new DataError(labels.name, `labels need 1 dimension, got ${lab.dims.length}`);
  if (img.dims[0] !== lab.dims[0]) throw new DataError(labels.name, `${lab.dims[0]} labels for ${img.dims[0]} images in ${images.name}`);
  for (let i = 0; i < lab.data.length; i++) {
    if (lab.data[i] > 9) throw new DataError(labels.name, `label ${lab.data[i]} of item ${i} is out of range 0..9`);
  }
  return { count: img.dims[0], rows: img.dims[1], cols: img.dims[2], images: img.data.slice(), labels: lab.data.slice() };
}

function findFile(files: InputFile[], pattern: RegExp): InputFile | undefined {
  return files.find((f) => pattern.test(baseName(f.name)));
}

/** MNIST-layout IDX files: train-images/train-labels and t10k-images/t10k-labels (gzipped or not). */
export function mnistFromIdxFiles(files: InputFile[], title = 'MNIST (official IDX files)'): Dataset {
  const names = files.map((f) => baseName(f.name)).join(', ') || 'no files';
  const need = (pattern: RegExp, what: string): InputFile => {
    const file = findFile(files, pattern);
    if (!file)
      throw new DataError(
        names,
        `${what} is missing; give train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte ` +
          `and t10k-labels-idx1-ubyte (.gz or not)`,
      );
    return file;
  };
  const train = idxImagesAndLabels(need(/^train-images/, 'train-images-idx3-ubyte'), need(/^train-labels/, 'train-labels-idx1-ubyte'));
  const test = idxImagesAndLabels(need(/^t10k-images/, 't10k-images-idx3-ubyte'), need(/^t10k-labels/, 't10k-labels-idx1-ubyte'));
  if (test.rows !== train.rows || test.cols !== train.cols) {
    throw new DataError(names, `train images are ${train.rows}x${train.cols} but test images are ${test.rows}x${test.cols}`);
  }
  const { rows, cols } = train;
  return {
    info: {
      id: 'mnist-idx',
      title,
      shape: [rows, cols, 1],
      classNames: DIGIT_CLASSES,
      normalization: channelStatistics(train, 1),
      source: `IDX files provided by the user: ${names}`,
      license: 'as the files you provided (MNIST: CC BY-SA 3.0, Yann LeCun and Corinna Cortes)',
      splitNote: 'train: train-* files; test: t10k-* files; official order',
    },
    train: { count: train.count, images: train.images, labels: train.labels },
    test: { count: test.count, images: test.images, labels: test.labels },
  };
}
