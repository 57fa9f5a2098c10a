/**
 * Our WASM kernels, replacing tfjs 4.22's slow or missing ones on the backward pass (see
 * docs/ALGORITHMS.md, "WASM kernels"). Register after importing the WASM backend, before
 * `tf.setBackend('wasm')`.
 */
import { registerWasmConv2dFilterGrad } from './wasmConv2dFilterGrad';
import { registerWasmConv2dInputGrad } from './wasmConv2dInputGrad';
import { registerWasmMatMul } from './wasmMatMul';
import { registerWasmMaxPoolGrad } from './wasmMaxPoolGrad';

export function registerWasmKernels(): void {
  registerWasmMatMul();
  registerWasmConv2dInputGrad();
  registerWasmConv2dFilterGrad();
  registerWasmMaxPoolGrad();
}
