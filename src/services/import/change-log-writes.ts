// The log rows an import's statement writes beside itself (see change-log.ts): a statement
// that inserts or updates customers or suppression entries returns loggedColumns and carries
// logWrites as a CTE, so its rows are logged in the same statement, set-based.
import { getTableName, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { clientCustomers, importRunChanges, suppressionList } from '../../db/schema.js';
import { aliased, columnList } from '../../db/sql.js';

/** The change set an import's statements log into, under its client. */
export interface ImportChangeLog {
  clientId: string;
  changeSet: string;
}

/**
 * The hash of a row as the log keeps it (`row` names the row, or is its text form): the md5 of its text form, which
 * renders every column (a value changed since shows), marked `r:`. The log's first hashes were the
 * md5 of `to_jsonb(row)` (32 hex digits, no mark), three times the cost per row; undo tells the two
 * apart by the mark (undo.ts planUndo), so logs written before still undo. Both forms render
 * timestamps by the session's settings: the import and the undo fix them alike (change-log.ts).
 */
export function rowHash(row: SQL): SQL {
  return sql`'r:' || md5(${row}::text)`;
}

/**
 * True when a logged hash is the hash of the row now (`row`: the row or its text form; `image`: its
 * to_jsonb), computed in the logged hash's own form.
 */
export function sameHash(logged: SQL, row: SQL, image: SQL): SQL {
  return sql`${logged} = case when ${logged} like 'r:%' then ${rowHash(row)} else md5(${image}::text) end`;
}

/**
 * What a logged statement's RETURNING must give for each row it wrote (`alias` is the written
 * table's alias): its id, the hash of its image after the statement (the hash undo compares with
 * the row's image then) and whether the statement inserted it (`inserted`, an expression).
 */
export function loggedColumns(alias: string, inserted: SQL): SQL {
  return sql`${sql.raw(alias)}.id as id, ${rowHash(sql.raw(alias))} as after_hash, ${inserted} as inserted`;
}

type LoggedTable = typeof clientCustomers | typeof suppressionList;

/**
 * The columns every compact before-image keeps besides the ones its statement changed: the id
 * (the diff and the log readers find the row by it) and what names the row when it is gone since
 * (an undo's conflicts, `last_known`: a customer's natural key holds its domain or email). Only
 * these: each further column cost ~4 % of a 50k churn (measured, BENCHMARKS.md).
 */
const IDENTITY: { [name: string]: readonly AnyPgColumn[] } = {
  [getTableName(clientCustomers)]: [clientCustomers.id, clientCustomers.naturalKey],
  [getTableName(suppressionList)]: [suppressionList.id, suppressionList.domain, suppressionList.email],
};

/**
 * A row's before-image as the log keeps it: the whole row (`to_jsonb`), or, when the statement
 * names the only columns it changes, those and the identity columns (jsonb_build_object renders
 * each value as to_jsonb does). A compact image is read merged over the row as the run left it
 * (`current || before`, see undo.ts planUndo): exact when no later statement of the same run
 * writes other columns of the row, so only an import's last write (the sync's churn) logs compact
 * images. A whole image composes the same way (`current || whole` is the whole image).
 */
function beforeImage(table: LoggedTable, alias: string, changed: readonly AnyPgColumn[] | undefined): SQL {
  if (!changed) return sql`to_jsonb(${sql.raw(alias)})`;
  const byName = new Map([...(IDENTITY[getTableName(table)] ?? []), ...changed].map((c) => [c.name, c]));
  const columns = [...byName.values()];
  return sql`jsonb_build_object(${sql.join(columns.map((c) => sql`${sql.raw(`'${c.name}'`)}, ${aliased(alias, c)}`), sql`, `)})`;
}

/**
 * The log rows of one statement, as a data-modifying CTE beside it: `written` names the CTE whose
 * RETURNING gave loggedColumns. The images before the statement are read from the table itself:
 * every part of one statement sees the snapshot taken before it, so the join finds each updated
 * row as it was. Inserted and updated rows make separate log rows (an insert has no before image:
 * its `befores` is null), and rows only of the import's client are read. `changed`, for an update
 * that writes only those columns and is the run's last write of its rows, logs compact images.
 */
export function logWrites(log: ImportChangeLog, table: LoggedTable, written: SQL, changed?: readonly AnyPgColumn[]): SQL {
  const name = getTableName(table);
  const head = sql`insert into ${importRunChanges} (${columnList([importRunChanges.clientId, importRunChanges.changeSet, importRunChanges.tableName, importRunChanges.rowIds, importRunChanges.befores, importRunChanges.afterHashes])})`;
  return sql`${head}
    select ${log.clientId}::uuid, ${log.changeSet}::uuid, ${name}, array_agg(w.id), null::jsonb, array_agg(w.after_hash)
      from ${written} w where w.inserted having count(*) > 0
    union all
    select ${log.clientId}::uuid, ${log.changeSet}::uuid, ${name}, array_agg(w.id), jsonb_agg(${beforeImage(table, 'b', changed)}), array_agg(w.after_hash)
      from ${written} w join ${table} b on ${aliased('b', table.clientId)} = ${log.clientId} and ${aliased('b', table.id)} = w.id
     where not w.inserted having count(*) > 0`;
}
