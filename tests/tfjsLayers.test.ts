import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { makeEvalSet, disposeEvalSet } from '../src/engine/data/batch';
import { initParams } from '../src/engine/model/init';
import { createModel } from '../src/engine/model/registry';
import { disposeParams, readParams, uploadParams } from '../src/engine/model/paramTensors';
import type { ModelSpec } from '../src/engine/model/spec';
import { weightsFromTfjs, weightsToTfjs } from '../src/engine/io/weights';
import { syntheticDataset, testWeightsMetadata, useCpu } from './helpers';

beforeAll(useCpu);

const data = syntheticDataset(300, 10, [12, 12, 2], 5);

const SPECS: Array<[string, ModelSpec]> = [
  ['MLP 16-8', { kind: 'mlp', hidden: [16, 8] }],
  ['linear MLP', { kind: 'mlp', hidden: [] }],
  ['CNN, kernel 3', { kind: 'cnn', channels: [3, 4], kernelSize: 3, dense: 8 }],
  ['CNN, kernel 4 (asymmetric same padding)', { kind: 'cnn', channels: [3, 4], kernelSize: 4, dense: 8 }],
];

describe('the TF.js export is a layers model', () => {
  for (const [name, spec] of SPECS) {
    it(`${name}: tf.loadLayersModel gives the engine's logits on 300 samples within 1e-5`, async () => {
      const model = createModel(spec, data.info.shape, 5);
      const params = initParams(model.params, 3);
      const values = await readParams(params);
      const files = await weightsToTfjs(model.params, values, testWeightsMetadata(spec, data, 3));
      const json = JSON.parse(new TextDecoder().decode(files[0].bytes));
      expect(json.format).toBe('layers-model');
      const bin = files[1].bytes;
      const loaded = await tfl.loadLayersModel(
        tf.io.fromMemory({
          modelTopology: json.modelTopology,
          weightSpecs: json.weightsManifest[0].weights,
          weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) as ArrayBuffer,
        }),
      );
      const set = makeEvalSet(data.train, data.info, 300);
      const x = set.chunks[0].x;
      const uploaded = uploadParams(model.params, values);
      const engine = tf.tidy(() => model.forward(uploaded, x).logits);
      const theirs = loaded.predict(x) as tf.Tensor;
      expect(theirs.shape).toEqual([300, 5]);
      const [a, b] = [await engine.data(), await theirs.data()];
      const scale = Math.max(...Array.from(a, Math.abs));
      let worst = 0;
      for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / scale);
      expect(worst).toBeLessThan(1e-5);
      // The same files still import into a lane (the app's own reader).
      const back = await weightsFromTfjs(files[0].bytes, files[1].bytes);
      for (const p of model.params) expect(back.values[p.name]).toEqual(values[p.name]);
      tf.dispose([engine, theirs]);
      loaded.dispose();
      disposeParams(params);
      disposeParams(uploaded);
      disposeEvalSet(set);
    });
  }
});
