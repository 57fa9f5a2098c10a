/**
 * Exponential moving average with debiasing (as in TensorBoard): s_t = w s_{t-1} + (1 − w) x_t,
 * divided by (1 − w^n) over the n finite values seen. Non-finite values stay gaps and are skipped.
 */
export function smooth(values: readonly number[], weight: number): number[] {
  if (weight <= 0) return values.slice();
  let last = 0;
  let n = 0;
  return values.map((v) => {
    if (!Number.isFinite(v)) return NaN;
    last = last * weight + (1 - weight) * v;
    n++;
    return last / (1 - weight ** n);
  });
}

/** Aligns several (x, y) series on the union of their x values; missing values are null. */
export function alignSeries(series: Array<{ xs: readonly number[]; ys: readonly number[] }>): [number[], ...(number | null)[][]] {
  const xs = [...new Set(series.flatMap((s) => s.xs))].sort((a, b) => a - b);
  const position = new Map(xs.map((x, i) => [x, i]));
  const columns = series.map((s) => {
    const column: (number | null)[] = new Array(xs.length).fill(null);
    s.xs.forEach((x, i) => {
      const y = s.ys[i];
      column[position.get(x) as number] = Number.isFinite(y) ? y : null;
    });
    return column;
  });
  return [xs, ...columns];
}
