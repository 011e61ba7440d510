// The migrator, loaded only when migrating (it brings drizzle; a check's start must not).
import { sql } from 'drizzle-orm';
import { rowsOf, type Database } from './database.js';
import { adoptOldChain } from './migration-baseline.js';
import { MIGRATIONS_FOLDER } from './migrations.js';

/**
 * Applies the pending migrations as drizzle's migrator does (same journal, same bookkeeping in
 * drizzle.__drizzle_migrations), but all in one transaction under a transaction-scoped advisory
 * lock: two `db migrate` at once serialize, also through a transaction-pooling PgBouncer, where
 * the session lock drizzle's migrator needs around it stays behind on a pooled connection and its
 * schema setup, outside its transaction, races (duplicate key in pg_type).
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
