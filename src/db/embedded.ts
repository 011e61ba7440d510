// The embedded database: PGlite in a data directory this process holds the lock of (SPEC §1).
// Opening it checks the directory is one to use, starts the engine and looks for damage before
// anything is answered; every statement then goes through guards that turn an engine that stopped
// or failed into an AosError and reopen the directory before the next statement.
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { AosError } from '../errors.js';
import { driverError, isDatabaseFailure } from './errors.js';
import { type Database, type Orm, type Queryable, type Row, type StatementObserver, type TransactionOptions } from './database.js';
import { damagedError, isDamage, isEngineFailure, openFailure, stalledError } from './embedded-failures.js';
import { CLOSE_MS, closeWithin, engineStarter, settledWithin, StallWatch, withoutAsSentParsers, type PGliteInstance } from './embedded-engine.js';
import { damagedTablesError, zeroedPageError } from './embedded-integrity.js';
import { acquireEmbeddedLock } from './embedded-lock.js';
import { databaseError, describeFailure, isDiskFull, runner } from './failures.js';

export interface EmbeddedOptions {
  waitSeconds: number;
  onCreate?: ((dataDir: string) => void) | undefined;
  onStatement?: StatementObserver | undefined;
  brief?: boolean | undefined;
}

type Client = Pick<PGliteInstance, 'query'>;
type PGliteQueryOptions = import('@electric-sql/pglite').QueryOptions;
type Drizzle = typeof import('drizzle-orm/pglite').drizzle;

/**
 * A data directory that may become or hold the database, else why not. PGlite would create a
 * database inside any directory without PG_VERSION, among whatever it holds (AOS_DATA_DIR=$HOME by
 * mistake): only a missing or empty directory becomes a database.
 */
function checkDataDirectory(dataDir: string): void {
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
  if (existing && !existsSync(join(dataDir, 'PG_VERSION')) && readdirSync(dataDir).length > 0) {
    throw new AosError('usage', `${dataDir} is not an embedded aos database and not empty`, 'set AOS_DATA_DIR to an empty or missing directory, or to an existing aos data directory');
  }
  try {
    mkdirSync(dirname(dataDir), { recursive: true });
  } catch (e) {
    throw new AosError('database', `cannot create data directory ${dataDir}: ${describeFailure(e)}`, 'set AOS_DATA_DIR to a writable directory');
  }
}

/**
 * Whether this open creates the database (only then may a failure remove what it left behind),
 * decided under the lock, so only the process that will create it says so (onCreate).
 */
function createsDatabase(dataDir: string, release: () => void, onCreate?: (dataDir: string) => void): boolean {
  try {
    const created = !existsSync(dataDir) || readdirSync(dataDir).length === 0;
    if (created) onCreate?.(dataDir);
    return created;
  } catch (e) {
    release();
    throw new AosError('usage', `cannot read data directory ${dataDir}: ${describeFailure(e)}`, 'set AOS_DATA_DIR to a directory you can read and write');
  }
}

/** The first instance; a first run that fails (a full disk during initdb) leaves a directory no later run can open, so it is removed. */
async function firstInstance(start: () => Promise<PGliteInstance>, dataDir: string, created: boolean, release: () => void): Promise<PGliteInstance> {
  try {
    return await start();
  } catch (e) {
    const failure = openFailure(dataDir, e, created);
    if (created) rmSync(dataDir, { recursive: true, force: true });
    release();
    throw failure;
  }
}

/** A zeroed page reads as an empty one (embedded-integrity.ts): found before anything is answered. */
async function refuseDamage(pg: PGliteInstance, dataDir: string, release: () => void): Promise<void> {
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
}

export class EmbeddedDatabase implements Database {
  readonly kind = 'embedded' as const;
  /** Statements fail when the engine stops under them, not hang. */
  private readonly watch = new StallWatch();
  /**
   * After an engine failure (a full disk mid-write) PGlite's state cannot be trusted: reusing it
   * gave "cannot drop active portal". The instance is closed and the next statement reopens the
   * directory; if that fails, it says what is wrong with it.
   */
  private broken = false;
  private closed = false;
  // Drizzle hands its transaction callback to the client's transaction(): one drizzle commits, the
  // other (for transactions that end in ROLLBACK) rolls back.
  private readonly orm: Orm;
  private readonly rehearsalOrm: Orm;
  readonly run: Database['run'];

  static async open(dataDir: string, options: EmbeddedOptions): Promise<EmbeddedDatabase> {
    checkDataDirectory(dataDir);
    const release = await acquireEmbeddedLock(`${dataDir}.lock`, options.waitSeconds);
    const created = createsDatabase(dataDir, release, options.onCreate);
    const { PGlite } = await import('@electric-sql/pglite');
    const start = engineStarter(PGlite, dataDir, options.brief ?? false);
    const pg = await firstInstance(start, dataDir, created, release);
    await refuseDamage(pg, dataDir, release);
    const { drizzle } = await import('drizzle-orm/pglite');
    return new EmbeddedDatabase(dataDir, pg, start, release, drizzle, options.onStatement);
  }

