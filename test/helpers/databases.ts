// The same service suite runs on the embedded database and on the PostgreSQL server, each test
// file on its own fresh database.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, inject } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { openDatabase, runMigrations, type OpenDatabaseOptions } from '../../src/db/open.js';
import { createServerDatabase } from './server.js';

export type Engine = 'embedded' | 'postgres';

export interface FreshDatabase {
  db: Database;
  /** What a subprocess needs to open the same database (after db is closed, for embedded). */
  env: Record<string, string>;
  dispose(): Promise<void>;
}

/** A copy of the migrated template data directory (embedded) or a new database (server). */
export async function freshDatabase(engine: Engine, options: { migrate?: boolean; onStatement?: OpenDatabaseOptions['onStatement'] } = {}): Promise<FreshDatabase> {
  if (engine === 'embedded') {
    const dir = mkdtempSync(join(tmpdir(), 'aos-db-'));
    const dataDir = join(dir, 'data');
    cpSync(inject('embeddedTemplate'), dataDir, { recursive: true });
    const db = await openDatabase({ dataDir, onStatement: options.onStatement });
    return {
      db,
      env: { AOS_DATA_DIR: dataDir, DATABASE_URL: '' },
      dispose: async () => {
        await db.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const server = await createServerDatabase();
  const db = await openDatabase({ url: server.url, migrations: 'skip', onStatement: options.onStatement });
  if (options.migrate !== false) await runMigrations(db);
  return {
    db,
    env: { DATABASE_URL: server.url },
    dispose: async () => {
      await db.close();
      await server.drop();
    },
  };
}

export type CliDatabase = Omit<FreshDatabase, 'db'>;

/**
 * A fresh database for the built binary to open: `seed` runs in this process first (a client
 * added here costs a query; through `aos clients add` it costs a process start and, embedded,
 * PGlite's ~1 s start-up), then this process lets go of it (the embedded one is single-process).
 * Embedded without a seed, the copy is never opened here at all.
 */
export async function freshCliDatabase(engine: Engine, seed?: (db: Database) => Promise<void>): Promise<CliDatabase> {
  if (engine === 'embedded' && !seed) {
    const dir = mkdtempSync(join(tmpdir(), 'aos-db-'));
    const dataDir = join(dir, 'data');
    cpSync(inject('embeddedTemplate'), dataDir, { recursive: true });
    return { env: { AOS_DATA_DIR: dataDir, DATABASE_URL: '' }, dispose: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const fresh = await freshDatabase(engine);
  try {
    await seed?.(fresh.db);
  } finally {
    await fresh.db.close();
  }
  return { env: fresh.env, dispose: fresh.dispose };
}

/** Adds clients by slug (test setup, not what is under test). */
export async function addClients(db: Database, slugs: string[]): Promise<void> {
  const { ClientService } = await import('../../src/services/client-service.js');
  for (const slug of slugs) await new ClientService(db).add({ slug });
}

export function enginesUnderTest(): Engine[] {
  // The PgBouncer pass (vitest.config.ts) reruns the server's paths only: TEST_DATABASE_URL is the pooler.
  if (process.env.AOS_TEST_THROUGH === 'pgbouncer') return ['postgres'];
  return inject('postgresAvailable') ? ['embedded', 'postgres'] : ['embedded'];
}

/**
 * For CLI tests of behaviour that does not depend on the engine (input rules, commands, output):
 * one engine, the server when it answers — each `aos` run on the embedded database spends ~1 s
 * starting PGlite. The engine's own CLI behaviour (lock, first run, faults, the interactive
 * import) is tested on both elsewhere; AOS_STRESS=1 runs these on both too.
 */
export function cliEnginesUnderTest(): Engine[] {
  const all = enginesUnderTest();
  return process.env.AOS_STRESS === '1' ? all : [all.includes('postgres') ? 'postgres' : 'embedded'];
}

/** describe() once per engine, with a fresh database for the block: `const t = eachDatabase(...)`. */
export function describeEachDatabase(name: string, body: (ctx: { db: () => Database; engine: Engine }) => void): void {
  for (const engine of enginesUnderTest()) {
    describe(`${name} [${engine}]`, () => {
      let fresh: FreshDatabase | undefined;
      beforeAll(async () => {
        fresh = await freshDatabase(engine);
      });
      afterAll(async () => {
        await fresh?.dispose();
      });
      body({
        engine,
        db: () => {
          if (!fresh) throw new Error('database not open yet');
          return fresh.db;
        },
      });
    });
  }
}
