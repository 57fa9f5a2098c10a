import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import type { Normalization } from '../data/dataset';
import type { HostParams, ParamSpec } from '../model/params';
import type { LossKind, ModelSpec } from '../model/spec';
import { paramSize } from '../model/params';
import { readSafetensors, writeSafetensors } from './safetensors';
import { errorMessage } from '../errors';
import { layersModelTopology } from './layersTopology';

/** What travels with exported weights: enough to rebuild the model and say where they came from. */
export interface WeightsMetadata {
  format: 'flat-minima-playground/weights';
  version: 1;
  model: ModelSpec;
  inputShape: [number, number, number];
  classes: number;
  dataset: { id: string; title: string; normalization: Normalization };
  loss: LossKind;
  seed: number;
  step: number;
  /** The lane's settings (optimizer, schedule, method, SOS, deformation), as in the app's config. */
  lane: Record<string, unknown>;
}

export interface ExportedFile {
  name: string;
  bytes: Uint8Array;
}

export interface ImportedWeights {
  values: HostParams;
  shapes: Record<string, number[]>;
  metadata: WeightsMetadata | null;
}

const METADATA_KEY = 'flat_minima_playground';
const metadataSchema = z.object({ format: z.literal('flat-minima-playground/weights'), version: z.literal(1) }).passthrough();

function parseMetadata(text: string | undefined): WeightsMetadata | null {
  if (!text) return null;
  try {
    return metadataSchema.safeParse(JSON.parse(text)).success ? (JSON.parse(text) as WeightsMetadata) : null;
  } catch {
    return null;
  }
}

/** safetensors: float32 tensors under the engine's names; metadata as a JSON string ("pt" marks PyTorch-friendly layouts). */
export function weightsToSafetensors(specs: readonly ParamSpec[], values: HostParams, metadata: WeightsMetadata): Uint8Array {
  return writeSafetensors(
    specs.map((s) => ({ name: s.name, shape: s.shape, data: values[s.name] })),
    { format: 'pt', [METADATA_KEY]: JSON.stringify(metadata) },
  );
}

export function weightsFromSafetensors(bytes: Uint8Array, file: string): ImportedWeights {
  const parsed = readSafetensors(bytes, file);
  return {
    values: Object.fromEntries(parsed.tensors.map((t) => [t.name, t.data])),
    shapes: Object.fromEntries(parsed.tensors.map((t) => [t.name, t.shape])),
    metadata: parseMetadata(parsed.metadata[METADATA_KEY]),
  };
}

/**
 * The TF.js layers format: model.json (the model's topology, so `tf.loadLayersModel` returns a
 * model whose predictions are the engine's logits; the weights manifest; our metadata) and
 * weights.bin, through tf.io.
 */
export async function weightsToTfjs(specs: readonly ParamSpec[], values: HostParams, metadata: WeightsMetadata): Promise<ExportedFile[]> {
  const tensors = Object.fromEntries(specs.map((s) => [s.name, tf.tensor(values[s.name], s.shape, 'float32')]));
  try {
    const { data, specs: weightSpecs } = await tf.io.encodeWeights(tensors);
    const buffer = data instanceof ArrayBuffer ? data : tf.io.concatenateArrayBuffers(data as ArrayBuffer[]);
    const modelJson = {
      format: 'layers-model',
      generatedBy: 'Flat Minima Playground',
      convertedBy: null,
      modelTopology: layersModelTopology(metadata.model, metadata.inputShape, metadata.classes),
      weightsManifest: [{ paths: ['weights.bin'], weights: weightSpecs }],
      userDefinedMetadata: { [METADATA_KEY]: metadata },
    };
    return [
      { name: 'model.json', bytes: new TextEncoder().encode(JSON.stringify(modelJson, null, 1)) },
      { name: 'weights.bin', bytes: new Uint8Array(buffer) },
    ];
  } finally {
    tf.dispose(Object.values(tensors));
  }
}

const manifestSchema = z.object({
  weightsManifest: z
    .array(
      z.object({
        paths: z.array(z.string()),
        weights: z.array(z.object({ name: z.string(), shape: z.array(z.number().int().min(0)), dtype: z.string() })),
      }),
    )
    .min(1),
  userDefinedMetadata: z.record(z.string(), z.unknown()).optional(),
});

export async function weightsFromTfjs(modelJson: Uint8Array, weightsBin: Uint8Array): Promise<ImportedWeights> {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(modelJson));
  } catch (error) {
    throw new Error(`model.json: not JSON (${errorMessage(error)})`, { cause: error });
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) throw new Error('model.json: no weightsManifest with paths and weights (is it a TF.js weights file?)');
  const specs = parsed.data.weightsManifest.flatMap((g) => g.weights);
  const bad = specs.find((s) => s.dtype !== 'float32');
  if (bad) throw new Error(`model.json: "${bad.name}" has dtype ${bad.dtype}; only float32 weights can be loaded`);
  const needed = specs.reduce((acc, s) => acc + paramSize(s.shape) * 4, 0);
  if (weightsBin.length !== needed)
    throw new Error(`weights.bin: ${weightsBin.length} bytes, but model.json describes ${needed} (truncated or from another model)`);
  const buffer = weightsBin.buffer.slice(weightsBin.byteOffset, weightsBin.byteOffset + weightsBin.byteLength) as ArrayBuffer;
  const tensors = tf.io.decodeWeights(
    buffer,
    specs.map((s) => ({ name: s.name, shape: s.shape, dtype: 'float32' as const })),
  );
  try {
    const values: HostParams = {};
    const shapes: Record<string, number[]> = {};
    for (const s of specs) {
      const data = new Float32Array(await tensors[s.name].data());
      const i = data.findIndex((v) => !Number.isFinite(v));
      if (i >= 0) throw new Error(`weights.bin: "${s.name}" holds a non-finite value (${data[i]}) at index ${i}`);
      values[s.name] = data;
      shapes[s.name] = s.shape;
    }
    const meta = parsed.data.userDefinedMetadata?.[METADATA_KEY];
    return { values, shapes, metadata: meta ? parseMetadata(JSON.stringify(meta)) : null };
  } finally {
    tf.dispose(Object.values(tensors));
  }
}

/** What differs between the model's parameters and a file's tensors (empty when they match). */
export function architectureDifferences(specs: readonly ParamSpec[], shapes: Record<string, number[]>): string[] {
  const out: string[] = [];
  for (const s of specs) {
    const got = shapes[s.name];
    if (!got) out.push(`missing "${s.name}" [${s.shape.join(', ')}]`);
    else if (got.length !== s.shape.length || got.some((d, i) => d !== s.shape[i]))
      out.push(`"${s.name}" is [${got.join(', ')}] in the file, [${s.shape.join(', ')}] in the model`);
  }
  for (const name of Object.keys(shapes))
    if (!specs.some((s) => s.name === name)) out.push(`unexpected "${name}" [${shapes[name].join(', ')}]`);
  return out;
}
