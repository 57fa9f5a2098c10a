/**
 * A lane's model as ONNX (opset 17), written with the `onnx-proto` message definitions (protobufjs)
 * rather than hand-encoded bytes. The graph computes the engine's logits: dense layers as Gemm
 * (kernel [in, out], so no transpose), convolutions as Conv in NCHW with the kernels permuted to
 * [out, in, kh, kw] and TensorFlow's 'same' padding written out (for an even kernel the extra row
 * and column go after), max-pools 2x2 'valid', and the NHWC flatten order kept by transposing back
 * before Flatten. With `normalize` the graph starts at pixels in [0, 1] (p / 255) and normalizes
 * them itself; the metadata says which.
 */
import onnxProto from 'onnx-proto';
import type { ModelSpec } from '../../model/spec';
import type { HostParams } from '../../model/params';
import type { Normalization } from '../../data/dataset';
import type { WeightsMetadata } from '../weights';

const { onnx } = onnxProto;
const FLOAT = onnx.TensorProto.DataType.FLOAT;
const OPSET = 17;

export interface OnnxOptions {
  model: ModelSpec;
  inputShape: [number, number, number];
  classes: number;
  normalization: Normalization;
  /** Start at pixels p/255 in [0, 1] and normalize in the graph; otherwise start at normalized pixels. */
  normalize: boolean;
  /** Free-form key/value pairs for metadata_props (the lane, the step, the dataset). */
  metadata: Record<string, string>;
}

type Attribute = { name: string; ints?: number[]; i?: number };

class Graph {
  readonly nodes: InstanceType<typeof onnx.NodeProto>[] = [];
  readonly initializers: InstanceType<typeof onnx.TensorProto>[] = [];
  private count = 0;

  tensor(name: string, dims: number[], data: Float32Array): string {
    const bytes = new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
    this.initializers.push(onnx.TensorProto.create({ name, dims, dataType: FLOAT, rawData: bytes }));
    return name;
  }

  node(op: string, inputs: string[], attributes: Attribute[] = [], output = `${op.toLowerCase()}_${++this.count}`): string {
    const attribute = attributes.map((a) =>
      onnx.AttributeProto.create(
        a.ints
          ? { name: a.name, type: onnx.AttributeProto.AttributeType.INTS, ints: a.ints }
          : { name: a.name, type: onnx.AttributeProto.AttributeType.INT, i: a.i ?? 0 },
      ),
    );
    this.nodes.push(onnx.NodeProto.create({ opType: op, input: inputs, output: [output], name: output, attribute }));
    return output;
  }
}

/** [kh, kw, in, out] → [out, in, kh, kw]. */
function convKernel(values: Float32Array, [kh, kw, cin, cout]: number[]): Float32Array {
  const out = new Float32Array(values.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < cin; i++)
        for (let o = 0; o < cout; o++) out[((o * cin + i) * kh + y) * kw + x] = values[((y * kw + x) * cin + i) * cout + o];
  return out;
}

function dense(g: Graph, x: string, name: string, values: HostParams, shape: number[], relu: boolean, output?: string): string {
  const y = g.node(
    'Gemm',
    [x, g.tensor(`${name}/kernel`, shape, values[`${name}/kernel`]), g.tensor(`${name}/bias`, [shape[1]], values[`${name}/bias`])],
    [],
    relu ? undefined : output,
  );
  return relu ? g.node('Relu', [y]) : y;
}

function convBlock(g: Graph, x: string, name: string, values: HostParams, k: number, cin: number, cout: number): string {
  const before = Math.floor((k - 1) / 2);
  const after = k - 1 - before;
  const kernel = g.tensor(`${name}/kernel`, [cout, cin, k, k], convKernel(values[`${name}/kernel`], [k, k, cin, cout]));
  const conv = g.node(
    'Conv',
    [x, kernel, g.tensor(`${name}/bias`, [cout], values[`${name}/bias`])],
    [
      { name: 'kernel_shape', ints: [k, k] },
      { name: 'strides', ints: [1, 1] },
      { name: 'pads', ints: [before, before, after, after] },
    ],
  );
  return g.node(
    'MaxPool',
    [g.node('Relu', [conv])],
    [
      { name: 'kernel_shape', ints: [2, 2] },
      { name: 'strides', ints: [2, 2] },
    ],
  );
}

