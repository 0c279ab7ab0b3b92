import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Numeric tests allocate large tensors; two forks match the 2-core machines we target.
    pool: 'forks',
    maxWorkers: 2,
  },
});
