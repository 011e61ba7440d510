// The row-change log of one import, which `imports undo` restores from (import_run_changes). Each
// statement of the import that inserts or updates customers or suppression entries writes its own
// log row in the same statement (logWrites): the ids of the rows it wrote, their images before it
// and a hash of each image after it. No trigger and no session setting carries the log: on a
// sharded database (Citus) triggers run on the shards, where a coordinator's settings are not
// seen, and the log would silently stay empty. The import calls begin… at the start of its
// transaction and end… once its import_runs row exists; the statements are in change-log-writes.ts.
import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import type { Orm } from '../../db/database.js';
import { importRunReads, importRuns } from '../../db/schema.js';
import { bare } from '../../db/sql.js';
import { mergedCustomers } from './scratch-tables.js';
import type { ImportChangeLog } from './change-log-writes.js';

export type { ImportChangeLog };

/** Starts the log of an import: a new change set, and row images rendered as undo compares them. */
export async function beginImportChangeLog(tx: Orm, clientId: string): Promise<ImportChangeLog> {
  await renderRowsAsLogged(tx);
  return { clientId, changeSet: randomUUID() };
}

/**
 * Undo compares the hash of a row now with the hash logged by the import (change-log-writes.ts
 * rowHash), both over the row's text, whose timestamps and dates render by the session's time
 * zone and date style: the import and the undo set both alike, for their transaction. Only the
 * output style is set (ISO): the day/month order of the server's DateStyle, which reads dates the
 * statements are given, stays as it is. The log's values are large (a 50k churn logs megabytes of
 * images in one row): where the server has lz4, they are stored with it, which costs a fraction
 * of pglz (PGlite has only pglz).
 */
export async function renderRowsAsLogged(tx: Orm): Promise<void> {
  await tx.execute(sql`select set_config('timezone', 'UTC', true), set_config('datestyle', 'ISO', true),
    (select set_config('default_toast_compression', 'lz4', true) from pg_settings where name = 'default_toast_compression' and 'lz4' = any(enumvals))`);
}

/** Ties the change set to its import run. */
export async function endImportChangeLog(tx: Orm, run: { clientId: string; id: string }, log: ImportChangeLog): Promise<void> {
  await tx
    .update(importRuns)
    .set({ changeSet: log.changeSet })
    .where(and(eq(importRuns.clientId, run.clientId), eq(importRuns.id, run.id)));
}

/**
 * Records which customers the import read (its merged file, by natural key), whether it changed
 * them or not: an undo of an earlier run keeps what a later run still lists (import_run_reads).
 */
export async function recordImportReads(tx: Orm, log: ImportChangeLog): Promise<void> {
  const key = bare(importRunReads.naturalKeys);
  await tx.execute(sql`
    insert into ${importRunReads} (${bare(importRunReads.clientId)}, ${bare(importRunReads.changeSet)}, ${key})
    select ${log.clientId}, ${log.changeSet}, coalesce(array_agg(natural_key), '{}') from ${mergedCustomers}`);
}
