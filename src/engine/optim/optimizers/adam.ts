import { mapEntries, type Params } from '../../model/params';
import type { Tf } from '../../tf';
import { booleanParam, numberParam, shortNumber } from '../controls';
import { defineOptimizer, LR, WEIGHT_DECAY, type BaseOptimizer, type OptimizerBuffers } from '../optimizerDescriptor';
import { weightDecayText } from './sgd';

const BETA1 = numberParam({
  key: 'beta1',
  label: 'β1',
  help: 'Decay of the first-moment (mean) estimate.',
  min: 0,
  max: 0.999,
  step: 0.001,
  default: 0.9,
});
const BETA2 = numberParam({
  key: 'beta2',
  label: 'β2',
  help: 'Decay of the second-moment (uncentred variance) estimate.',
  min: 0,
  max: 0.9999,
  step: 0.0001,
  default: 0.999,
});
const EPSILON = numberParam({
  key: 'epsilon',
  label: 'ε',
  help: 'Added to √v̂ to avoid division by zero.',
  min: 1e-10,
  max: 1e-2,
  step: 1e-9,
  default: 1e-8,
  log: true,
});
const DECOUPLED = booleanParam({
  key: 'decoupled',
  label: 'decoupled (AdamW)',
  help: 'Shrink θ by ηλ directly instead of adding λθ to the gradient.',
  default: false,
});

interface AdamSettings {
  kind: 'adam';
  lr: number;
  weightDecay: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  decoupled: boolean;
}

/**
 * Adam (Kingma & Ba), PyTorch convention. With L2 weight decay g ← g + λ θ; with decoupled weight
 * decay (AdamW) θ ← θ − η λ θ before the Adam step instead.
 *   m ← β1 m + (1 − β1) g;  v ← β2 v + (1 − β2) g²;
 *   θ ← θ − η · (m / (1 − β1ᵗ)) / (√(v / (1 − β2ᵗ)) + ε)
 */
class Adam implements BaseOptimizer<AdamSettings> {
  private m: Params | null = null;
  private v: Params | null = null;
  private t = 0;

  constructor(
    private readonly tf: Tf,
    public settings: AdamSettings,
  ) {}

  apply(params: Params, grads: Params, lr: number): Params {
    const { tf } = this;
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
    this.dispose();
    this.m = m;
    this.v = v;
    return next;
  }

  clone(): Adam {
    const copy = new Adam(this.tf, this.settings);
    const keep = (p: Params | null) => (p ? mapEntries(p, (t) => this.tf.keep(t.clone())) : null);
    copy.t = this.t;
    copy.m = keep(this.m);
    copy.v = keep(this.v);
    return copy;
  }

  state(): OptimizerBuffers {
    const buffers: OptimizerBuffers['buffers'] = {};
    if (this.m) buffers.m = this.m;
    if (this.v) buffers.v = this.v;
    return { buffers, step: this.t };
  }

  restore(state: OptimizerBuffers): void {
    this.dispose();
    this.t = state.step;
    this.m = state.buffers.m ?? null;
    this.v = state.buffers.v ?? null;
  }

  dispose(): void {
    if (this.m) this.tf.dispose(this.m);
    if (this.v) this.tf.dispose(this.v);
    this.m = null;
    this.v = null;
  }
}

export const adam = defineOptimizer({
  kind: 'adam',
  label: 'Adam',
  longName: 'Adam',
  help: 'Adaptive moments with bias correction (PyTorch convention); AdamW with decoupled weight decay.',
  controls: [{ ...LR, default: 0.001 }, BETA1, BETA2, EPSILON, WEIGHT_DECAY, DECOUPLED],
  summary: (c) => `Adam η ${shortNumber(c.lr)}${weightDecayText(c.weightDecay)}`,
  create: (config, tf) => new Adam(tf, config),
});