  private constructor(
    readonly location: string,
    private pg: PGliteInstance,
    private readonly start: () => Promise<PGliteInstance>,
    private readonly release: () => void,
    drizzle: Drizzle,
    private readonly onStatement: StatementObserver | undefined,
  ) {
    const ormOf = (rollback: boolean) =>
      drizzle({ client: { ...this.guarded(undefined), transaction: <T>(fn: (tx: Client) => Promise<T>) => this.transactionOf(fn, rollback) } as unknown as PGliteInstance }) as unknown as Orm;
    this.orm = ormOf(false);
    this.rehearsalOrm = ormOf(true);
    this.run = runner(async () => this.orm, (e) => this.unwrap(e));
  }

  async query<T extends object = Row>(text: string, params: readonly unknown[] = []): Promise<T[]> {
    this.onStatement?.(text, params);
    return (await this.statement(undefined, (c) => c.query<Row>(text, params as unknown[]))).rows as T[];
  }

  /** PGlite runs in this process: a statement costs no round trip, and it keeps no named ones. */
  queryPrepared<T extends object = Row>(text: string, params: readonly unknown[]): Promise<T[]> {
    return this.query<T>(text, params);
  }

  async transaction<T>(fn: (tx: Orm) => Promise<T>, options?: TransactionOptions): Promise<T> {
    try {
      return await (options?.rollback ? this.rehearsalOrm : this.orm).transaction(fn);
    } catch (e) {
      throw this.unwrap(e);
    }
  }

  /** A zeroed page reads as an empty one (embedded-integrity.ts): these tables are checked through now. */
  async verifyTables(tables: readonly string[]): Promise<void> {
    const pg = await this.healthy();
    let damage: AosError | null;
    try {
      damage = await this.watch.settles(damagedTablesError(pg, this.location, tables));
    } catch (e) {
      throw this.failed(e);
    }
    if (damage) throw damage;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    let finished = true;
    try {
      // A broken instance may never finish closing: it is left as it is, and the directory
      // reopens next time (PostgreSQL recovers it from its write-ahead log, without the
      // uncommitted change). A healthy one that does not finish in time is left the same way.
      if (!this.broken) finished = await settledWithin(this.watch.settles(this.pg.close()), CLOSE_MS);
    } catch (e) {
      if (!this.broken) throw databaseError(this.location, e);
    } finally {
      this.watch.stop();
      // Left behind, it may still write: the lock is released when the process exits, not before.
      if (finished) this.release();
    }
    if (!finished) {
      throw new AosError('database', `the embedded database ${this.location} did not close within ${CLOSE_MS / 1000} s`, 'what was committed is kept: the next command recovers it');
    }
  }

  /** The instance to run on: a broken one is closed and the directory opened again. */
  private async healthy(): Promise<PGliteInstance> {
    if (!this.broken) return this.pg;
    await closeWithin(this.pg);
    try {
      this.pg = await this.start();
    } catch (e) {
      throw openFailure(this.location, e, false);
    }
    this.broken = false;
    return this.pg;
  }

  /** A statement's failure as an AosError; an engine failure marks the instance broken. */
  private failed(e: unknown): AosError {
    if (e instanceof AosError) {
      if (e.kind === 'engine-stopped') {
        this.broken = true;
        return stalledError(this.location, e);
      }
      return e;
    }
    if (isEngineFailure(e)) this.broken = true;
    if (!isDiskFull(e) && isDamage(e)) return damagedError(this.location, e);
    return databaseError(this.location, e);
  }

  /** Statements fail as AosErrors (failed()) that drizzle wraps: unwrapped; the caller's own errors pass. */
  private unwrap(e: unknown): unknown {
    const cause = driverError(e);
    if (cause instanceof AosError) return cause;
    return isDatabaseFailure(e) ? this.failed(cause) : e;
  }

  private async statement<R>(client: Client | undefined, run: (c: Client) => Promise<R>): Promise<R> {
    const target = client ?? (await this.healthy());
    try {
      return await this.watch.settles(run(target));
    } catch (e) {
      throw this.failed(e);
    }
  }

  /** What drizzle sees as its PGlite: every statement goes through the same guards as query(). */
  private guarded(client: Client | undefined): Client {
    return {
      query: ((text: string, params?: unknown[], options?: PGliteQueryOptions) => {
        this.onStatement?.(text, params ?? []);
        return this.statement(client, (c) => c.query(text, params, withoutAsSentParsers(options)));
      }) as PGliteInstance['query'],
    };
  }

  private async transactionOf<T>(fn: (tx: Client) => Promise<T>, rollback: boolean): Promise<T> {
    const db = await this.healthy();
    let bodyError: { error: unknown } | undefined;
    try {
      return await this.watch.settles(db.transaction(async (tx) => {
        let result: T;
        try {
          result = await fn(this.guarded(tx));
        } catch (e) {
          bodyError = { error: e };
          throw e;
        }
        // PGlite commits unless the transaction was rolled back: a rehearsal rolls it back here.
        if (rollback) await tx.rollback();
        return result;
      }));
    } catch (e) {
      if (bodyError === undefined) throw this.failed(e); // COMMIT failed
      if (e !== bodyError.error) {
        // The rollback itself failed: the instance is unusable, and the body's error is the news.
        this.broken = true;
        throw this.failed(bodyError.error);
      }
      throw e;
    }
  }
}
