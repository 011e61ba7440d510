// A large --file (WORKER_MIN_BYTES or more) is read in a worker thread and checked against the
// client's list read whole: the answers, --filter bytes, --rejected rows and errors must be the
// same as the in-thread path gives for the same content on stdin.
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WORKER_MIN_BYTES } from '../../src/cli/workers/size.js';
import { BIN, ndjson, runAos, aosConnected, untilIdle } from '../helpers/cli.js';
import { addClients, freshCliDatabase, type CliDatabase } from '../helpers/databases.js';

const dir = mkdtempSync(join(tmpdir(), 'aos-check-large-'));
// Just over WORKER_MIN_BYTES (asserted below), so the worker path runs; AOS_STRESS=1 reads more.
const ROWS = process.env.AOS_STRESS === '1' ? 150_000 : 85_000;

// Leads with a quoted, comma-holding name column: some on suppressed domains, an email entry,
// a few invalid targets, and non-ASCII names that must pass through byte for byte.
const leads = [
  'Name,Email,Note',
  ...Array.from({ length: ROWS }, (_, i) => {
    const email = i % 1000 === 7 ? 'not an email' : i % 10 === 0 ? `lead${i}@bigcorp.com` : i === 5 ? 'jane@smallco.io' : `lead${i}@company${i % 5000}.com.au`;
    return `"Lead ${i}, Søren",${email},${i % 3 === 0 ? 'x' : ''}`;
  }),
].join('\r\n');
const file = join(dir, 'leads.csv');
writeFileSync(file, leads);

