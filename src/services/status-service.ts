import { getTableName, sql } from 'drizzle-orm';
import type { Database } from '../db/database.js';
import { rowsOf } from '../db/database.js';
import { migrationState, type MigrationState } from '../db/migrations.js';
import { arrayParam } from '../db/sql.js';
import * as schema from '../db/schema.js';
import { crossShard } from '../db/cross-shard.js';

/**
 * Every table of src/db/schema.ts, in the order `aos db status` shows them (a test compares this
 * list with the schema, so a new table cannot be left out of the counts).
 */
const COUNTED = [
  schema.clients,
  schema.clientCustomers,
  schema.customerEvents,
  schema.suppressionList,
  schema.suppressionEvents,
  schema.agencySuppressionList,
  schema.clientExpiryDefaults,
  schema.importRuns,
  schema.importRunChanges,
  schema.importRunReads,
  schema.platformBuyerSignals,
] as const;

export const TABLES = COUNTED.map((t) => getTableName(t));

export interface DatabaseStatus {
  kind: Database['kind'];
  location: string;
  migrations: MigrationState;
  /** Row counts per table that exists (a database behind on migrations lacks the newer ones); null before any migration. */
  tables: Record<string, number> | null;
}

export async function databaseStatus(db: Database): Promise<DatabaseStatus> {
  const migrations = await migrationState(db);
  if (migrations.applied === 0) return { kind: db.kind, location: db.location, migrations, tables: null };
  const tables = await db.run(async (orm) => {
    // A database that is not up to date lacks some tables: count the ones that are there.
    const present = await rowsOf<{ name: string }>(
      orm,
      sql`select t as name from unnest(${arrayParam(TABLES, 'text')}) as t where to_regclass('public.' || t) is not null`,
    );
    const names = new Set(present.map((p) => p.name));
    const counted = COUNTED.filter((t) => names.has(getTableName(t)));
    if (counted.length === 0) return null;
    const [row] = await rowsOf<Record<string, number>>(
      orm,
      sql`${crossShard('db-status')}select ${sql.join(counted.map((t) => sql`(select count(*)::int from ${t}) as ${sql.identifier(getTableName(t))}`), sql`, `)}`,
    );
    return row ?? null;
  });
  return { kind: db.kind, location: db.location, migrations, tables };
}
