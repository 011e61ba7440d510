// The squash of migrations 0000-0022 into one baseline: a database that today's chain built, with
// data in it (an import logged by the old triggers among it), upgrades with nothing lost and ends
// with the schema a new database gets; one stopped part way along the chain is refused, naming the
// version to upgrade through. On both engines: the old chain is applied by drizzle's own migrator
// from the files kept in test/fixtures/migrations-v1/.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { migrationState } from '../../src/db/migrations.js';
import { openDatabase } from '../../src/db/open.js';
import { ImportRunService } from '../../src/services/import/run-service.js';
import { migrateDatabase } from '../../src/services/migration-service.js';
import { SuppressionService } from '../../src/services/suppression-service.js';
import { enginesUnderTest, type Engine } from '../helpers/databases.js';
import { OLD_CHAIN_FOLDER } from '../helpers/migration-file.js';
import { createServerDatabase } from '../helpers/server.js';

interface OldDatabase {
  /** Opens it without migrating. */
  open(): Promise<Database>;
  dispose(): Promise<void>;
}

/** A copy of the old chain's folder holding its first `count` migrations only. */
function chainPrefix(count: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'aos-chain-'));
  cpSync(OLD_CHAIN_FOLDER, dir, { recursive: true });
  const journalFile = join(dir, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: unknown[] };
  writeFileSync(journalFile, JSON.stringify({ ...journal, entries: journal.entries.slice(0, count) }));
  return dir;
}

