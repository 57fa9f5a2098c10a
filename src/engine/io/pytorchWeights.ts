/**
 * Weights of a PyTorch `nn.Sequential` equivalent to one of the engine's models (a state dict saved
 * as safetensors: names like `1.weight`, linear weights [out, in], conv weights [out, in, kh, kw],
 * images NCHW) mapped onto the engine's parameters (kernels [in, out] and [kh, kw, in, out], images
 * HWC): transposes, permutes, and the first dense layer's input columns reordered from PyTorch's
 * C·H·W flatten to the engine's H·W·C. Only when the file leaves exactly one reading; anything else
 * is refused with the list of what does not fit.
 */
import type { ImportedWeights } from './weights';
import type { ModelSpec } from '../model/spec';
import type { ParamSpec } from '../model/params';

/** A state dict's names: every tensor is the weight or bias of a layer (`<path>.weight`, `<path>.bias`). */
export function looksLikePytorch(names: readonly string[]): boolean {
  return names.length > 0 && names.every((n) => n.includes('.') && !n.includes('/'));
}

interface TorchLayer {
  path: string;
  weight?: { shape: number[]; data: Float32Array };
  bias?: { shape: number[]; data: Float32Array };
}

interface EngineLayer {
  name: string;
  kind: 'conv' | 'dense';
  /** The engine's kernel shape. */
  kernel: number[];
  /** The first dense layer after images in C > 1 channels (or after the convolutions): its input is flattened. */
  flattened: [number, number, number] | null;
}

function engineLayers(spec: ModelSpec, inputShape: [number, number, number], specs: readonly ParamSpec[]): EngineLayer[] {
  const kernels = specs.filter((s) => s.name.endsWith('/kernel'));
  const [h, w] = inputShape;
  return kernels.map((s, i) => {
    const name = s.name.slice(0, -'/kernel'.length);
    if (s.shape.length === 4) return { name, kind: 'conv', kernel: s.shape, flattened: null };
    let flattened: [number, number, number] | null = null;
    if (spec.kind === 'mlp' && i === 0) flattened = inputShape;
    if (spec.kind === 'cnn' && name === 'dense1') {
      const pooled = (n: number) => Math.floor(Math.floor(n / 2) / 2);
      flattened = [pooled(h), pooled(w), spec.channels[1]];
    }
    return { name, kind: 'dense', kernel: s.shape, flattened };
  });
}

/** The PyTorch shape an engine layer's weight has. */
function torchShape(layer: EngineLayer): number[] {
  const k = layer.kernel;
  return layer.kind === 'conv' ? [k[3], k[2], k[0], k[1]] : [k[1], k[0]];
}

const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);
const show = (shape: readonly number[]) => `[${shape.join(', ')}]`;

/** [out, in] → [in, out]; the input index read in C·H·W order when the layer's input was flattened. */
function denseKernel(data: Float32Array, [inputs, outputs]: number[], flattened: [number, number, number] | null): Float32Array {
  const out = new Float32Array(inputs * outputs);
  const [h, w, c] = flattened ?? [1, 1, inputs];
  for (let i = 0; i < inputs; i++) {
    // Engine input i is (y, x, ch) in H·W·C order; PyTorch's is (ch, y, x) in C·H·W order.
    const ch = i % c;
    const x = Math.floor(i / c) % w;
    const y = Math.floor(i / (c * w));
    const torchIn = flattened ? (ch * h + y) * w + x : i;
    for (let o = 0; o < outputs; o++) out[i * outputs + o] = data[o * inputs + torchIn];
  }
  return out;
}

/** [out, in, kh, kw] → [kh, kw, in, out]. */
function convKernel(data: Float32Array, [kh, kw, cin, cout]: number[]): Float32Array {
  const out = new Float32Array(data.length);
  for (let o = 0; o < cout; o++)
    for (let i = 0; i < cin; i++)
      for (let y = 0; y < kh; y++)
        for (let x = 0; x < kw; x++) out[((y * kw + x) * cin + i) * cout + o] = data[((o * cin + i) * kh + y) * kw + x];
  return out;
}

