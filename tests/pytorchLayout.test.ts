import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { normalizedPixels, rangeIndices } from '../src/engine/data/batch';
import { initParams } from '../src/engine/model/init';
import { createModel } from '../src/engine/model/registry';
import { disposeParams, readParams } from '../src/engine/model/paramTensors';
import { paramsFromList } from '../src/engine/model/params';
import type { CnnSpec } from '../src/engine/model/spec';
import { readSafetensors } from '../src/engine/io/safetensors';
import { weightsToSafetensors, type WeightsMetadata } from '../src/engine/io/weights';
import { cnnLogitsNchw, toNchw, toTorchLayout } from './float64Nets';
import { syntheticDataset, useCpu } from './helpers';

beforeAll(useCpu);

const SHAPE: [number, number, number] = [12, 12, 3];
const data = syntheticDataset(24, 4, SHAPE, 5);
const N = 24;

/** The engine's logits, and the exported safetensors file read back as a PyTorch user would. */
async function engineAndExport(spec: CnnSpec) {
  const model = createModel(spec, SHAPE, 5);
  const params = initParams(model.params, 11);
  const weights = await readParams(params);
  disposeParams(params);
  const pixels = normalizedPixels(data.train, data.info, rangeIndices(0, N));
  const logits = tf.tidy(() => {
    const theta = model.params.map((p) => tf.tensor(weights[p.name], p.shape));
    return model.forward(
      paramsFromList(
        model.params.map((p) => p.name),
        theta,
      ),
      tf.tensor4d(pixels, [N, ...SHAPE]),
    ).logits;
  });
  const engine = Float64Array.from(await logits.data());
  logits.dispose();
  const metadata: WeightsMetadata = {
    format: 'flat-minima-playground/weights',
    version: 1,
    model: spec,
    inputShape: SHAPE,
    classes: 5,
    dataset: { id: 'synthetic', title: 'synthetic', normalization: data.info.normalization },
    loss: 'cross-entropy',
    seed: 11,
    step: 0,
    lane: {},
  };
  const file = readSafetensors(weightsToSafetensors(model.params, weights, metadata));
  const torch = toTorchLayout(Object.fromEntries(file.tensors.map((t) => [t.name, { shape: t.shape, data: t.data }])));
  return { engine, torch, x: toNchw(pixels, N, SHAPE) };
}

const relMax = (a: Float64Array, b: Float64Array) => Math.max(...a.map((v, i) => Math.abs(v - b[i]))) / Math.max(...b.map(Math.abs));

describe("the exported CNN in PyTorch's NCHW convention (plain float64 JavaScript reference)", () => {
  it.each([3, 4])(
    'kernel %i: the logits equal the engine within 1e-5 with ZeroPad2d(((k-1)//2, k//2, (k-1)//2, k//2)) + padding=0',
    async (k) => {
      const { engine, torch, x } = await engineAndExport({ kind: 'cnn', channels: [4, 6], kernelSize: k, dense: 8 });
      const reference = cnnLogitsNchw(torch, x, N, [3, 12, 12]);
      expect(relMax(reference, engine)).toBeLessThan(1e-5);
      // PyTorch's padding=k//2 is the same only for odd k; for k = 4 the output shapes still line up
      // (12 -> 13 -> 6 -> 7 -> 3), so the old recipe gave different logits without an error.
      const symmetric = cnnLogitsNchw(torch, x, N, [3, 12, 12], undefined, 'symmetric');
      if (k % 2 === 1) expect(relMax(symmetric, engine)).toBeLessThan(1e-5);
      else expect(relMax(symmetric, engine)).toBeGreaterThan(1e-2);
    },
  );
});