describe('aos check on a large file [embedded]', () => {
  let fresh: CliDatabase;
  const aos = (args: string[], input?: string) => runAos(args, { env: fresh.env, input, timeoutMs: 120_000 });

  beforeAll(async () => {
    expect(statSync(file).size).toBeGreaterThanOrEqual(WORKER_MIN_BYTES);
    expect(existsSync(new URL('../../dist/cli/target-rows-worker.bundle.js', import.meta.url))).toBe(true); // else it falls back to in-thread
    fresh = await freshCliDatabase('embedded', (db) => addClients(db, ['acme']));
    expect((await aos(['suppress', 'add', 'bigcorp.com', 'jane@smallco.io', 'company42.com.au', '--client', 'acme', '--reason', 'existing_customer'])).code).toBe(0);
  });
  afterAll(async () => fresh.dispose());

  it('--json: the same verdicts, in the same order, as the same rows on stdin', async () => {
    const big = await aos(['check', '--file', file, '--client', 'acme', '--json']);
    const piped = await aos(['check', '-', '--client', 'acme', '--json'], leads);
    expect(big.code).toBe(2); // some targets are invalid
    expect(big.stderr).toContain(`checked ${ROWS}:`);
    expect(big.stdout).toBe(piped.stdout);
    const lines = big.stdout.trim().split('\n');
    expect(lines).toHaveLength(ROWS);
    expect(JSON.parse(lines[10] as string)).toMatchObject({ input: 'lead10@bigcorp.com', suppressed: true, match: 'bigcorp.com' });
    expect(JSON.parse(lines[5] as string)).toMatchObject({ input: 'jane@smallco.io', suppressed: true, match: 'jane@smallco.io' });
  });

  it('--filter and --rejected: allowed rows byte for byte, the rest with reasons, as on stdin', async () => {
    const rejectedBig = join(dir, 'rejected-big.csv');
    const rejectedPiped = join(dir, 'rejected-piped.csv');
    const big = await aos(['check', '--file', file, '--client', 'acme', '--filter', '--rejected', rejectedBig]);
    const piped = await aos(['check', '-', '--client', 'acme', '--filter', '--rejected', rejectedPiped], leads);
    expect(big.code).toBe(2); // issue 13: invalid rows ("not an email") make --filter exit 2 (was 0)
    expect(piped.code).toBe(2);
    expect(big.stdout).toBe(piped.stdout);
    expect(big.stdout.startsWith('Name,Email,Note\r\n"Lead 1, Søren",lead1@company1.com.au,\r\n')).toBe(true);
    expect(big.stdout).not.toContain('bigcorp.com');
    expect(readFileSync(rejectedBig, 'utf8')).toBe(readFileSync(rejectedPiped, 'utf8'));
    expect(readFileSync(rejectedBig, 'utf8')).toContain('"Lead 42, Søren",lead42@company42.com.au,x,existing_customer (company42.com.au)');
  });

  it('a second target column (websites): read in the worker too, a row suppressed by it as on stdin', async () => {
    // Every 7th lead has an allowed email but a website on a suppressed domain.
    const withSites = [
      'Name,Email,Website',
      ...Array.from({ length: ROWS }, (_, i) => `"Lead ${i}",lead${i}@company${i % 5000}.io,${i % 7 === 3 ? `https://shop.bigcorp.com/${i}` : `www.site${i}.io`}`),
    ].join('\n');
    const sites = join(dir, 'sites.csv');
    writeFileSync(sites, withSites);
    expect(statSync(sites).size).toBeGreaterThanOrEqual(WORKER_MIN_BYTES);
    const big = await aos(['check', '--file', sites, '--client', 'acme', '--json']);
    const piped = await aos(['check', '-', '--client', 'acme', '--json'], withSites);
    expect(big.code).toBe(1);
    expect(big.stdout).toBe(piped.stdout);
    expect(big.stderr).toContain('checking columns "Email", "Website"');
    const lines = big.stdout.trim().split('\n').map((l) => JSON.parse(l) as { input: string; suppressed: boolean });
    expect(lines[3]).toMatchObject({ input: 'https://shop.bigcorp.com/3', suppressed: true });
    expect(lines[4]).toMatchObject({ input: 'lead4@company4.io', suppressed: false });
    expect(lines.filter((o) => o.suppressed)).toHaveLength(Math.ceil((ROWS - 3) / 7));
  });

  it('a whole target in a column no header names, empty before row 10,000: read in the worker, not written by --filter', async () => {
    // Review of issue 13: "Secondary" names no target and is empty in the sample, so it was never read.
    const withSecondary = [
      'Name,Email,Secondary',
      ...Array.from({ length: ROWS }, (_, i) => `"Lead ${i}, Søren Østergaard",lead${i}@company${i % 5000}.io,${i === 10_000 ? 'ceo@bigcorp.com' : ''}`),
    ].join('\n');
    const secondary = join(dir, 'secondary.csv');
    writeFileSync(secondary, withSecondary);
    expect(statSync(secondary).size).toBeGreaterThanOrEqual(WORKER_MIN_BYTES);
    const big = await aos(['check', '--file', secondary, '--client', 'acme', '--filter']);
    expect(big.code).toBe(0);
    expect(big.stdout).not.toContain('ceo@bigcorp.com');
    expect(big.stdout.split('\n').filter((l) => l !== '')).toHaveLength(ROWS); // the header and every other row
    const piped = await aos(['check', '-', '--client', 'acme', '--filter'], withSecondary);
    expect(piped.stdout).toBe(big.stdout);
  });

  // Issue 27.5: was exit 2 (the code of a finished check with invalid rows), with the last rows
  // read before the stop in no output at all. Now every row before it is answered, and exit 4.
  it('a malformed row deep in the file: every row before it answered, exit 4 with the line, as on stdin', async () => {
    const broken = join(dir, 'broken.csv');
    const text = `${leads}\r\n"unclosed,lead@x.com,\r\n`;
    writeFileSync(broken, text);
    const big = await aos(['check', '--file', broken, '--client', 'acme', '--json']);
    const piped = await aos(['check', '-', '--client', 'acme', '--json'], text);
    expect(big.code).toBe(4);
    expect(piped.code).toBe(4);
    expect(big.stderr).toMatch(/check incomplete: .*malformed CSV/);
    expect(big.stderr).toBe(piped.stderr);
    expect(ndjson(big.stdout)).toHaveLength(ROWS);
    expect(big.stdout).toBe(piped.stdout);
  });

  it('Ctrl-C in the middle: exit 130, the reader thread stopped with the process', async () => {
    const child = spawn(process.execPath, [BIN, 'check', '--file', file, '--client', 'acme', '--json'], { env: { ...process.env, ...fresh.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdout.once('data', () => child.kill('SIGINT'));
    child.stdout.resume();
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(130);
    // A check writes nothing; the message says what the output so far is worth.
    expect(stderr).toMatch(/check interrupted after \d+ target\(s\): the lines printed so far are complete/);
    expect(stderr).not.toContain('nothing was written');
  });

  it('Ctrl-C while stdin sends nothing: stops the read at once (not the 5 s fallback), exit 130', async () => {
    const child = spawn(process.execPath, [BIN, 'check', '--client', 'acme', '--file', '-', '--json'], { env: { ...process.env, ...fresh.env, NO_COLOR: '1' }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdin.on('error', () => {});
    child.stdin.write('bigcorp.com\n'); // one line, then the pipe stays open and silent
    await aosConnected(child.pid, fresh.env);
    await untilIdle(child.pid); // started, and waiting on the pipe
    const interruptedAt = performance.now();
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(130);
    expect(performance.now() - interruptedAt).toBeLessThan(4000);
    expect(stderr).toMatch(/check interrupted after \d+ target\(s\)/);
    expect(stdout).not.toContain('"suppressed":false'); // nothing reported as allowed
  });
});
