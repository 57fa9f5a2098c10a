import * as tf from '@tensorflow/tfjs-core';
import type { Params } from '../model/params';
import { cloneParams, disposeParams, readParams, uploadParams, type ParamSpec } from '../model/params';
import type { MomentumConfig } from './config';
import type { BaseOptimizer, OptimizerState } from './types';

/**
 * SGD with momentum, PyTorch convention (dampening 0):
 *   g ← g + λ θ;  v ← μ v + g  (v starts at 0, so the first v is g);
 *   θ ← θ − η v,  or with Nesterov  θ ← θ − η (g + μ v).
 */
export class Momentum implements BaseOptimizer<MomentumConfig> {
  private velocity: Params | null = null;

  constructor(public settings: MomentumConfig) {}

  apply(params: Params, grads: Params, lr: number): Params {
    const { momentum, nesterov, weightDecay } = this.settings;
    const next: Params = {};
    const velocity: Params = {};
    tf.tidy(() => {
      for (const [name, theta] of Object.entries(params)) {
        const g = weightDecay > 0 ? tf.add(grads[name], tf.mul(theta, weightDecay)) : grads[name];
        const previous = this.velocity?.[name];
        const v = previous ? tf.add(tf.mul(previous, momentum), g) : tf.clone(g);
        const direction = nesterov ? tf.add(g, tf.mul(v, momentum)) : v;
        velocity[name] = tf.keep(v);
        next[name] = tf.keep(tf.sub(theta, tf.mul(direction, lr)));
      }
    });
    this.dispose();
    this.velocity = velocity;
    return next;
  }

  clone(): Momentum {
    const copy = new Momentum(this.settings);
    copy.velocity = this.velocity ? cloneParams(this.velocity) : null;
    return copy;
  }

  async saveState(): Promise<OptimizerState> {
    return { buffers: this.velocity ? { velocity: await readParams(this.velocity) } : {}, step: 0 };
  }

  loadState(state: OptimizerState, specs: readonly ParamSpec[]): void {
    this.dispose();
    const velocity = state.buffers.velocity;
    this.velocity = velocity ? uploadParams(specs, velocity) : null;
  }

  dispose(): void {
    if (this.velocity) disposeParams(this.velocity);
    this.velocity = null;
  }
}