/** A new database migrated by drizzle's migrator along the old chain (all of it, or a prefix). */
async function oldDatabase(engine: Engine, folder = OLD_CHAIN_FOLDER): Promise<OldDatabase> {
  if (engine === 'embedded') {
    const dir = mkdtempSync(join(tmpdir(), 'aos-old-'));
    const dataDir = join(dir, 'data');
    const { PGlite } = await import('@electric-sql/pglite');
    const { drizzle } = await import('drizzle-orm/pglite');
    const { migrate } = await import('drizzle-orm/pglite/migrator');
    const pg = new PGlite(dataDir);
    await migrate(drizzle({ client: pg }), { migrationsFolder: folder });
    await pg.close();
    return { open: () => openDatabase({ dataDir, migrations: 'skip' }), dispose: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const server = await createServerDatabase();
  const { default: postgres } = await import('postgres');
  const { drizzle } = await import('drizzle-orm/postgres-js');
  const { migrate } = await import('drizzle-orm/postgres-js/migrator');
  const client = postgres(server.url, { max: 1, onnotice: () => {} });
  try {
    await migrate(drizzle(client), { migrationsFolder: folder });
  } finally {
    await client.end({ timeout: 5 });
  }
  return { open: () => openDatabase({ url: server.url, migrations: 'skip' }), dispose: server.drop };
}

/** Every row of every table, as JSON, sorted: what "nothing lost" compares. */
async function contents(db: Database): Promise<Record<string, string[]>> {
  const tables = await db.query<{ name: string }>(`select table_name as name from information_schema.tables where table_schema = 'public' order by 1`);
  const out: Record<string, string[]> = {};
  for (const { name } of tables) {
    const rows = await db.query<{ row: string }>(`select to_jsonb(t)::text as row from ${name} t`);
    out[name] = rows.map((r) => r.row).sort();
  }
  return out;
}

/** The schema as the catalog describes it: columns in order, constraints, indexes, triggers, functions. */
async function catalog(db: Database): Promise<Record<string, string[]>> {
  const list = async (text: string) => (await db.query<{ x: string }>(text)).map((r) => r.x);
  return {
    columns: await list(`select table_name || '.' || column_name || ' #' || ordinal_position || ' ' || data_type || ' ' || is_nullable || ' ' || coalesce(column_default, '') || ' ' || is_identity as x
                           from information_schema.columns where table_schema = 'public' order by table_name, ordinal_position`),
    constraints: await list(`select conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid) as x from pg_constraint where connamespace = 'public'::regnamespace order by 1`),
    indexes: await list(`select indexdef as x from pg_indexes where schemaname = 'public' order by 1`),
    triggers: await list(`select tgrelid::regclass::text || ' ' || tgname as x from pg_trigger where not tgisinternal order by 1`),
    functions: await list(`select proname as x from pg_proc where pronamespace = 'public'::regnamespace order by 1`),
  };
}

/** Data as today's main writes it: a client, a default expiry, an import logged by the old triggers, a manual opt-out. */
async function fill(db: Database): Promise<{ runId: string }> {
  const [client] = await db.query<{ id: string }>(`insert into clients (slug, name, services) values ('acme', 'Acme', '{seo}') returning id`);
  const clientId = (client as { id: string }).id;
  await db.query(`insert into client_expiry_defaults (client_id, reason, period, period_interval, updated_by) values ($1, 'partner', '90d', '90 days', 'ops')`, [clientId]);
  const changeSet = randomUUID();
  const runId = randomUUID();
  await db.transaction(async (tx) => {
    // The import of today's main: its writes logged by the triggers while aos.change_set is set.
    await tx.execute(sql`select set_config('aos.change_set', ${changeSet}, true)`);
    await tx.execute(sql`insert into client_customers (client_id, company_name, domain, source, natural_key, status) values
      (${clientId}, 'Old Co', 'old.com', 'csv', 'd:old.com', 'active'), (${clientId}, 'Ally Co', 'ally.com', 'csv', 'd:ally.com', 'partner')`);
    await tx.execute(sql`insert into suppression_list (client_id, domain, reason, source, customer_id)
      select client_id, domain, case status when 'partner' then 'partner' else 'existing_customer' end, 'import', id from client_customers where client_id = ${clientId}`);
    await tx.execute(sql`insert into import_run_reads (client_id, change_set, natural_keys) values (${clientId}, ${changeSet}, '{d:old.com,d:ally.com}')`);
    await tx.execute(sql`select set_config('aos.change_set', '', true)`);
    await tx.execute(sql`insert into import_runs (id, client_id, file_name, sha256, header_key, mapping, counts, actor, status, started_at, change_set)
      values (${runId}, ${clientId}, 'crm.csv', 'abc', 'k', '{}', '{"rows_read": 2}', 'ops', 'completed', now(), ${changeSet})`);
  });
  await new SuppressionService({ db, actor: 'ops' }).add({ client: 'acme', targets: [{ value: 'jane@gone.com' }], reason: 'unsubscribed' });
  return { runId };
}

for (const engine of enginesUnderTest()) {
  describe(`migrations squashed into one baseline [${engine}]`, () => {
    const disposals: Array<() => Promise<void>> = [];
    afterAll(async () => {
      for (const dispose of disposals) await dispose();
    });

    it("a database at today's last migration, with data, upgrades with nothing lost to the schema a new database gets", async () => {
      const old = await oldDatabase(engine);
      disposals.push(old.dispose);
      let db = await old.open();
      let before: Record<string, string[]>;
      let runId: string;
      try {
        ({ runId } = await fill(db));
        // The old triggers did their work: the import is logged, the partner entry got its default.
        const [logged] = await db.query<{ n: number }>(`select count(*)::int as n from import_run_changes`);
        expect(logged?.n).toBeGreaterThan(0);
        const [ally] = await db.query<{ expires_at: unknown }>(`select expires_at from suppression_list where domain = 'ally.com'`);
        expect(ally?.expires_at).not.toBeNull();
        before = await contents(db);
        expect((await migrationState(db)).pending).toEqual(['0000_baseline']);
        const result = await migrateDatabase(db);
        expect(result.applied).toEqual(['0000_baseline']);
        expect(await migrationState(db)).toMatchObject({ up_to_date: true, pending: [] });
        // Nothing lost, nothing changed: every row of every table as it was.
        expect(await contents(db)).toEqual(before);
        // Migrating again changes nothing.
        expect((await migrateDatabase(db)).applied).toEqual([]);
      } finally {
        await db.close();
      }
      // Reopened as every command opens it: up to date, no migration pending.
      db = engine === 'embedded' ? await old.open() : await old.open();
      try {
        expect((await migrationState(db)).up_to_date).toBe(true);
        // The schema is the baseline's, exactly: the same catalog as a new database's.
        const fresh = engine === 'embedded' ? await newEmbedded() : await newServer();
        disposals.push(fresh.dispose);
        expect(await catalog(db)).toEqual(await catalog(fresh.db));
        await fresh.db.close();
        expect((await catalog(db)).triggers).toEqual([]);
        // The run the old triggers logged is still undoable, exactly.
        const undone = await new ImportRunService({ db, actor: 'ops' }).undo({ run: runId });
        expect(undone).toMatchObject({ customers_removed: 2, entries_removed: 2, conflicts_kept: [] });
        const left = await db.query<{ target: string }>(`select coalesce(domain, email) as target from suppression_list order by 1`);
        expect(left.map((r) => r.target)).toEqual(['jane@gone.com']);
        // The default expiry now comes from the add itself.
        await new SuppressionService({ db, actor: 'ops' }).add({ client: 'acme', targets: [{ value: 'friend.com' }], reason: 'partner' });
        const [friend] = await db.query<{ expires_at: unknown }>(`select expires_at from suppression_list where domain = 'friend.com'`);
        expect(friend?.expires_at).not.toBeNull();
      } finally {
        await db.close();
      }
    }, 120_000);

    it('a database an older aos left part way along the old chain is refused, naming the version to upgrade through', async () => {
      const folder = chainPrefix(16);
      const old = await oldDatabase(engine, folder);
      disposals.push(async () => {
        await old.dispose();
        rmSync(folder, { recursive: true, force: true });
      });
      const db = await old.open();
      try {
        const tables = await catalog(db);
        await expect(migrateDatabase(db)).rejects.toMatchObject({
          code: 'database',
          message: expect.stringContaining('migrated by an older aos'),
          hint: expect.stringContaining('0022_change_log_without_nested_loops'),
        });
        // Nothing was applied over it.
        expect(await catalog(db)).toEqual(tables);
      } finally {
        await db.close();
      }
    }, 120_000);
  });
}

async function newEmbedded(): Promise<{ db: Database; dispose: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'aos-new-'));
  const db = await openDatabase({ dataDir: join(dir, 'data') });
  return { db, dispose: async () => rmSync(dir, { recursive: true, force: true }) };
}

async function newServer(): Promise<{ db: Database; dispose: () => Promise<void> }> {
  const server = await createServerDatabase();
  const db = await openDatabase({ url: server.url, migrations: 'skip' });
  await migrateDatabase(db);
  return { db, dispose: server.drop };
}
