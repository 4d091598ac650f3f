import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    // The run gets a TMPDIR of its own, and fails if it leaves anything behind.
    globalSetup: ['test/support/suite-leftovers.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Tests start real shells and processes; two cores are all CI has.
    maxWorkers: 2,
    // CI also keeps a JSON report, from which .ci/run prints the plain closing line.
    reporters: process.env.CI ? ['default', 'json'] : ['default'],
    outputFile: { json: '.tmp/vitest.json' },
  },
});
