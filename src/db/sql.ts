// Small pieces for drizzle's `sql` template that keep set-based statements tied to the schema:
// a renamed column in schema.ts breaks the build here instead of a statement in production.
import { sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Orm } from './database.js';

/** A column's bare name, for INSERT column lists, SET targets and temp-table columns. */
export function bare(column: AnyPgColumn): SQL {
  return sql`${sql.identifier(column.name)}`;
}

/** A column of a table under an alias the statement writes itself (`from ${t} s`): `s."domain"`. */
export function aliased(alias: string, column: AnyPgColumn): SQL {
  return sql`${sql.raw(alias)}.${sql.identifier(column.name)}`;
}

/** Bare names, comma separated: `(a, b, c)` lists of INSERT statements. */
export function columnList(columns: readonly AnyPgColumn[]): SQL {
  return sql.join(columns.map(bare), sql`, `);
}

/** One JS array as ONE parameter (a plain `${array}` in `sql` expands into a list of parameters). */
export function arrayParam(values: readonly unknown[], type: 'text' | 'uuid' | 'int' | 'bigint' | 'boolean'): SQL {
  return sql`${sql.param(values)}::${sql.raw(type)}[]`;
}

/** Whether a table holds a row matching `where`: a `select 1 … limit 1`, cheaper than a count. */
export async function hasRow(orm: Orm, table: PgTable, where: SQL | undefined): Promise<boolean> {
  const rows = await orm.select({ one: sql`1` }).from(table).where(where).limit(1);
  return rows.length > 0;
}
