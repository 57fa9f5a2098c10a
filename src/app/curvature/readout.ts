/**
 * The live sentence above the curvature charts: at the latest step every tracked lane has a λmax
 * for, which lane is flattest, by how much, and whether the gap is beyond the measurement's
 * uncertainty (the Lanczos residual: some eigenvalue lies within it of the tracked value).
 */
import type { LaneSeries } from '../training/store';

export interface RankedLane {
  laneId: string;
  name: string;
  lambdaMax: number;
  residual: number;
}

export interface CurvatureReadout {
  step: number;
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
  const step = Math.max(...common);
  const ranked = tracked
    .map((l) => ({
      laneId: l.id,
      name: l.name,
      lambdaMax: valueAt(series[l.id], 'hess_lmax', step)!,
      residual: valueAt(series[l.id], 'hess_lmax_resid', step) ?? 0,
    }))
    .filter((r) => Number.isFinite(r.lambdaMax))
    .sort((a, b) => a.lambdaMax - b.lambdaMax);
  if (ranked.length === 0) return null;
  const flat = ranked[0];
  if (ranked.length === 1) return { step, ranked, sentence: `At step ${step}, ${flat.name}'s λmax is ${fmt(flat.lambdaMax)}.` };
  const sharp = ranked[ranked.length - 1];
  const ratio = sharp.lambdaMax / flat.lambdaMax;
  if (!(flat.lambdaMax > 0) || ratio < 1.05) {
    return {
      step,
      ranked,
      sentence: `At step ${step}, the lanes' λmax are within 5% of each other (${fmt(flat.lambdaMax)} to ${fmt(sharp.lambdaMax)}).`,
    };
  }
  const resolved = flat.lambdaMax + flat.residual < sharp.lambdaMax - sharp.residual;
  const sentence =
    `At step ${step}, ${flat.name}'s λmax is ${ratio.toFixed(1)}x lower than ${sharp.name}'s ` +
    `(${fmt(flat.lambdaMax)} vs ${fmt(sharp.lambdaMax)})` +
    (resolved ? ': the flatter minimum.' : ', within the measurement’s uncertainty.');
  return { step, ranked, sentence };
}
