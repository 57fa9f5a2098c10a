import { describe, expect, it } from 'vitest';
import { averageSharpness, sharpnessMeasures, worstSharpness } from '../src/engine/analyses/sharpness';
import { DIRECT_CONTROL } from '../src/engine/control';
import { largestEigenvalue, QuadraticObjective, rotatedMatrix } from './quadraticObjective';

const spectrum = [9, 3, 2, 1.5, 1, 1, 0.5, 0.5, 0.2, 0.1, 0.1, 0.05];
const d = spectrum.length;
const h = rotatedMatrix(spectrum, 4);
const trace = spectrum.reduce((a, b) => a + b, 0);
const theta = Float64Array.from({ length: d }, (_, i) => 0.5 + 0.1 * i);
const atMinimum = new QuadraticObjective(h, [theta]);

describe('sharpness measures on a quadratic at its minimum (closed forms of docs/ALGORITHMS.md)', () => {
  it('average-case: ρ²/(2d)·Tr(H) plain, ρ²/(2d)·Σ θᵢ² Hᵢᵢ adaptive', async () => {
    const rho = 0.3;
    const plain = await averageSharpness(atMinimum, theta, rho, 400, 1, null, DIRECT_CONTROL);
    const exact = ((rho * rho) / (2 * d)) * trace;
    expect(Math.abs(plain.value - exact)).toBeLessThan(4 * plain.stdError);
    expect(plain.stdError / exact).toBeLessThan(0.05);
    const weights = theta.map(Math.abs);
    const adaptive = await averageSharpness(atMinimum, theta, rho, 400, 2, weights, DIRECT_CONTROL);
    const exactAdaptive = ((rho * rho) / (2 * d)) * h.reduce((acc, row, i) => acc + theta[i] ** 2 * row[i], 0);
    expect(Math.abs(adaptive.value - exactAdaptive)).toBeLessThan(4 * adaptive.stdError);
    expect(adaptive.stdError / exactAdaptive).toBeLessThan(0.05);
  });

  it('worst-case: ½ρ²λmax plain and ½ρ²λmax(DHD) adaptive, D = diag|θ|, within 1%', async () => {
    const rho = 0.2;
    const plain = await worstSharpness(atMinimum, theta, rho, 50, 3, null, null, DIRECT_CONTROL);
    const exact = 0.5 * rho * rho * spectrum[0];
    expect(plain).toBeLessThanOrEqual(exact * (1 + 1e-12));
    expect(plain / exact).toBeGreaterThan(0.999);
    const w = theta.map(Math.abs);
    const dhd = h.map((row, i) => row.map((v, j) => w[i] * v * w[j]));
    const adaptive = await worstSharpness(atMinimum, theta, rho, 50, 4, w, null, DIRECT_CONTROL);
    const exactAdaptive = 0.5 * rho * rho * largestEigenvalue(dhd);
    expect(adaptive).toBeLessThanOrEqual(exactAdaptive * (1 + 1e-12));
    expect(adaptive / exactAdaptive).toBeGreaterThan(0.999);
  });

  it('m-sharpness averages the batches, each with its own δ; the full measures count their work', async () => {
    const batches = new QuadraticObjective(h, [theta, theta, theta]);
    const settings = {
      samples: 3,
      rho: 0.2,
      adaptiveRho: 0.5,
      averageRho: 0.2,
      averageAdaptiveRho: 0.5,
      draws: 50,
      steps: 20,
      m: 1,
      seed: 0,
    };
    const r = await sharpnessMeasures(batches, theta, settings, [0, 1, 2], DIRECT_CONTROL);
    expect(r.loss).toBe(0);
    expect(r.mSharpness?.batches).toBe(3);
    expect(r.mSharpness!.plain.value / (0.5 * 0.04 * spectrum[0])).toBeGreaterThan(0.999);
    expect(r.worst.plain / (0.5 * 0.04 * spectrum[0])).toBeGreaterThan(0.999);
    expect(r.worst.plain).toBeGreaterThan(r.average.plain.value);
    expect(batches.counts.gradients).toBe(2 * 20 * 4);
  });

  it('the default 10 steps already reach most of the maximum', async () => {
    const rho = 0.2;
    const ten = await worstSharpness(atMinimum, theta, rho, 10, 3, null, null, DIRECT_CONTROL);
    expect(ten / (0.5 * rho * rho * spectrum[0])).toBeGreaterThan(0.99);
  });
});
