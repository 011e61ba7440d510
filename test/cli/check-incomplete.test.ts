// A bulk check (and `signals boost --file`) whose input stops mid-file (issue 27 item 5): every row
// before the stop is answered, on stdout or in --rejected (or scored), the message names the last
// line read and the stop, and the exit code is 4, never 2 ("finished, some rows invalid"). Each
// kind of stop, read in this thread from a file and from stdin, and in the worker thread that
// reads a file of WORKER_MIN_BYTES or more. Rows were lost three ways: records csv-parse had
// pushed from the chunk that failed, the whole chunk a fatal UTF-16 decoder could not read, and
// the last row before a stop at a row's end (csv-parse holds it until something follows).
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WORKER_MIN_BYTES } from '../../src/cli/workers/size.js';
import { runAos } from '../helpers/cli.js';
import { addClients, cliEnginesUnderTest, freshCliDatabase, type CliDatabase } from '../helpers/databases.js';

const dir = mkdtempSync(join(tmpdir(), 'aos-check-incomplete-'));
let n = 0;
const fileWith = (content: Buffer) => {
  const file = join(dir, `leads-${++n}.csv`);
  writeFileSync(file, content);
  return file;
};

const SUPPRESSED_ROW = 7; // a row the check rejects: the --rejected file holds it
const header = 'Name,Email,Website';
const lead = (i: number) => (i === SUPPRESSED_ROW ? 'München Bau,info@münchen-bau.de,münchen-bau.de' : `Lead ${i},info@lead${i}.com,lead${i}.com`);
const leads = (count: number) => Array.from({ length: count }, (_, i) => lead(i));
const utf8 = (rows: string[]) => Buffer.from([header, ...rows].join('\n') + '\n');
/** Excel's "Unicode Text": UTF-16LE with a BOM, tab-separated, CRLF. */
const utf16 = (rows: string[]) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from([header, ...rows].map((r) => r.replaceAll(',', '\t')).join('\r\n') + '\r\n', 'utf16le')]);

interface Stop {
  /** The leads file: `before` rows, then the stop (and, for most kinds, rows after it). */
  file(before: number): Buffer;
  /** What the message says stopped the reading. */
  cause(before: number, file: Buffer): RegExp;
}

const AFTER = 500; // rows after the stop, never answered

const STOPS: Record<string, Stop> = {
  'a row of 400 cells': {
    file: (before) => utf8([...leads(before), 'a,'.repeat(400) + 'b', ...leads(AFTER)]),
    cause: (before) => new RegExp(`line ${before + 2} has 401 cells where the header has 3`),
  },
  'a quote never closed': {
    file: (before) => utf8([...leads(before), '"Lead x,info@x.com,x.com', ...leads(AFTER)]),
    cause: (before) => new RegExp(`a quote opened in the row after line ${before + 1} is never closed`),
  },
  'a lone surrogate in UTF-16': {
    file: (before) => utf16([...leads(before), 'Lead x,info@x.com,\ud800x.com', ...leads(AFTER)]),
    cause: (_before, file) => new RegExp(`not valid UTF-16LE \\(bad byte sequence at byte ${file.indexOf(Buffer.from([0x00, 0xd8]))}\\)`),
  },
  'UTF-16 cut short after a whole row (an odd byte left)': {
    file: (before) => Buffer.concat([utf16(leads(before)), Buffer.from('A')]),
    cause: (_before, file) => new RegExp(`not valid UTF-16LE \\(bad byte sequence at byte ${file.length - 1}\\)`),
  },
};

const SMALL = 2000;
// Enough rows that the file is over WORKER_MIN_BYTES before the stop (UTF-8 rows are the shorter).
const LARGE = Math.ceil(WORKER_MIN_BYTES / Buffer.byteLength(`${lead(99_999)}\n`)) + 1000;

const lines = (text: string) => text.split('\n').filter((l) => l.replace(/\0/g, '') !== '').length;

