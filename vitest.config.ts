import { defineConfig } from 'vitest/config';

/**
 * Timeouts are sized for a loaded 2-core machine (the suite must not flake when other work runs),
 * not for a quiet laptop: a test that is merely slow passes, one that hangs still fails.
 * `expect.poll` gets the same generosity; tests should rather await the event that proves a state.
 */
const POLL = { interval: 100, timeout: 30_000 };

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          setupFiles: ['test/helpers/env.ts', 'aws-sdk-client-mock-vitest/extend'],
          // Property tests take a few seconds on a quiet machine and three times that under load.
          testTimeout: 60_000,
          expect: { poll: POLL },
        },
      },
      {
        test: {
          name: 'infra',
          include: ['test/infra/**/*.test.ts'],
          testTimeout: 60_000,
          // A file's beforeAll synthesises the whole stack (without bundling): seconds alone, far more on a busy machine.
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/helpers/moto-global.ts'],
          setupFiles: ['test/helpers/integration-env.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          expect: { poll: POLL },
        },
      },
      {
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          globalSetup: ['test/helpers/moto-global.ts'],
          setupFiles: ['test/helpers/integration-env.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
          expect: { poll: POLL },
        },
      },
    ],
  },
});
