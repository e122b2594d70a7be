import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // No limit a loaded 2-core machine can hit while the code is right: a hung test still ends.
    testTimeout: 1_200_000,
    hookTimeout: 1_200_000,
    // Python and git subprocesses do the heavy lifting; two workers match this 2-core machine.
    pool: 'forks',
    maxWorkers: 2,
  },
});
