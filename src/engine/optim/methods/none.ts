import { defineMethod } from '../methodDescriptor';

/** No method: the base optimizer receives the plain gradient. */
export const none = defineMethod({
  kind: 'none',
  label: 'none',
  help: 'The plain gradient ∇L(θ).',
  controls: [],
  gradEvals: () => 1,
  summary: () => '',
  parts: () => ({}),
});
