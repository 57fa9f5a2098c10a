import { describe, expect, it } from 'vitest';
import { deformSlope, deformValue } from '../src/engine/optim/deformation';
import { createRng } from '../src/engine/rng';
import { ExpressionError, expressionSurface } from '../src/engine/toy/expression';
import { runToy, ToyRun, toyRunSchema } from '../src/engine/toy/optimizers';
import { TOY_PRESETS } from '../src/engine/toy/presets';
import { TOY_CONTROLS } from '../src/engine/toy/controls';
import { hessianEigenvalues, SURFACES, type Surface, type Vec2 } from '../src/engine/toy/surfaces';
import { runMain } from './helpers';

function numericGradient(s: Pick<Surface, 'value'>, p: Vec2, h = 1e-6): Vec2 {
  return [
    (s.value([p[0] + h, p[1]]) - s.value([p[0] - h, p[1]])) / (2 * h),
    (s.value([p[0], p[1] + h]) - s.value([p[0], p[1] - h])) / (2 * h),
  ];
}

function gridOf(s: Surface, n = 9): Vec2[] {
  const [x0, x1, y0, y1] = s.view;
  const out: Vec2[] = [];
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out.push([x0 + ((x1 - x0) * (i + 0.37)) / n, y0 + ((y1 - y0) * (j + 0.61)) / n]);
  return out;
}

describe('toy surfaces', () => {
  it('have analytic gradients that match central differences over a grid of points', () => {
    for (const s of Object.values(SURFACES)) {
      for (const p of gridOf(s)) {
        const g = s.gradient(p);
        const n = numericGradient(s, p);
        for (const i of [0, 1]) expect(Math.abs(g[i] - n[i]), `${s.id} at ${p}`).toBeLessThan(1e-5 * Math.max(1, Math.abs(n[i])));
      }
    }
  });

  it('match docs/ALGORITHMS.md at hand-evaluated points', () => {
    const f1 = (p1: number, p2: number) =>
      (0.2 * (0.01 * (p1 + 0.5) ** 2 + 1.32 * Math.atan(0.5 * p1 - 2) ** 2 + Math.atan(10 * (p1 + 5)) ** 2) - 0.5232) *
      (0.02 * (p2 + 0.5) ** 2 + 2.64 * Math.atan(0.5 * p2 - 2) ** 2 + 2 * Math.atan(10 * (p2 + 5)) ** 2 - 5.232);
    expect(SURFACES['deform-fig1'].value([-9.5, -10])).toBeCloseTo(f1(-9.5, -10), 12);
    const g = (p: number, a: number, c: number) =>
      (a * p) ** 2 + Math.cos(p) + Math.sin(3 * p) / 3 + Math.cos(5 * p) / 5 + Math.sin(7 * p) / 7 + c;
    expect(SURFACES['deform-fig5'].value([-6, 11])).toBeCloseTo(0.12 * g(-6, 0.1, 1.331) * g(11, 0.158, 1.25), 12);
    expect(SURFACES.rosenbrock.value([1, 1])).toBe(0);
    expect(SURFACES.himmelblau.value([3, 2])).toBe(0);
    expect(SURFACES.rastrigin.value([0, 0])).toBe(0);
  });

  it('give the 2 x 2 Hessian eigenvalues of a quadratic exactly', () => {
    const q = expressionSurface('2*p1^2 + 0.5*p2^2 + 0.6*p1*p2');
    const [lo, hi] = hessianEigenvalues(q, [0.3, -0.7]);
    const m = 2.5;
    const s = Math.hypot(1.5, 0.6);
    expect(lo).toBeCloseTo(m - s, 5);
    expect(hi).toBeCloseTo(m + s, 5);
  });
});

describe('user formulas', () => {
  it('parse safely, with symbolic gradients that match central differences', () => {
    const s = expressionSurface('sin(p1) * exp(-p2^2) + log(1 + p1^2) - sqrt(abs(p2) + 1)');
    expect(s.symbolic).toBe(true);
    for (const p of [
      [0.3, 0.4],
      [-1.2, 2],
      [2, -0.5],
    ] as Vec2[]) {
      const g = s.gradient(p);
      const n = numericGradient(s, p);
      expect(Math.abs(g[0] - n[0])).toBeLessThan(1e-6);
      expect(Math.abs(g[1] - n[1])).toBeLessThan(1e-6);
    }
  });

  it('refuse bad formulas with the reason and the position', () => {
    expect(() => expressionSurface('p1 + * p2')).toThrow(/character 6/);
    expect(() => expressionSurface('p1 + q')).toThrow(/unknown name "q".*character 6/);
    expect(() => expressionSurface('import("fs")')).toThrow(ExpressionError);
    expect(() => expressionSurface('f(x) = x^2')).toThrow(/not allowed/);
    expect(() => expressionSurface('evaluate("1+1")')).toThrow(/unknown function "evaluate"/);
    expect(() => expressionSurface('"text"')).toThrow(/numbers/);
    expect(() => expressionSurface('  ')).toThrow(/empty/);
    expect(() => expressionSurface('[p1, p2]')).toThrow(/not allowed/);
  });
});

