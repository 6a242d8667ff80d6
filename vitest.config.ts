import { defineConfig } from 'vitest/config';

// One runner for the whole tree. Projects split by what a test needs:
//   unit         *.test.ts          no server at all
//   integration  *.int.test.ts      live infrastructure (started by `npm test`)
//   e2e          *.e2e.test.ts      the whole platform through the gateway
// Packages are resolved to their TypeScript sources (the `nimbus-source`
// export condition), so tests never run against a stale build.
const shared = {
  resolve: { conditions: ['nimbus-source'] },
};

export default defineConfig({
  test: {
    reporters: ['default', './scripts/vitest-summary-reporter.ts'],
    projects: [
      {
        ...shared,
        test: {
          name: 'unit',
          include: ['{packages,services,infra}/*/test/**/*.test.ts', 'infra/test/**/*.test.ts', 'scripts/test/**/*.test.ts'],
          exclude: ['**/*.int.test.ts', '**/*.e2e.test.ts', '**/node_modules/**'],
        },
      },
      {
        ...shared,
        test: {
          name: 'integration',
          include: ['{packages,services}/*/test/**/*.int.test.ts', 'infra/test/**/*.int.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // Live servers are shared; files that touch the same broker or
          // database run one after another rather than racing each other.
          fileParallelism: false,
        },
      },
      {
        ...shared,
        test: {
          name: 'e2e',
          include: ['e2e/**/*.e2e.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
