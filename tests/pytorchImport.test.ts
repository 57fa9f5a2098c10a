import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { normalizedPixels, rangeIndices } from '../src/engine/data/batch';
import { createModel } from '../src/engine/model/registry';
import { uploadParams, disposeParams } from '../src/engine/model/paramTensors';
import type { ModelSpec } from '../src/engine/model/spec';
import { writeSafetensors } from '../src/engine/io/safetensors';
import { weightsFromSafetensors } from '../src/engine/io/weights';
import { fromPytorch, looksLikePytorch } from '../src/engine/io/pytorchWeights';
import { createRng } from '../src/engine/rng';
import { cnnLogitsNchw, mlpLogits, toNchw, type Tensors } from './float64Nets';
import { relativeGap, syntheticDataset, useCpu } from './helpers';

beforeAll(useCpu);

const SHAPE: [number, number, number] = [12, 12, 3];
const data = syntheticDataset(24, 4, SHAPE, 5);
const N = 24;

type Layer = { name: string; weight: number[]; bias: number };

/** A state dict of random float32 tensors with PyTorch's names and layouts, as safetensors bytes. */
function stateDict(layers: Layer[], seed = 1): { bytes: Uint8Array; tensors: Tensors } {
  const rng = createRng(seed);
  const tensors: Tensors = {};
  const entries = layers.flatMap((l) => {
    const fan = l.weight.slice(1).reduce((a, b) => a * b, 1);
    const w = Float32Array.from({ length: l.weight.reduce((a, b) => a * b, 1) }, () => rng.normal() * Math.sqrt(2 / fan));
    const b = Float32Array.from({ length: l.bias }, () => rng.normal() * 0.1);
    tensors[`${l.name}.weight`] = { shape: l.weight, data: Float64Array.from(w) };
    tensors[`${l.name}.bias`] = { shape: [l.bias], data: Float64Array.from(b) };
    return [
      { name: `${l.name}.weight`, shape: l.weight, data: w },
      { name: `${l.name}.bias`, shape: [l.bias], data: b },
    ];
  });
  return { bytes: writeSafetensors(entries, { format: 'pt' }), tensors };
}

/** The engine's logits for the imported weights on the first N training images (HWC). */
async function engineLogits(spec: ModelSpec, bytes: Uint8Array): Promise<{ logits: Float64Array; pixels: Float32Array }> {
  const model = createModel(spec, SHAPE, 5);
  const file = weightsFromSafetensors(bytes, 'torch.safetensors');
  expect(looksLikePytorch(Object.keys(file.shapes))).toBe(true);
  const mapped = fromPytorch(file, spec, SHAPE, model.params);
  const params = uploadParams(model.params, mapped.values);
  const pixels = normalizedPixels(data.train, data.info, rangeIndices(0, N));
  const out = tf.tidy(() => model.forward(params, tf.tensor4d(pixels, [N, ...SHAPE])).logits);
  const logits = Float64Array.from(await out.data());
  out.dispose();
  disposeParams(params);
  return { logits, pixels };
}

/** Renames a Sequential's numbered layers to the float64 reference's names. */
const named = (t: Tensors, names: Record<string, string>): Tensors =>
  Object.fromEntries(Object.entries(t).map(([k, v]) => [`${names[k.split('.')[0]]}.${k.split('.')[1]}`, v]));

