// openDatabase: postgres.js for a server URL, else embedded PGlite in the data directory (SPEC §1).
import { accessSync, constants as fsConstants, existsSync, mkdirSync, readdirSync, rmSync, statfsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import postgres from 'postgres';
import { AosError } from '../errors.js';
import { driverError, isDatabaseFailure, isUnreachable, readOnlyCause, type ServerParameters } from './errors.js';
import type { Database, Orm, Queryable, Row } from './database.js';
import { findDamagedPage, VERIFIED_TABLES } from './embedded-integrity.js';
import { acquireEmbeddedLock } from './embedded-lock.js';
import { withPlainTransactionControl } from './postgres-transactions.js';
import { migrationState } from './migrations.js';

export interface OpenDatabaseOptions {
  /** PostgreSQL URL; when absent the embedded database is used. */
  url?: string | undefined;
  /** Embedded data directory (default: defaultDataDir()). */
  dataDir?: string | undefined;
  /** Seconds to wait for another process holding the embedded database. */
  waitSeconds?: number | undefined;
  /**
   * 'require' (default): a server behind on migrations is an error; the embedded database is
   * migrated automatically. 'skip': open as is (for `db migrate` and `db status`).
   */
  migrations?: 'require' | 'skip';
  /** Called before the embedded database is created (initdb: a few seconds, once per data directory). */
  onCreate?: ((dataDir: string) => void) | undefined;
  /**
   * The process opens the database for a few statements and ends (one `aos check`): the embedded
   * engine starts lean (see leanEngine). Never for bulk work, which would run slower.
   */
  brief?: boolean | undefined;
  /**
   * Called with every statement the services send, as sent, before it runs: how the statement
   * routing test (test/service/statement-routing.test.ts) sees what reaches the database. Unset,
   * nothing is observed and nothing is paid.
   */
  onStatement?: StatementObserver | undefined;
  /**
   * Server only: send the check's lookup as a named statement, parsed once per connection, its
   * plan kept by the server (default: AOS_PREPARE, else on). Every other statement goes unnamed.
   */
  prepare?: boolean | undefined;
}

export type StatementObserver = (text: string, params: readonly unknown[]) => void;

/**
 * AOS_PREPARE: on (default) or off. On, the check's lookup is a named statement, parsed once per
 * connection, whose generic plan the server keeps (BENCHMARKS.md, issue 24). Behind a
 * transaction-pooling PgBouncer before 1.21 (which hands each transaction another server
 * connection, where the named statement is missing) a handle finds that out by itself and goes
 * unnamed (queryPrepared below); off names no statement at all from the start.
 */
export function prepareSetting(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = (env.AOS_PREPARE ?? '').trim().toLowerCase();
  if (value === '' || value === 'on' || value === 'true' || value === '1') return true;
  if (value === 'off' || value === 'false' || value === '0') return false;
  throw new AosError('usage', `invalid AOS_PREPARE "${env.AOS_PREPARE}": use on or off`, 'on (the default) or off; behind a transaction-pooling PgBouncer either works');
}

// A named statement the server connection does not hold (26000), or holds already (42P05): a
// transaction-pooling PgBouncer gave this transaction another server connection than the one it
// was prepared on. The statement did not run, so running it again unnamed is safe.
const POOLED_STATEMENT_LOST = new Set(['26000', '42P05']);

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.AOS_DATA_DIR) return resolve(env.AOS_DATA_DIR);
  const base = env.XDG_DATA_HOME || join(homedir(), '.local', 'share');
  return join(base, 'aos');
}

export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}

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

function wrapQueryable(run: (text: string, params: readonly unknown[]) => Promise<Row[]>, location: string, server?: ServerParameters): Queryable {
  return {
    async query<T extends object>(text: string, params: readonly unknown[] = []) {
      try {
        return (await run(text, params)) as T[];
      } catch (e) {
        throw databaseError(location, e, server);
      }
    },
  };
}

/**
 * A transaction on the server that ends in ROLLBACK once fn resolves. postgres.js commits a
 * begin() scope whenever its callback resolves, so this one takes the connection for itself and
 * says BEGIN and ROLLBACK.
 */