/** The file's tensors grouped by layer path (`features.3.weight` → layer "features.3"). */
function torchLayers(imported: ImportedWeights, problems: string[]): TorchLayer[] {
  const byPath = new Map<string, TorchLayer>();
  for (const name of Object.keys(imported.values)) {
    const dot = name.lastIndexOf('.');
    const [path, part] = [name.slice(0, dot), name.slice(dot + 1)];
    if (part !== 'weight' && part !== 'bias') {
      problems.push(`unexpected "${name}" (only weights and biases of Linear and Conv2d layers; no batch norm)`);
      continue;
    }
    const layer = byPath.get(path) ?? { path };
    layer[part] = { shape: imported.shapes[name], data: imported.values[name] };
    byPath.set(path, layer);
  }
  return [...byPath.values()];
}

/** The layers in nn.Sequential's order when every path is numbered (`0`, `3`, `features.2`), else null. */
function numbered(layers: TorchLayer[]): TorchLayer[] | null {
  const index = (p: string) => p.split('.').map((part) => (/^\d+$/.test(part) ? Number(part) : NaN));
  if (!layers.every((l) => index(l.path).every(Number.isInteger))) return null;
  return [...layers].sort((a, b) => {
    const [x, y] = [index(a.path), index(b.path)];
    for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
    return x.length - y.length;
  });
}

/**
 * The engine's parameters from a PyTorch state dict, or an error listing what does not fit: layers
 * are matched in the Sequential's order when the names are numbered (`0.weight`, `3.weight`…),
 * otherwise by shape, which must then single out one layer for each of the engine's.
 */
export function fromPytorch(
  imported: ImportedWeights,
  spec: ModelSpec,
  inputShape: [number, number, number],
  specs: readonly ParamSpec[],
): ImportedWeights {
  const engine = engineLayers(spec, inputShape, specs);
  const problems: string[] = [];
  const candidates = torchLayers(imported, problems);
  const ordered = numbered(candidates);
  const chosen: TorchLayer[] = [];
  if (ordered) {
    if (ordered.length !== engine.length)
      problems.push(
        `the file has ${ordered.length} layers with weights (${ordered.map((l) => l.path).join(', ')}), the model ${engine.length}`,
      );
    else chosen.push(...ordered);
  } else {
    for (const layer of engine) {
      const matches = candidates.filter((c) => c.weight && same(c.weight.shape, torchShape(layer)));
      if (matches.length === 1) chosen.push(matches[0]);
      else if (matches.length === 0) problems.push(`no weight of shape ${show(torchShape(layer))} for "${layer.name}"`);
      else
        problems.push(
          `${matches.map((m) => `"${m.path}.weight"`).join(' and ')} both fit "${layer.name}" ${show(torchShape(layer))}: ` +
            'number the layers (nn.Sequential) so their order is known',
        );
    }
    const unused = candidates.filter((c) => !chosen.includes(c));
    if (problems.length === 0 && unused.length > 0) problems.push(`unexpected layers ${unused.map((u) => `"${u.path}"`).join(', ')}`);
  }
  const values: ImportedWeights['values'] = {};
  const shapes: ImportedWeights['shapes'] = {};
  chosen.forEach((layer, i) => {
    const target = engine[i];
    const want = torchShape(target);
    if (!layer.weight) problems.push(`"${layer.path}" has no weight`);
    else if (!same(layer.weight.shape, want))
      problems.push(`"${layer.path}.weight" is ${show(layer.weight.shape)}, "${target.name}" needs ${show(want)} (PyTorch layout)`);
    const outputs = target.kernel[target.kernel.length - 1];
    if (!layer.bias) problems.push(`"${layer.path}" has no bias (the engine's "${target.name}" has one)`);
    else if (!same(layer.bias.shape, [outputs]))
      problems.push(`"${layer.path}.bias" is ${show(layer.bias.shape)}, "${target.name}" needs [${outputs}]`);
    if (problems.length > 0 || !layer.weight || !layer.bias) return;
    values[`${target.name}/kernel`] =
      target.kind === 'conv'
        ? convKernel(layer.weight.data, target.kernel)
        : denseKernel(layer.weight.data, target.kernel, target.flattened);
    values[`${target.name}/bias`] = Float32Array.from(layer.bias.data);
    shapes[`${target.name}/kernel`] = target.kernel;
    shapes[`${target.name}/bias`] = [outputs];
  });
  if (problems.length > 0)
    throw new Error(
      `the PyTorch weights do not fit this model: ${problems.slice(0, 8).join('; ')}` +
        (problems.length > 8 ? `; and ${problems.length - 8} more` : ''),
    );
  return { values, shapes, metadata: imported.metadata };
}
