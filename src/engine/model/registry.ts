import { createCnn } from './cnn';
import type { Model } from './model';
import { createMlp } from './mlp';
import type { ModelSpec } from './spec';

export function createModel(spec: ModelSpec, inputShape: [number, number, number], classes: number): Model {
  switch (spec.kind) {
    case 'mlp':
      return createMlp(spec, inputShape, classes);
    case 'cnn':
      return createCnn(spec, inputShape, classes);
  }
}
