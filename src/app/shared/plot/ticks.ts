/** About `count` round tick values (steps of 1, 2 or 5 × 10^k) covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, count: number): number[] {
  const raw = (hi - lo) / Math.max(1, count);
  if (!(raw > 0)) return [lo];
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  for (let k = Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k++) ticks.push(k === 0 ? 0 : k * step);
  return ticks;
}

/** Decimals that tell evenly spaced ticks apart (0 to 4). */
export function tickDigits(ticks: number[]): number {
  const step = ticks.length > 1 ? ticks[1] - ticks[0] : 1;
  return Math.max(0, Math.min(4, -Math.floor(Math.log10(step) + 1e-9)));
}

/** Every m × 10^k (m = 1…9) in [lo, hi] (lo > 0): ticks between the decades of a log axis. */
export function logTicks(lo: number, hi: number): number[] {
  if (!(lo > 0) || !(hi >= lo)) return [];
  const ticks: number[] = [];
  for (let k = Math.floor(Math.log10(lo)); k <= Math.ceil(Math.log10(hi)); k++) {
    for (let m = 1; m <= 9; m++) {
      const t = Number((m * 10 ** k).toPrecision(12));
      if (t >= lo * (1 - 1e-12) && t <= hi * (1 + 1e-12)) ticks.push(t);
    }
  }
  return ticks;
}

/**
 * Labels of log ticks: every decade; over at most two decades also 2 and 5 × 10^k (and every tick
 * when the axis holds no decade at all); the rest are unlabelled minor ticks.
 */
export function logTickLabels(ticks: readonly number[], format: (t: number) => string): string[] {
  const mantissa = (t: number) => Math.round(t / 10 ** Math.floor(Math.log10(t) + 1e-12));
  const decades = ticks.filter((t) => mantissa(t) === 1).length;
  const labelled = (t: number) => mantissa(t) === 1 || decades === 0 || (decades <= 2 && (mantissa(t) === 2 || mantissa(t) === 5));
  return ticks.map((t) => (labelled(t) ? format(t) : ''));
}

/** A tick value in at most 3 significant digits, in exponent form when very small or large. */
export function shortNumber(t: number): string {
  const a = Math.abs(t);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? t.toExponential(0) : String(Number(t.toPrecision(3)));
}
