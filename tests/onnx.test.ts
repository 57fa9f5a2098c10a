import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import * as ort from 'onnxruntime-node';
import { disposeEvalSet, makeEvalSet } from '../src/engine/data/batch';
import type { Dataset } from '../src/engine/data/dataset';
import { loadDataset } from '../src/engine/data/loader';
import { modelToOnnx } from '../src/engine/io/exports/onnx';
import { initParams } from '../src/engine/model/init';
import { disposeParams, readParams, uploadParams } from '../src/engine/model/paramTensors';
import { createModel } from '../src/engine/model/registry';
import type { ModelSpec } from '../src/engine/model/spec';
import { relativeGap, syntheticDataset, useCpu } from './helpers';

beforeAll(useCpu);

const FASHION = path.resolve(import.meta.dirname, '..', 'public', 'data', 'fashion-mnist');
const real = existsSync(path.join(FASHION, 'manifest.json'));

async function fashion(): Promise<Dataset> {
  const { dataset } = await loadDataset({ cacheKey: 'onnx', fetchFile: async (f) => new Uint8Array(readFileSync(path.join(FASHION, f))) });
  return dataset;
}

async function compare(data: Dataset, spec: ModelSpec, normalize: boolean, samples = 300): Promise<number> {
  const classes = data.info.classNames.length;
  const model = createModel(spec, data.info.shape, classes);
  const params = initParams(model.params, 5);
  const values = await readParams(params);
  disposeParams(params);
  const bytes = modelToOnnx(values, {
    model: spec,
    inputShape: data.info.shape,
    classes,
    normalization: data.info.normalization,
    normalize,
    metadata: { lane: 'test' },
  });
  const session = await ort.InferenceSession.create(bytes);
  const set = makeEvalSet(data.test, data.info, samples, samples);
  const x = set.chunks[0].x;
  const uploaded = uploadParams(model.params, values);
  const engine = tf.tidy(() => model.forward(uploaded, x).logits);
  const ours = await engine.data();
  // Normalized pixels back to p/255 for a graph that normalizes itself.
  const normalized = await x.data();
  const { mean, std } = data.info.normalization;
  const channels = data.info.shape[2];
  const input = normalize
    ? Float32Array.from(normalized, (v, i) => v * std[i % channels] + mean[i % channels])
    : Float32Array.from(normalized);
  const name = normalize ? 'pixels' : 'x';
  const out = await session.run({ [name]: new ort.Tensor('float32', input, [samples, ...data.info.shape]) });
  expect(out.logits.dims).toEqual([samples, classes]);
  const gap = relativeGap(out.logits.data as Float32Array, ours);
  tf.dispose(engine);
  disposeParams(uploaded);
  disposeEvalSet(set);
  await session.release();
  return gap;
}

describe('ONNX export, run by onnxruntime-node', () => {
  it.runIf(real)('the default MLP and CNN give the engine’s logits on 300 real Fashion-MNIST test images within 1e-5', async () => {
    const data = await fashion();
    expect(await compare(data, { kind: 'mlp', hidden: [128, 64] }, true)).toBeLessThan(1e-5);
    expect(await compare(data, { kind: 'cnn', channels: [16, 32], kernelSize: 3, dense: 128 }, true)).toBeLessThan(1e-5);
    expect(await compare(data, { kind: 'cnn', channels: [16, 32], kernelSize: 4, dense: 128 }, false)).toBeLessThan(1e-5);
  });

  it('kernels 3 and 4 on several channels and odd sizes, with and without the normalization node', async () => {
    const data = syntheticDataset(20, 300, [13, 11, 3], 4);
    for (const k of [3, 4])
      for (const normalize of [true, false])
        expect(await compare(data, { kind: 'cnn', channels: [3, 5], kernelSize: k, dense: 6 }, normalize), `k ${k}`).toBeLessThan(1e-5);
    expect(await compare(data, { kind: 'mlp', hidden: [] }, false)).toBeLessThan(1e-5);
  });

  it('says in its metadata what the input is', async () => {
    const data = syntheticDataset(10, 10, [4, 4, 1], 2);
    const model = createModel({ kind: 'mlp', hidden: [3] }, data.info.shape, 2);
    const params = initParams(model.params, 1);
    const values = await readParams(params);
    disposeParams(params);
    const bytes = modelToOnnx(values, {
      model: { kind: 'mlp', hidden: [3] },
      inputShape: data.info.shape,
      classes: 2,
      normalization: data.info.normalization,
      normalize: true,
      metadata: { lane: 'SGD', step: '12' },
    });
    const session = await ort.InferenceSession.create(bytes);
    expect(session.inputNames).toEqual(['pixels']);
    expect(session.outputNames).toEqual(['logits']);
    await session.release();
    const text = new TextDecoder().decode(bytes);
    expect(text).toContain('p/255 in [0, 1]');
    expect(text).toContain('SGD');
  });
});
