// What every command gets: output, the actor, an abort signal, and a lazily opened database.
import type { Database } from '../db/database.js';
import type { OpenDatabaseOptions } from '../db/open.js';
import { AosError } from '../errors.js';
import { Output } from './output.js';

export interface GlobalOptions {
  databaseUrl?: string | undefined;
  wait?: string | undefined;
  color: boolean;
  quiet?: boolean | undefined;
  actor?: string | undefined;
}

export class CliContext {
  readonly output: Output;
  readonly actor: string;
  readonly signal: AbortSignal;
  private db: Database | undefined;

  constructor(
    private readonly globals: GlobalOptions,
    output: Output,
    signal: AbortSignal,
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

  async database(migrations: OpenDatabaseOptions['migrations'] = 'require'): Promise<Database> {
    if (this.db) return this.db;
    const { openDatabase, defaultDataDir } = await import('../db/open.js');
    this.db = await openDatabase({
      url: this.globals.databaseUrl || this.env.DATABASE_URL || undefined,
      // The environment the CLI was given, not the library's process.env.
      dataDir: defaultDataDir(this.env),
      waitSeconds: this.waitSeconds(),
      migrations,
      // initdb takes seconds: a first run that says nothing looks hung.
      onCreate: (dir) => this.output.info(`creating the embedded database at ${dir} (first run, a few seconds)…`),
    });
    return this.db;
  }

  async close(): Promise<void> {
    const db = this.db;
    this.db = undefined;
    if (db) await db.close();
  }
}

/** How a command gets the context (created on first use, after the global flags are parsed). */
export type ContextProvider = () => CliContext;
