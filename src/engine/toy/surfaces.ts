/**
 * 2D test surfaces ℓ(p1, p2) with analytic gradients (plain numbers, no tensors). The two of the
 * deformation paper's appendix C follow docs/ALGORITHMS.md ("Toy surfaces"; atan(u)² means (atan u)²).
 */
export type Vec2 = [number, number];

export interface Surface {
  id: string;
  label: string;
  description: string;
  value(p: Vec2): number;
  gradient(p: Vec2): Vec2;
  /** Default view box [p1min, p1max, p2min, p2max] and start point. */
  view: [number, number, number, number];
  start: Vec2;
}

const sq = (x: number) => x * x;
/** d/du atan(u)² = 2 atan(u) / (1 + u²). */
const dAtanSq = (u: number) => (2 * Math.atan(u)) / (1 + u * u);

function fig1Factors(p1: number, p2: number) {
  const a = 0.5 * p1 - 2;
  const b = 10 * (p1 + 5);
  const c = 0.5 * p2 - 2;
  const d = 10 * (p2 + 5);
  const f = 0.2 * (0.01 * sq(p1 + 0.5) + 1.32 * sq(Math.atan(a)) + sq(Math.atan(b))) - 0.5232;
  const df = 0.2 * (0.02 * (p1 + 0.5) + 1.32 * 0.5 * dAtanSq(a) + 10 * dAtanSq(b));
  const g = 0.02 * sq(p2 + 0.5) + 2.64 * sq(Math.atan(c)) + 2 * sq(Math.atan(d)) - 5.232;
  const dg = 0.04 * (p2 + 0.5) + 2.64 * 0.5 * dAtanSq(c) + 2 * 10 * dAtanSq(d);
  return { f, df, g, dg };
}

/** g(p; a, c) = (a p)² + cos p + sin(3p)/3 + cos(5p)/5 + sin(7p)/7 + c, and its derivative. */
function fig5Factor(p: number, a: number, c: number): [number, number] {
  const value = sq(a * p) + Math.cos(p) + Math.sin(3 * p) / 3 + Math.cos(5 * p) / 5 + Math.sin(7 * p) / 7 + c;
  const slope = 2 * a * a * p - Math.sin(p) + Math.cos(3 * p) - Math.sin(5 * p) + Math.cos(7 * p);
  return [value, slope];
}

/** A Gaussian well −depth·exp(−|p − c|² / 2w²) and its gradient. */
function well(p: Vec2, c: Vec2, depth: number, width: number): [number, Vec2] {
  const dx = p[0] - c[0];
  const dy = p[1] - c[1];
  const e = depth * Math.exp(-(dx * dx + dy * dy) / (2 * width * width));
  return [-e, [(e * dx) / (width * width), (e * dy) / (width * width)]];
}

const TWO_WELLS = { sharp: [-2, 1] as Vec2, wide: [2, -1] as Vec2 };

