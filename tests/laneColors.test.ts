import { describe, expect, it } from 'vitest';
import { LANE_COLORS } from '../src/engine/train/config';

/** sRGB hex → linear RGB. */
function linear(hex: string): number[] {
  return [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
}

const mul = (m: number[][], v: number[]) => m.map((row) => row.reduce((acc, x, j) => acc + x * v[j], 0));

/** Linear RGB → CIELAB (D65). */
function lab(rgb: number[]): number[] {
  const xyz = mul(
    [
      [0.4124, 0.3576, 0.1805],
      [0.2126, 0.7152, 0.0722],
      [0.0193, 0.1192, 0.9505],
    ],
    rgb,
  );
  const white = [0.95047, 1, 1.08883];
  const f = (t: number) => (t > 216 / 24389 ? Math.cbrt(t) : ((24389 / 27) * t) / 116 + 16 / 116);
  const [fx, fy, fz] = xyz.map((v, i) => f(v / white[i]));
  return [116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)];
}

// Machado, Oliveira & Fernandes (2009), severity 1, on linear RGB.
const VISION: Record<string, number[][]> = {
  normal: [
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
  ],
  protanopia: [
    [0.152286, 1.052583, -0.204868],
    [0.114503, 0.786281, 0.099216],
    [-0.003882, -0.048116, 1.051998],
  ],
  deuteranopia: [
    [0.367322, 0.860646, -0.227968],
    [0.280085, 0.672501, 0.047413],
    [-0.01182, 0.04294, 0.968881],
  ],
  tritanopia: [
    [1.255528, -0.076749, -0.178779],
    [-0.078411, 0.930809, 0.147602],
    [0.004733, 0.691367, 0.3039],
  ],
};

function closestPair(vision: number[][]): { distance: number; pair: [string, string] } {
  const points = LANE_COLORS.map((c) => lab(mul(vision, linear(c)).map((v) => Math.min(1, Math.max(0, v)))));
  let best = { distance: Infinity, pair: ['', ''] as [string, string] };
  for (let i = 0; i < points.length; i++)
    for (let j = i + 1; j < points.length; j++) {
      const d = Math.hypot(...points[i].map((v, k) => v - points[j][k]));
      if (d < best.distance) best = { distance: d, pair: [LANE_COLORS[i], LANE_COLORS[j]] };
    }
  return best;
}

describe('lane colours', () => {
  it('8 lanes get 8 colours, pairwise distinct (CIELAB ΔE) in normal vision and under simulated colour blindness', () => {
    expect(new Set(LANE_COLORS).size).toBe(8);
    // The palette before (two reds, ΔE 6.6; blue and purple ΔE 2.5 under deuteranopia) fails both.
    for (const [name, matrix] of Object.entries(VISION)) {
      const { distance, pair } = closestPair(matrix);
      expect(distance, `${name}: ${pair.join(' and ')}`).toBeGreaterThan(name === 'normal' ? 25 : 15);
    }
  });
});