async function rehearsePostgres<T>(
  sql: postgres.Sql,
  ormOver: (client: postgres.Sql) => Orm,
  fn: (tx: Orm) => Promise<T>,
  errors: { location: string; failed: (e: unknown) => unknown },
): Promise<T> {
  let connection: postgres.ReservedSql | undefined;
  let bodyFailed = false;
  try {
    connection = await sql.reserve();
    // Simple queries, never named statements a pooler could lose (postgres-transactions.ts).
    await connection.unsafe('begin');
    // drizzle() reads the client's options (a reserved connection shares the pool's, unexposed).
    const tx = ormOver(Object.assign(connection, { options: sql.options }));
    const result = await fn(tx).catch((e: unknown) => {
      bodyFailed = true;
      throw e;
    });
    await connection.unsafe('rollback');
    return result;
  } catch (e) {
    // A lost connection cannot roll back, nor does it need to: the server rolls back by itself
    // (asked anyway, the ROLLBACK would never settle: postgres-transactions.ts).
    if (bodyFailed && connection && !isUnreachable(e)) await connection.unsafe('rollback').catch(() => {});
    throw bodyFailed ? errors.failed(e) : databaseError(errors.location, e);
  } finally {
    connection?.release();
  }
}

async function openPostgres(url: string, preparing: boolean, onStatement?: StatementObserver): Promise<Database> {
  const location = redactUrl(url);
  // postgres.js reads any scheme as its own: mysql://host/db would be tried as PostgreSQL and fail
  // as "cannot reach", a database error, for what is a wrong URL. A scheme without '//' too:
  // file:/tmp/x.db was tried as the database "tmp/x.db" on localhost.
  const invalidUrl = (why: string) => new AosError('usage', `invalid database URL ${location}: ${why}`, 'expected postgres://user:password@host:5432/dbname');
  const found = /^([a-z][a-z0-9+.-]*):(\/\/)?/i.exec(url);
  const scheme = found?.[1]?.toLowerCase();
  if (scheme !== undefined && scheme !== 'postgres' && scheme !== 'postgresql') throw invalidUrl(`${scheme}:${found?.[2] ?? ''} is not PostgreSQL`);
  // The server session the named statements were last run on (the lookup's pg_backend_pid()),
  // forgotten when the connection closes: postgres.js opens a new session for the next statement.
  let session: unknown;
  let reconnecting = false;
  let sql: ReturnType<typeof postgres>;
  try {
    sql = postgres(url, {
      max: 1,
      connect_timeout: 10,
      // Named statements only where queryPrepared asks (the check's lookup); every other statement
      // passes prepare: false (base below; drizzle's own are unnamed), as a pooler needs.
      prepare: preparing,
      // Never pipeline (postgres.js 3.4.9; docs/reliability.md, known issues): a statement sent
      // while another is in flight is queued on the connection itself, and one queued between the
      // socket's 'error' (a reset: the server had killed the session) and its 'close' is never
      // settled. A check retried at once after the reset failed then waited forever. At 0 every
      // statement waits in the pool's queue until the connection is idle, and when the connection
      // closes instead, the pool hands it to the new connection (test/service/warm-check.test.ts).
      ...({ max_pipeline: 0 } as object), // an option postgres.js reads but its types omit
      onclose: () => {
        session = undefined;
        reconnecting = true;
      },
      onnotice: () => {},
      connection: { application_name: 'aos' },
      // postgres.js calls debug with each statement it sends (with the parameters, as serialized).
      ...(onStatement ? { debug: (_connection: number, text: string, params: unknown[]) => onStatement(text, params) } : {}),
    });
  } catch (e) {
    throw invalidUrl((e as Error).message);
  }
  // postgres.js 3.4.9 keeps the error a killed session sent with a statement in flight (57P01,
  // "terminating connection due to administrator command") and hands it to the first statement
  // of the next connection, which never ran (docs/reliability.md, known issues). After a close,
  // the first statement is this throwaway one, which takes that error if there is one.
  const settled = async () => {
    if (!reconnecting) return;
    reconnecting = false;
    await sql.unsafe('select 1').catch(() => {});
  };
  const base = wrapQueryable(async (text, params) => {
    await settled();
    return sql.unsafe(text, params as never[], { prepare: false });
  }, location, sql.parameters);
  // Drizzle is loaded when a statement first needs it, not with this module: the migration-state
  // statement (plain SQL) opens the connection first, so the server starts its backend while
  // drizzle and the command's modules load (most of a cold `aos check`, BENCHMARKS.md).
  let drizzleModule: Promise<typeof import('drizzle-orm/postgres-js')> | undefined;
  const loadDrizzle = () => (drizzleModule ??= import('drizzle-orm/postgres-js'));
  let orm: Orm | undefined;
  const ormNow = async () => {
    await settled();
    return (orm ??= (await loadDrizzle()).drizzle(withPlainTransactionControl(sql)) as unknown as Orm);
  };
  let prepare = preparing;
  const queryPrepared = async <T extends object>(text: string, params: readonly unknown[], sessionOf?: (rows: T[]) => unknown): Promise<T[]> => {
    if (!prepare) return base.query<T>(text, params);
    await settled();
    let rows: T[];
    try {
      rows = (await sql.unsafe(text, params as never[], { prepare: true })) as unknown as T[];
    } catch (e) {
      const code = (e as { code?: unknown } | null)?.code;
      if (typeof code !== 'string' || !POOLED_STATEMENT_LOST.has(code)) throw databaseError(location, e, sql.parameters);
      // postgres.js has prepared it again once already: the pooler cannot keep it, so this handle
      // stops naming statements (as AOS_PREPARE=off would) and asks unnamed, once.
      prepare = false;
      return base.query<T>(text, params);
    }
    // Another server session than last time on the same connection: a transaction-pooling
    // PgBouncer (before 1.21) hands each statement whichever server connection is free, where
    // postgres.js found its named statement missing and prepared it anew, unseen (one more
    // prepared statement left on that server connection each time). Named statements buy nothing
    // there: this handle goes unnamed from now on.
    const now = sessionOf?.(rows);
    if (now !== undefined && now !== null) {
      if (session !== undefined && session !== now) prepare = false;
      session = now;
    }
    return rows;
  };
  // A statement's failure (wrapped by drizzle) becomes an exit-3 error; the caller's own errors pass.
  const failed = (e: unknown) => (isDatabaseFailure(e) ? databaseError(location, e, sql.parameters) : e);
  return {
    kind: 'postgres',
    location,
    query: base.query,
    queryPrepared,
    run: runner(ormNow, failed),
    async transaction(fn, options) {
      const { drizzle } = await loadDrizzle();
      await settled();
      if (options?.rollback) return rehearsePostgres(sql, (client) => drizzle(client) as unknown as Orm, fn, { location, failed });
      let bodyDone = false;
      try {
        return await (await ormNow()).transaction(async (tx) => {
          const result = await fn(tx);
          bodyDone = true;
          return result;
        });
      } catch (e) {
        // After the body, only COMMIT can have failed: that is the database's failure whatever it says.
        throw bodyDone ? databaseError(location, e, sql.parameters) : failed(e);
      }
    },
    async close() {
      await sql.end({ timeout: 5 });
    },
  };
}