describe('optimizers on a point', () => {
  const bowl = expressionSurface('p1^2 + 3*p2^2'); // ∇ = (2 p1, 6 p2)
  const start: Vec2 = [1, 1];
  const two = (config: object) => {
    const run = new ToyRun(bowl, toyRunSchema.parse(config), start);
    run.step();
    const first = [...run.p];
    run.step();
    return [first, [...run.p]];
  };
  const close = (a: number[][], b: number[][]) => a.forEach((p, i) => p.forEach((v, j) => expect(v).toBeCloseTo(b[i][j], 10)));

  it('GD, momentum (PyTorch convention, Nesterov) and Adam take their first two steps as computed by hand', () => {
    close(two({ optimizer: 'gd', lr: 0.1 }), [
      [0.8, 0.4],
      [0.64, 0.16],
    ]);
    // v1 = g0 = (2, 6), p1 = (0.8, 0.4); g1 = (1.6, 2.4), v2 = 0.9 v1 + g1 = (3.4, 7.8), p2 = p1 − 0.1 v2.
    close(two({ optimizer: 'sgdm', lr: 0.1, momentum: 0.9 }), [
      [0.8, 0.4],
      [0.46, -0.38],
    ]);
    // Nesterov: d1 = g0 + 0.9 v1 = (3.8, 11.4) → p1 = (0.62, −0.14); g1 = (1.24, −0.84), v2 = (3.04, 4.56), d2 = (1.24
    // + 2.736, −0.84 + 4.104).
    close(two({ optimizer: 'sgdm', lr: 0.1, momentum: 0.9, nesterov: true }), [
      [0.62, -0.14],
      [0.62 - 0.3976, -0.14 - 0.3264],
    ]);
    // Adam: the first step is −lr·sign(g) (up to ε).
    const adam = two({ optimizer: 'adam', lr: 0.1 });
    expect(adam[0][0]).toBeCloseTo(0.9, 6);
    expect(adam[0][1]).toBeCloseTo(0.9, 6);
    const g1 = [1.8, 5.4];
    const m = [0.9 * 0.1 * 2 + 0.1 * g1[0], 0.9 * 0.1 * 6 + 0.1 * g1[1]];
    const v = [0.999 * 0.001 * 4 + 0.001 * g1[0] ** 2, 0.999 * 0.001 * 36 + 0.001 * g1[1] ** 2];
    const step = m.map((mi, i) => (0.1 * (mi / (1 - 0.81))) / (Math.sqrt(v[i] / (1 - 0.998001)) + 1e-8));
    expect(adam[1][0]).toBeCloseTo(0.9 - step[0], 8);
    expect(adam[1][1]).toBeCloseTo(0.9 - step[1], 8);
  });

  it('SAM, NSO and noisy SGD take their first two steps as computed by hand (same seeded noise)', () => {
    const samStep = (p: number[]) => {
      const g = [2 * p[0], 6 * p[1]];
      const n = Math.hypot(g[0], g[1]);
      const q = [p[0] + (0.2 * g[0]) / n, p[1] + (0.2 * g[1]) / n];
      return [p[0] - 0.1 * 2 * q[0], p[1] - 0.1 * 6 * q[1]];
    };
    const s1 = samStep([1, 1]);
    close(two({ optimizer: 'sam', lr: 0.1, rho: 0.2 }), [s1, samStep(s1)]);
    // On a quadratic the two-point average is exactly the gradient, whatever the noise.
    close(two({ optimizer: 'nso', lr: 0.1, sigma: 0.5, k: 3, seed: 4 }), [
      [0.8, 0.4],
      [0.64, 0.16],
    ]);
    const rng = createRng(9);
    const n1 = [rng.normal(), rng.normal()];
    const p1 = [1 - 0.1 * (2 + 0.5 * n1[0]), 1 - 0.1 * (6 + 0.5 * n1[1])];
    const n2 = [rng.normal(), rng.normal()];
    const p2 = [p1[0] - 0.1 * (2 * p1[0] + 0.5 * n2[0]), p1[1] - 0.1 * (6 * p1[1] + 0.5 * n2[1])];
    close(two({ optimizer: 'sgd', lr: 0.1, noise: 0.5, seed: 9 }), [p1, p2]);
  });

  it('apply a deformation as δ′(ℓ)·∇ℓ, which matches central differences of δ(ℓ(p))', () => {
    for (const deformation of [
      { kind: 'ap', a1: 10, a2: 1, a3: 1, a4: 1 },
      { kind: 'le', e1: 1, e2: 0.9 },
      { kind: 'ap', a1: 18 / Math.PI, a2: 1, a3: 2, a4: 1 },
    ] as const) {
      const run = new ToyRun(SURFACES.himmelblau, toyRunSchema.parse({ optimizer: 'gd', lr: 0.01, deformation }), [0, 0]);
      for (const p of [
        [0.5, 0.5],
        [3.1, 2.2],
        [-2, 1],
      ] as Vec2[]) {
        const g = run.objectiveGradient(p);
        const n = numericGradient({ value: (q) => deformValue(deformation, SURFACES.himmelblau.value(q)) }, p, 1e-7);
        expect(deformSlope(deformation, SURFACES.himmelblau.value(p)).clamped).toBe(false);
        for (const i of [0, 1]) expect(Math.abs(g[i] - n[i])).toBeLessThan(1e-4 * Math.max(1, Math.abs(n[i])));
      }
    }
  });
});

