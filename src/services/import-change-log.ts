// The row-change log of one import, which `aos imports undo` restores from. The import calls
// begin… at the start of its transaction and end… once its import_runs row exists; in between,
// triggers (drizzle/0005_import_change_triggers.sql) log every customer and suppression entry the
// import's statements insert, update or delete, set-based, into import_run_changes. Hooking the
// log to the transaction rather than to each statement means no write of the import escapes it.
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../db/database.js';

/** Turns the log on for the rest of the transaction; returns the change set's id. */
export async function beginImportChangeLog(tx: Queryable): Promise<string> {
  const changeSet = randomUUID();
  await tx.query(`select set_config('aos.change_set', $1, true)`, [changeSet]);
  return changeSet;
}

/** Turns the log off and ties the change set to its import run. */
export async function endImportChangeLog(tx: Queryable, runId: string | null, changeSet: string): Promise<void> {
  await tx.query(`select set_config('aos.change_set', '', true)`);
  if (runId !== null) await tx.query('update import_runs set change_set = $1 where id = $2', [changeSet, runId]);
}
