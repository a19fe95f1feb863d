import { defineConfig } from 'vitest/config';

// Two cores on every machine here: keep the worker count small so database and
// network tests do not starve each other.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
