import { z } from 'zod';
import { seedSchema } from '../validation';
import { deformationSchema, deformSlope } from '../optim/deformation';
import { createRng, type Rng } from '../rng';
import { hessianEigenvalues, type Surface, type Vec2 } from './surfaces';

export const TOY_OPTIMIZERS = {
  gd: 'gradient descent: p ← p − η g',
  sgd: 'gradient plus Gaussian noise of scale s (seeded): p ← p − η (g + s ξ)',
  sgdm: 'momentum, PyTorch convention: v ← μ v + g, p ← p − η v (Nesterov: p ← p − η (g + μ v))',
  adam: 'Adam (bias-corrected first and second moments)',
  sam: 'SAM: g at p + ρ g/‖g‖, then a (momentum) step',
  nso: 'NSO: mean of g at p ± U over k draws U ~ N(0, σ² I), then a (momentum) step',
} as const;

export type ToyOptimizerKind = keyof typeof TOY_OPTIMIZERS;

export const toyRunSchema = z.object({
  optimizer: z.enum(Object.keys(TOY_OPTIMIZERS) as [ToyOptimizerKind, ...ToyOptimizerKind[]], {
    error: `optimizer must be one of ${Object.keys(TOY_OPTIMIZERS).join(', ')}`,
  }),
  lr: z.number().gt(0).max(100),
  momentum: z.number().min(0).max(0.999).default(0),
  nesterov: z.boolean().default(false),
  beta1: z.number().min(0).max(0.999).default(0.9),
  beta2: z.number().min(0).max(0.9999).default(0.999),
  epsilon: z.number().gt(0).max(1).default(1e-8),
  rho: z.number().min(0).max(10).default(0.05),
  sigma: z.number().min(0).max(10).default(0.1),
  k: z.number().int().min(1).max(64).default(1),
  /** Scale of the Gaussian gradient noise (sgd; any optimizer when above 0). */
  noise: z.number().min(0).max(100).default(0),
  seed: seedSchema.default(0),
  deformation: deformationSchema.default({ kind: 'none' }),
});

export type ToyRunConfig = z.infer<typeof toyRunSchema>;

/** One optimizer on one surface, advanced a step at a time (the lab animates it; the CLI runs it). */
export class ToyRun {
  p: Vec2;
  steps = 0;
  private v: Vec2 = [0, 0];
  private m: Vec2 = [0, 0];
  private s: Vec2 = [0, 0];
  private readonly rng: Rng;

  constructor(
    readonly surface: Surface,
    readonly config: ToyRunConfig,
    start: Vec2,
  ) {
    this.p = [start[0], start[1]];
    this.rng = createRng(config.seed);
  }

  /** ∇δ(ℓ) = δ'(ℓ)·∇ℓ at q (δ the identity without a deformation); the slope is guarded. */
  objectiveGradient(q: Vec2): Vec2 {
    const g = this.surface.gradient(q);
    if (this.config.deformation.kind === 'none') return g;
    const { slope } = deformSlope(this.config.deformation, this.surface.value(q));
    return [slope * g[0], slope * g[1]];
  }

  /** The gradient the update uses: plain, SAM's ascent point, or NSO's two-point average. */
  private methodGradient(): Vec2 {
    const { config, p } = this;
    if (config.optimizer === 'sam') {
      const g = this.objectiveGradient(p);
      const scale = config.rho / (Math.hypot(g[0], g[1]) + 1e-12);
      return this.objectiveGradient([p[0] + scale * g[0], p[1] + scale * g[1]]);
    }
    if (config.optimizer === 'nso') {
      const sum: Vec2 = [0, 0];
      for (let i = 0; i < config.k; i++) {
        const u: Vec2 = [config.sigma * this.rng.normal(), config.sigma * this.rng.normal()];
        const plus = this.objectiveGradient([p[0] + u[0], p[1] + u[1]]);
        const minus = this.objectiveGradient([p[0] - u[0], p[1] - u[1]]);
        sum[0] += plus[0] + minus[0];
        sum[1] += plus[1] + minus[1];
      }
      return [sum[0] / (2 * config.k), sum[1] / (2 * config.k)];
    }
    return this.objectiveGradient(p);
  }

  step(): void {
    const c = this.config;
    let g = this.methodGradient();
    if (c.noise > 0) g = [g[0] + c.noise * this.rng.normal(), g[1] + c.noise * this.rng.normal()];
    this.steps++;
    if (c.optimizer === 'adam') {
      this.m = [c.beta1 * this.m[0] + (1 - c.beta1) * g[0], c.beta1 * this.m[1] + (1 - c.beta1) * g[1]];
      this.s = [c.beta2 * this.s[0] + (1 - c.beta2) * g[0] ** 2, c.beta2 * this.s[1] + (1 - c.beta2) * g[1] ** 2];
      const mc = 1 - c.beta1 ** this.steps;
      const sc = 1 - c.beta2 ** this.steps;
      this.p = [0, 1].map((i) => this.p[i] - (c.lr * (this.m[i] / mc)) / (Math.sqrt(this.s[i] / sc) + c.epsilon)) as Vec2;
      return;
    }
    const mu = c.optimizer === 'gd' || c.optimizer === 'sgd' ? 0 : c.momentum;
    if (mu === 0) {
      this.p = [this.p[0] - c.lr * g[0], this.p[1] - c.lr * g[1]];
      return;
    }
    this.v = [mu * this.v[0] + g[0], mu * this.v[1] + g[1]];
    const d: Vec2 = c.nesterov ? [g[0] + mu * this.v[0], g[1] + mu * this.v[1]] : this.v;
    this.p = [this.p[0] - c.lr * d[0], this.p[1] - c.lr * d[1]];
  }

  /** Loss, gradient norm and the 2 x 2 Hessian's eigenvalues of the plain surface at the current point. */
  readout(): { loss: number; gradNorm: number; hessianEigenvalues: Vec2 } {
    const g = this.surface.gradient(this.p);
    return {
      loss: this.surface.value(this.p),
      gradNorm: Math.hypot(g[0], g[1]),
      hessianEigenvalues: hessianEigenvalues(this.surface, this.p),
    };
  }
}

export interface ToyResult {
  surface: string;
  steps: number;
  end: Vec2;
  loss: number;
  gradNorm: number;
  hessianEigenvalues: Vec2;
  /** (p1, p2, ℓ) from the start through every step. */
  path: Array<[number, number, number]>;
}

/** Runs `steps` steps from `start`; stops early (and says so through `steps`) if the point leaves the finite numbers. */
export function runToy(surface: Surface, config: ToyRunConfig, start: Vec2, steps: number): ToyResult {
  const run = new ToyRun(surface, config, start);
  const path: Array<[number, number, number]> = [[start[0], start[1], surface.value(start)]];
  for (let i = 0; i < steps; i++) {
    run.step();
    if (!Number.isFinite(run.p[0]) || !Number.isFinite(run.p[1])) break;
    path.push([run.p[0], run.p[1], surface.value(run.p)]);
  }
  const last = path[path.length - 1];
  run.p = [last[0], last[1]];
  return { surface: surface.id, steps: path.length - 1, end: run.p, ...run.readout(), path };
}
