import { mapEntries, type Params } from '../../model/params';
import type { Tf } from '../../tf';
import { booleanParam, numberParam, shortNumber } from '../controls';
import { defineOptimizer, LR, WEIGHT_DECAY, type BaseOptimizer, type OptimizerBuffers } from '../optimizerDescriptor';
import { weightDecayText } from './sgd';

const MOMENTUM = numberParam({
  key: 'momentum',
  label: 'momentum μ',
  help: 'Fraction of the previous velocity kept each step.',
  min: 0,
  max: 0.999,
  step: 0.01,
  default: 0.9,
});
const NESTEROV = booleanParam({
  key: 'nesterov',
  label: 'Nesterov',
  help: 'Look-ahead variant: step along g + μv instead of v.',
  default: false,
});

interface MomentumSettings {
  kind: 'momentum';
  lr: number;
  weightDecay: number;
  momentum: number;
  nesterov: boolean;
}

/**
 * SGD with momentum, PyTorch convention (dampening 0):
 *   g ← g + λ θ;  v ← μ v + g  (v starts at 0, so the first v is g);
 *   θ ← θ − η v,  or with Nesterov  θ ← θ − η (g + μ v).
 */
class Momentum implements BaseOptimizer<MomentumSettings> {
  private velocity: Params | null = null;

  constructor(
    private readonly tf: Tf,
    public settings: MomentumSettings,
  ) {}

  apply(params: Params, grads: Params, lr: number): Params {
    const { tf } = this;
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
    const copy = new Momentum(this.tf, this.settings);
    copy.velocity = this.velocity ? mapEntries(this.velocity, (t) => this.tf.keep(t.clone())) : null;
    return copy;
  }

  state(): OptimizerBuffers {
    return { buffers: this.velocity ? { velocity: this.velocity } : {}, step: 0 };
  }

  restore(state: OptimizerBuffers): void {
    this.dispose();
    this.velocity = state.buffers.velocity ?? null;
  }

  dispose(): void {
    if (this.velocity) this.tf.dispose(this.velocity);
    this.velocity = null;
  }
}

export const momentum = defineOptimizer({
  kind: 'momentum',
  label: 'SGD + momentum',
  longName: 'SGD with momentum',
  help: 'PyTorch convention: v ← μv + g, θ ← θ − ηv (Nesterov: θ ← θ − η(g + μv)).',
  controls: [LR, MOMENTUM, NESTEROV, WEIGHT_DECAY],
  summary: (c) =>
    `SGD + momentum η ${shortNumber(c.lr)} μ ${shortNumber(c.momentum)}${c.nesterov ? ' (Nesterov)' : ''}${weightDecayText(c.weightDecay)}`,
  create: (config, tf) => new Momentum(tf, config),
});
