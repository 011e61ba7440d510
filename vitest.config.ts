import { defineConfig } from 'vitest/config';

// The server suite's CLI and library paths, run a second time through PgBouncer in transaction
// pooling mode (scripts/replica-lab.sh; CI starts it): every command family and the library's
// services, on the server only (the embedded database has no pooler to go through).
// Chosen to cover every command and service in ~90 s of the two workers (measured on the loaded
// machine): the CLI files that drive the most commands per process start, and the services' suites.
const THROUGH_PGBOUNCER = [
  'test/cli/suppress-check.test.ts', // suppress add/remove/list/history, check single/bulk/--file/--filter
  'test/cli/json-contract.test.ts', // every command that takes --json, once: clients, import --sync, imports, customers, signals, check --explain
  'test/cli/library.test.ts', // the package imported by name
  'test/service/clients.test.ts',
  'test/service/import.test.ts', // CustomerImportService (all but its 25,000-row file)
  'test/service/import-undo.test.ts',
  'test/service/import-sync.test.ts',
  'test/service/suppression.test.ts', // SuppressionService
  'test/service/agency-explain.test.ts', // check --explain
  'test/service/signals.test.ts', // BuyerSignalService
  'test/service/customers.test.ts',
];

const pgbouncer = process.env.AOS_TEST_PGBOUNCER_URL;

// Two projects besides the pooler's: the unit tests are pure (no database), so they run without the
// global setup that builds an embedded template and probes the server (seconds before the first
// test); every other test runs with it. `npx vitest run test/unit` runs the unit project alone.
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Each file opens its own databases; two workers match the 2-core machines.
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'], isolate: false } },
      {
        extends: true,
        test: { name: 'db', include: ['test/**/*.test.ts'], exclude: ['test/unit/**', '**/node_modules/**'], globalSetup: ['test/helpers/global-setup.ts'] },
      },
      // Without the lab there is no such pass; test/cli/replica-lab.test.ts says why (and fails in CI).
      ...(pgbouncer
        ? [
            {
              extends: true as const,
              test: {
                name: 'pgbouncer',
                // No embedded template to build nor server to probe: this pass is the pooler's alone.
                include: THROUGH_PGBOUNCER,
                // AOS_PREPARE at its default (on): PgBouncer before 1.21 (Debian 12 has 1.18) cannot
                // keep named statements in transaction mode, and a handle must find that out itself.
                env: { TEST_DATABASE_URL: pgbouncer, AOS_TEST_THROUGH: 'pgbouncer' },
              },
            },
          ]
        : []),
    ],
  },
});
