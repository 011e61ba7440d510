// The database handle every service takes: plain parameterized SQL over either engine.
// Drizzle owns the schema and the migrations (src/db/schema.ts, drizzle/); queries go straight to
// the driver because loading drizzle's query layer costs ~60 ms on every start, which the
// fast path of `aos check` cannot afford (see README, "Design choices").

export type Row = Record<string, unknown>;

export interface Queryable {
  /** Runs one statement with $1… parameters and returns its rows. */
  query<T extends object = Row>(text: string, params?: readonly unknown[]): Promise<T[]>;
}

export type DatabaseKind = 'postgres' | 'embedded';

export interface Database extends Queryable {
  readonly kind: DatabaseKind;
  /** The server URL with its password redacted, or the embedded data directory. */
  readonly location: string;
  /** Runs fn in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Dates come back as Date from one driver path and strings from another: one ISO form out. */
export function isoTimestamp(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  const parsed = new Date(String(value));
  return Number.isNaN(parsed.getTime()) ? String(value) : parsed.toISOString();
}