/** Database.run over a drizzle instance: a failure leaves in the engine's words (convert). */
function runner(orm: () => Promise<Orm>, convert: (e: unknown) => unknown): Database['run'] {
  return async (fn) => {
    const o = await orm();
    try {
      return await fn(o);
    } catch (e) {
      throw convert(e);
    }
  };
}

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

/** The error of a data directory that cannot be opened: what is wrong and how to recover. */
function openFailure(dataDir: string, e: unknown, created: boolean): AosError {
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
    `if its disk is full, free space and run the command again; otherwise move it aside (mv "${dataDir}" "${dataDir}.broken") and run again to start an empty database, or restore it from a backup`,
    { cause: e },
  );
}

/** A statement that never finished: what to do about it. */
function stalledError(dataDir: string, e: AosError): AosError {
  const free = freeBytes(dataDir);
  const full = free !== null && free < LOW_SPACE_BYTES;
  return new AosError(
    'database',
    `${e.message}${full ? ': the disk is full' : ''} (${dataDir}); the unfinished change was not written`,
    full ? 'free disk space, then run the command again' : 'run the command again; if it stops again, check that the disk has free space',
    { cause: e },
  );
}

/**
 * A read of the data directory's own files failed: a table or index file cut short or garbled by a
 * crash or a full disk (data_corrupted, index_corrupted, io_error, a missing relation file).
 */
