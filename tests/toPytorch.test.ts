import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { normalizedPixels, rangeIndices } from '../src/engine/data/batch';
import { initParams } from '../src/engine/model/init';
import { disposeParams, readParams, uploadParams } from '../src/engine/model/paramTensors';
import { createModel } from '../src/engine/model/registry';
import type { ModelSpec } from '../src/engine/model/spec';
import { writeSafetensors } from '../src/engine/io/safetensors';
import { weightsFromSafetensors, weightsToSafetensors } from '../src/engine/io/weights';
import { fromPytorch } from '../src/engine/io/pytorchWeights';
import { syntheticDataset, testWeightsMetadata, useCpu } from './helpers';

beforeAll(useCpu);

const SCRIPT = path.join(import.meta.dirname, '..', 'scripts', 'to-pytorch.py');
// The first Python that imports torch (a pyenv python3 may shadow Debian's, which has python3-torch).
const PYTHON = ['python3', '/usr/bin/python3'].find((p) => spawnSync(p, ['-c', 'import torch, numpy']).status === 0);
const hasTorch = PYTHON !== undefined;
if (!hasTorch) console.log('tests/toPytorch.test.ts skipped: no python3 with torch and numpy here (apt-get install -y python3-torch)');

const SHAPE: [number, number, number] = [12, 12, 3];
const data = syntheticDataset(40, 4, SHAPE, 5);
const dir = mkdtempSync(path.join(os.tmpdir(), 'fmp-torch-'));

async function exported(spec: ModelSpec, name: string) {
  const model = createModel(spec, SHAPE, 5);
  const params = initParams(model.params, 4);
  const values = await readParams(params);
  disposeParams(params);
  const metadata = testWeightsMetadata(spec, data, 4);
  const x = normalizedPixels(data.train, data.info, rangeIndices(0, 40));
  const uploaded = uploadParams(model.params, values);
  const out = tf.tidy(() => model.forward(uploaded, tf.tensor4d(x, [40, ...SHAPE])).logits);
  const logits = new Float32Array(await out.data());
  out.dispose();
  disposeParams(uploaded);
  const file = (suffix: string) => path.join(dir, `${name}-${suffix}.safetensors`);
  writeFileSync(file('weights'), weightsToSafetensors(model.params, values, metadata));
  writeFileSync(file('data'), writeSafetensors([{ name: 'x', shape: [40, ...SHAPE], data: x }], {}));
  writeFileSync(file('logits'), writeSafetensors([{ name: 'logits', shape: [40, 5], data: logits }], {}));
  return { model, values, file };
}

describe.runIf(hasTorch)('scripts/to-pytorch.py', () => {
  for (const [name, spec] of [
    ['MLP on 3 channels', { kind: 'mlp', hidden: [16, 8] }],
    ['CNN kernel 3', { kind: 'cnn', channels: [4, 6], kernelSize: 3, dense: 7 }],
    ['CNN kernel 4', { kind: 'cnn', channels: [4, 6], kernelSize: 4, dense: 7 }],
  ] as Array<[string, ModelSpec]>) {
    it(`${name}: the nn.Sequential it builds gives the engine's logits, and its state dict imports back exactly`, async () => {
      const tag = name.replace(/\W+/g, '-');
      const { model, values, file } = await exported(spec, tag);
      const stateDict = path.join(dir, `${tag}-torch.safetensors`);
      const run = spawnSync(
        PYTHON!,
        [SCRIPT, file('weights'), '--data', file('data'), '--expect', file('logits'), '--state-dict', stateDict],
        {
          encoding: 'utf8',
        },
      );
      expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
      expect(run.stdout).toMatch(/largest logit difference from the engine/);
      const back = fromPytorch(
        weightsFromSafetensors(new Uint8Array(readFileSync(stateDict)), 'torch.safetensors'),
        spec,
        SHAPE,
        model.params,
      );
      for (const p of model.params) {
        const a = back.values[p.name];
        const b = values[p.name];
        expect(a.length).toBe(b.length);
        for (let i = 0; i < a.length; i++) expect(a[i]).toBe(b[i]);
      }
    }, 60_000);
  }

  it('refuses a file without the playground metadata, saying so', () => {
    const plain = path.join(dir, 'plain.safetensors');
    writeFileSync(plain, writeSafetensors([{ name: 'w', shape: [1], data: new Float32Array([1]) }], {}));
    const run = spawnSync(PYTHON!, [SCRIPT, plain], { encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/no flat_minima_playground metadata/);
  });
});
