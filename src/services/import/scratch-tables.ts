// The scratch tables of an import (and of an undo): temp tables of one transaction, created
// `on commit drop` by the step that fills them and read by the steps after it. Declared here, as
// Drizzle tables, so every step names them and their columns from one place instead of passing
// names as strings. They are no part of the migrated schema: drizzle-kit reads src/db/schema.ts
// only (drizzle.config.ts), so no migration ever creates them.
import { sql, type SQL } from 'drizzle-orm';
import { boolean, customType, getTableConfig, integer, jsonb, pgTable, text, uuid, type PgTable } from 'drizzle-orm/pg-core';
import { clientCustomers as cc } from '../../db/schema.js';
import { STAGING_COLUMNS, type StagedColumn } from './staged-columns.js';

/** A staged column, of the SQL type staged-columns.ts gives it (a list is staged as joined text). */
const stagedColumn = (c: StagedColumn) => customType<{ data: unknown }>({ dataType: () => c.sqlType })(c.name);

/** A staged column's key in the tables below: its record property (the row's line: `line`). */
type StagedKey = NonNullable<StagedColumn['property']> | 'line';
const stagedKey = (c: StagedColumn): StagedKey => c.property ?? 'line';

function stagedColumns<K extends StagedKey>(columns: readonly StagedColumn[]) {
  return Object.fromEntries(columns.map((c) => [stagedKey(c), stagedColumn(c)])) as Record<K, ReturnType<typeof stagedColumn>>;
}

/** One row per valid row of the file (staging.ts), its columns STAGING_COLUMNS. */
export const stagedRows = pgTable('aos_import_rows', stagedColumns(STAGING_COLUMNS));

/**
 * Staged columns that stay per row: the line, the key the rows merge by, and the entries every
 * row of a customer adds (each off-domain address, each further domain).
 */
const PER_ROW = ['line', 'naturalKey', 'emailEntries', 'domainEntries'] as const;
type MergedKey = Exclude<StagedKey, (typeof PER_ROW)[number]>;
/** The staged columns a merge folds into one value per customer, in STAGING_COLUMNS order. */
export const MERGED_COLUMNS: readonly StagedColumn[] = STAGING_COLUMNS.filter((c) => !(PER_ROW as readonly StagedKey[]).includes(stagedKey(c)));

/** One row per customer of the file (customer-writes.ts mergeRows): its key, how many rows, the merged fields. */
export const mergedCustomers = pgTable('aos_import_merged', {
  naturalKey: text(cc.naturalKey.name),
  rowsMerged: integer('rows_merged'),
  ...stagedColumns<MergedKey>(MERGED_COLUMNS),
});

/** The client's customers this import touches, with their ids (customer-writes.ts): the entries are written for them. */
export const touchedCustomers = pgTable('aos_import_customers', {
  id: uuid('id'),
  naturalKey: text(cc.naturalKey.name),
  status: text(cc.status.name),
  companyName: text(cc.companyName.name),
  /** true: inserted, false: updated, null: unchanged. */
  inserted: boolean('inserted'),
});

/** The changed customers against their before images (sync.ts): which fields moved. */
export const importDiff = pgTable('aos_import_diff', {
  companyName: text(cc.companyName.name),
  fields: text('fields').array(),
});

/** An undo's plan (undo.ts): each row the run wrote, its image before the run and now. */
export const undoPlan = pgTable('aos_undo', {
  tableName: text('table_name'),
  rowId: uuid('row_id'),
  before: jsonb('before'),
  afterHash: text('after_hash'),
  current: jsonb('current'),
  clean: boolean('clean'),
  optOutKept: boolean('opt_out_kept'),
  keptBecause: text('kept_because'),
  lastKnown: jsonb('last_known'),
});

/** `create temp table … on commit drop` with the table's declared columns and types. */
export function createScratchTable(table: PgTable): SQL {
  const { columns } = getTableConfig(table);
  return sql`create temp table ${table} (${sql.join(
    columns.map((c) => sql`${sql.identifier(c.name)} ${sql.raw(c.getSQLType())}`),
    sql`, `,
  )}) on commit drop`;
}
