// Issue 25: aos on a hot standby and through PgBouncer (the replica lab, scripts/replica-lab.sh).
// Reads answer from a standby once it has replayed the primary's writes, and only then; writes
// there say which server to use; many processes at once work through a transaction-pooling
// PgBouncer. The rest of the server suite runs through PgBouncer too (vitest.config.ts).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addClients } from '../helpers/databases.js';
import { ndjson, runAos, type RunResult } from '../helpers/cli.js';
import { createLabDatabase, LAB_HOWTO, replicaLab, waitForReplay, type LabDatabase } from '../helpers/replica-lab.js';
import { openDatabase, runMigrations } from '../../src/db/open.js';

const lab = replicaLab();
const STANDBY_REFUSAL = 'aos: error: the server is a read-only standby: run this against the primary';

describe.runIf(process.env.CI === 'true' && !lab)('the replica lab (CI=true)', () => {
  it('is running: the standby and PgBouncer tests are never skipped in CI', () => {
    expect.fail(`AOS_TEST_PRIMARY_URL, AOS_TEST_STANDBY_URL and AOS_TEST_PGBOUNCER_URL are not set (.ci/run starts the lab): ${LAB_HOWTO}`);
  });
});

const skipped = lab ? '' : ` — skipped: the replica lab is not running (${LAB_HOWTO})`;
if (!lab && process.env.CI !== 'true') console.warn(`the standby and PgBouncer tests are skipped: the replica lab is not running (${LAB_HOWTO})`);

