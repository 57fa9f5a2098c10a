import * as tf from '@tensorflow/tfjs-core';
import type { Params } from '../model/params';
import { mapParams } from '../model/params';
import type { SgdConfig } from './config';
import type { BaseOptimizer, OptimizerState } from './types';

/** Plain SGD: θ ← θ − η (g + λ θ). */
export class Sgd implements BaseOptimizer<SgdConfig> {
  constructor(public settings: SgdConfig) {}

  apply(params: Params, grads: Params, lr: number): Params {
    const { weightDecay } = this.settings;
    return mapParams(params, (theta, name) => {
      const g = weightDecay > 0 ? tf.add(grads[name], tf.mul(theta, weightDecay)) : grads[name];
      return tf.sub(theta, tf.mul(g, lr));
    });
  }

  clone(): Sgd {
    return new Sgd(this.settings);
  }

  async saveState(): Promise<OptimizerState> {
    return { buffers: {}, step: 0 };
  }

  loadState(): void {}

  dispose(): void {}
}