function isDamage(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === 'XX001' || code === 'XX002' || code === '58030' || code === '58P01';
}

/** A damaged embedded data directory: what is wrong and how to recover, in one line and a hint. */
function damagedError(dataDir: string, e: unknown): AosError {
  return new AosError(
    'database',
    `the embedded database ${dataDir} is damaged: ${describeFailure(e)}`,
    `move it aside (mv "${dataDir}" "${dataDir}.broken") and run again to start an empty database, or restore it from a backup`,
    { cause: e },
  );
}

/** Is the error one of the engine itself (a file-system, resource or internal failure), not of SQL? */
function isEngineFailure(e: unknown): boolean {
  const err = e as { code?: unknown; name?: unknown; severity?: unknown } | null;
  if (!err || typeof err !== 'object') return true;
  if (isDiskFull(e)) return true;
  if (typeof err.code === 'string' && /^(53|58|XX)/.test(err.code)) return true;
  if (err.severity === 'PANIC' || err.severity === 'FATAL') return true;
  // A query's own error from PostgreSQL is a DatabaseError with a SQLSTATE; anything else (an
  // ErrnoError, a TypeError from the WebAssembly glue) means the engine itself failed.
  return typeof err.code !== 'string' || err.name === 'ErrnoError';
}

// Drizzle asks PGlite, with every statement, to hand dates, times, intervals and numeric[] over as
// PostgreSQL sends them (identity parsers, as drizzle's postgres.js driver sets once on its client),
// and PGlite merges that request into its ~300 parsers on each call: ~0.2 ms of CPU a statement,
// which doubled the cost of a one-row lookup (getScoreBoost). The instance parses those types
// that way itself, so the request changes nothing and is dropped.
const AS_SENT_TYPES = new Set(['1082', '1114', '1184', '1186', '1115', '1182', '1185', '1187', '1231']);
const asSent = (value: string) => value;

function parseAsSent(instance: { parsers: Record<string, (value: string, typeId?: number) => unknown> }): void {
  for (const oid of AS_SENT_TYPES) instance.parsers[oid] = asSent;
}

function withoutAsSentParsers<O extends { parsers?: object }>(options: O | undefined): O | undefined {
  if (!options?.parsers || !Object.keys(options.parsers).every((oid) => AS_SENT_TYPES.has(oid))) return options;
  const { parsers: _asSent, ...rest } = options;
  return rest as O;
}

/**
 * Closes a PGlite instance, waiting at most `ms`: one whose WebAssembly stopped (a failed write, a
 * damaged directory) may never settle its close(), and the command must still end.
 */
async function closeWithin(instance: { close(): Promise<void> }, ms = 2000): Promise<void> {
  await settledWithin(instance.close().catch(() => {}), ms);
}

/** Whether `work` settled within `ms` (its rejection passes on). */
async function settledWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work.then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * How long a healthy instance may take to close (it writes out what it holds in memory, a second or
 * two after a large import on a loaded machine) before it is taken for stopped and left behind.
 */
const CLOSE_MS = 10_000;

/**
 * The verified tables' heap files checked for a zeroed page where data must be: the error that says
 * so, or null. Damage, not a full disk: the hint never leads to starting afresh (that would drop
 * the list) nor to adding a client (whose entries the damaged table would orphan).
 */
