import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { FrozenActivations } from '../src/engine/model/activations';
import { useCpu } from './helpers';

beforeAll(useCpu);

describe('the frozen activation pattern', () => {
  it('replays max-pooling exactly at the recorded point, ties included (odd sizes drop the last row and column)', async () => {
    const before = tf.memory().numTensors;
    // A ReLU'd input has windows of zeros (every entry ties); 7x5 is odd in both directions.
    const x = tf.tidy(() => tf.relu(tf.randomNormal([3, 7, 5, 4], 0, 1, 'float32', 11))) as tf.Tensor4D;
    const frozen = new FrozenActivations();
    const recorded = tf.tidy(() => frozen.maxPool2x2(x, 'pool'));
    frozen.freeze();
    const replayed = tf.tidy(() => frozen.maxPool2x2(x, 'pool'));
    const expected = tf.maxPool(x, 2, 2, 'valid');
    expect(recorded.shape).toEqual([3, 3, 2, 4]);
    expect(await recorded.array()).toEqual(await expected.array());
    expect(await replayed.array()).toEqual(await expected.array());
    // Elsewhere the pattern is linear: it picks the entries chosen at x, not the new maxima.
    const other = tf.neg(x);
    const atOther = tf.tidy(() => frozen.maxPool2x2(other, 'pool'));
    const flipped = tf.neg(expected);
    expect(Array.from(await atOther.data()).map((v) => v + 0)).toEqual(Array.from(await flipped.data()).map((v) => v + 0));
    tf.dispose([x, recorded, replayed, expected, other, atOther, flipped]);
    frozen.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
