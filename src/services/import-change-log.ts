// The row-change log of one import, which `imports undo` restores from. The import calls begin…
// at the start of its transaction and end… once its import_runs row exists; in between, triggers
// (drizzle/0016_import_log_per_statement_triggers.sql) log every customer and suppression entry
// the import's statements insert, update or delete, set-based, into import_run_changes. Hooking
// the log to the transaction rather than to each statement means no write of the import escapes it.
import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import type { Orm } from '../db/database.js';
import { importRunReads, importRuns } from '../db/schema.js';
import { bare } from '../db/sql.js';
import { MERGED_CUSTOMERS } from './import-customers.js';

/** Turns the log on for the rest of the transaction; returns the change set's id. */
export async function beginImportChangeLog(tx: Orm): Promise<string> {
  const changeSet = randomUUID();
  await tx.execute(sql`select set_config('aos.change_set', ${changeSet}, true)`);
  return changeSet;
}

/** Turns the log off and ties the change set to its import run. */
export async function endImportChangeLog(tx: Orm, run: { clientId: string; id: string }, changeSet: string): Promise<void> {
  await tx.execute(sql`select set_config('aos.change_set', '', true)`);
  await tx
    .update(importRuns)
    .set({ changeSet })
    .where(and(eq(importRuns.clientId, run.clientId), eq(importRuns.id, run.id)));
}

/**
 * Records which customers the import read (its merged file, by natural key), whether it changed
 * them or not: an undo of an earlier run keeps what a later run still lists (import_run_reads).
 */
export async function recordImportReads(tx: Orm, clientId: string, changeSet: string): Promise<void> {
  const key = bare(importRunReads.naturalKeys);
  await tx.execute(sql`
    insert into ${importRunReads} (${bare(importRunReads.clientId)}, ${bare(importRunReads.changeSet)}, ${key})
    select ${clientId}, ${changeSet}, coalesce(array_agg(natural_key), '{}') from ${MERGED_CUSTOMERS}`);
}
