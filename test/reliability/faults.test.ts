// Faults delivered to `aos import` at many points: afterwards the database holds the whole import
// or none of it, and a rerun succeeds. Short form in `npm test`; AOS_STRESS=1 (npm run
// test:stress) tries many more points.
import { spawn } from 'node:child_process';
import { constants as osConstants } from 'node:os';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { customerCsv } from '../../bench/generate.js';
import { BIN, runAos } from '../helpers/cli.js';
import { clusterAvailable, startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { addClients, freshCliDatabase } from '../helpers/databases.js';

const STRESS = process.env.AOS_STRESS === '1';
// The short form still spreads SIGINT and SIGKILL over parse, staging, upserts and commit.
const KILL_POINTS = STRESS ? 24 : 4;
const ROWS = STRESS ? 40_000 : 10_000;
const work = mkdtempSync(join(tmpdir(), 'aos-faults-'));
const file = join(work, 'customers.csv');
writeFileSync(file, customerCsv(ROWS, { duplicateEvery: 50, badEvery: 100 }));

interface State {
  customers: number;
  suppressions: number;
  runs: number;
  events: number;
  customersWithoutSignal: number;
}

async function state(url: string, client: string): Promise<State> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql<State[]>`
      select (select count(*)::int from client_customers where client_id = c.id) as customers,
             (select count(*)::int from suppression_list where client_id = c.id) as suppressions,
             (select count(*)::int from import_runs where client_id = c.id) as runs,
             (select count(*)::int from suppression_events where client_id = c.id) as events,
             (select count(*)::int from client_customers cc where cc.client_id = c.id and cc.domain is not null
                and not exists (select 1 from platform_buyer_signals s where s.domain = cc.domain)) as "customersWithoutSignal"
        from clients c where c.slug = ${client}`;
    return row as State;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** Runs an import and delivers `signal` after `delayMs`; resolves with the exit code. */
function importKilledAfter(env: Record<string, string>, client: string, delayMs: number, signal: NodeJS.Signals): Promise<number | null> {
  const child = spawn(process.execPath, [BIN, 'import', file, '--client', client, '--yes', '-q'], { env: { ...process.env, ...env }, stdio: 'ignore' });
  const timer = setTimeout(() => child.kill(signal), delayMs);
  return new Promise((resolve) => {
    child.on('close', (code, sig) => {
      clearTimeout(timer);
      resolve(code ?? (sig ? 128 + osConstants.signals[sig] : null));
    });
  });
}

// Deterministic spread of kill points over the whole run: parse, staging, upserts, commit.
const killDelays = (durationMs: number) => Array.from({ length: KILL_POINTS }, (_, i) => Math.round(((i + 0.5) / KILL_POINTS) * durationMs * 1.5));

describe.runIf(inject('postgresAvailable'))('faults on the server', () => {
  let url: string;
  let drop: () => Promise<void>;
  let full: State;
  let durationMs = 0;
  // How long Node and aos take to start here: a Ctrl-C before that ends the process by the signal
  // (no handler yet), which a loaded machine stretches well past half a second.
  let startupMs = 500;

  beforeAll(async () => {
    // Migrated and seeded in this process: setup, not what is under test.
    const kills = Array.from({ length: KILL_POINTS }, (_, i) => `kill-${i}`);
    const fresh = await freshCliDatabase('postgres', (db) => addClients(db, ['reference-1', 'reference', ...kills]));
    url = fresh.env.DATABASE_URL as string;
    drop = fresh.dispose;
    const env = { DATABASE_URL: url };
    // Timed on a second client: later imports share their domains with earlier clients' customers.
    for (const client of ['reference-1', 'reference']) {
      const started = performance.now();
      expect((await runAos(['import', file, '--client', client, '--yes', '-q'], { env, timeoutMs: 120_000 })).code).toBe(0);
      durationMs = performance.now() - started;
    }
    const started = performance.now();
    expect((await runAos(['--version'], { env })).code).toBe(0);
    startupMs = Math.max(500, 1.5 * (performance.now() - started));
    full = await state(url, 'reference');
    expect(full.customers).toBeGreaterThan(0);
  });
  afterAll(async () => drop?.());

  it(`SIGINT and SIGKILL at ${KILL_POINTS} points: all or nothing, then a rerun succeeds`, async () => {
    const env = { DATABASE_URL: url };
    const outcomes: string[] = [];
    for (const [i, delay] of killDelays(durationMs).entries()) {
      const client = `kill-${i}`;
      const signal: NodeJS.Signals = i % 2 === 0 ? 'SIGINT' : 'SIGKILL';
      const code = await importKilledAfter(env, client, delay, signal);
      const after = await state(url, client);
      const none = { customers: 0, suppressions: 0, runs: 0, events: 0, customersWithoutSignal: 0 };
      if (after.runs === 0) expect(after, `${signal} at ${delay} ms`).toEqual(none);
      else expect(after, `${signal} at ${delay} ms`).toEqual({ ...full, runs: 1 });
      // Ctrl-C once aos is running (not during Node's own start-up) exits 130.
      if (signal === 'SIGINT' && after.runs === 0 && delay > startupMs) expect(code, `SIGINT at ${delay} ms`).toBe(130);
      outcomes.push(`${signal}@${delay}ms→${after.runs ? 'whole' : 'none'}`);
      expect((await runAos(['import', file, '--client', client, '--yes', '-q'], { env, timeoutMs: 120_000 })).code).toBe(0);
      expect(await state(url, client)).toMatchObject({ customers: full.customers, suppressions: full.suppressions, customersWithoutSignal: 0 });
    }
    console.info(`fault points: ${outcomes.join(', ')}`);
  }, STRESS ? 1_200_000 : 240_000);
});

describe.runIf(inject('postgresAvailable') && clusterAvailable())('a server restarted or stopped mid-work (own test cluster)', () => {
  let cluster: TestCluster;
  beforeAll(() => {
    cluster = startTestCluster();
  });
  afterAll(() => cluster?.destroy());

  it('an import across a server restart leaves nothing and succeeds on rerun; check never exits 0 on a stopped server', async () => {
    const env = { DATABASE_URL: cluster.url };
    expect((await runAos(['db', 'migrate'], { env })).code).toBe(0);
    expect((await runAos(['clients', 'add', 'restart'], { env })).code).toBe(0);
    const child = spawn(process.execPath, [BIN, 'import', file, '--client', 'restart', '--yes', '-q'], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    await new Promise((r) => setTimeout(r, 700));
    cluster.restart();
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    const after = await state(cluster.url, 'restart');
    if (code === 0) expect(after.runs).toBe(1); // it finished before the restart
    else {
      expect(code).toBe(3);
      expect(stderr).toMatch(/^aos: error: /);
      expect(stderr).not.toMatch(/\n\s+at /);
      expect(after).toEqual({ customers: 0, suppressions: 0, runs: 0, events: 0, customersWithoutSignal: 0 });
    }
    expect((await runAos(['import', file, '--client', 'restart', '--yes', '-q'], { env, timeoutMs: 120_000 })).code).toBe(0);
    expect((await state(cluster.url, 'restart')).runs).toBeGreaterThanOrEqual(1);

    cluster.stop();
    const check = await runAos(['check', 'company0.com', '--client', 'restart'], { env });
    expect(check.code).toBe(3);
    expect(check.stdout).toBe('');
    cluster.start();
    expect((await runAos(['check', 'company0.com', '--client', 'restart'], { env })).code).toBe(1);
  });
});

describe('a killed embedded import', () => {
  it('leaves a data directory that opens, holding all or nothing, and a stale lock that is taken over', async () => {
    const fresh = await freshCliDatabase('embedded', (db) => addClients(db, ['killed']));
    const env = fresh.env;
    const code = await importKilledAfter(env, 'killed', 2500, 'SIGKILL');
    expect(code).not.toBe(0);
    const status = await runAos(['db', 'status', '--json'], { env });
    expect(status.code, status.stderr).toBe(0);
    const tables = (JSON.parse(status.stdout) as { tables: Record<string, number> }).tables;
    expect([0, 1]).toContain(tables.import_runs);
    if (tables.import_runs === 0) expect(tables.client_customers).toBe(0);
    const rerun = await runAos(['import', file, '--client', 'killed', '--yes', '--json'], { env, timeoutMs: 120_000 });
    expect(rerun.code, rerun.stderr).toBe(0);
    await fresh.dispose();
  });
});
