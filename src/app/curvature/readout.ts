/**
 * The live sentence above the curvature charts: over the last few steps every tracked lane has a
 * λmax for (a lane's λmax swings from round to round as it trains, so one round can mislead), which
 * lane is flattest on average, by how much, and whether the gap is beyond the measurements'
 * uncertainty (the Lanczos residual: some eigenvalue lies within it of the tracked value).
 */
import type { LaneSeries } from '../training/store';

export interface RankedLane {
  laneId: string;
  name: string;
  lambdaMax: number;
  residual: number;
}

/** How many of the latest common rounds the read-out averages. */
export const READOUT_ROUNDS = 3;

export interface CurvatureReadout {
  /** The latest step every lane was measured at. */
  step: number;
  /** The steps averaged (the last READOUT_ROUNDS common ones, ascending). */
  steps: number[];
  /** Flattest (smallest λmax) first. */
  ranked: RankedLane[];
  sentence: string;
}

const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : Number(v.toPrecision(3)).toString());

function valueAt(series: LaneSeries | undefined, metric: 'hess_lmax' | 'hess_lmax_resid', step: number): number | undefined {
  const s = series?.[metric];
  if (!s) return undefined;
  const i = s.steps.lastIndexOf(step);
  return i >= 0 ? s.values[i] : undefined;
}

export function curvatureReadout(
  lanes: ReadonlyArray<{ id: string; name: string }>,
  series: Record<string, LaneSeries>,
): CurvatureReadout | null {
  const tracked = lanes.filter((l) => (series[l.id]?.hess_lmax?.steps.length ?? 0) > 0);
  if (tracked.length === 0) return null;
  const stepSets = tracked.map((l) => new Set(series[l.id].hess_lmax!.steps));
  const common = [...stepSets[0]].filter((s) => stepSets.every((set) => set.has(s)));
  if (common.length === 0) return null;
  const steps = common.sort((a, b) => a - b).slice(-READOUT_ROUNDS);
  const step = steps[steps.length - 1];
  const mean = (l: { id: string }, metric: 'hess_lmax' | 'hess_lmax_resid', missing: number) =>
    steps.reduce((sum, at) => sum + (valueAt(series[l.id], metric, at) ?? missing), 0) / steps.length;
  const ranked = tracked
    .map((l) => ({ laneId: l.id, name: l.name, lambdaMax: mean(l, 'hess_lmax', NaN), residual: mean(l, 'hess_lmax_resid', 0) }))
    .filter((r) => Number.isFinite(r.lambdaMax))
    .sort((a, b) => a.lambdaMax - b.lambdaMax);
  if (ranked.length === 0) return null;
  const flat = ranked[0];
  const when =
    steps.length === 1 ? `At step ${step}` : `Over steps ${steps[0]}–${step} (the last ${steps.length} measurements), on average`;
  if (ranked.length === 1) return { step, steps, ranked, sentence: `${when}, ${flat.name}'s λmax is ${fmt(flat.lambdaMax)}.` };
  const sharp = ranked[ranked.length - 1];
  const ratio = sharp.lambdaMax / flat.lambdaMax;
  if (!(flat.lambdaMax > 0) || ratio < 1.05) {
    return {
      step,
      steps,
      ranked,
      sentence: `${when}, the lanes' λmax are within 5% of each other (${fmt(flat.lambdaMax)} to ${fmt(sharp.lambdaMax)}).`,
    };
  }
  const resolved = flat.lambdaMax + flat.residual < sharp.lambdaMax - sharp.residual;
  const sentence =
    `${when}, ${flat.name}'s λmax is ${ratio.toFixed(1)}x lower than ${sharp.name}'s ` +
    `(${fmt(flat.lambdaMax)} vs ${fmt(sharp.lambdaMax)})` +
    (resolved ? ': the flatter minimum.' : ', within the measurement’s uncertainty.');
  return { step, steps, ranked, sentence };
}
