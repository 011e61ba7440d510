// Migration state: compares drizzle's journal with the drizzle.__drizzle_migrations table that
// its migrator keeps (same logic: by folder timestamp).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Database } from './database.js';

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
export function readJournal(): Journal {
  journal ??= JSON.parse(readFileSync(`${MIGRATIONS_FOLDER}/meta/_journal.json`, 'utf8')) as Journal;
  return journal;
}

/** The journal time of the last migration the database recorded (0: never migrated), and how many. */
export async function lastAppliedMigration(db: Database): Promise<{ last: number; applied: number }> {
  try {
    // One round trip on every start: this sits on the path of each `aos check`. Plain SQL, not
    // drizzle: the migrator's own table is not in schema.ts, and a check's first statement goes
    // out before drizzle has loaded (server.ts), so the connection is made while the code loads.
    const [row] = await db.query<{ last: string | null; n: number }>(
      'select max(created_at)::text as last, count(*)::int as n from drizzle.__drizzle_migrations',
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
  const { last: lastApplied } = await lastAppliedMigration(db);
  const pending = entries.filter((e) => e.when > lastApplied).map((e) => e.tag);
  // Counted in this version's journal: a database adopted from the squashed chain also records
  // the old chain's migrations (migration-baseline.ts), which are not this version's to count.
  return { applied: entries.length - pending.length, total: entries.length, up_to_date: pending.length === 0, pending };
}