function inputDescription({ normalize, inputShape: [h, w, c], normalization }: OnnxOptions): string {
  const stats = `mean ${JSON.stringify(normalization.mean)}, std ${JSON.stringify(normalization.std)}`;
  return normalize
    ? `pixels [N, ${h}, ${w}, ${c}] (channels last) as p/255 in [0, 1]; the graph normalizes them (${stats})`
    : `x [N, ${h}, ${w}, ${c}] (channels last): normalized pixels (p/255 − mean) / std (${stats})`;
}

/** The model as ONNX bytes (input "pixels" or "x" [N, H, W, C], output "logits" [N, classes]). */
export function modelToOnnx(values: HostParams, options: OnnxOptions): Uint8Array {
  const { model, inputShape, classes, normalization } = options;
  const [h, w, c] = inputShape;
  const g = new Graph();
  const inputName = options.normalize ? 'pixels' : 'x';
  let x = inputName;
  if (options.normalize) {
    const stat = (v: number[]) => Float32Array.from({ length: c }, (_, i) => v[i]);
    x = g.node('Sub', [x, g.tensor('normalization/mean', [c], stat(normalization.mean))]);
    x = g.node('Div', [x, g.tensor('normalization/std', [c], stat(normalization.std))]);
  }
  if (model.kind === 'mlp') {
    x = g.node('Flatten', [x], [{ name: 'axis', i: 1 }]);
    let width = h * w * c;
    model.hidden.forEach((units, i) => {
      x = dense(g, x, `dense${i + 1}`, values, [width, units], true);
      width = units;
    });
    dense(g, x, 'head', values, [width, classes], false, 'logits');
  } else {
    const [c1, c2] = model.channels;
    x = g.node('Transpose', [x], [{ name: 'perm', ints: [0, 3, 1, 2] }]);
    x = convBlock(g, x, 'conv1', values, model.kernelSize, c, c1);
    x = convBlock(g, x, 'conv2', values, model.kernelSize, c1, c2);
    // The engine flattens channels last: back to NHWC first.
    x = g.node('Flatten', [g.node('Transpose', [x], [{ name: 'perm', ints: [0, 2, 3, 1] }])], [{ name: 'axis', i: 1 }]);
    const flat = Math.floor(Math.floor(h / 2) / 2) * Math.floor(Math.floor(w / 2) / 2) * c2;
    x = dense(g, x, 'dense1', values, [flat, model.dense], true);
    dense(g, x, 'head', values, [model.dense, classes], false, 'logits');
  }
  const valueInfo = (name: string, dims: Array<number | string>) =>
    onnx.ValueInfoProto.create({
      name,
      type: {
        tensorType: {
          elemType: FLOAT,
          shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) },
        },
      },
    });
  const proto = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: OPSET }],
    producerName: 'Flat Minima Playground',
    graph: {
      name: 'flat_minima_playground',
      node: g.nodes,
      initializer: g.initializers,
      input: [valueInfo(inputName, ['N', h, w, c])],
      output: [valueInfo('logits', ['N', classes])],
    },
    metadataProps: Object.entries({
      ...options.metadata,
      input: inputDescription(options),
      output: `logits [N, ${classes}] (no softmax)`,
    }).map(([key, value]) => ({ key, value })),
  });
  return onnx.ModelProto.encode(proto).finish();
}

/** A lane's exported weights as ONNX that starts at pixels p/255 (the app's and the CLI's export). */
export function weightsToOnnx(values: HostParams, metadata: WeightsMetadata): Uint8Array {
  return modelToOnnx(values, {
    model: metadata.model,
    inputShape: metadata.inputShape,
    classes: metadata.classes,
    normalization: metadata.dataset.normalization,
    normalize: true,
    metadata: {
      source: 'Flat Minima Playground',
      dataset: metadata.dataset.id,
      loss: metadata.loss,
      step: String(metadata.step),
      seed: String(metadata.seed),
      flat_minima_playground: JSON.stringify(metadata),
    },
  });
}
