import * as tf from '@tensorflow/tfjs-core';

/** What the WebGPU backend exposes of its GPUDevice (structural, so the engine needs no DOM types). */
interface DeviceLike {
  lost: Promise<{ reason?: string; message?: string }>;
  destroy(): void;
}

function webgpuDevice(): DeviceLike | null {
  if (tf.getBackend() !== 'webgpu') return null;
  const device = (tf.backend() as unknown as { device?: DeviceLike }).device;
  return device && typeof device.destroy === 'function' ? device : null;
}

/** Calls `onLost` once if the WebGPU device in use is lost (driver reset, GPU removed, destroyed). */
export function watchDevice(onLost: (reason: string) => void): void {
  const device = webgpuDevice();
  if (!device) return;
  void device.lost.then((info) => onLost(info.message || info.reason || 'unknown reason'));
}

/** Destroys the WebGPU device, as a driver reset would (for tests and demonstrations). */
export function loseDevice(): void {
  const device = webgpuDevice();
  if (!device) throw new Error(`only the WebGPU backend has a device to lose (the engine runs on ${tf.getBackend()})`);
  device.destroy();
}

/**
 * Forgets the dead WebGPU backend so that another can take over. Its tensors are dropped, not
 * disposed: their buffers went with the device. Errors from a backend already gone are ignored.
 */
export function dropLostBackend(): void {
  try {
    if (tf.findBackend('webgpu')) tf.removeBackend('webgpu');
  } catch {
    // The device is gone; tfjs may fail to release what it already lost.
  }
}
