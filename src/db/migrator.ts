// The migrator, loaded only when migrating (it brings drizzle; a check's start must not).
import { sql } from 'drizzle-orm';
import { rowsOf, type Database } from './database.js';
import { adoptOldChain } from './migration-baseline.js';
import { MIGRATIONS_FOLDER, readJournal } from './migrations.js';

/**
 * Applies the pending migrations as drizzle's migrator does (same journal, same bookkeeping in
 * drizzle.__drizzle_migrations), but all in one transaction under a transaction-scoped advisory
 * lock: two `db migrate` at once serialize, also through a transaction-pooling PgBouncer, where
 * the session lock drizzle's migrator needs around it stays behind on a pooled connection and its
 * schema setup, outside its transaction, races (duplicate key in pg_type).
 */
export async function applyMigrations(db: Database): Promise<string[]> {
  const { readMigrationFiles } = await import('drizzle-orm/migrator');
  const migrations = readMigrationFiles({ migrationsFolder: MIGRATIONS_FOLDER });
  const tags = new Map(readJournal().entries.map((e) => [e.when, e.tag]));
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('aos:migrate'))`);
    await tx.execute(sql`create schema if not exists drizzle`);
    await tx.execute(sql`create table if not exists drizzle.__drizzle_migrations (id serial primary key, hash text not null, created_at bigint)`);
    const [row] = await rowsOf<{ last: string | null }>(tx, sql`select max(created_at)::text as last from drizzle.__drizzle_migrations`);
    const recorded = Number(row?.last ?? 0);
    const last = await adoptOldChain(tx, db.location, MIGRATIONS_FOLDER, recorded);
    // What this call applied, read under the lock: another migrate that ran first applied the rest.
    // An adopted database has the baseline recorded as applied (its schema already was).
    const applied: string[] = last !== recorded ? [tags.get(last) ?? String(last)] : [];
    for (const migration of migrations) {
      if (migration.folderMillis <= last) continue;
      for (const statement of migration.sql) if (statement.trim()) await tx.execute(sql.raw(statement));
      await tx.execute(sql`insert into drizzle.__drizzle_migrations (hash, created_at) values (${migration.hash}, ${migration.folderMillis})`);
      applied.push(tags.get(migration.folderMillis) ?? String(migration.folderMillis));
    }
    return applied;
  });
}
