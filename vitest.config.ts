import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    // Python and git subprocesses do the heavy lifting; two workers match this 2-core machine.
    pool: 'forks',
    maxWorkers: 2,
  },
});
