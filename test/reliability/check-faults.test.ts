// `aos check` fails closed: whatever goes wrong, the exit code is never 0. Each case is counted.
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runAos } from '../helpers/cli.js';
import { createServerDatabase } from '../helpers/server.js';

const work = mkdtempSync(join(tmpdir(), 'aos-check-faults-'));

function embeddedCopy(): string {
  const data = join(mkdtempSync(join(work, 'db-')), 'data');
  cpSync(inject('embeddedTemplate'), data, { recursive: true });
  return data;
}

/** A live process to own a lock file, and its pid. */
function sleeper() {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
  return { pid: child.pid as number, stop: () => child.kill('SIGKILL') };
}

describe('check under faults', () => {
  const outcomes: Array<[string, number | null]> = [];
  let holder: ReturnType<typeof sleeper>;
  let lockedDir: string;
  let unmigrated: { url: string; drop: () => Promise<void> } | undefined;
  const withClient = embeddedCopy();

  beforeAll(async () => {
    expect((await runAos(['clients', 'add', 'x'], { env: { AOS_DATA_DIR: withClient, DATABASE_URL: '' } })).code).toBe(0);
    holder = sleeper();
    lockedDir = embeddedCopy();
    writeFileSync(`${lockedDir}.lock`, `${holder.pid}\n`);
    if (inject('postgresAvailable')) unmigrated = await createServerDatabase();
  });
  afterAll(async () => {
    holder.stop();
    await unmigrated?.drop();
    console.info(`check fault cases: ${outcomes.length}, exit 0 in ${outcomes.filter(([, c]) => c === 0).length}: ${outcomes.map(([n, c]) => `${n}=${c}`).join(', ')}`);
  });

  const cases: Array<[string, () => { args: string[]; env: Record<string, string>; input?: string }, number, RegExp]> = [
    ['connection refused', () => ({ args: ['check', 'a.com', '--client', 'x'], env: { DATABASE_URL: 'postgres://u@127.0.0.1:1/db' } }), 3, /cannot reach database/],
    ['unknown host', () => ({ args: ['check', 'a.com', '--client', 'x'], env: { DATABASE_URL: 'postgres://u@no-such-host.invalid:5432/db' } }), 3, /cannot reach database/],
    ['malformed URL (a usage error)', () => ({ args: ['check', 'a.com', '--client', 'x'], env: { DATABASE_URL: 'not a url' } }), 2, /invalid database URL/],
    ['a URL of another database (a usage error, not an unreachable server)', () => ({ args: ['check', 'a.com', '--client', 'x'], env: { DATABASE_URL: 'mysql://u@127.0.0.1:3306/test' } }), 2, /mysql:\/\/ is not PostgreSQL/],
    ['a scheme of another database without // (file:…, a usage error, not the database "tmp/x.db")', () => ({ args: ['check', 'a.com', '--client', 'x'], env: { DATABASE_URL: 'file:/tmp/x.db' } }), 2, /file: is not PostgreSQL/],
    ['embedded database locked by a live process', () => ({ args: ['--wait', '0.3', 'check', 'a.com', '--client', 'x'], env: { AOS_DATA_DIR: lockedDir, DATABASE_URL: '' } }), 3, /in use by pid \d+/],
    ['invalid target', () => ({ args: ['check', 'com.au', '--client', 'x'], env: { AOS_DATA_DIR: withClient, DATABASE_URL: '' } }), 2, /public suffix/],
    ['invalid targets in a bulk run', () => ({ args: ['check', '-', '--client', 'x'], env: { AOS_DATA_DIR: withClient, DATABASE_URL: '' }, input: 'ok.com\nlocalhost\n' }), 2, /1 allowed, 0 suppressed, 1 invalid/],
    ['unknown client', () => ({ args: ['check', 'a.com', '--client', 'nobody'], env: { AOS_DATA_DIR: embeddedCopy(), DATABASE_URL: '' } }), 2, /unknown client/],
    ['no targets', () => ({ args: ['check', '--client', 'x'], env: { DATABASE_URL: 'postgres://u@127.0.0.1:1/db' } }), 2, /no targets/],
    ['bad flag', () => ({ args: ['check', 'a.com', '--client', 'x', '--frobnicate'], env: {} }), 2, /unknown option/],
    ['unreadable file', () => ({ args: ['check', '--file', join(work, 'missing.txt'), '--client', 'x'], env: { DATABASE_URL: 'postgres://u@127.0.0.1:1/db' } }), 2, /cannot read/],
  ];

  it.each(cases)('%s → exit %s', async (name, make, expected, message) => {
    const { args, env, input } = make();
    const r = await runAos(args, { env, input });
    outcomes.push([name, r.code]);
    expect(r.code).toBe(expected);
    expect(r.stdout + r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it.runIf(inject('postgresAvailable'))('a server database that is not migrated → exit 3', async () => {
    const r = await runAos(['check', 'a.com', '--client', 'x'], { env: { DATABASE_URL: unmigrated?.url ?? '' } });
    outcomes.push(['not migrated', r.code]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('run `aos db migrate`');
  });
});

describe('the embedded database lock', () => {
  it('a second aos waits, then exits 3 naming the pid; a dead owner\'s lock is taken over', async () => {
    const data = embeddedCopy();
    const holder = sleeper();
    try {
      writeFileSync(`${data}.lock`, `${holder.pid}\n`);
      const started = performance.now();
      const blocked = await runAos(['--wait', '1', 'clients', 'list'], { env: { AOS_DATA_DIR: data, DATABASE_URL: '' } });
      expect(blocked.code).toBe(3);
      expect(blocked.stderr).toContain(`embedded database in use by pid ${holder.pid}`);
      expect(performance.now() - started).toBeGreaterThan(900);
    } finally {
      holder.stop();
    }
    await new Promise((r) => setTimeout(r, 200)); // the holder is gone now: its lock is stale
    const taken = await runAos(['clients', 'list', '--json'], { env: { AOS_DATA_DIR: data, DATABASE_URL: '' } });
    expect(taken.code, taken.stderr).toBe(0);
  });

  it('two aos processes on one embedded database run one after the other, both succeed', async () => {
    const data = embeddedCopy();
    const env = { AOS_DATA_DIR: data, DATABASE_URL: '' };
    // --wait beyond the default 5 s: on a loaded machine the first holds the directory longer, and
    // what is under test is that the second waits and then runs, not how long the first takes.
    const [a, b] = await Promise.all([runAos(['clients', 'add', 'first', '--wait', '60'], { env }), runAos(['clients', 'add', 'second', '--wait', '60'], { env })]);
    expect([a.code, b.code]).toEqual([0, 0]);
    const list = JSON.parse((await runAos(['clients', 'list', '--json'], { env })).stdout) as unknown[];
    expect(list).toHaveLength(2);
  });
});