describe('PyTorch state dicts import onto the engine’s layout', () => {
  it('nn.Sequential(Flatten, Linear, ReLU, Linear, ReLU, Linear) on 3-channel images: the engine gives PyTorch’s logits', async () => {
    const spec: ModelSpec = { kind: 'mlp', hidden: [16, 8] };
    const { bytes, tensors } = stateDict([
      { name: '1', weight: [16, 12 * 12 * 3], bias: 16 },
      { name: '3', weight: [8, 16], bias: 8 },
      { name: '5', weight: [5, 8], bias: 5 },
    ]);
    const { logits, pixels } = await engineLogits(spec, bytes);
    // PyTorch flattens NCHW images in C·H·W order.
    const torch = mlpLogits(named(tensors, { 1: 'dense1', 3: 'dense2', 5: 'head' }), toNchw(pixels, N, SHAPE), N);
    expect(relativeGap(logits, torch)).toBeLessThan(1e-5);
  });

  for (const k of [3, 4]) {
    it(`a CNN with kernel ${k} (ZeroPad2d + Conv2d, numbered with the padding layers): the engine gives PyTorch’s logits`, async () => {
      const spec: ModelSpec = { kind: 'cnn', channels: [4, 6], kernelSize: k, dense: 7 };
      // 0 pad, 1 conv, 2 relu, 3 pool, 4 pad, 5 conv, 6 relu, 7 pool, 8 flatten, 9 linear, 10 relu, 11 linear
      const { bytes, tensors } = stateDict([
        { name: '1', weight: [4, 3, k, k], bias: 4 },
        { name: '5', weight: [6, 4, k, k], bias: 6 },
        { name: '9', weight: [7, 3 * 3 * 6], bias: 7 },
        { name: '11', weight: [5, 7], bias: 5 },
      ]);
      const { logits, pixels } = await engineLogits(spec, bytes);
      const t = named(tensors, { 1: 'conv1', 5: 'conv2', 9: 'dense1', 11: 'head' });
      const torch = cnnLogitsNchw(t, toNchw(pixels, N, SHAPE), N, [3, 12, 12], undefined, 'tfjs-same', 'chw');
      expect(relativeGap(logits, torch)).toBeLessThan(1e-5);
    });
  }

  it('layers named by hand (conv1.weight, fc.weight …) map by their shapes when those single out one layer each', async () => {
    const spec: ModelSpec = { kind: 'cnn', channels: [4, 6], kernelSize: 3, dense: 7 };
    const { bytes, tensors } = stateDict([
      { name: 'features_a', weight: [4, 3, 3, 3], bias: 4 },
      { name: 'features_b', weight: [6, 4, 3, 3], bias: 6 },
      { name: 'fc', weight: [7, 54], bias: 7 },
      { name: 'out', weight: [5, 7], bias: 5 },
    ]);
    const { logits, pixels } = await engineLogits(spec, bytes);
    const t = named(tensors, { features_a: 'conv1', features_b: 'conv2', fc: 'dense1', out: 'head' });
    expect(relativeGap(logits, cnnLogitsNchw(t, toNchw(pixels, N, SHAPE), N, [3, 12, 12], undefined, 'tfjs-same', 'chw'))).toBeLessThan(
      1e-5,
    );
  });

  it('refuses what is ambiguous or different, saying what does not fit', () => {
    const mlp: ModelSpec = { kind: 'mlp', hidden: [8, 8, 8] };
    const model = createModel(mlp, SHAPE, 5);
    const refuse = (layers: Layer[], extra: Array<{ name: string; shape: number[] }> = []) => {
      const { bytes } = stateDict(layers);
      const file = weightsFromSafetensors(bytes, 'x.safetensors');
      for (const e of extra) {
        file.shapes[e.name] = e.shape;
        file.values[e.name] = new Float32Array(e.shape.reduce((a, b) => a * b, 1));
      }
      let message = '';
      try {
        fromPytorch(file, mlp, SHAPE, model.params);
      } catch (error) {
        message = (error as Error).message;
      }
      return message;
    };
    const good = [
      { name: 'a', weight: [8, 432], bias: 8 },
      { name: 'b', weight: [8, 8], bias: 8 },
      { name: 'c', weight: [8, 8], bias: 8 },
      { name: 'd', weight: [5, 8], bias: 5 },
    ];
    // Two unnumbered [8, 8] layers: which is dense2?
    expect(refuse(good)).toMatch(/both fit "dense2" \[8, 8\].*number the layers/);
    const numbered = good.map((l, i) => ({ ...l, name: String(2 * i + 1) }));
    expect(refuse(numbered)).toBe('');
    expect(refuse(numbered.slice(0, 3))).toMatch(/has 3 layers with weights .* the model 4/);
    expect(refuse([...numbered.slice(0, 3), { name: '7', weight: [5, 9], bias: 5 }])).toMatch(
      /"7.weight" is \[5, 9\], "head" needs \[5, 8\]/,
    );
    expect(refuse(numbered, [{ name: '2.running_mean', shape: [8] }])).toMatch(/unexpected "2.running_mean"/);
  });
});
