import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Both cores: the curvature-tracking test alone takes over 2 minutes; the rest runs beside it.
    maxWorkers: 2,
  },
});
