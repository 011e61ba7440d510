// Migration state and the migrator: drizzle's journal against the drizzle.__drizzle_migrations
// table, kept as drizzle's own migrator keeps it (same logic: by folder timestamp).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { rowsOf, type Database } from './database.js';
import { adoptOldChain } from './migration-baseline.js';

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../drizzle', import.meta.url));

interface Journal {
  entries: Array<{ idx: number; when: number; tag: string }>;
}

export interface MigrationState {
  applied: number;
  total: number;
  up_to_date: boolean;
  pending: string[];
}

let journal: Journal | undefined;
function readJournal(): Journal {
  journal ??= JSON.parse(readFileSync(`${MIGRATIONS_FOLDER}/meta/_journal.json`, 'utf8')) as Journal;
  return journal;
}

/** The journal time of the last migration the database recorded (0: never migrated), and how many. */
export async function lastAppliedMigration(db: Database): Promise<{ last: number; applied: number }> {
  try {
    // One round trip on every start: this sits on the path of each `aos check`.
    // The migrator's own table is not in schema.ts: plain SQL.
    const [row] = await db.run((orm) =>
      rowsOf<{ last: string | null; n: number }>(orm, sql`select max(created_at)::text as last, count(*)::int as n from drizzle.__drizzle_migrations`),
    );
    return { last: Number(row?.last ?? 0), applied: row?.n ?? 0 };
  } catch (e) {
    // A database never migrated has no drizzle schema (42P01 undefined_table, 3F000 no schema);
    // run() hands the driver's error over as the cause of its AosError.
    const sqlState = ((e as { cause?: { code?: string } }).cause ?? (e as { code?: string }))?.code;
    if (sqlState !== '42P01' && sqlState !== '3F000') throw e;
    return { last: 0, applied: 0 };
  }
}

export async function migrationState(db: Database): Promise<MigrationState> {
  const { entries } = readJournal();
  const { last: lastApplied, applied } = await lastAppliedMigration(db);
  const pending = entries.filter((e) => e.when > lastApplied).map((e) => e.tag);
  return { applied, total: entries.length, up_to_date: pending.length === 0, pending };
}

/**
 * Applies the pending migrations as drizzle's migrator does, but all in one transaction under a
 * transaction-scoped advisory lock: two `db migrate` at once serialize, also through a
 * transaction-pooling PgBouncer, where a session lock (what drizzle's migrator needs around it)
 * stays behind on a pooled connection and the schema setup outside its transaction races.
 */
export async function applyMigrations(db: Database): Promise<void> {
  const { readMigrationFiles } = await import('drizzle-orm/migrator');
  const migrations = readMigrationFiles({ migrationsFolder: MIGRATIONS_FOLDER });
  await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('aos:migrate'))`);
    await tx.execute(sql`create schema if not exists drizzle`);
    await tx.execute(sql`create table if not exists drizzle.__drizzle_migrations (id serial primary key, hash text not null, created_at bigint)`);
    const [row] = await rowsOf<{ last: string | null }>(tx, sql`select max(created_at)::text as last from drizzle.__drizzle_migrations`);
    const last = await adoptOldChain(tx, db.location, MIGRATIONS_FOLDER, Number(row?.last ?? 0));
    for (const migration of migrations) {
      if (migration.folderMillis <= last) continue;
      for (const statement of migration.sql) if (statement.trim()) await tx.execute(sql.raw(statement));
      await tx.execute(sql`insert into drizzle.__drizzle_migrations (hash, created_at) values (${migration.hash}, ${migration.folderMillis})`);
    }
  });
}
