// The one place that tells a database failure from a bug: driver and connection errors are exit 3
// (SPEC §1), anything else that reaches the top is an internal error (exit 70).

// Codes of a server that cannot be reached or a connection that went away (Node's and postgres.js's).
const UNREACHABLE = new Set([
  'ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ECONNRESET', 'EPIPE',
  'CONNECT_TIMEOUT', 'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED',
]);

/** The server cannot be reached, or the connection to it was lost. */
export function isUnreachable(e: unknown): boolean {
  const code = (driverError(e) as { code?: unknown } | null)?.code;
  return typeof code === 'string' && UNREACHABLE.has(code);
}

/** An error of the database or its driver (a PostgreSQL error, or a lost connection). */
export function isDatabaseFailure(e: unknown): boolean {
  if (driverError(e) !== e) return true;
  const err = e as { code?: unknown; name?: unknown } | null;
  if (!err || typeof err !== 'object') return false;
  if (err.name === 'PostgresError') return true;
  return isUnreachable(e) || (typeof err.code === 'string' && /^(CONNECTION_|CONNECT_)/.test(err.code));
}

/**
 * The driver's own error behind drizzle's DrizzleQueryError ("Failed query: …" with the statement
 * and every parameter in its message, which must never reach a user), or the error itself.
 */
export function driverError(e: unknown): unknown {
  const err = e as { name?: unknown; query?: unknown; params?: unknown; cause?: unknown } | null;
  if (err && typeof err === 'object' && typeof err.query === 'string' && 'params' in err && err.cause !== undefined) return err.cause;
  return e;
}


/** What the server says about itself at login and on every change (ParameterStatus, PostgreSQL 14+). */
export type ServerParameters = Readonly<Record<string, unknown>>;

/**
 * Why the server refused a write as read-only (SQLSTATE 25006 read_only_sql_transaction), from the
 * parameters it reported: no round trip on the way, so a `check` pays nothing for it. 'standby'
 * (`in_hot_standby`), 'read-only default' (`default_transaction_read_only`, e.g. a role set so), or
 * null: not a read-only refusal, or a server that does not say (before 14, or a pooler that does not
 * pass the parameters on).
 */
export function readOnlyCause(e: unknown, server: ServerParameters | undefined): 'standby' | 'read-only default' | null {
  if ((driverError(e) as { code?: unknown } | null)?.code !== '25006' || !server) return null;
  if (server.in_hot_standby === 'on') return 'standby';
  if (server.default_transaction_read_only === 'on') return 'read-only default';
  return null;
}
