import type { Database } from '../db/database.js';
import { migrationState, type MigrationState } from '../db/migrations.js';

export const TABLES = ['clients', 'client_customers', 'suppression_list', 'suppression_events', 'import_runs', 'platform_buyer_signals'] as const;

export interface DatabaseStatus {
  kind: Database['kind'];
  location: string;
  migrations: MigrationState;
  /** Row counts per table; null before the tables exist. */
  tables: Record<string, number> | null;
}

export async function databaseStatus(db: Database): Promise<DatabaseStatus> {
  const migrations = await migrationState(db);
  let tables: Record<string, number> | null = null;
  if (migrations.applied > 0) {
    const [row] = await db.query<Record<string, number>>(
      `select ${TABLES.map((t) => `(select count(*)::int from ${t}) as ${t}`).join(', ')}`,
    );
    tables = row ?? null;
  }
  return { kind: db.kind, location: db.location, migrations, tables };
}
