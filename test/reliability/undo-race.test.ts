// An undo and a manual change of the same client's list, as two real processes on the server: the
// manual change waits for the undo (or the undo for it), so an opt-out added meanwhile is never
// deleted with the run's rows (issue 27.1).
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { BIN, runAos } from '../helpers/cli.js';
import { addClients, freshCliDatabase } from '../helpers/databases.js';

const work = mkdtempSync(join(tmpdir(), 'aos-undo-race-'));
// A HubSpot company export: the two customers that become opt-outs during the undo, and others.
const file = join(work, 'hubspot-companies.csv');
writeFileSync(
  file,
  [
    '"Record ID","Company name","Company Domain Name","Lifecycle Stage","Create Date"',
    '"9001","Acme Pty Ltd","acme.com.au","Customer","2024-01-15 09:12"',
    '"9002","Bluegum Cafe","bluegumcafe.com.au","Customer","2024-02-01 10:00"',
    ...Array.from({ length: 200 }, (_, i) => `"${9100 + i}","Company ${i}","company${i}.com","Customer","2024-03-01 08:00"`),
  ].join('\r\n') + '\r\n',
);

function start(env: Record<string, string>, args: string[]) {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  let done = false;
  const result = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => {
      done = true;
      resolve({ code, stdout, stderr });
    }),
  );
  return { result, done: () => done, pid: child.pid };
}

describe.runIf(inject('postgresAvailable'))('an undo and a manual opt-out at once, on the server', () => {
  let url: string;
  let drop: () => Promise<void>;
  let sql: postgres.Sql;
  const env = () => ({ DATABASE_URL: url });

  beforeAll(async () => {
    const fresh = await freshCliDatabase('postgres', (db) => addClients(db, ['racy']));
    url = fresh.env.DATABASE_URL as string;
    drop = fresh.dispose;
    sql = postgres(url, { max: 2, onnotice: () => {} });
  });
  afterAll(async () => {
    await sql?.end({ timeout: 5 });
    await drop?.();
  });

  /** Until some backend other than ours waits on a lock whose query matches. */
  async function waitingOn(pattern: string, timeoutMs = 20_000): Promise<boolean> {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      const rows = await sql`select 1 from pg_stat_activity where wait_event_type = 'Lock' and query ilike ${pattern} and pid <> pg_backend_pid()`;
      if (rows.length > 0) return true;
      await new Promise((r) => setTimeout(r, 50));
    }
    return false;
  }

  it('an opt-out added while an undo runs stays: both targets are still suppressed after the undo', async () => {
    const imported = await runAos(['import', file, '--client', 'racy', '--yes', '-q'], { env: env() });
    expect(imported.code, imported.stderr).toBe(0);
    const [run] = await sql<{ id: string }[]>`select r.id from import_runs r join clients k on k.id = r.client_id where k.slug = 'racy'`;
    // Hold the undo after it planned, before it writes its audit: our transaction holds
    // customer_events, which the undo's audit writes and a manual add never does.
    const holder = await sql.reserve();
    await holder`begin`;
    await holder`lock table customer_events in exclusive mode`;
    const undo = start(env(), ['imports', 'undo', run!.id, '-q']);
    expect(await waitingOn('%customer_events%')).toBe(true);
    const add = start(env(), ['suppress', 'add', 'acme.com.au', 'sam@bluegumcafe.com.au', 'bluegumcafe.com.au', '--client', 'racy', '--reason', 'unsubscribed', '-q']);
    // The add either finishes (the race of the issue) or waits for the undo's lock: give it time.
    const until = Date.now() + 8_000;
    while (!add.done() && Date.now() < until && !(await waitingOn('%advisory%', 200))) await new Promise((r) => setTimeout(r, 50));
    await holder`commit`;
    holder.release();
    const [undone, added] = await Promise.all([undo.result, add.result]);
    expect(undone.code, undone.stderr).toBe(0);
    expect(added.code, added.stderr).toBe(0);
    for (const target of ['acme.com.au', 'bluegumcafe.com.au', 'sam@bluegumcafe.com.au']) {
      const check = await runAos(['check', target, '--client', 'racy', '--json'], { env: env() });
      expect(check.code, `${target}: ${check.stdout}`).toBe(1);
      expect(check.stdout).toMatch(/unsubscribed/);
    }
    // The rest of the run is undone.
    expect((await runAos(['check', 'company7.com', '--client', 'racy'], { env: env() })).code).toBe(0);
  });
});
