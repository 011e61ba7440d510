import type { Command } from '@commander-js/extra-typings';
import type { ContextProvider } from '../context.js';

export function registerDbCommands(program: Command<[], Record<string, unknown>>, ctx: ContextProvider): void {
  const db = program
    .command('db')
    .description('database migrations and status')
    .addHelpText('after', '\nExamples:\n  $ aos db status\n  $ aos db migrate\n  $ aos db status --database-url postgres://ops@db.internal/agencyos --json');

  db.command('migrate')
    .description('apply pending migrations (idempotent)')
    .addHelpText('after', '\nExamples:\n  $ aos db migrate\n  $ DATABASE_URL=postgres://ops@db.internal/agencyos aos db migrate')
    .action(async () => {
      const c = ctx();
      const database = await c.database('skip');
      const { migrationState } = await import('../../db/migrations.js');
      const { runMigrations } = await import('../../db/open.js');
      const before = await migrationState(database);
      if (!before.up_to_date) await runMigrations(database);
      const after = await migrationState(database);
      c.output.line(
        before.up_to_date
          ? `${database.location}: already up to date (${after.applied} migrations)`
          : `${database.location}: applied ${before.pending.length} migration(s): ${before.pending.join(', ')}`,
      );
    });

  db.command('status')
    .description('which database, migration state and row counts per table')
    .option('--json', 'machine-readable output')
    .addHelpText('after', '\nExamples:\n  $ aos db status\n  $ aos db status --json | jq .tables')
    .action(async (opts) => {
      const c = ctx();
      const { databaseStatus } = await import('../../services/status-service.js');
      const status = await databaseStatus(await c.database('skip'));
      if (opts.json) return c.output.json(status);
      const o = c.output;
      o.line(`database:   ${status.kind === 'embedded' ? 'embedded (PGlite)' : 'PostgreSQL'} ${status.location}`);
      const m = status.migrations;
      o.line(`migrations: ${m.applied}/${m.total} applied${m.up_to_date ? '' : ` — pending: ${m.pending.join(', ')} (run \`aos db migrate\`)`}`);
      if (status.tables) {
        o.line('');
        o.table(['table', 'rows'], Object.entries(status.tables).map(([t, n]) => [t, String(n)]));
      }
    });
}
