// The customer fields as an import stages and writes them: each field of customer-fields.ts bound
// to its client_customers column, with the SQL type read from that column, so the staging table,
// the merge and the upsert follow schema.ts. Apart from customer-fields.ts because it loads the
// schema (drizzle), which the CLI's help and start must not.
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { clientCustomers } from '../../db/schema.js';
import { CUSTOMER_FIELDS, type CustomerField, type ImportField } from '../../domain/customer-fields.js';
import type { CustomerRecord } from '../../domain/customer-row.js';

/** Joins a list value (services) while staged: one text value, split when the customer is written. */
export const LIST_SEPARATOR = '\u001f';

export interface StagedColumn {
  /** The staging table's column, named as the client_customers column it feeds, if any. */
  readonly name: string;
  /** Its SQL type in the staging table (a list is staged as text, joined by LIST_SEPARATOR). */
  readonly sqlType: string;
  /** The record property the value is read from; null for the row's line number. */
  readonly property: keyof CustomerRecord | null;
  /** A list, staged joined by LIST_SEPARATOR. */
  readonly list?: boolean;
}

export interface StagedField extends StagedColumn {
  readonly field: ImportField;
  readonly property: CustomerField['column'];
  /** Where the value lands. */
  readonly column: AnyPgColumn;
  /** The column's type in schema.ts (`text[]` for a list). */
  readonly columnType: string;
  /** A list: staged joined, written `string_to_array(value, chr(31))`. */
  readonly list: boolean;
  readonly whenMissing: 'keep' | 'replace';
}

/** The import fields, in table order, bound to their columns. */
export const STAGED_FIELDS: readonly StagedField[] = CUSTOMER_FIELDS.map((f): StagedField => {
  const column: AnyPgColumn = clientCustomers[f.column];
  const columnType = column.getSQLType();
  const list = f.cell === 'list';
  return {
    field: f.name,
    name: column.name,
    property: f.column,
    column,
    columnType,
    list,
    sqlType: list ? 'text' : columnType,
    whenMissing: f.whenMissing,
  };
});

/** The customer's addresses after its contact email: read from the contact_email columns, no field of their own. */
export const OTHER_EMAILS: StagedColumn = { name: clientCustomers.otherEmails.name, sqlType: 'text', property: 'otherEmails', list: true };

/**
 * Every staged column in order: the row's line and keys, then the fields. name_key (the
 * normalised company name), email_entries (the addresses needing an entry of their own),
 * domain_entries (the further company domains, each needing one) and
 * name_derived (the company name is the domain's or address's) are the import's own and land in
 * no customer column.
 */
export const STAGING_COLUMNS: readonly StagedColumn[] = [
  { name: 'line', sqlType: 'int', property: null },
  { name: clientCustomers.naturalKey.name, sqlType: clientCustomers.naturalKey.getSQLType(), property: 'naturalKey' },
  { name: 'name_key', sqlType: 'text', property: 'nameKey' },
  { name: 'email_entries', sqlType: 'text', property: 'emailEntries', list: true },
  { name: 'domain_entries', sqlType: 'text', property: 'domainEntries', list: true },
  { name: 'name_derived', sqlType: 'boolean', property: 'nameDerived' },
  ...STAGED_FIELDS,
  OTHER_EMAILS,
];

/**
 * One record as the values of STAGING_COLUMNS, in order (JSON-safe). Compiled once from the
 * table into `[line, r.naturalKey, …]`: this runs for every row of a million-row import, and a
 * loop reading `record[property]` cost ~1 µs more per row (megamorphic keyed loads).
 */
export const stagingRow = compileStagingRow();

function compileStagingRow(): (line: number, record: CustomerRecord) => unknown[] {
  const values = STAGING_COLUMNS.map((column) => {
    if (column.property === null) return 'line';
    const value = `r[${JSON.stringify(column.property)}]`;
    const field = STAGED_FIELDS.find((f) => f.property === column.property && f.name === column.name);
    if (field?.list || column.list) return `(${value} === null ? null : ${value}.join(${JSON.stringify(LIST_SEPARATOR)}))`;
    if (field?.sqlType === 'boolean') return `(${value} === null ? null : String(${value}))`;
    return value;
  });
  // The expressions are built from the table's own constant property names, never from input.
  return new Function('line', 'r', `return [${values.join(', ')}];`) as (line: number, record: CustomerRecord) => unknown[];
}

/** Fields whose stored value stays when a re-import's file has none. */
export const KEPT_IF_MISSING: readonly StagedField[] = STAGED_FIELDS.filter((f) => f.whenMissing === 'keep');
/** Fields a re-import replaces, empty or not (the import adds its `source`). */
export const REPLACED: readonly StagedField[] = STAGED_FIELDS.filter((f) => f.whenMissing === 'replace');