async function zeroedPageError(pg: import('@electric-sql/pglite').PGlite, dataDir: string): Promise<AosError | null> {
  const locate = async () => {
    // Each table with its primary key's index: the index tells a zeroed page that held rows from an empty one.
    const { rows } = await pg.query<{ table: string; path: string; index: string }>(
      `select c.relname as table, pg_relation_filepath(c.oid) as path,
              coalesce((select pg_relation_filepath(i.indexrelid) from pg_index i where i.indrelid = c.oid and i.indisprimary), '') as index
         from pg_class c
        where c.relnamespace = 'public'::regnamespace and c.relkind = 'r' and c.relname = any($1::text[])
       union all select '', pg_relation_filepath('pg_class'), ''`,
      [[...VERIFIED_TABLES]],
    );
    return { catalog: rows.find((r) => r.table === '')?.path ?? '', tables: rows.filter((r) => r.table !== '') };
  };
  let damaged = await findDamagedPage(dataDir, locate, `${dataDir}.verified`);
  if (damaged === null) return null;
  // A process killed mid-write leaves pages its transaction extended the file with still zero on
  // disk, while recovery has replayed them in memory only: written out, a page that held anything
  // is no longer zero. Only a page that stays zero after a checkpoint was lost.
  await pg.exec('checkpoint');
  damaged = await findDamagedPage(dataDir, locate, `${dataDir}.verified`);
  if (damaged === null) return null;
  return new AosError(
    'database',
    `the embedded database ${dataDir} is damaged: page ${damaged.block} of table ${damaged.table} is ${damaged.kind === 'zeroed' ? 'zeroed' : 'missing (its file ends before it)'} (lost in a crash, on a full disk or in a short copy), so what it held would read as absent`,
    `restore the data directory from a backup; until then do not use it (adding clients or entries to it would not bring back what was lost)`,
  );
}

/**
 * PGlite options for a brief open, and the process-wide V8 setting that goes with it. Measured on a
 * single check (BENCHMARKS.md): by default V8 compiles PGlite's 9 MB of WebAssembly twice, with its
 * baseline compiler and then, on the other core, with its optimizing one, for code a check runs
 * once; and PostgreSQL sets up 128 MB of shared buffers for a lookup that reads a few pages.
 * Baseline code alone halves the CPU of a start and 16 MB of buffers halve its memory. Both cost
 * a long run speed (baseline WebAssembly is slower), hence only for a brief open. Neither changes
 * what is read or written: the integrity check and the lock are the same.
 */