const dir = mkdtempSync(join(tmpdir(), 'aos-lab-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const customers = file('customers.csv', 'Company,Website,Contact Email,Deal Size\nBigCorp,bigcorp.com,jane@bigcorp.com,15000\nPied Piper,piedpiper.com,richard@piedpiper.com,\n');
const leads = file('leads.csv', 'Name,Email,Website\nJane,jane@bigcorp.com,\nGavin,gavin@hooli.com,hooli.com\nRuss,russ@example.org,shop.piedpiper.com\n');

/** Migrated, with clients, on the primary: setup, not what is under test. */
async function seed(url: string, clients: string[]): Promise<void> {
  const db = await openDatabase({ url, migrations: 'skip' });
  try {
    await runMigrations(db);
    await addClients(db, clients);
  } finally {
    await db.close();
  }
}

describe.skipIf(!lab)(`a hot standby answers every read from what it replayed, and refuses writes by name${skipped}`, () => {
  let database: LabDatabase;
  let run = '';
  const on = (url: string) => (args: string[], input?: string): Promise<RunResult> => runAos(args, { env: { DATABASE_URL: url, AOS_DATA_DIR: undefined }, input });
  const primary = (args: string[], input?: string) => on(database.urls.primary)(args, input);
  const standby = (args: string[], input?: string) => on(database.urls.standby)(args, input);

  beforeAll(async () => {
    database = await createLabDatabase(lab as NonNullable<typeof lab>);
    await seed(database.urls.primary, ['acme', 'other']);
    // Written through the CLI on the primary, as an operator would.
    for (const args of [
      ['import', customers, '--client', 'acme', '--yes', '-q'],
      ['import', customers, '--client', 'other', '--yes', '-q'],
      ['suppress', 'add', 'rival.com', '--client', 'acme', '--reason', 'competitor', '--for', '20d'],
      ['suppress', 'add', 'gone.com', '--client', 'acme', '--reason', 'partner'],
      ['suppress', 'remove', 'gone.com', '--client', 'acme'],
    ]) {
      const r = await primary(args);
      expect(r.code, r.stderr).toBe(0);
    }
    run = String(ndjson((await primary(['imports', 'list', '--client', 'acme', '--json'])).stdout)[0]?.id);
    await waitForReplay(lab?.primary as string, lab?.standby as string);
  });
  afterAll(async () => database?.drop());

  const reads: Array<[string, () => string[], (r: RunResult) => void, string?]> = [
    ['check TARGET', () => ['check', 'sarah@bigcorp.com', '--client', 'acme'], (r) => {
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/suppressed\s+sarah@bigcorp\.com\s+existing_customer \(entry bigcorp\.com\)/);
    }],
    ['check - (bulk from stdin)', () => ['check', '-', '--client', 'acme', '--json'], (r) => {
      expect(r.code).toBe(1);
      expect(ndjson(r.stdout).map((x) => [x.target, x.suppressed])).toEqual([['rival.com', true], ['hooli.com', false]]);
    }, 'rival.com\nhooli.com\n'],
    ['check --file --filter', () => ['check', '--file', leads, '--client', 'acme', '--filter', '--rejected', join(dir, 'rejected.csv')], (r) => {
      expect(r.code).toBe(0);
      expect(r.stdout.trim().split('\n')).toEqual(['Name,Email,Website', 'Gavin,gavin@hooli.com,hooli.com']);
      expect(readFileSync(join(dir, 'rejected.csv'), 'utf8')).toMatch(/Jane,jane@bigcorp\.com/);
    }],
    ['check --explain', () => ['check', 'shop.piedpiper.com', '--client', 'acme', '--explain', '--json'], (r) => {
      expect(r.code).toBe(1);
      expect(r.stdout).toContain('piedpiper.com');
    }],
    ['signals show', () => ['signals', 'show', 'bigcorp.com', '--json'], (r) => {
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ domain: 'bigcorp.com', times_bought: 2 });
    }],
    ['signals top', () => ['signals', 'top', '--json'], (r) => {
      expect(r.code, r.stderr).toBe(0);
      expect(ndjson(r.stdout).map((x) => x.domain).sort()).toEqual(['bigcorp.com', 'piedpiper.com']);
    }],
    ['signals boost', () => ['signals', 'boost', '--file', leads, '--column', 'Website'], (r) => {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout.split('\n')[0]).toMatch(/buyer_score,buyer_boost/);
    }],
    ['customers list', () => ['customers', 'list', '--client', 'acme', '--json'], (r) => {
      expect(r.code, r.stderr).toBe(0);
      expect(ndjson(r.stdout).map((x) => x.domain).sort()).toEqual(['bigcorp.com', 'piedpiper.com']);
    }],
    ['customers show', () => ['customers', 'show', 'bigcorp.com', '--client', 'acme'], (r) => {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('BigCorp');
    }],
    ['suppress list', () => ['suppress', 'list', '--client', 'acme', '--json'], (r) => {
      expect(r.code, r.stderr).toBe(0);
      expect(ndjson(r.stdout).map((x) => x.target).sort()).toEqual(['bigcorp.com', 'piedpiper.com', 'rival.com']);
    }],
    ['suppress history', () => ['suppress', 'history', '--client', 'acme', 'gone.com', '--json'], (r) => {
      expect(r.code, r.stderr).toBe(0);
      expect(ndjson(r.stdout).map((x) => x.action)).toEqual(expect.arrayContaining(['add', 'remove']));
    }],
    ['suppress who', () => ['suppress', 'who', 'jane@bigcorp.com'], (r) => {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/acme[\s\S]*other|other[\s\S]*acme/);
    }],
    ['suppress expiring', () => ['suppress', 'expiring', '--client', 'acme', '--within', '30d', '--json'], (r) => {
      expect(r.code, r.stderr).toBe(0);
      expect(ndjson(r.stdout).map((x) => x.target)).toEqual(['rival.com']);
    }],
    ['imports list', () => ['imports', 'list', '--client', 'acme'], (r) => {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('customers.csv');
    }],
    ['imports show', () => ['imports', 'show', run], (r) => {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('customers.csv');
    }],
  ];
  it.concurrent.each(reads)('%s on the standby', async (_name, args, expectations, input) => {
    const r = await standby(args(), input);
    expectations(r);
  });

  const writes: Array<[string, () => string[]]> = [
    ['import', () => ['import', customers, '--client', 'acme', '--yes']],
    ['import --dry-run', () => ['import', customers, '--client', 'acme', '--yes', '--dry-run']],
    ['suppress add', () => ['suppress', 'add', 'new.com', '--client', 'acme', '--reason', 'competitor']],
    ['suppress remove', () => ['suppress', 'remove', 'rival.com', '--client', 'acme']],
    ['clients add', () => ['clients', 'add', 'newco']],
    ['clients set', () => ['clients', 'set', 'acme', '--expire', 'competitor=12m']],
    ['db migrate', () => ['db', 'migrate']],
    ['signals rebuild', () => ['signals', 'rebuild']],
    ['imports undo', () => ['imports', 'undo', run]],
    ['customers remove', () => ['customers', 'remove', 'bigcorp.com', '--client', 'acme']],
  ];
  it.concurrent.each(writes)('%s on the standby: exit 3, run this against the primary', async (_name, args) => {
    const r = await standby(args());
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr.split('\n')[0]).toBe(STANDBY_REFUSAL);
    expect(r.stderr).toMatch(/^hint: point --database-url \/ DATABASE_URL at the primary/m);
  });

  it('a check right after an import answers from before it until the standby replays it', async () => {
    const sql = postgres(database.urls.standby, { max: 1, onnotice: () => {} });
    try {
      // Replay held back: the lag a busy replica can have, made long enough to see.
      await sql`select pg_wal_replay_pause()`;
      expect((await primary(['import', file('late.csv', 'Company,Website\nLateCo,lateco.com\n'), '--client', 'acme', '--yes', '-q'])).code).toBe(0);
      expect((await primary(['check', 'lateco.com', '--client', 'acme', '-q'])).code).toBe(1);
      expect((await standby(['check', 'lateco.com', '--client', 'acme', '-q'])).code).toBe(0);
      await sql`select pg_wal_replay_resume()`;
      await waitForReplay(lab?.primary as string, lab?.standby as string);
      expect((await standby(['check', 'lateco.com', '--client', 'acme', '-q'])).code).toBe(1);
    } finally {
      await sql`select pg_wal_replay_resume()`.catch(() => {});
      await sql.end({ timeout: 1 });
    }
  });
});

