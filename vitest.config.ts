import { defineConfig } from 'vitest/config';

// Two projects: the unit tests are pure (no database), so they run without the global setup that
// builds an embedded template and probes the server (seconds before the first test); every other
// test runs with it. `npx vitest run test/unit` runs the unit project alone; `vitest run` both.
const shared = {
  testTimeout: 60_000,
  hookTimeout: 60_000,
};

export default defineConfig({
  test: {
    // Each file opens its own databases; two workers match the 2-core machines.
    maxWorkers: 2,
    projects: [
      { test: { ...shared, name: 'unit', include: ['test/unit/**/*.test.ts'], isolate: false } },
      {
        test: {
          ...shared,
          name: 'db',
          include: ['test/**/*.test.ts'],
          exclude: ['test/unit/**', '**/node_modules/**'],
          globalSetup: ['test/helpers/global-setup.ts'],
        },
      },
    ],
  },
});
