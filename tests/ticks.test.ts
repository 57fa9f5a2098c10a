import { describe, expect, it } from 'vitest';
import { logTickLabels, logTicks, shortNumber } from '../src/app/shared/plot/ticks';

describe('log-axis ticks', () => {
  it('put a tick at every m × 10^k between the decades, inside the range only', () => {
    expect(logTicks(0.5, 30)).toEqual([0.5, 0.6, 0.7, 0.8, 0.9, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 20, 30]);
    expect(logTicks(2.5, 4.5)).toEqual([3, 4]);
    expect(logTicks(0, 10)).toEqual([]);
    expect(logTicks(1e-4, 1e-2)).toHaveLength(19);
  });

  it('label the decades, and 2 and 5 too over at most two decades; every tick when no decade is in view', () => {
    const wide = logTicks(1e-3, 10);
    const labels = logTickLabels(wide, shortNumber);
    expect(labels.filter((l) => l !== '')).toEqual(['0.001', '0.01', '0.1', '1', '10']);
    expect(logTickLabels(logTicks(0.5, 30), shortNumber).filter((l) => l !== '')).toEqual(['0.5', '1', '2', '5', '10', '20']);
    expect(logTickLabels(logTicks(2.5, 4.5), shortNumber)).toEqual(['3', '4']);
    expect(shortNumber(2e-5)).toBe('2e-5');
    expect(shortNumber(0.123456)).toBe('0.123');
  });
});
