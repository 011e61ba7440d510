// openDatabase: postgres.js for a server URL, else embedded PGlite in the data directory (SPEC §1).
// The parts: server.ts (the server connection), embedded.ts (the embedded database), failures.ts
// and embedded-failures.ts (what a failure means), migrate-on-open.ts (migration at open).
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Database, StatementObserver } from './database.js';
import { EmbeddedDatabase } from './embedded.js';
import { requireMigrated } from './migrate-on-open.js';
import { openPostgres, prepareSetting } from './server.js';

export { runMigrations } from './migrate-on-open.js';
// What the migration service takes from here besides runMigrations.
export { standbyError } from './failures.js';
export type { StatementObserver } from './database.js';

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

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.AOS_DATA_DIR) return resolve(env.AOS_DATA_DIR);
  const base = env.XDG_DATA_HOME || join(homedir(), '.local', 'share');
  return join(base, 'aos');
}

export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<Database> {
  const db = options.url
    ? await openPostgres(options.url, options.prepare ?? prepareSetting(), options.onStatement)
    : await EmbeddedDatabase.open(options.dataDir ?? defaultDataDir(), { waitSeconds: options.waitSeconds ?? 5, onCreate: options.onCreate, onStatement: options.onStatement, brief: options.brief });
  return options.migrations === 'skip' ? db : requireMigrated(db);
}
