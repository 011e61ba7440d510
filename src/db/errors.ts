// The one place that tells a database failure from a bug: driver and connection errors are exit 3
// (SPEC §1), anything else that reaches the top is an internal error (exit 70).

// Codes of a server that cannot be reached or a connection that went away (Node's and postgres.js's).
const UNREACHABLE = new Set([
  'ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ECONNRESET',
  'CONNECT_TIMEOUT', 'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED',
]);

/** The server cannot be reached, or the connection to it was lost. */
export function isUnreachable(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && UNREACHABLE.has(code);
}

/** An error of the database or its driver (a PostgreSQL error, or a lost connection). */
export function isDatabaseFailure(e: unknown): boolean {
  const err = e as { code?: unknown; name?: unknown } | null;
  if (!err || typeof err !== 'object') return false;
  if (err.name === 'PostgresError') return true;
  return isUnreachable(e) || (typeof err.code === 'string' && /^(CONNECTION_|CONNECT_)/.test(err.code));
}
