/**
 * The Keras-style topology of a TF.js layers model (what `tf.loadLayersModel` reads) for the
 * engine's models, with layer names that match the parameter names (`dense1/kernel` is the kernel
 * of layer "dense1"), so the exported weights manifest loads as it is. Inputs are the normalized
 * pixels [n, h, w, c] (channels last), outputs the logits (no softmax), as in the engine.
 */
import type { ModelSpec } from '../model/spec';

type Layer = { class_name: string; config: Record<string, unknown> };

function dense(name: string, units: number, activation: 'relu' | 'linear'): Layer {
  return { class_name: 'Dense', config: { name, units, activation, use_bias: true, trainable: true, dtype: 'float32' } };
}

function conv(name: string, filters: number, k: number, first: Record<string, unknown>): Layer {
  return {
    class_name: 'Conv2D',
    config: {
      ...first,
      name,
      filters,
      kernel_size: [k, k],
      strides: [1, 1],
      // TensorFlow's 'same': for an even kernel the extra row and column of padding go after.
      padding: 'same',
      data_format: 'channels_last',
      dilation_rate: [1, 1],
      activation: 'relu',
      use_bias: true,
      trainable: true,
      dtype: 'float32',
    },
  };
}

function pool(name: string): Layer {
  return {
    class_name: 'MaxPooling2D',
    config: { name, pool_size: [2, 2], strides: [2, 2], padding: 'valid', data_format: 'channels_last', trainable: true, dtype: 'float32' },
  };
}

function flatten(name: string, first: Record<string, unknown>): Layer {
  return { class_name: 'Flatten', config: { ...first, name, data_format: 'channels_last', trainable: true, dtype: 'float32' } };
}

/** The layers of a model spec, input to logits. */
export function topologyLayers(spec: ModelSpec, inputShape: [number, number, number], classes: number): Layer[] {
  const input = { batch_input_shape: [null, ...inputShape] };
  if (spec.kind === 'mlp') {
    return [
      flatten('flatten', input),
      ...spec.hidden.map((units, i) => dense(`dense${i + 1}`, units, 'relu')),
      dense('head', classes, 'linear'),
    ];
  }
  return [
    conv('conv1', spec.channels[0], spec.kernelSize, input),
    pool('conv1_pool'),
    conv('conv2', spec.channels[1], spec.kernelSize, {}),
    pool('conv2_pool'),
    flatten('flatten', {}),
    dense('dense1', spec.dense, 'relu'),
    dense('head', classes, 'linear'),
  ];
}

/** `modelTopology` of model.json: a Sequential model. */
export function layersModelTopology(spec: ModelSpec, inputShape: [number, number, number], classes: number): Record<string, unknown> {
  return {
    class_name: 'Sequential',
    config: { name: 'flat_minima_playground', layers: topologyLayers(spec, inputShape, classes) },
    keras_version: 'tfjs-layers 4.22.0',
    backend: 'tensor_flow.js',
  };
}
