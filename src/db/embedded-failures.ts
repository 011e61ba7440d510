// The embedded data directory's failures: one that cannot be opened (whose, a full disk, or damage),
// a damaged table, an engine that stopped mid-statement; each with what to do about it.
import { accessSync, constants as fsConstants, readdirSync, statfsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { AosError } from '../errors.js';
import { describeFailure, isDiskFull } from './failures.js';

/** Free bytes on the disk holding path (or its nearest existing parent); null when unknown. */
function freeBytes(path: string): number | null {
  for (let p = path; ; p = dirname(p)) {
    try {
      const st = statfsSync(p);
      return st.bavail * st.bsize;
    } catch {
      if (dirname(p) === p) return null;
    }
  }
}

/** Below this much free space PGlite cannot start (it writes a WAL segment of 16 MB). */
const LOW_SPACE_BYTES = 32 * 1024 * 1024;

/**
 * The first part of a data directory (itself, or an entry at its top or in global/) this process
 * may not read and write, with why; null when all may be. PGlite only says "failed to initialize".
 */
function unwritable(dataDir: string): { path: string; why: string } | null {
  const paths = [dataDir];
  for (const sub of ['', 'global', 'base']) {
    try {
      for (const name of readdirSync(join(dataDir, sub))) paths.push(join(dataDir, sub, name));
    } catch {
      // a missing or unreadable directory is checked as a path of its own
    }
  }
  for (const path of paths) {
    try {
      accessSync(path, fsConstants.R_OK | fsConstants.W_OK);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EACCES' || code === 'EPERM') return { path, why: 'permission denied' };
      if (code === 'EROFS') return { path, why: 'read-only file system' };
    }
  }
  return null;
}

/**
 * How to recover a data directory that holds the user's data but is damaged: from a backup. Never
 * "start an empty database": one in its place holds none of the clients, customers or opt-outs, so
 * every check against it answers "allowed" while the data sits in the directory moved aside.
 */
export function restoreHint(dataDir: string): string {
  return `restore the data directory from a backup, keeping this one (mv "${dataDir}" "${dataDir}.broken"); do not start an empty database in its place: it would hold none of its clients or entries, and every check would answer "allowed"`;
}

/** The error of a data directory that cannot be opened: what is wrong and how to recover. */
export function openFailure(dataDir: string, e: unknown, created: boolean): AosError {
  const detail = describeFailure(e);
  // Not damaged, and never to be moved aside: another user's directory, or a read-only disk.
  const denied = created ? null : unwritable(dataDir);
  if (denied) {
    return new AosError(
      'database',
      `cannot open embedded database ${dataDir}: ${denied.why} (${denied.path === dataDir ? 'the directory' : denied.path} is not writable by this user)`,
      denied.why === 'permission denied'
        ? `run it as the user that owns ${dataDir}, or give this user read and write access to all of it`
        : 'copy the data directory to a writable disk and point AOS_DATA_DIR at the copy',
      { cause: e },
    );
  }
  const free = freeBytes(dataDir);
  const full = isDiskFull(e) || (free !== null && free < LOW_SPACE_BYTES);
  const space = free !== null ? ` (${Math.floor(free / (1024 * 1024))} MB free)` : '';
  if (created) {
    // Nothing of the user's was in it: the half-made directory was removed, a rerun starts afresh.
    return new AosError(
      'database',
      `cannot create embedded database ${dataDir}: ${full ? `the disk is full${space}` : detail}`,
      full ? 'free disk space (it needs about 50 MB), then run the command again' : 'set AOS_DATA_DIR to a directory on a writable disk with about 50 MB free, then run the command again',
      { cause: e },
    );
  }
  if (full) {
    return new AosError('database', `cannot open embedded database ${dataDir}: the disk is full${space}`, 'free disk space, then run the command again', { cause: e });
  }
  // PGlite does not say why it could not start ("Aborted()"): a disk that filled up meanwhile, or
  // a directory a full disk or a crash left half-written. The hint covers both.
  return new AosError(
    'database',
    `cannot open embedded database ${dataDir}: the data directory may be damaged (${detail})`,
    `if its disk is full, free space and run the command again; otherwise ${restoreHint(dataDir)}`,
    { cause: e },
  );
}

/** What the embedded engine's statements fail with when it stopped in the middle of one (embedded-engine.ts). */
export function engineStoppedError(): AosError {
  return new AosError('database', 'the embedded database stopped in the middle of a statement', undefined, { kind: 'engine-stopped' });
}

/** A statement that never finished: what to do about it. */
export function stalledError(dataDir: string, e: AosError): AosError {
  const free = freeBytes(dataDir);
  const full = free !== null && free < LOW_SPACE_BYTES;
  return new AosError(
    'database',
    `${e.message}${full ? ': the disk is full' : ''} (${dataDir}); the unfinished change was not written`,
    full ? 'free disk space, then run the command again' : 'run the command again; if it stops again, check that the disk has free space',
    { cause: e, kind: 'engine-stopped' },
  );
}

/**
 * A read of the data directory's own files failed: a table or index file cut short or garbled by a
 * crash or a full disk (data_corrupted, index_corrupted, io_error, a missing relation file).
 */
export function isDamage(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === 'XX001' || code === 'XX002' || code === '58030' || code === '58P01';
}

/** A damaged embedded data directory: what is wrong and how to recover, in one line and a hint. */
export function damagedError(dataDir: string, e: unknown): AosError {
  return new AosError(
    'database',
    `the embedded database ${dataDir} is damaged: ${describeFailure(e)}`,
    restoreHint(dataDir),
    { cause: e },
  );
}

/** Is the error one of the engine itself (a file-system, resource or internal failure), not of SQL? */
export function isEngineFailure(e: unknown): boolean {
  const err = e as { code?: unknown; name?: unknown; severity?: unknown } | null;
  if (!err || typeof err !== 'object') return true;
  if (isDiskFull(e)) return true;
  if (typeof err.code === 'string' && /^(53|58|XX)/.test(err.code)) return true;
  if (err.severity === 'PANIC' || err.severity === 'FATAL') return true;
  // A query's own error from PostgreSQL is a DatabaseError with a SQLSTATE; anything else (an
  // ErrnoError, a TypeError from the WebAssembly glue) means the engine itself failed.
  return typeof err.code !== 'string' || err.name === 'ErrnoError';
}