describe.skipIf(!lab)(`many processes at once through a transaction-pooling PgBouncer${skipped}`, () => {
  let database: LabDatabase;
  // AOS_PREPARE at its default (on): PgBouncer 1.18 cannot keep named statements, and aos finds that out itself (README).
  const through = (args: string[]) => runAos(args, { env: { DATABASE_URL: database.urls.pgbouncer, AOS_DATA_DIR: undefined }, timeoutMs: 60_000 });

  beforeAll(async () => {
    database = await createLabDatabase(lab as NonNullable<typeof lab>);
    await seed(database.urls.primary, ['one', 'two', 'three']);
  });
  afterAll(async () => database?.drop());

  it('imports of three clients and nine checks side by side, more processes than server connections', async () => {
    const results = await Promise.all([
      ...['one', 'two', 'three'].map((client) => through(['import', customers, '--client', client, '--yes', '-q'])),
      ...Array.from({ length: 9 }, (_, i) => through(['check', '--file', leads, '--client', ['one', 'two', 'three'][i % 3] as string, '-q'])),
    ]);
    for (const r of results) expect([0, 1], r.stderr).toContain(r.code);
    // Every import landed: each client's check now finds its customers.
    for (const client of ['one', 'two', 'three']) {
      const r = await through(['check', 'jane@bigcorp.com', 'gavin@hooli.com', '--client', client, '--json']);
      expect(ndjson(r.stdout).map((x) => x.suppressed)).toEqual([true, false]);
    }
    const signals = await through(['signals', 'show', 'bigcorp.com', '--json']);
    expect(JSON.parse(signals.stdout)).toMatchObject({ domain: 'bigcorp.com', times_bought: 3 });
  });
});

describe.skipIf(!lab)(`db migrate through a transaction-pooling PgBouncer${skipped}`, () => {
  let database: LabDatabase;
  const through = (args: string[]) => runAos(args, { env: { DATABASE_URL: database.urls.pgbouncer, AOS_DATA_DIR: undefined }, timeoutMs: 60_000 });

  beforeAll(async () => {
    database = await createLabDatabase(lab as NonNullable<typeof lab>);
  });
  afterAll(async () => database?.drop());

  // A session advisory lock does not survive a pooler that hands each transaction another
  // connection: two migrates raced on CREATE TYPE, and the lock stayed on an idle pooled connection.
  it('three at once on a new database all succeed, and a later one finds nothing pending and no lock left behind', async () => {
    const results = await Promise.all([1, 2, 3].map(() => through(['db', 'migrate'])));
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    // One of them applied the baseline; the others found it applied once they held the lock.
    expect(results.filter((r) => /applied 1 migration/.test(r.stdout))).toHaveLength(1);
    const again = await through(['db', 'migrate']);
    expect(again.code, again.stderr).toBe(0);
    const status = await through(['db', 'status', '--json']);
    expect(JSON.parse(status.stdout)).toMatchObject({ migrations: { up_to_date: true, pending: [] } });
  });
});
