import type { Database } from '../db/database.js';
import { migrationState, type MigrationState } from '../db/migrations.js';

/**
 * Every table of src/db/schema.ts, in the order `aos db status` shows them (a test compares this
 * list with the schema, so a new table cannot be left out of the counts).
 */
export const TABLES = [
  'clients',
  'client_customers',
  'customer_events',
  'suppression_list',
  'suppression_events',
  'agency_suppression_list',
  'client_expiry_defaults',
  'import_runs',
  'import_run_changes',
  'platform_buyer_signals',
] as const;

export interface DatabaseStatus {
  kind: Database['kind'];
  location: string;
  migrations: MigrationState;
  /** Row counts per table that exists (a database behind on migrations lacks the newer ones); null before any migration. */
  tables: Record<string, number> | null;
}

export async function databaseStatus(db: Database): Promise<DatabaseStatus> {
  const migrations = await migrationState(db);
  let tables: Record<string, number> | null = null;
  if (migrations.applied > 0) {
    // A database that is not up to date lacks some tables: count the ones that are there.
    const present = await db.query<{ name: string }>(
      `select t as name from unnest($1::text[]) as t where to_regclass('public.' || t) is not null`,
      [[...TABLES]],
    );
    const names = TABLES.filter((t) => present.some((p) => p.name === t));
    if (names.length > 0) {
      const [row] = await db.query<Record<string, number>>(
        `select ${names.map((t) => `(select count(*)::int from ${t}) as ${t}`).join(', ')}`,
      );
      tables = row ?? null;
    }
  }
  return { kind: db.kind, location: db.location, migrations, tables };
}
