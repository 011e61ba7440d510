// openDatabase: postgres.js for a server URL, else embedded PGlite in the data directory (SPEC §1).
import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { AosError } from '../errors.js';
import type { Database, Queryable, Row } from './database.js';
import { acquireEmbeddedLock } from './embedded-lock.js';
import { migrationState } from './migrations.js';

// The driver client behind a Database, for the migrator (which needs drizzle over the driver).
const RAW = Symbol('aos.rawClient');
type WithRaw = Database & { [RAW]: unknown };

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
}

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

/** Driver and connection failures become exit-3 errors that name the database, never stacks. */
export function databaseError(location: string, e: unknown): AosError {
  if (e instanceof AosError) return e;
  const err = e as { code?: string; message?: string };
  const detail = err.message || err.code || String(e);
  const unreachable = ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'CONNECT_TIMEOUT', 'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'EHOSTUNREACH', 'ECONNRESET'];
  if (err.code && unreachable.includes(err.code)) {
    return new AosError('database', `cannot reach database ${location}: ${detail}`, 'check --database-url / DATABASE_URL and that the server is running', { cause: e });
  }
  return new AosError('database', `database error: ${detail}`, undefined, { cause: e });
}

function wrapQueryable(run: (text: string, params: readonly unknown[]) => Promise<Row[]>, location: string): Queryable {
  return {
    async query<T extends object>(text: string, params: readonly unknown[] = []) {
      try {
        return (await run(text, params)) as T[];
      } catch (e) {
        throw databaseError(location, e);
      }
    },
  };
}

async function openPostgres(url: string): Promise<WithRaw> {
  const { default: postgres } = await import('postgres');
  const location = redactUrl(url);
  let sql: ReturnType<typeof postgres>;
  try {
    sql = postgres(url, {
      max: 1,
      connect_timeout: 10,
      onnotice: () => {},
      connection: { application_name: 'aos' },
    });
  } catch (e) {
    throw new AosError('usage', `invalid database URL ${location}: ${(e as Error).message}`, 'expected postgres://user:password@host:5432/dbname');
  }
  const base = wrapQueryable((text, params) => sql.unsafe(text, params as never[]), location);
  return {
    [RAW]: sql,
    kind: 'postgres',
    location,
    query: base.query,
    async transaction(fn) {
      let bodyDone = false;
      try {
        return (await sql.begin(async (tx) => {
          const result = await fn(wrapQueryable((text, params) => tx.unsafe(text, params as never[]), location));
          bodyDone = true;
          return result;
        })) as never;
      } catch (e) {
        // The body's own errors (already AosErrors when they came from a query) pass unchanged.
        throw bodyDone ? databaseError(location, e) : e;
      }
    },
    async close() {
      await sql.end({ timeout: 5 });
    },
  };
}

async function openEmbedded(dataDir: string, waitSeconds: number, onCreate?: (dataDir: string) => void): Promise<WithRaw> {
  try {
    mkdirSync(dirname(dataDir), { recursive: true });
  } catch (e) {
    throw new AosError('database', `cannot create data directory ${dataDir}: ${(e as Error).message}`, 'set AOS_DATA_DIR to a writable directory');
  }
  const release = await acquireEmbeddedLock(`${dataDir}.lock`, waitSeconds);
  let pg: import('@electric-sql/pglite').PGlite;
  try {
    const { PGlite } = await import('@electric-sql/pglite');
    // Under the lock, so only the process that will create it says so.
    if (!existsSync(join(dataDir, 'PG_VERSION'))) onCreate?.(dataDir);
    pg = new PGlite(dataDir);
    await pg.waitReady;
  } catch (e) {
    release();
    throw new AosError('database', `cannot open embedded database ${dataDir}: ${(e as Error).message}`, undefined, { cause: e });
  }
  const base = wrapQueryable(async (text, params) => (await pg.query<Row>(text, params as unknown[])).rows, dataDir);
  let closed = false;
  return {
    [RAW]: pg,
    kind: 'embedded',
    location: dataDir,
    query: base.query,
    async transaction(fn) {
      let bodyDone = false;
      try {
        return await pg.transaction(async (tx) => {
          const result = await fn(wrapQueryable(async (text, params) => (await tx.query<Row>(text, params as unknown[])).rows, dataDir));
          bodyDone = true;
          return result;
        });
      } catch (e) {
        throw bodyDone ? databaseError(dataDir, e) : e;
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      try {
        await pg.close();
      } finally {
        release();
      }
    },
  };
}

/** Applies drizzle's migrations in drizzle/ (idempotent). Loads drizzle only here. */
export async function runMigrations(db: Database): Promise<void> {
  const { MIGRATIONS_FOLDER } = await import('./migrations.js');
  const raw = (db as Partial<WithRaw>)[RAW];
  try {
    if (db.kind === 'postgres') {
      const { drizzle } = await import('drizzle-orm/postgres-js');
      const { migrate } = await import('drizzle-orm/postgres-js/migrator');
      const sql = raw as import('postgres').Sql;
      await sql`select pg_advisory_lock(hashtext('aos:migrate'))`;
      try {
        await migrate(drizzle(sql), { migrationsFolder: MIGRATIONS_FOLDER });
      } finally {
        await sql`select pg_advisory_unlock(hashtext('aos:migrate'))`;
      }
    } else {
      const { drizzle } = await import('drizzle-orm/pglite');
      const { migrate } = await import('drizzle-orm/pglite/migrator');
      await migrate(drizzle({ client: raw as import('@electric-sql/pglite').PGlite }), { migrationsFolder: MIGRATIONS_FOLDER });
    }
  } catch (e) {
    throw databaseError(db.location, e);
  }
}

export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<Database> {
  const db = options.url
    ? await openPostgres(options.url)
    : await openEmbedded(options.dataDir ?? defaultDataDir(), options.waitSeconds ?? 5, options.onCreate);
  if (options.migrations === 'skip') return db;
  try {
    const state = await migrationState(db);
    if (!state.upToDate) {
      if (db.kind === 'embedded') {
        await runMigrations(db);
      } else {
        throw new AosError(
          'database',
          `database ${db.location} is not migrated (${state.pending.length} pending migration${state.pending.length === 1 ? '' : 's'})`,
          'run `aos db migrate`',
        );
      }
    }
  } catch (e) {
    await db.close().catch(() => {});
    throw e;
  }
  return db;
}
