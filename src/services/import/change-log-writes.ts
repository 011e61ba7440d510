// The log rows an import's statement writes beside itself (see change-log.ts): a statement
// that inserts or updates customers or suppression entries returns loggedColumns and carries
// logWrites as a CTE, so its rows are logged in the same statement, set-based.
import { getTableName, sql, type SQL } from 'drizzle-orm';
import { clientCustomers, importRunChanges, suppressionList } from '../../db/schema.js';
import { aliased, columnList } from '../../db/sql.js';

/** The change set an import's statements log into, under its client. */
export interface ImportChangeLog {
  clientId: string;
  changeSet: string;
}

/**
 * What a logged statement's RETURNING must give for each row it wrote (`alias` is the written
 * table's alias): its id, the hash of its image after the statement (the hash undo compares with
 * the row's image then) and whether the statement inserted it (`inserted`, an expression).
 */
export function loggedColumns(alias: string, inserted: SQL): SQL {
  return sql`${sql.raw(alias)}.id as id, md5(to_jsonb(${sql.raw(alias)})::text) as after_hash, ${inserted} as inserted`;
}

type LoggedTable = typeof clientCustomers | typeof suppressionList;

/**
 * The log rows of one statement, as a data-modifying CTE beside it: `written` names the CTE whose
 * RETURNING gave loggedColumns. The images before the statement are read from the table itself:
 * every part of one statement sees the snapshot taken before it, so the join finds each updated
 * row as it was. Inserted and updated rows make separate log rows (an insert has no before image:
 * its `befores` is null), and rows only of the import's client are read.
 */
export function logWrites(log: ImportChangeLog, table: LoggedTable, written: SQL): SQL {
  const name = getTableName(table);
  const head = sql`insert into ${importRunChanges} (${columnList([importRunChanges.clientId, importRunChanges.changeSet, importRunChanges.tableName, importRunChanges.rowIds, importRunChanges.befores, importRunChanges.afterHashes])})`;
  return sql`${head}
    select ${log.clientId}::uuid, ${log.changeSet}::uuid, ${name}, array_agg(w.id), null::jsonb, array_agg(w.after_hash)
      from ${written} w where w.inserted having count(*) > 0
    union all
    select ${log.clientId}::uuid, ${log.changeSet}::uuid, ${name}, array_agg(w.id), jsonb_agg(to_jsonb(b)), array_agg(w.after_hash)
      from ${written} w join ${table} b on ${aliased('b', table.clientId)} = ${log.clientId} and ${aliased('b', table.id)} = w.id
     where not w.inserted having count(*) > 0`;
}