function leanEngine(PGlite: typeof import('@electric-sql/pglite').PGlite): import('@electric-sql/pglite').PGliteOptions {
  // Must come before the module is compiled; it holds for the rest of the process. The code cache
  // of the check program is not written after such a run: V8 refuses caches made under other flags.
  setFlagsFromString('--liftoff-only');
  (globalThis as Record<symbol, unknown>)[Symbol.for('aos.v8FlagsChanged')] = true;
  return { startParams: [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'] };
}

async function openEmbedded(dataDir: string, waitSeconds: number, onCreate?: (dataDir: string) => void, onStatement?: StatementObserver, brief = false): Promise<Database> {
  let existing: ReturnType<typeof statSync> | undefined;
  try {
    existing = statSync(dataDir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new AosError('usage', `cannot use data directory ${dataDir}: ${describeFailure(e)}`, 'set AOS_DATA_DIR to a directory (it is created when missing)');
    }
  }
  if (existing && !existing.isDirectory()) {
    throw new AosError('usage', `the embedded data directory ${dataDir} is a file, not a directory`, 'set AOS_DATA_DIR to a directory (it is created when missing), or move that file away');
  }
  // PGlite would create a database inside any directory without PG_VERSION, among whatever it
  // holds (AOS_DATA_DIR=$HOME by mistake): only a missing or empty directory becomes a database.
  if (existing && !existsSync(join(dataDir, 'PG_VERSION')) && readdirSync(dataDir).length > 0) {
    throw new AosError('usage', `${dataDir} is not an embedded aos database and not empty`, 'set AOS_DATA_DIR to an empty or missing directory, or to an existing aos data directory');
  }
  try {
    mkdirSync(dirname(dataDir), { recursive: true });
  } catch (e) {
    throw new AosError('database', `cannot create data directory ${dataDir}: ${describeFailure(e)}`, 'set AOS_DATA_DIR to a writable directory');
  }
  const release = await acquireEmbeddedLock(`${dataDir}.lock`, waitSeconds);
  // Whether this open creates the database: only then may a failure remove what it left behind.
  let created = false;
  try {
    created = !existsSync(dataDir) || readdirSync(dataDir).length === 0;
    // Under the lock, so only the process that will create it says so.
    if (created) onCreate?.(dataDir);
  } catch (e) {
    release();
    throw new AosError('usage', `cannot read data directory ${dataDir}: ${describeFailure(e)}`, 'set AOS_DATA_DIR to a directory you can read and write');
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const engineOptions = brief ? leanEngine(PGlite) : {};
  const start = async (): Promise<import('@electric-sql/pglite').PGlite> => {
    let instance: import('@electric-sql/pglite').PGlite | undefined;
    try {
      instance = new PGlite(dataDir, engineOptions);
      await instance.waitReady;
      parseAsSent(instance);
      return instance;
    } catch (e) {
      // A failed instance may never finish closing: the error is the news, never a hang.
      if (instance) await closeWithin(instance);
      throw e;
    }
  };
  let pg: import('@electric-sql/pglite').PGlite;
  try {
    pg = await start();
  } catch (e) {
    // A first run that fails (a full disk during initdb) leaves a directory no later run can open.
    const failure = openFailure(dataDir, e, created);
    if (created) rmSync(dataDir, { recursive: true, force: true });
    release();
    throw failure;
  }
  // A zeroed page reads as an empty one (embedded-integrity.ts): found before anything is answered.
  let damage: AosError | null = null;
  try {
    damage = await zeroedPageError(pg, dataDir);
  } catch (e) {
    damage = isDamage(e) ? damagedError(dataDir, e) : openFailure(dataDir, e, false);
  }
  if (damage) {
    await closeWithin(pg);
    release();
    throw damage;
  }
  // PGlite can stop for good in the middle of a statement (an abort inside its WebAssembly after a
  // failed write): the statement's promise then never settles, and Node, with nothing left to
  // do, would exit with code 13 and not a word. When the event loop runs dry while statements are
  // pending, they fail instead, as an engine failure.
  const pending = new Set<(e: unknown) => void>();
  const onDry = () => {
    const stalled = new AosError('database', 'the embedded database stopped in the middle of a statement');
    for (const reject of [...pending]) reject(stalled);
    pending.clear();
  };
  process.on('beforeExit', onDry);
  const settles = <T>(work: Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const fail = (e: unknown) => {
        pending.delete(fail);
        reject(e);
      };
      pending.add(fail);
      work.then(
        (v) => {
          pending.delete(fail);
          resolve(v);
        },
        fail,
      );
    });
  // After an engine failure (a full disk mid-write) PGlite's state cannot be trusted: reusing it
  // gave "cannot drop active portal". The instance is closed and the next statement reopens the
  // directory; if that fails, it says what is wrong with it.
  let broken = false;
  const healthy = async () => {
    if (!broken) return pg;
    await closeWithin(pg);
    try {
      pg = await start();
    } catch (e) {
      throw openFailure(dataDir, e, false);
    }
    broken = false;
    return pg;
  };
  const failed = (e: unknown): AosError => {
    if (e instanceof AosError) {
      if (e.message.startsWith('the embedded database stopped')) {
        broken = true;
        return stalledError(dataDir, e);
      }
      return e;
    }
    if (isEngineFailure(e)) broken = true;
    if (!isDiskFull(e) && isDamage(e)) return damagedError(dataDir, e);
    return databaseError(dataDir, e);
  };
  type PGliteInstance = import('@electric-sql/pglite').PGlite;
  type PGliteQueryOptions = import('@electric-sql/pglite').QueryOptions;
  type Statement = (client: Pick<PGliteInstance, 'query'>) => Promise<unknown>;
  const statement = async <R>(client: Pick<PGliteInstance, 'query'> | undefined, run: (c: Pick<PGliteInstance, 'query'>) => Promise<R>): Promise<R> => {
    const target = client ?? (await healthy());
    try {
      return await settles(run(target));
    } catch (e) {
      throw failed(e);
    }
  };
  const query: Queryable['query'] = async <T extends object>(text: string, params: readonly unknown[] = []) => {
    onStatement?.(text, params);
    return (await statement(undefined, (c) => c.query<Row>(text, params as unknown[]))).rows as T[];
  };
  // What drizzle sees as its PGlite: every statement goes through the same guards as query().
  const guarded = (client: Pick<PGliteInstance, 'query'> | undefined) => ({
    query: ((text: string, params?: unknown[], options?: PGliteQueryOptions) => {
      onStatement?.(text, params ?? []);
      return statement(client, (c) => c.query(text, params, withoutAsSentParsers(options)));
    }) as PGliteInstance['query'],
  });
  const transactionOf = async <T>(fn: (tx: Pick<PGliteInstance, 'query'>) => Promise<T>, rollback: boolean): Promise<T> => {
    const db = await healthy();
    let bodyError: { error: unknown } | undefined;
    try {
      return await settles(db.transaction(async (tx) => {
        let result: T;
        try {
          result = await fn(guarded(tx));
        } catch (e) {
          bodyError = { error: e };
          throw e;
        }
        // PGlite commits unless the transaction was rolled back: a rehearsal rolls it back here.
        if (rollback) await tx.rollback();
        return result;
      }));
    } catch (e) {
      if (bodyError === undefined) throw failed(e); // COMMIT failed
      if (e !== bodyError.error) {
        // The rollback itself failed: the instance is unusable, and the body's error is the news.
        broken = true;
        throw failed(bodyError.error);
      }
      throw e;
    }
  };
  const { drizzle: drizzlePglite } = await import('drizzle-orm/pglite');
  // Drizzle hands its transaction callback to the client's transaction(): one drizzle commits, the
  // other (for transactions that end in ROLLBACK) rolls back.
  const ormOf = (rollback: boolean) =>
    drizzlePglite({ client: { ...guarded(undefined), transaction: <T>(fn: (tx: Pick<PGliteInstance, 'query'>) => Promise<T>) => transactionOf(fn, rollback) } as unknown as PGliteInstance }) as unknown as Orm;
  const orm = ormOf(false);
  const rehearsalOrm = ormOf(true);
  // Statements fail as AosErrors (failed() above) that drizzle wraps: unwrap them; the caller's own errors pass.
  const unwrap = (e: unknown) => (driverError(e) instanceof AosError ? driverError(e) : isDatabaseFailure(e) ? failed(driverError(e)) : e);
  let closed = false;
  return {
    kind: 'embedded',
    location: dataDir,
    query,
    // PGlite runs in this process: a statement costs no round trip, and it keeps no named ones.
    queryPrepared: query,
    run: runner(async () => orm, unwrap),
    async transaction(fn, options) {
      try {
        return await (options?.rollback ? rehearsalOrm : orm).transaction(fn);
      } catch (e) {
        throw unwrap(e);
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      let finished = true;
      try {
        // A broken instance may never finish closing: it is left as it is, and the directory
        // reopens next time (PostgreSQL recovers it from its write-ahead log, without the
        // uncommitted change). A healthy one that does not finish in time is left the same way.
        if (!broken) finished = await settledWithin(settles(pg.close()), CLOSE_MS);
      } catch (e) {
        if (!broken) throw databaseError(dataDir, e);
      } finally {
        process.off('beforeExit', onDry);
        // Left behind, it may still write: the lock is released when the process exits, not before.
        if (finished) release();
      }
      if (!finished) {
        throw new AosError('database', `the embedded database ${dataDir} did not close within ${CLOSE_MS / 1000} s`, 'what was committed is kept: the next command recovers it');
      }
    },
  };
}

/** Applies the migrations in drizzle/ (idempotent; migrator.ts, loaded only here). */
export async function runMigrations(db: Database): Promise<string[]> {
  const { applyMigrations } = await import('./migrator.js');
  try {
    return await applyMigrations(db);
  } catch (e) {
    throw databaseError(db.location, e);
  }
}

export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<Database> {
  const db = options.url
    ? await openPostgres(options.url, options.prepare ?? prepareSetting(), options.onStatement)
    : await openEmbedded(options.dataDir ?? defaultDataDir(), options.waitSeconds ?? 5, options.onCreate, options.onStatement, options.brief);
  if (options.migrations === 'skip') return db;
  try {
    const state = await migrationState(db);
    if (!state.up_to_date) {
      if (db.kind === 'embedded') {
        await runMigrations(db);
      } else {
        throw new AosError(
          'database',
          `database ${db.location} is not migrated (${state.pending.length} pending migration${state.pending.length === 1 ? '' : 's'})`,
          'run {command:db migrate}',
        );
      }
    }
  } catch (e) {
    await db.close().catch(() => {});
    throw e;
  }
  return db;
}
