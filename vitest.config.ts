import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { defineConfig } from 'vitest/config';

/**
 * The longest files first, so that on a fresh clone (no timing cache) the curvature-tracking test
 * (over 2 minutes) does not start last and leave one core idle; then Vitest's own order.
 */
const LONGEST_FIRST = ['tracking', 'fuzz', 'landscape', 'host', 'methods', 'kernels', 'hygiene'];

class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (f: TestSpecification) => {
      const i = LONGEST_FIRST.findIndex((name) => f.moduleId.endsWith(`/tests/${name}.test.ts`));
      return i < 0 ? LONGEST_FIRST.length : i;
    };
    const sorted = await super.sort(files);
    return sorted
      .map((f, i) => ({ f, i }))
      .sort((a, b) => rank(a.f) - rank(b.f) || a.i - b.i)
      .map(({ f }) => f);
  }
}

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Both cores: the curvature-tracking test alone takes over 2 minutes; the rest runs beside it.
    maxWorkers: 2,
    sequence: { sequencer: LongestFirst },
  },
});