describe('presets', () => {
  const result = (id: string) => {
    const preset = TOY_PRESETS.find((p) => p.id === id)!;
    return preset.runs.map((r) => runToy(SURFACES[preset.surface], r.config, preset.start, preset.steps));
  };

  it('Figure 1: plain SGDM ends in a sharp minimum, λmax at least 10x the deformed run’s', () => {
    const [plain, deformed] = result('fig1');
    expect(plain.steps).toBe(400);
    expect(plain.hessianEigenvalues[1]).toBeGreaterThan(10 * deformed.hessianEigenvalues[1]);
    expect(plain.gradNorm).toBeLessThan(0.01);
  });

  it('two wells: SGD ends in the narrow well, SAM and NSO in flat regions', () => {
    const [sgd, sam, nso] = result('two-wells');
    expect(sgd.hessianEigenvalues[1]).toBeGreaterThan(10);
    expect(sam.hessianEigenvalues[1]).toBeLessThan(1);
    expect(nso.hessianEigenvalues[1]).toBeLessThan(1);
  });

  it('are reproducible: same seed, same path', () => {
    expect(result('two-wells')[2].path).toEqual(result('two-wells')[2].path);
  });
});

describe('npm run toy', () => {
  async function toy(args: string[]) {
    return runMain((await import('../scripts/toy')).main, args);
  }

  it('prints the run as one JSON object (the Figure 1 experiment), with the path on request', async () => {
    const r = await toy([
      '--surface',
      'deform-fig1',
      '--start=-9.5,-10',
      '--optimizer',
      'sgdm',
      '--lr',
      '0.02',
      '--momentum',
      '0.9',
      '--steps',
      '400',
      '--deform',
      'ap:10,1,1,1',
    ]);
    expect(r.status).toBe(0);
    const json = JSON.parse(r.out);
    expect(Object.keys(json)).toEqual(['surface', 'steps', 'end', 'loss', 'gradNorm', 'hessianEigenvalues']);
    expect(json.steps).toBe(400);
    expect(json.hessianEigenvalues[1]).toBeLessThan(0.1);
    const path = JSON.parse(
      (await toy(['--surface', 'himmelblau', '--optimizer', 'gd', '--lr', '0.01', '--steps', '5', '--path'])).out,
    ).path;
    expect(path).toHaveLength(6);
    expect(path[0]).toEqual([0, 0, 170]);
  });

  it('refuses bad arguments with a clear message and exit code 2', async () => {
    for (const [args, message] of [
      [['--surface', 'nope', '--optimizer', 'gd', '--lr', '0.1'], /--surface must be one of/],
      [['--surface', 'rosenbrock', '--optimizer', 'gd', '--lr', 'fast'], /--lr must be a number/],
      [['--surface', 'rosenbrock', '--optimizer', 'sam', '--lr', '0.1', '--rho', '-1'], /rho/],
      [['--surface', 'rosenbrock', '--optimizer', 'gd', '--lr', '0.1', '--deform', 'le:1,2'], /e2/],
      [['--surface', 'rosenbrock', '--optimizer', 'gd', '--lr', '0.1', '--start=1'], /--start must be/],
      [['--surface', 'rosenbrock', '--optimizer', 'gd', '--lr', '0.1', '--bogus'], /unknown option --bogus/],
      [['--surface', 'rosenbrock', '--optimizer', 'lbfgs', '--lr', '0.1'], /optimizer must be one of/],
    ] as const) {
      const r = await toy([...args]);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.err).toMatch(message);
      expect(r.out).toBe('');
    }
  });
});

describe('the toy controls and toyRunSchema', () => {
  it('describe the same ranges: every control accepts its bounds and refuses what lies outside them', () => {
    for (const [optimizer, controls] of Object.entries(TOY_CONTROLS)) {
      for (const control of controls) {
        if (!('min' in control)) continue;
        const accepts = (value: number) => toyRunSchema.safeParse({ optimizer, lr: 0.02, [control.key]: value }).success;
        const low = control.exclusiveMin ? control.min + control.step : control.min;
        expect(accepts(low), `${optimizer} ${control.key} = ${low}`).toBe(true);
        expect(accepts(control.max), `${optimizer} ${control.key} = ${control.max}`).toBe(true);
        expect(accepts(control.exclusiveMin ? control.min : control.min - 1), `${optimizer} ${control.key} below`).toBe(false);
        expect(accepts(control.max + Math.max(1, control.max)), `${optimizer} ${control.key} above`).toBe(false);
        if (control.integer) expect(accepts(control.min + 0.5), `${optimizer} ${control.key} fractional`).toBe(false);
      }
    }
  });
});
