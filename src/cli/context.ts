// What every command gets: output, the actor, an abort signal, and a lazily opened database.
import { userInfo } from 'node:os';
import type { ListingCsvOptions } from '../csv/listing-csv.js';
import type { Database } from '../db/database.js';
import type { OpenDatabaseOptions } from '../db/open.js';
import type { ServiceClass } from '../services/service-base.js';
import { AosError, type Outcome } from '../errors.js';
import { Output } from './output.js';
import type { ListedReply, OutcomeReply, ReplyOutcome, ShownReply } from './reply.js';
import { statementLog } from './statement-log.js';

/** src/db/open.ts, or the part of it the CLI opens a database with (each program loads it its way). */
export type DatabaseModule = Pick<typeof import('../db/open.js'), 'openDatabase' | 'defaultDataDir'>;

export interface GlobalOptions {
  databaseUrl?: string | undefined;
  wait?: string | undefined;
  color: boolean;
  quiet?: boolean | undefined;
  actor?: string | undefined;
}

/** How a command's result is shown to a person (its --json form is the result itself). */
export type Renderer<R> = (result: R, out: Output) => void;

export type { Outcome };

export class CliContext {
  readonly output: Output;
  readonly actor: string;
  readonly signal: AbortSignal;
  private db: Database | undefined;

  constructor(
    private readonly globals: GlobalOptions,
    output: Output,
    signal: AbortSignal,
    private readonly databaseModule: () => Promise<DatabaseModule>,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    this.output = output;
    this.signal = signal;
    this.actor = globals.actor?.trim() || env.USER || env.USERNAME || systemUser() || 'unknown';
  }

  private waitSeconds(): number {
    if (this.globals.wait === undefined) return 5;
    const n = Number(this.globals.wait);
    if (!Number.isFinite(n) || n < 0) throw new AosError('usage', `invalid --wait "${this.globals.wait}": expected a number of seconds`);
    return n;
  }

  /** A PostgreSQL server (postgres.js), not the embedded database. */
  get usesServer(): boolean {
    return Boolean(this.globals.databaseUrl || this.env.DATABASE_URL);
  }

  /** `brief`: the command reads a little and ends (OpenDatabaseOptions.brief). */
  async database(migrations: OpenDatabaseOptions['migrations'] = 'require', { brief = false }: { brief?: boolean } = {}): Promise<Database> {
    if (this.db) return this.db;
    const { openDatabase, defaultDataDir } = await this.databaseModule();
    this.db = await openDatabase({
      url: this.globals.databaseUrl || this.env.DATABASE_URL || undefined,
      // The environment the CLI was given, not the library's process.env.
      dataDir: defaultDataDir(this.env),
      waitSeconds: this.waitSeconds(),
      migrations,
      brief,
      // initdb takes seconds: a first run that says nothing looks hung.
      onCreate: (dir) => this.output.info(`creating the embedded database at ${dir} (first run, a few seconds)…`),
      onStatement: await statementLog(this.env.AOS_STATEMENT_LOG),
    });
    return this.db;
  }

  /**
   * The one way a command gets a service: `load` imports the service's class (so a command loads
   * only the services it uses) while the database opens, and the service is built as every
   * service is, `new X({ db, actor, …own })`. `open`: how the database is opened (database()).
   */
  async service<S, Own extends object = object>(
    load: () => Promise<ServiceClass<S, Own>>,
    own?: Own,
    open: { migrations?: OpenDatabaseOptions['migrations']; brief?: boolean } = {},
  ): Promise<S> {
    const [Class, db] = await Promise.all([load(), this.database(open.migrations, { brief: open.brief ?? false })]);
    return new Class({ ...(own as Own), db, actor: this.actor });
  }

  /** A command's reply of one result: the result itself as JSON, or its renderer's text (shown by main.ts). */
  show<R>(result: R, render: Renderer<R>, json: boolean | undefined, outcome?: ReplyOutcome): ShownReply {
    return { kind: 'shown', result, render: render as ShownReply['render'], json: Boolean(json), outcome };
  }

  /**
   * A command's reply of a list: NDJSON with --json, a CSV of `csv.columns` when given, otherwise
   * the renderer's text of them all (shown by main.ts, item by item as they arrive).
   */
  list<R, C extends string = string>(items: Iterable<R> | AsyncIterable<R>, render: Renderer<R[]>, json: boolean | undefined, outcome?: ReplyOutcome, csv?: ListingCsvOptions<R, C>): ListedReply {
    return { kind: 'listed', items, render: render as ListedReply['render'], json: Boolean(json), outcome, csv: csv as ListedReply['csv'] };
  }

  /** A command that wrote its own output (or none): only how it ended. */
  ended(outcome: ReplyOutcome): OutcomeReply {
    return { kind: 'outcome', outcome };
  }

  async close(): Promise<void> {
    const db = this.db;
    this.db = undefined;
    if (db) await db.close();
  }
}

/** How a command gets the context (created on first use, after the global flags are parsed). */
export type ContextProvider = () => CliContext;

/** The login name of the process's user when the environment names none (a container, cron). */
function systemUser(): string | undefined {
  try {
    return userInfo().username || undefined;
  } catch {
    return undefined; // a uid with no passwd entry
  }
}