for (const engine of cliEnginesUnderTest()) describe(`a bulk check that stops mid-file [${engine}]`, () => {
  let cli: CliDatabase;
  const aos = (args: string[], input?: Buffer) => runAos(args, { env: cli.env, input, timeoutMs: 120_000 });

  beforeAll(async () => {
    cli = await freshCliDatabase(engine, (db) => addClients(db, ['acme']));
    expect((await aos(['suppress', 'add', 'münchen-bau.de', '--client', 'acme', '--reason', 'existing_customer'])).code).toBe(0);
  }, 120_000);
  afterAll(async () => cli?.dispose());

  const cases = Object.keys(STOPS).flatMap((kind) => [
    [kind, 'a small file', SMALL] as const,
    [kind, 'stdin', SMALL] as const,
    [kind, 'a file read in a worker thread', LARGE] as const,
  ]);
  it.each(cases)('%s (%s): every row before it answered, the line named, exit 4', async (kind, how, before) => {
    const stop = STOPS[kind] as Stop;
    const content = stop.file(before);
    const rejected = join(dir, `rejected-${++n}.csv`);
    const args = ['--client', 'acme', '--filter', '--rejected', rejected];
    let r;
    if (how === 'stdin') r = await aos(['check', '-', ...args], content);
    else {
      const file = fileWith(content);
      expect(statSync(file).size >= WORKER_MIN_BYTES).toBe(before === LARGE);
      r = await aos(['check', '--file', file, ...args]);
    }
    expect(r.code, r.stderr).toBe(4);
    expect(r.stderr).toMatch(new RegExp(`check incomplete: reading the input stopped after line ${before + 1} \\(`));
    expect(r.stderr).toMatch(stop.cause(before, content));
    expect(r.stderr).toContain(`the ${before} row(s) before it are answered, the rest of the input was not checked`);
    // stdout holds the allowed rows in the input's own bytes (UTF-16 too: its line breaks count).
    const allowed = lines(r.stdout) - 1;
    const rejects = lines(readFileSync(rejected, 'utf8')) - 1;
    expect(rejects).toBe(1);
    expect(allowed + rejects).toBe(before);
  });

  it('a stop within the rows the layout is planned from answers the rows before it', async () => {
    const content = STOPS['a quote never closed']!.file(20);
    const rejected = join(dir, `rejected-${++n}.csv`);
    const r = await aos(['check', '--file', fileWith(content), '--client', 'acme', '--filter', '--rejected', rejected]);
    expect(r.code, r.stderr).toBe(4);
    expect(r.stderr).toMatch(/stopped after line 21 \(.*a quote opened in the row after line 21 is never closed/);
    expect(lines(r.stdout) - 1 + lines(readFileSync(rejected, 'utf8')) - 1).toBe(20);
  });

  it.each([
    ['a row of 400 cells', SMALL],
    ['UTF-16 cut short after a whole row (an odd byte left)', SMALL],
    ['a lone surrogate in UTF-16', LARGE],
  ] as const)('signals boost --file stopped by %s writes every row before it scored, then exits 4', async (kind, before) => {
    const stop = STOPS[kind] as Stop;
    const content = stop.file(before);
    const r = await aos(['signals', 'boost', '--file', fileWith(content)]);
    expect(r.code, r.stderr).toBe(4);
    expect(r.stderr).toMatch(new RegExp(`boost incomplete: reading the input stopped after line ${before + 1} \\(`));
    expect(r.stderr).toMatch(stop.cause(before, content));
    expect(r.stderr).toContain(`the ${before} row(s) before it are scored, the rest of the input was not scored`);
    const rows = r.stdout.split(/\r?\n/).filter(Boolean);
    expect(rows[0]).toMatch(/buyer_score.buyer_boost$/);
    expect(rows.length - 1).toBe(before);
    expect(rows.at(-1)).toContain(`lead${before - 1}.com`);
  });
});
