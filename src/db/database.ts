// The database handle every service takes. Services reach PostgreSQL through Drizzle on either
// driver (drizzle-orm/postgres-js for a server, drizzle-orm/pglite for the embedded database):
// the query builder for ordinary reads and writes, drizzle's `sql` template with schema column
// references for the set-based statements, so renaming a column in schema.ts breaks the build.
import type { SQLWrapper } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';

export type Row = Record<string, unknown>;

/** Sees every statement the services send, as sent, before it runs (OpenDatabaseOptions.onStatement). */
export type StatementObserver = (text: string, params: readonly unknown[]) => void;

/**
 * Drizzle over either driver, or a transaction of it (a transaction is a PgDatabase too). Its
 * query-result type is left open because the two drivers shape `execute` results differently:
 * read rows through rowsOf().
 */
export type Orm = PgDatabase<PgQueryResultHKT>;

export interface Queryable {
  /** Raw SQL with $1… parameters, for tests and tools; services use run() and transaction(). */
  query<T extends object = Row>(text: string, params?: readonly unknown[]): Promise<T[]>;
}

export interface TransactionOptions {
  /** End the transaction with ROLLBACK even when fn succeeds (a dry run). */
  rollback?: boolean | undefined;
}

export type DatabaseKind = 'postgres' | 'embedded';

export interface Database extends Queryable {
  readonly kind: DatabaseKind;
  /** The server URL with its password redacted, or the embedded data directory. */
  readonly location: string;
  /**
   * A read run again and again with other values (the check's lookup): on the server a named
   * statement, parsed once per connection and its plan kept, unless preparing is off
   * (AOS_PREPARE=off, or a pooler found: see server.ts); embedded, the same as query(). `sessionOf`
   * reads the server session (pg_backend_pid()) the statement ran in from its rows, when it says:
   * a session that changes without a reconnect is a transaction-pooling PgBouncer.
   */
  queryPrepared<T extends object = Row>(text: string, params: readonly unknown[], sessionOf?: (rows: T[]) => unknown): Promise<T[]>;
  /** Runs fn with the query builder outside a transaction; a failure becomes AosError('database'). */
  run<T>(fn: (orm: Orm) => Promise<T>): Promise<T>;
  /**
   * Runs fn in one transaction: committed when it resolves, rolled back when it throws. With
   * `rollback`, rolled back when it resolves too, and fn's result returned: a dry run meets every
   * check the real one does (constraints, triggers, locks) and writes nothing.
   */
  transaction<T>(fn: (tx: Orm) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /**
   * Fails (AosError 'database', damaged) when a page of these tables was lost where PostgreSQL
   * cannot see it: embedded only, for tables the open does not check (the import change log,
   * before an undo trusts it). The server keeps its own files whole (fsync): it has none.
   */
  verifyTables?(tables: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

/** The rows of a statement run with drizzle's `execute` (postgres.js gives an array, PGlite `{ rows }`). */
export async function rowsOf<T extends object = Row>(orm: Orm, statement: SQLWrapper): Promise<T[]> {
  const result = (await orm.execute(statement)) as unknown;
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

/** Dates come back as Date from one driver path and strings from another: one ISO form out. */
export function isoTimestamp(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  const parsed = new Date(String(value));
  return Number.isNaN(parsed.getTime()) ? String(value) : parsed.toISOString();
}
