import * as tf from '@tensorflow/tfjs-core';

/**
 * The network's piecewise-linear nonlinearities, called by name so that their activation pattern
 * (which ReLUs are on, which input each 2x2 max-pool picks) can be recorded at θ and replayed at
 * nearby weights. With the pattern frozen the network is smooth in its weights, so a central
 * difference of gradients gives the Hessian a.e. (what double backprop gives, e.g. PyHessian)
 * instead of picking up the kinks crossed between θ − εv and θ + εv.
 */
export interface Activations {
  relu(x: tf.Tensor, key: string): tf.Tensor;
  maxPool2x2(x: tf.Tensor4D, key: string): tf.Tensor4D;
}

export const FREE_ACTIVATIONS: Activations = {
  relu: (x) => tf.relu(x),
  maxPool2x2: (x) => tf.maxPool(x, 2, 2, 'valid'),
};

/** [n, h, w, c] → [n, h/2, 2, w/2, 2, c] (odd trailing rows and columns dropped, as 'valid' pooling does). */
function windows(x: tf.Tensor4D): tf.Tensor {
  const [n, h, w, c] = x.shape;
  const h2 = Math.floor(h / 2);
  const w2 = Math.floor(w / 2);
  const even = h % 2 || w % 2 ? tf.slice(x, [0, 0, 0, 0], [n, 2 * h2, 2 * w2, c]) : x;
  return tf.reshape(even, [n, h2, 2, w2, 2, c]);
}

/** Records the activation pattern on a forward pass at θ (kept masks), then replays it. */
export class FrozenActivations implements Activations {
  private readonly masks = new Map<string, tf.Tensor>();
  private recording = true;

  relu(x: tf.Tensor, key: string): tf.Tensor {
    if (this.recording) this.masks.set(key, tf.keep(tf.cast(tf.greater(x, 0), 'float32')));
    return tf.mul(x, this.mask(key));
  }

  maxPool2x2(x: tf.Tensor4D, key: string): tf.Tensor4D {
    const win = windows(x);
    if (this.recording) {
      // 1 − sign(max − x) is 1 exactly where x equals its window's max (max − x ≥ 0, and 0 only there);
      // tf.equal broadcast in 6D took 185 ms on a default CNN chunk on WASM, this 20 ms.
      const hit = tf.sub(1, tf.sign(tf.sub(tf.max(win, [2, 4], true), win)));
      // Ties (e.g. windows of zeros after a ReLU) share the selection, so the value is still the max.
      this.masks.set(key, tf.keep(tf.div(hit, tf.sum(hit, [2, 4], true))));
    }
    return tf.sum(tf.mul(win, this.mask(key)), [2, 4]) as tf.Tensor4D;
  }

  /** Every later pass replays the pattern recorded so far. */
  freeze(): void {
    this.recording = false;
  }

  private mask(key: string): tf.Tensor {
    const m = this.masks.get(key);
    if (!m) throw new Error(`no recorded activation pattern for "${key}"`);
    return m;
  }

  dispose(): void {
    tf.dispose([...this.masks.values()]);
    this.masks.clear();
  }
}