export const SURFACES: Record<string, Surface> = {
  'deform-fig1': {
    id: 'deform-fig1',
    label: 'Deformation paper, Figure 1',
    description:
      'ℓ = (0.2(0.01(p1+0.5)² + 1.32 atan(0.5p1−2)² + atan(10(p1+5))²) − 0.5232)·((0.02(p2+0.5)² ' +
      '+ 2.64 atan(0.5p2−2)² + 2 atan(10(p2+5))²) − 5.232)',
    value: ([p1, p2]) => {
      const { f, g } = fig1Factors(p1, p2);
      return f * g;
    },
    gradient: ([p1, p2]) => {
      const { f, df, g, dg } = fig1Factors(p1, p2);
      return [df * g, f * dg];
    },
    view: [-12, 8, -12, 8],
    start: [-9.5, -10],
  },
  'deform-fig5': {
    id: 'deform-fig5',
    label: 'Deformation paper, Figure 5',
    description: 'ℓ = 0.12 · g(p1; 0.1, 1.331) · g(p2; 0.158, 1.25), g(p; a, c) = (ap)² + cos p + sin 3p/3 + cos 5p/5 + sin 7p/7 + c',
    value: ([p1, p2]) => 0.12 * fig5Factor(p1, 0.1, 1.331)[0] * fig5Factor(p2, 0.158, 1.25)[0],
    gradient: ([p1, p2]) => {
      const [g1, d1] = fig5Factor(p1, 0.1, 1.331);
      const [g2, d2] = fig5Factor(p2, 0.158, 1.25);
      return [0.12 * d1 * g2, 0.12 * g1 * d2];
    },
    view: [-12, 12, -12, 12],
    start: [-6, 11],
  },
  rosenbrock: {
    id: 'rosenbrock',
    label: 'Rosenbrock',
    description: 'ℓ = (1 − p1)² + 100 (p2 − p1²)²: a curved, narrow valley to the minimum at (1, 1)',
    value: ([x, y]) => sq(1 - x) + 100 * sq(y - x * x),
    gradient: ([x, y]) => [-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)],
    view: [-2, 2, -1, 3],
    start: [-1.5, 2],
  },
  himmelblau: {
    id: 'himmelblau',
    label: 'Himmelblau',
    description: 'ℓ = (p1² + p2 − 11)² + (p1 + p2² − 7)²: four minima of value 0',
    value: ([x, y]) => sq(x * x + y - 11) + sq(x + y * y - 7),
    gradient: ([x, y]) => [4 * x * (x * x + y - 11) + 2 * (x + y * y - 7), 2 * (x * x + y - 11) + 4 * y * (x + y * y - 7)],
    view: [-5, 5, -5, 5],
    start: [0, 0],
  },
  rastrigin: {
    id: 'rastrigin',
    label: 'Rastrigin',
    description: 'ℓ = 20 + Σ (p² − 10 cos 2πp): a grid of local minima around the global one at (0, 0)',
    value: ([x, y]) => 20 + x * x - 10 * Math.cos(2 * Math.PI * x) + y * y - 10 * Math.cos(2 * Math.PI * y),
    gradient: ([x, y]) => [2 * x + 20 * Math.PI * Math.sin(2 * Math.PI * x), 2 * y + 20 * Math.PI * Math.sin(2 * Math.PI * y)],
    view: [-5.12, 5.12, -5.12, 5.12],
    start: [3.3, -2.7],
  },
  'two-wells': {
    id: 'two-wells',
    label: 'Two wells (sharp vs flat)',
    description:
      'ℓ = 1 + 0.02|p|² − 1.2·exp(−|p − (−2, 1)|²/2·0.3²) − 0.8·exp(−|p − (2, −1)|²/2·1.5²): a narrow deep well and a wide shallow one',
    value: (p) => 1 + 0.02 * (p[0] * p[0] + p[1] * p[1]) + well(p, TWO_WELLS.sharp, 1.2, 0.3)[0] + well(p, TWO_WELLS.wide, 0.8, 1.5)[0],
    gradient: (p) => {
      const a = well(p, TWO_WELLS.sharp, 1.2, 0.3)[1];
      const b = well(p, TWO_WELLS.wide, 0.8, 1.5)[1];
      return [0.04 * p[0] + a[0] + b[0], 0.04 * p[1] + a[1] + b[1]];
    },
    view: [-4, 5, -4, 4],
    start: [-1.4, 0.4],
  },
};

export const SURFACE_IDS = Object.keys(SURFACES);

/** Eigenvalues (λmin, λmax) of the 2 x 2 Hessian at p, by central differences of the gradient. */
export function hessianEigenvalues(surface: Pick<Surface, 'gradient'>, p: Vec2): Vec2 {
  const h = 1e-5 * Math.max(1, Math.abs(p[0]), Math.abs(p[1]));
  const gx1 = surface.gradient([p[0] + h, p[1]]);
  const gx0 = surface.gradient([p[0] - h, p[1]]);
  const gy1 = surface.gradient([p[0], p[1] + h]);
  const gy0 = surface.gradient([p[0], p[1] - h]);
  const a = (gx1[0] - gx0[0]) / (2 * h);
  const d = (gy1[1] - gy0[1]) / (2 * h);
  const b = ((gx1[1] - gx0[1]) / (2 * h) + (gy1[0] - gy0[0]) / (2 * h)) / 2;
  const mean = (a + d) / 2;
  const spread = Math.hypot((a - d) / 2, b);
  return [mean - spread, mean + spread];
}
