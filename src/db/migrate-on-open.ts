// Migration at open: the embedded database is brought up to date by whoever opens it (one user,
// one process at a time); a server behind on migrations is an error that names `db migrate`, since
// migrating a shared server is a step its owner takes on purpose.
import { AosError } from '../errors.js';
import type { Database } from './database.js';
import { databaseError } from './failures.js';
import { migrationState } from './migrations.js';

/** Applies the migrations in drizzle/ (idempotent; migrator.ts, loaded only here). */
export async function runMigrations(db: Database): Promise<string[]> {
  const { applyMigrations } = await import('./migrator.js');
  try {
    return await applyMigrations(db);
  } catch (e) {
    throw databaseError(db.location, e);
  }
}

/** The database, migrated when embedded; closed when it cannot be used as it is. */
export async function requireMigrated(db: Database): Promise<Database> {
  try {
    const state = await migrationState(db);
    if (!state.up_to_date) {
      if (db.kind === 'embedded') {
        await runMigrations(db);
      } else {
        throw new AosError(
          'database',
          `database ${db.location} is not migrated (${state.pending.length} pending migration${state.pending.length === 1 ? '' : 's'})`,
          'run {command:db migrate}',
        );
      }
    }
  } catch (e) {
    await db.close().catch(() => {});
    throw e;
  }
  return db;
}
