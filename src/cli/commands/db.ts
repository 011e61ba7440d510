import type { Command } from '@commander-js/extra-typings';
import { examples, jsonOption } from '../command-options.js';
import type { ContextProvider } from '../context.js';
import { renderMigrated, renderStatus } from '../renderers/db.js';

export function registerDbCommands(program: Command<[], Record<string, unknown>>, ctx: ContextProvider): void {
  const db = program.command('db').description('database migrations and status');
  db.addHelpText('after', examples('aos db status', 'aos db migrate', 'aos db status --database-url postgres://ops@db.internal/agencyos --json'));

  db.command('migrate')
    .description('apply pending migrations (idempotent)')
    .addHelpText('after', examples('aos db migrate', 'DATABASE_URL=postgres://ops@db.internal/agencyos aos db migrate'))
    .action(async () => {
      const c = ctx();
      const database = await c.database('skip');
      const { migrateDatabase } = await import('../../services/migration-service.js');
      return c.show(await migrateDatabase(database), renderMigrated, false);
    });

  db.command('status')
    .description('which database, migration state and row counts per table')
    .addOption(jsonOption())
    .addHelpText('after', examples('aos db status', 'aos db status --json | jq .tables'))
    .action(async (opts) => {
      const c = ctx();
      const { databaseStatus } = await import('../../services/status-service.js');
      return c.show(await databaseStatus(await c.database('skip')), renderStatus, opts.json);
    });
}
