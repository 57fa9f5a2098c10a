/**
 * Plumbing for our WASM kernels: calling another kernel from inside one, freeing intermediates,
 * reading the WebAssembly heap, and replacing a kernel tfjs registered while keeping its setup.
 */
import * as tf from '@tensorflow/tfjs-core';

/** The parts of tfjs-backend-wasm's BackendWasm our kernels use (public methods of that class). */
export interface WasmBackend extends tf.KernelBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
  disposeData(dataId: tf.DataId): boolean;
}

export type KernelCall = (inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap) => tf.TensorInfo;

/** A registered WASM kernel as a function of its inputs and attributes, bound to `backend`. */
export function kernelOn(name: string, backend: object, func?: tf.KernelFunc): KernelCall {
  const kernel = func ?? tf.getKernel(name, 'wasm')?.kernelFunc;
  if (!kernel) throw new Error(`the WASM backend has no ${name} kernel`);
  return (inputs, attrs) => kernel({ inputs, attrs, backend }) as tf.TensorInfo;
}

/** Runs `work`, then frees every intermediate it made with `keep`, returning its result. */
export function withScratch<T>(backend: object, work: (keep: (t: tf.TensorInfo) => tf.TensorInfo) => T): T {
  const scratch: tf.TensorInfo[] = [];
  try {
    return work((t) => {
      scratch.push(t);
      return t;
    });
  } finally {
    for (const t of scratch) (backend as WasmBackend).disposeData(t.dataId);
  }
}

export function transposeOn(backend: object): (x: tf.TensorInfo, perm: number[]) => tf.TensorInfo {
  const transpose = kernelOn('Transpose', backend);
  return (x, perm) => transpose({ x }, { perm });
}

const replaced = new Set<string>();

/**
 * Replaces tfjs's WASM kernel `name` with `make(original)`, where `original` is tfjs's own kernel
 * function (for the cases ours does not cover). tfjs's setup function (its WebAssembly bindings) is
 * kept. Idempotent; call before `tf.setBackend('wasm')`, after the WASM backend module is imported.
 */
export function replaceWasmKernel(name: string, make: (original: tf.KernelFunc | undefined) => tf.KernelFunc): void {
  if (replaced.has(name)) return;
  const original = tf.getKernel(name, 'wasm');
  if (original) tf.unregisterKernel(name, 'wasm');
  tf.registerKernel({ kernelName: name, backendName: 'wasm', setupFunc: original?.setupFunc, kernelFunc: make(original?.kernelFunc) });
  replaced.add(name);
}
