import type { Params } from '../../model/params';
import { mapEntries } from '../../model/params';
import type { Tf } from '../../tf';
import { shortNumber } from '../controls';
import { defineOptimizer, LR, WEIGHT_DECAY, type BaseOptimizer, type OptimizerBuffers } from '../optimizerDescriptor';

interface SgdSettings {
  kind: 'sgd';
  lr: number;
  weightDecay: number;
}

/** Plain SGD: θ ← θ − η (g + λ θ). */
class Sgd implements BaseOptimizer<SgdSettings> {
  constructor(
    private readonly tf: Tf,
    public settings: SgdSettings,
  ) {}

  apply(params: Params, grads: Params, lr: number): Params {
    const { tf } = this;
    const { weightDecay } = this.settings;
    return tf.tidy(() =>
      mapEntries(params, (theta, name) => {
        const g = weightDecay > 0 ? tf.add(grads[name], tf.mul(theta, weightDecay)) : grads[name];
        return tf.sub(theta, tf.mul(g, lr));
      }),
    );
  }

  clone(): Sgd {
    return new Sgd(this.tf, this.settings);
  }

  state(): OptimizerBuffers {
    return { buffers: {}, step: 0 };
  }

  restore(): void {}

  dispose(): void {}
}

export function weightDecayText(weightDecay: number): string {
  return weightDecay > 0 ? ` wd ${shortNumber(weightDecay)}` : '';
}

export const sgd = defineOptimizer({
  kind: 'sgd',
  label: 'SGD',
  longName: 'SGD',
  help: 'Plain stochastic gradient descent: θ ← θ − η g.',
  controls: [LR, WEIGHT_DECAY],
  summary: (c) => `SGD η ${shortNumber(c.lr)}${weightDecayText(c.weightDecay)}`,
  create: (config, tf) => new Sgd(tf, config),
});
