// `db migrate` as a library call: what was pending is applied, and the result says what.
import { sql } from 'drizzle-orm';
import { rowsOf, type Database } from '../db/database.js';
import { migrationState } from '../db/migrations.js';
import { runMigrations, standbyError } from '../db/open.js';

export interface MigrateResult {
  /** The database: a server URL without its password, or the embedded data directory. */
  location: string;
  /** The migrations this call applied, in order; none when the database was up to date. */
  applied: string[];
  /** How many migrations the database has applied in all, after this call. */
  total_applied: number;
}

/** Applies pending migrations (idempotent: an up-to-date database is left as it is). */
export async function migrateDatabase(db: Database): Promise<MigrateResult> {
  // A standby replays the primary's migrations, and "up to date" there would read as success to a
  // deploy that migrated the wrong server: it is told so, pending migrations or not.
  if (db.kind === 'postgres') {
    const [server] = await db.run((orm) => rowsOf<{ standby: boolean }>(orm, sql`select pg_is_in_recovery() as standby`));
    if (server?.standby) throw standbyError();
  }
  const before = await migrationState(db);
  // What this call applied: two migrates at once both see the same pending list, one applies it.
  const applied = before.up_to_date ? [] : await runMigrations(db);
  const after = await migrationState(db);
  return { location: db.location, applied, total_applied: after.applied };
}
