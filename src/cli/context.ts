// What every command gets: output, the actor, an abort signal, and a lazily opened database.
import type { Database } from '../db/database.js';
import type { OpenDatabaseOptions } from '../db/open.js';
import { AosError } from '../errors.js';
import { Output } from './output.js';
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

/**
 * What a finished command found, beyond success: main.ts alone turns it into an exit code
 * (`check`: a suppressed target is 1, an invalid one 2).
 */
export type Outcome = 'ok' | 'suppressed' | 'invalid';

export class CliContext {
  readonly output: Output;
  /** Set by a command whose result is not plain success; read by main.ts after the command. */
  outcome: Outcome = 'ok';
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
    this.actor = globals.actor?.trim() || env.USER || env.USERNAME || 'unknown';
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

  /** The one way a command shows its result: the result itself as JSON, or its renderer's text. */
  show<R>(result: R, render: Renderer<R>, json: boolean | undefined): void {
    if (json) this.output.json(result);
    else render(result, this.output);
  }

  /**
   * A list of results: with --json, NDJSON, each line written as its item arrives (a long list
   * never waits in memory); otherwise the renderer gets them all.
   */
  async showEach<R>(results: Iterable<R> | AsyncIterable<R>, render: Renderer<R[]>, json: boolean | undefined): Promise<void> {
    const all: R[] = [];
    for await (const result of results) {
      if (json) this.output.json(result);
      else all.push(result);
    }
    if (!json) render(all, this.output);
  }

  async close(): Promise<void> {
    const db = this.db;
    this.db = undefined;
    if (db) await db.close();
  }
}

/** How a command gets the context (created on first use, after the global flags are parsed). */
export type ContextProvider = () => CliContext;
