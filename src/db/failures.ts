// Failure classification for both drivers: what a driver, PGlite or file-system failure says in
// words, and the exit-3 AosError that names the database and the next step (SPEC §1). The embedded
// data directory's own failures (cannot open, damaged, stopped) are in embedded-failures.ts.
import { AosError } from '../errors.js';
import type { Database, Orm } from './database.js';
import { driverError, isUnreachable, readOnlyCause, type ServerParameters } from './errors.js';

// PGlite's file system (Emscripten) throws ErrnoError { errno } with no message: its numbers, in words.
const EMSCRIPTEN_ERRNO: Record<number, string> = {
  2: 'permission denied',
  19: 'disk quota exceeded',
  20: 'a file is in the way',
  29: 'input/output error',
  31: 'is a directory',
  44: 'a file is missing',
  51: 'no space left on device',
  54: 'not a directory',
  55: 'directory not empty',
  63: 'operation not permitted',
  69: 'read-only file system',
};

/** What went wrong, in words: never "undefined", "[object Object]" or an empty string. */
export function describeFailure(failure: unknown): string {
  const e = driverError(failure);
  if (e instanceof AosError) return e.message;
  if (e === null || e === undefined) return 'unknown error';
  if (typeof e !== 'object') return String(e) || 'unknown error';
  const err = e as { message?: unknown; code?: unknown; errno?: unknown; name?: unknown };
  if (typeof err.message === 'string' && err.message.trim() !== '') return err.message.trim();
  if (err.name === 'ErrnoError' && typeof err.errno === 'number') return EMSCRIPTEN_ERRNO[err.errno] ?? `file-system error ${err.errno}`;
  if (typeof err.code === 'string' && err.code !== '') return err.code;
  const text = String(e);
  return text && text !== '[object Object]' ? text : 'unknown error';
}

/** A full disk, however the driver, PGlite or Node says it. */
export function isDiskFull(e: unknown): boolean {
  const err = e as { code?: unknown; errno?: unknown; name?: unknown; cause?: unknown } | null;
  if (!err || typeof err !== 'object') return false;
  if (err.code === '53100' || err.code === 'ENOSPC' || err.code === 'EDQUOT') return true;
  if (err.name === 'ErrnoError' && (err.errno === 51 || err.errno === 19)) return true;
  if (/no space left on device|disk quota exceeded/i.test(describeFailure(e))) return true;
  return err.cause !== undefined && err.cause !== e && isDiskFull(err.cause);
}

/** A write sent to a hot standby: which server to use instead. */
export function standbyError(cause?: unknown): AosError {
  return new AosError(
    'database',
    'the server is a read-only standby: run this against the primary',
    'point {url} at the primary; a standby answers reads (check, signals, customers, suppress list) from what it has replayed',
    cause === undefined ? undefined : { cause },
  );
}

/**
 * Driver and connection failures become exit-3 errors that name the database, never stacks.
 * `server`: the parameters the server reported (postgres.js), to tell a standby's refusal of a write.
 */
export function databaseError(location: string, failure: unknown, server?: ServerParameters): AosError {
  const e = driverError(failure);
  if (e instanceof AosError) return e;
  const detail = describeFailure(e);
  // Reads work on a hot standby; a write there fails at its first statement ("cannot execute
  // CREATE TABLE in a read-only transaction"), which names neither the cause nor the next step.
  const readOnly = readOnlyCause(e, server);
  if (readOnly === 'standby') return standbyError(e);
  if (readOnly === 'read-only default') {
    return new AosError('database', `database error: ${detail}`, 'the server makes this session read-only (default_transaction_read_only = on): connect as a user, or to a database, that may write', { cause: e });
  }
  if (isUnreachable(e)) {
    return new AosError('database', `cannot reach database ${location}: ${detail}`, 'check {url} and that the server is running', { cause: e });
  }
  // A server that answers but has no such database, or will not let this user in: the URL names
  // the wrong one, or the database (the role) was never created. The driver's words name it.
  const code = (e as { code?: unknown } | null)?.code;
  if (code === '3D000') {
    return new AosError('database', `database error: ${detail}`, 'create it (createdb), then run {command:db migrate}; or check {url}', { cause: e });
  }
  if (code === '28000' || code === '28P01') {
    return new AosError('database', `database error: ${detail}`, 'check the user and password in {url}', { cause: e });
  }
  if (isDiskFull(e)) {
    return new AosError('database', `database error: the disk is full (${detail})`, `free disk space where ${location} is stored, then run the command again: the failed change was not written`, { cause: e });
  }
  return new AosError('database', `database error: ${detail}`, undefined, { cause: e });
}

/**
 * Database.run over a drizzle instance: a failure leaves in the engine's words (convert). Here and
 * not in database.ts, which the services load: the open chunk of the CLI bundle loads no other.
 */
export function runner(orm: () => Promise<Orm>, convert: (e: unknown) => unknown): Database['run'] {
  return async (fn) => {
    const o = await orm();
    try {
      return await fn(o);
    } catch (e) {
      throw convert(e);
    }
  };
}
