// The server connection: postgres.js with one connection, drizzle loaded when a statement first
// needs it, the check's lookup as a named statement unless a pooler cannot keep it, and a failure
// of the driver as an exit-3 AosError (failures.ts).
import postgres from 'postgres';
import { AosError } from '../errors.js';
import { isDatabaseFailure, isUnreachable, type ServerParameters } from './errors.js';
import { type Database, type Orm, type Queryable, type Row, type StatementObserver } from './database.js';
import { databaseError, runner } from './failures.js';
import { withPlainTransactionControl } from './postgres-transactions.js';

/**
 * AOS_PREPARE: on (default) or off. On, the check's lookup is a named statement, parsed once per
 * connection, whose generic plan the server keeps (BENCHMARKS.md, issue 24). Behind a
 * transaction-pooling PgBouncer before 1.21 (which hands each transaction another server
 * connection, where the named statement is missing) a handle finds that out by itself and goes
 * unnamed (preparedQuery below); off names no statement at all from the start.
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

export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
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

/**
 * The postgres.js client of a URL, which must name PostgreSQL. postgres.js reads any scheme as its
 * own: mysql://host/db would be tried as PostgreSQL and fail as "cannot reach", a database error,
 * for what is a wrong URL. A scheme without '//' too: file:/tmp/x.db was tried as the database
 * "tmp/x.db" on localhost.
 */
function serverClient(url: string, location: string, preparing: boolean, onclose: () => void, onStatement?: StatementObserver): postgres.Sql {
  const invalidUrl = (why: string) => new AosError('usage', `invalid database URL ${location}: ${why}`, 'expected postgres://user:password@host:5432/dbname');
  const found = /^([a-z][a-z0-9+.-]*):(\/\/)?/i.exec(url);
  const scheme = found?.[1]?.toLowerCase();
  if (scheme !== undefined && scheme !== 'postgres' && scheme !== 'postgresql') throw invalidUrl(`${scheme}:${found?.[2] ?? ''} is not PostgreSQL`);
  try {
    return postgres(url, {
      max: 1,
      connect_timeout: 10,
      // Named statements only where queryPrepared asks (the check's lookup); every other statement
      // passes prepare: false (openPostgres's base; drizzle's own are unnamed), as a pooler needs.
      prepare: preparing,
      // Never pipeline (postgres.js 3.4.9; docs/reliability.md, known issues): a statement sent
      // while another is in flight is queued on the connection itself, and one queued between the
      // socket's 'error' (a reset: the server had killed the session) and its 'close' is never
      // settled. A check retried at once after the reset failed then waited forever. At 0 every
      // statement waits in the pool's queue until the connection is idle, and when the connection
      // closes instead, the pool hands it to the new connection (test/service/warm-check.test.ts).
      ...({ max_pipeline: 0 } as object), // an option postgres.js reads but its types omit
      onclose,
      onnotice: () => {},
      connection: { application_name: 'aos' },
      // postgres.js calls debug with each statement it sends (with the parameters, as serialized).
      ...(onStatement ? { debug: (_connection: number, text: string, params: unknown[]) => onStatement(text, params) } : {}),
    });
  } catch (e) {
    throw invalidUrl((e as Error).message);
  }
}

/** The server session the named statements last ran on, and whether the connection closed since. */
interface SessionWatch {
  /** The lookup's pg_backend_pid(), forgotten when the connection closes. */
  session: unknown;
  reconnecting: boolean;
}

/**
 * postgres.js 3.4.9 keeps the error a killed session sent with a statement in flight (57P01,
 * "terminating connection due to administrator command") and hands it to the first statement of
 * the next connection, which never ran (docs/reliability.md, known issues). After a close, the
 * first statement is this throwaway one, which takes that error if there is one.
 */
async function settle(sql: postgres.Sql, watch: SessionWatch): Promise<void> {
  if (!watch.reconnecting) return;
  watch.reconnecting = false;
  await sql.unsafe('select 1').catch(() => {});
}

