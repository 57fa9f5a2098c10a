/** A lane's weights to and from files: safetensors (ours, or a PyTorch state dict), TF.js (model.json + weights.bin), ONNX out. */
import type { InputFile } from '../engine/data/files';
import {
  architectureDifferences,
  weightsFromSafetensors,
  weightsFromTfjs,
  weightsToSafetensors,
  weightsToTfjs,
  type ImportedWeights,
} from '../engine/io/weights';
import { readParams } from '../engine/model/paramTensors';
import { weightsToOnnx } from '../engine/io/exports/onnx';
import { fromPytorch, looksLikePytorch } from '../engine/io/pytorchWeights';
import type { Comparison } from '../engine/train/comparison';
import { laneConfigSchema } from '../engine/train/config';
import { MAX_LANES } from '../engine/train/lanes';
import { parse } from '../engine/validation';
import type { WeightsFormat, WeightsTarget } from './api';

export async function exportWeights(comparison: Comparison, laneId: string, format: WeightsFormat): Promise<InputFile[]> {
  const lane = comparison.requireFiniteLane(laneId);
  const values = await readParams(lane.params);
  const metadata = comparison.weightsMetadata(laneId);
  if (format === 'tfjs') return weightsToTfjs(comparison.model.params, values, metadata);
  const base = `${lane.config.name.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-|-$/g, '') || lane.config.id}-step${lane.steps}`;
  if (format === 'onnx') return [{ name: `${base}.onnx`, bytes: weightsToOnnx(values, metadata) }];
  return [{ name: `${base}.safetensors`, bytes: weightsToSafetensors(comparison.model.params, values, metadata) }];
}

/** Reads weights from a .safetensors file or a TF.js pair (model.json + weights.bin). */
export async function readWeightFiles(files: InputFile[]): Promise<ImportedWeights> {
  const safetensors = files.find((f) => f.name.toLowerCase().endsWith('.safetensors'));
  if (safetensors) return weightsFromSafetensors(safetensors.bytes, safetensors.name);
  const json = files.find((f) => f.name.toLowerCase().endsWith('.json'));
  const bin = files.find((f) => f.name.toLowerCase().endsWith('.bin'));
  if (json && bin) return weightsFromTfjs(json.bytes, bin.bytes);
  const got = files.map((f) => f.name).join(', ') || 'nothing';
  throw new Error(`choose a .safetensors file, or a TF.js model.json together with its weights.bin (got ${got})`);
}

/**
 * Puts imported weights into a new lane (joining at the current step) or over a lane's weights;
 * refuses weights of another architecture, changing nothing. Returns the lane and the file's origin in words.
 */
export function applyWeights(comparison: Comparison, file: ImportedWeights, target: WeightsTarget): { laneId: string; origin: string } {
  const pytorch = looksLikePytorch(Object.keys(file.shapes));
  const imported = pytorch ? fromPytorch(file, comparison.config.model, comparison.dataset.info.shape, comparison.model.params) : file;
  const differences = architectureDifferences(comparison.model.params, imported.shapes);
  if (differences.length > 0) {
    const more = differences.length > 8 ? `; and ${differences.length - 8} more` : '';
    const size = comparison.parameterCount.toLocaleString('en-US');
    throw new Error(`the weights do not fit this model (${size} parameters): ${differences.slice(0, 8).join('; ')}${more}`);
  }
  let laneId: string;
  if (target.mode === 'replace') {
    comparison.replaceWeights(target.laneId, imported.values);
    laneId = target.laneId;
  } else {
    const lane = parse(laneConfigSchema, target.lane, 'lane');
    if (comparison.lanes.length >= MAX_LANES) throw new Error(`a comparison holds at most ${MAX_LANES} lanes: remove one first`);
    laneId = comparison.addLaneWithWeights(lane, imported.values).config.id;
  }
  const m = imported.metadata;
  if (pytorch)
    return { laneId, origin: `a PyTorch state dict (${Object.keys(file.shapes).length} tensors, mapped onto the model's layout)` };
  const origin = m
    ? `${m.model.kind.toUpperCase()} trained ${m.step} steps on ${m.dataset.title} (seed ${m.seed})`
    : 'no Flat Minima Playground metadata in the file';
  return { laneId, origin };
}
