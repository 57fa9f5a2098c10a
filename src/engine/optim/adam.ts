import * as tf from '@tensorflow/tfjs-core';
import type { Params } from '../model/params';
import { cloneParams, disposeParams, readParams, uploadParams, type ParamSpec } from '../model/params';
import type { AdamConfig } from './config';
import type { BaseOptimizer, OptimizerState } from './types';

/**
 * Adam (Kingma & Ba), PyTorch convention. With L2 weight decay g ← g + λ θ; with decoupled weight
 * decay (AdamW) θ ← θ − η λ θ before the Adam step instead.
 *   m ← β1 m + (1 − β1) g;  v ← β2 v + (1 − β2) g²;
 *   θ ← θ − η · (m / (1 − β1ᵗ)) / (√(v / (1 − β2ᵗ)) + ε)
 */
export class Adam implements BaseOptimizer<AdamConfig> {
  private m: Params | null = null;
  private v: Params | null = null;
  private t = 0;

  constructor(public settings: AdamConfig) {}

  apply(params: Params, grads: Params, lr: number): Params {
    const { beta1, beta2, epsilon, weightDecay, decoupled } = this.settings;
    this.t++;
    const correction1 = 1 - beta1 ** this.t;
    const correction2 = 1 - beta2 ** this.t;
    const next: Params = {};
    const m: Params = {};
    const v: Params = {};
    tf.tidy(() => {
      for (const [name, theta] of Object.entries(params)) {
        const g = weightDecay > 0 && !decoupled ? tf.add(grads[name], tf.mul(theta, weightDecay)) : grads[name];
        const decayed = weightDecay > 0 && decoupled ? tf.mul(theta, 1 - lr * weightDecay) : theta;
        const mPrev = this.m?.[name];
        const vPrev = this.v?.[name];
        const mNew = mPrev ? tf.add(tf.mul(mPrev, beta1), tf.mul(g, 1 - beta1)) : tf.mul(g, 1 - beta1);
        const vNew = vPrev ? tf.add(tf.mul(vPrev, beta2), tf.mul(tf.square(g), 1 - beta2)) : tf.mul(tf.square(g), 1 - beta2);
        const denominator = tf.add(tf.sqrt(tf.div(vNew, correction2)), epsilon);
        const update = tf.div(tf.div(mNew, correction1), denominator);
        m[name] = tf.keep(mNew);
        v[name] = tf.keep(vNew);
        next[name] = tf.keep(tf.sub(decayed, tf.mul(update, lr)));
      }
    });
    this.releaseMoments();
    this.m = m;
    this.v = v;
    return next;
  }

  clone(): Adam {
    const copy = new Adam(this.settings);
    copy.t = this.t;
    copy.m = this.m ? cloneParams(this.m) : null;
    copy.v = this.v ? cloneParams(this.v) : null;
    return copy;
  }

  async saveState(): Promise<OptimizerState> {
    const buffers: OptimizerState['buffers'] = {};
    if (this.m) buffers.m = await readParams(this.m);
    if (this.v) buffers.v = await readParams(this.v);
    return { buffers, step: this.t };
  }

  loadState(state: OptimizerState, specs: readonly ParamSpec[]): void {
    this.releaseMoments();
    this.t = state.step;
    this.m = state.buffers.m ? uploadParams(specs, state.buffers.m) : null;
    this.v = state.buffers.v ? uploadParams(specs, state.buffers.v) : null;
  }

  dispose(): void {
    this.releaseMoments();
  }

  private releaseMoments(): void {
    if (this.m) disposeParams(this.m);
    if (this.v) disposeParams(this.v);
    this.m = null;
    this.v = null;
  }
}
