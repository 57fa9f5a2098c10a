import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { disposeEvalSet, makeEvalSet, normalizedPixels, rangeIndices } from '../src/engine/data/batch';
import { initParams } from '../src/engine/model/init';
import { createModel } from '../src/engine/model/registry';
import type { ModelSpec } from '../src/engine/model/spec';
import { disposeParams, readParams } from '../src/engine/model/paramTensors';
import { paramsFromList, type HostParams } from '../src/engine/model/params';
import { FrozenActivations } from '../src/engine/model/activations';
import { dataLoss } from '../src/engine/model/loss';
import { HessianOperator } from '../src/engine/hessian/hvp';
import { gaussian } from '../src/engine/hessian/lanczos';
import { norm } from '../src/engine/hessian/operator';
import { SlicedJob } from '../src/engine/hessian/sliced';
import { exactMlpHvp } from './hvpOracle';
import { syntheticDataset, useCpu } from './helpers';

beforeAll(useCpu);

const data = syntheticDataset(60, 20, [4, 4, 1], 3);
const relError = (a: Float64Array, b: Float64Array) => norm(a.map((x, i) => x - b[i])) / norm(b);

async function weightsOf(spec: ModelSpec, seed: number) {
  const model = createModel(spec, data.info.shape, 3);
  const params = initParams(model.params, seed);
  const weights = await readParams(params);
  disposeParams(params);
  const flat = Float64Array.from(model.params.flatMap((p) => [...weights[p.name]]));
  return { model, weights, flat };
}

/** The HVP the plain way: full gradients at θ ± εv (the ReLU and pool pattern of θ), differenced. */
async function referenceHvp(spec: ModelSpec, weights: HostParams, v: Float64Array, eps: number, samples: number): Promise<Float64Array> {
  const model = createModel(spec, data.info.shape, 3);
  const set = makeEvalSet(data.train, data.info, samples, samples);
  const { x, y } = set.chunks[0];
  const names = model.params.map((p) => p.name);
  const theta = model.params.map((p) => tf.tensor(weights[p.name], p.shape));
  const pattern = new FrozenActivations();
  tf.tidy(() => void model.forward(paramsFromList(names, theta), x, pattern));
  pattern.freeze();
  const out = tf.tidy(() => {
    let offset = 0;
    const dir = model.params.map((p) => {
      const size = p.shape.reduce((a, b) => a * b, 1);
      return tf.tensor(Float32Array.from(v.subarray(offset, (offset += size))), p.shape);
    });
    const grad = (sign: number) =>
      tf.concat(
        tf
          .grads(
            (...ts: tf.Tensor[]) => dataLoss('cross-entropy', model.forward(paramsFromList(names, ts), x, pattern).logits, y) as tf.Scalar,
          )(theta.map((t, i) => tf.add(t, tf.mul(dir[i], sign * eps))))
          .map((g) => tf.reshape(g, [-1])),
      );
    return tf.div(tf.sub(grad(1), grad(-1)), 2 * eps);
  });
  const values = Float64Array.from(await out.data());
  tf.dispose([out, ...theta]);
  pattern.dispose();
  disposeEvalSet(set);
  return values;
}

describe('the Hessian-vector product against exact answers', () => {
  // On this freshly initialized tiny network float32 rounding dominates at the step tuned for trained
  // default models (1e-4 of ‖θ‖): measured 1.0-1.5e-4 on random directions (1.2-1.7e-5 at 1e-3, where
  // trained default models have 1e-3 of truncation error); tests/hvpTrained.test.ts checks eigenvalues to 1e-4.
  it('equals the float64 R-operator (Pearlmutter) on a ReLU MLP with softmax cross-entropy, within 3e-4', async () => {
    const spec: ModelSpec = { kind: 'mlp', hidden: [12] };
    const { model, weights, flat } = await weightsOf(spec, 3);
    const set = makeEvalSet(data.train, data.info, 60, 25);
    const op = new HessianOperator(model, weights, set, 'cross-entropy');
    const x = Float64Array.from(normalizedPixels(data.train, data.info, rangeIndices(0, 60)));
    const net = { x, labels: data.train.labels, n: 60, d: 16, h: 12, k: 3 };
    for (const seed of [1, 2, 3]) {
      const v = gaussian(op.dimension, seed);
      const exact = exactMlpHvp(net, flat, v);
      const e = relError(await op.apply(v), exact);
      expect(e).toBeLessThan(3e-4);
    }
    // A wrong sign on the head's bias block, or a dropped first-layer bias, is far outside that.
    const v = gaussian(op.dimension, 4);
    const broken = exactMlpHvp(net, flat, v).map((q, i) => (i >= 16 * 12 && i < 16 * 12 + 12 ? 0 : q));
    expect(relError(await op.apply(v), broken)).toBeGreaterThan(1e-2);
    op.dispose();
    disposeEvalSet(set);
  });

  it('equals full gradients at θ ± εv differenced, on a small CNN (the conv kernel through its adjoint), within 3e-4', async () => {
    const spec: ModelSpec = { kind: 'cnn', channels: [2, 3], kernelSize: 3, dense: 6 };
    const { model, weights } = await weightsOf(spec, 5);
    const set = makeEvalSet(data.train, data.info, 40, 15);
    const op = new HessianOperator(model, weights, set, 'cross-entropy');
    const v = gaussian(op.dimension, 7);
    const fast = await op.apply(v);
    const reference = await referenceHvp(spec, weights, v, op.step(norm(v)), 40);
    expect(relError(fast, reference)).toBeLessThan(3e-4);
    op.dispose();
    disposeEvalSet(set);
  });

  it('in pieces (a chunk of the samples each, as tracking slices it) equals the product in one go, leaving no tensor behind', async () => {
    const spec: ModelSpec = { kind: 'cnn', channels: [2, 3], kernelSize: 3, dense: 6 };
    const { model, weights } = await weightsOf(spec, 5);
    const whole = makeEvalSet(data.train, data.info, 40, 40);
    const chunked = makeEvalSet(data.train, data.info, 40, 10);
    const one = new HessianOperator(model, weights, whole, 'cross-entropy');
    const four = new HessianOperator(model, weights, chunked, 'cross-entropy');
    const v = gaussian(one.dimension, 7);
    const reference = await one.apply(v);
    // The first product records each chunk's activation pattern (kept by the operator until dispose).
    expect(relError(await four.apply(gaussian(four.dimension, 8)), await one.apply(gaussian(one.dimension, 8)))).toBeLessThan(1e-4);
    const before = tf.memory().numTensors;
    const job = new SlicedJob((control) => four.applyInPieces(v, control));
    let advances = 0;
    while (!(await job.advance())) advances++;
    expect(advances).toBe(4);
    expect(relError(await job.result(), reference)).toBeLessThan(1e-4);
    expect(tf.memory().numTensors).toBe(before);
    // Cancelled after two of its four pieces: nothing is returned and nothing is left on the device.
    const cancelled = new SlicedJob((control) => four.applyInPieces(v, control));
    for (let i = 0; i < 3; i++) await cancelled.advance();
    await cancelled.cancel();
    await expect(cancelled.result()).rejects.toThrow('cancelled');
    expect(tf.memory().numTensors).toBe(before);
    [one, four].forEach((op) => op.dispose());
    [whole, chunked].forEach(disposeEvalSet);
  });
});