/**
 * A statement that failed with its connection (a reset, the server's 57P01) is a close on its way:
 * the next statement may be sent before the socket's 'close' and become the new connection's first,
 * so the throwaway select goes first from now, not only from the close (a check retried at once
 * after a kill got the stale 57P01; issue 24 review).
 */
function noteLost(watch: SessionWatch, e: unknown): void {
  if (isUnreachable(e) || (e as { code?: unknown } | null)?.code === '57P01') watch.reconnecting = true;
}

/**
 * Database.queryPrepared on the server: named while the connection keeps named statements. Once a
 * pooler lost one, postgres.js has prepared it again once already: the pooler cannot keep it, so
 * this handle stops naming statements (as AOS_PREPARE=off would) and asks unnamed, once. Another
 * server session than last time on the same connection is a transaction-pooling PgBouncer (before
 * 1.21) handing each statement whichever server connection is free, where postgres.js found its
 * named statement missing and prepared it anew, unseen: named statements buy nothing there, and
 * this handle goes unnamed from then on.
 */
function preparedQuery(sql: postgres.Sql, location: string, preparing: boolean, unnamed: Queryable, watch: SessionWatch): Database['queryPrepared'] {
  let prepare = preparing;
  return async <T extends object>(text: string, params: readonly unknown[], sessionOf?: (rows: T[]) => unknown): Promise<T[]> => {
    if (!prepare) return unnamed.query<T>(text, params);
    await settle(sql, watch);
    let rows: T[];
    try {
      rows = (await sql.unsafe(text, params as never[], { prepare: true })) as unknown as T[];
    } catch (e) {
      noteLost(watch, e);
      const code = (e as { code?: unknown } | null)?.code;
      if (typeof code !== 'string' || !POOLED_STATEMENT_LOST.has(code)) throw databaseError(location, e, sql.parameters);
      prepare = false;
      return unnamed.query<T>(text, params);
    }
    const now = sessionOf?.(rows);
    if (now !== undefined && now !== null) {
      if (watch.session !== undefined && watch.session !== now) prepare = false;
      watch.session = now;
    }
    return rows;
  };
}

export async function openPostgres(url: string, preparing: boolean, onStatement?: StatementObserver): Promise<Database> {
  const location = redactUrl(url);
  const watch: SessionWatch = { session: undefined, reconnecting: false };
  const sql = serverClient(url, location, preparing, () => Object.assign(watch, { session: undefined, reconnecting: true }), onStatement);
  const base = wrapQueryable(async (text, params) => {
    await settle(sql, watch);
    return sql.unsafe(text, params as never[], { prepare: false }).catch((e: unknown) => {
      noteLost(watch, e);
      throw e;
    });
  }, location, sql.parameters);
  // Drizzle is loaded when a statement first needs it, not with this module: the migration-state
  // statement (plain SQL) opens the connection first, so the server starts its backend while
  // drizzle and the command's modules load (most of a cold `aos check`, BENCHMARKS.md).
  let drizzleModule: Promise<typeof import('drizzle-orm/postgres-js')> | undefined;
  const loadDrizzle = () => (drizzleModule ??= import('drizzle-orm/postgres-js'));
  let orm: Orm | undefined;
  const ormNow = async () => {
    await settle(sql, watch);
    return (orm ??= (await loadDrizzle()).drizzle(withPlainTransactionControl(sql)) as unknown as Orm);
  };
  // A statement's failure (wrapped by drizzle) becomes an exit-3 error; the caller's own errors pass.
  const failed = (e: unknown) => (isDatabaseFailure(e) ? databaseError(location, e, sql.parameters) : e);
  return {
    kind: 'postgres',
    location,
    query: base.query,
    queryPrepared: preparedQuery(sql, location, preparing, base, watch),
    run: runner(ormNow, failed),
    async transaction(fn, options) {
      const { drizzle } = await loadDrizzle();
      await settle(sql, watch);
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
