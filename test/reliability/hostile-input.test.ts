// Every file of the hostile corpus: a clear error (exit 2) or clean per-row rejects (exit 0);
// never a stack trace, never a partial write; hostile values stored and exported inert.
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAos } from '../helpers/cli.js';
import { addClients, enginesUnderTest, freshCliDatabase, type CliDatabase } from '../helpers/databases.js';

const CORPUS = fileURLToPath(new URL('../fixtures/bad/', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'aos-hostile-'));

// file → expected exit code and, for exit 0, customers inserted and rows rejected.
// A bad optional value is dropped from its row (values_dropped), never the customer; a row with
// no domain, email or name is rejected; blank rows and non-customer statuses are skipped.
const EXPECTED: Record<string, { exit: 0 | 2; inserted?: number; rejected?: number; skipped?: number; values_dropped?: number; error?: RegExp }> = {
  '01-unbalanced-quote.csv': { exit: 2, error: /malformed CSV/ },
  '02-ragged-rows.csv': { exit: 0, inserted: 3, rejected: 0 },
  '03-nul-bytes.csv': { exit: 2, error: /NUL bytes/ },
  '04-binary-junk.csv': { exit: 2, error: /binary/ },
  '05-empty.csv': { exit: 2, error: /empty/ },
  '06-header-only.csv': { exit: 0, inserted: 0, rejected: 0 },
  '07-duplicate-headers.csv': { exit: 0, inserted: 1, rejected: 0 },
  // A lone CR inside CRLF lines: a cell holding what reads as further rows stops the import
  // rather than lose "CR Co" inside "LF Co"'s cell.
  '08-mixed-line-endings.csv': { exit: 2, error: /line break and what reads as further rows/ },
  '09-invalid-utf8.csv': { exit: 0, inserted: 2, rejected: 0 },
  '10-utf16-no-bom.csv': { exit: 0, inserted: 1, rejected: 0 },
  '11-formula-injection.csv': { exit: 0, inserted: 4, rejected: 0 },
  '12-sql-injection.csv': { exit: 0, inserted: 3, rejected: 0 },
  '13-emoji-idn.csv': { exit: 0, inserted: 3, rejected: 0 },
  '14-only-garbage-domains.csv': { exit: 0, inserted: 0, rejected: 4 },
  '15-no-usable-columns.csv': { exit: 2, error: /no column is mapped/ },
  '16-semicolon-bom.csv': { exit: 0, inserted: 1, rejected: 0 },
  '17-tabs-windows1252.csv': { exit: 0, inserted: 2, rejected: 0 },
  '18-whitespace-everywhere.csv': { exit: 0, inserted: 1, rejected: 0, skipped: 1 },
  '19-blank-lines.csv': { exit: 0, inserted: 1, rejected: 0 },
  '20-quoted-newlines.csv': { exit: 0, inserted: 1, rejected: 0 },
  '21-bad-dates.csv': { exit: 0, inserted: 2, rejected: 0, values_dropped: 1 },
  // Three unreadable deal values, and D's unquoted "$1,000" spilling "000" past the header (a warning:
  // the deal value read is $1).
  '22-bad-deal-values.csv': { exit: 0, inserted: 4, rejected: 0, values_dropped: 4 },
  '23-unknown-status.csv': { exit: 0, inserted: 1, rejected: 0, skipped: 1 },
  '24-free-mail-website.csv': { exit: 0, inserted: 1, rejected: 0 },
  '25-ip-and-localhost.csv': { exit: 0, inserted: 2, rejected: 0, values_dropped: 2 },
  '26-very-long-domain.csv': { exit: 0, inserted: 1, rejected: 0, values_dropped: 1 },
  '27-control-characters.csv': { exit: 0, inserted: 2, rejected: 0 },
  '28-html-script.csv': { exit: 0, inserted: 1, rejected: 0 },
  '29-only-delimiters.csv': { exit: 2, error: /no column is mapped/ },
  '30-unclosed-quote-at-eof.csv': { exit: 2, error: /malformed CSV/ },
  '31-single-column-no-header.csv': { exit: 2, error: /has no header line: its line 1 reads as a customer \("bigcorp\.com" is a domain/ },
  '32-bom-utf16be.csv': { exit: 0, inserted: 1, rejected: 0 },
  'generated-10mb-single-line.csv': { exit: 2, error: /longer than/ },
  'generated-100k-char-field.csv': { exit: 0, inserted: 2, rejected: 0, values_dropped: 1 },
};

function generated(): string[] {
  const big = join(work, 'generated-10mb-single-line.csv');
  writeFileSync(big, `Company,Website\n${'x'.repeat(10 * 1024 * 1024)}`);
  const field = join(work, 'generated-100k-char-field.csv');
  writeFileSync(field, `Company,Website\n${'A'.repeat(100_000)},long-field.com\nShort Co,short-field.com\n`);
  return [big, field];
}

const engine = enginesUnderTest().at(-1) ?? 'embedded';

describe(`hostile input corpus [${engine}]`, () => {
  let fresh: CliDatabase;
  const files = [...readdirSync(CORPUS).filter((f) => f.endsWith('.csv')).map((f) => join(CORPUS, f)), ...generated()];
  const aos = (args: string[]) => runAos(args, { env: fresh.env });

  beforeAll(async () => {
    fresh = await freshCliDatabase(engine, (db) => addClients(db, files.map((_, i) => `hostile-${i}`)));
  });
  afterAll(async () => fresh.dispose());

  it('has at least 30 files, each with an expectation', () => {
    expect(files.length).toBeGreaterThanOrEqual(30);
    for (const f of files) expect(EXPECTED[f.split('/').pop() as string], f).toBeDefined();
  });

  it.each(files.map((f, i) => [f.split('/').pop() as string, f, i] as const))('%s', async (name, file, i) => {
    const expected = EXPECTED[name] as (typeof EXPECTED)[string];
    const client = `hostile-${i}`;
    const r = await aos(['import', file, '--client', client, '--yes', '--json', '--rejects', join(work, `${name}.rejects.csv`)]);
    expect(r.stderr, 'no stack trace').not.toMatch(/\n\s+at /);
    expect(r.code, r.stderr).toBe(expected.exit);
    const list = JSON.parse((await aos(['clients', 'list', '--json'])).stdout) as Array<{ slug: string; customers: number; suppressions: number }>;
    const counts = list.find((c) => c.slug === client);
    if (expected.exit === 2) {
      // With --json the error is one JSON line on stderr (README, exit codes).
      const line = r.stderr.split('\n').find((l) => l.startsWith('{"error":'));
      expect(line, r.stderr).toBeDefined();
      const error = (JSON.parse(line as string) as { error: { code: string; message: string } }).error;
      expect(error.code).toMatch(/^(input|usage)$/);
      if (expected.error) expect(error.message).toMatch(expected.error);
      expect(r.stdout).toBe('');
      expect(counts).toMatchObject({ customers: 0, suppressions: 0 }); // nothing partial
      return;
    }
    const summary = JSON.parse(r.stdout) as { inserted: number; rejected: number; rows_read: number; skipped: number; values_dropped: number };
    if (expected.inserted !== undefined) expect(summary.inserted).toBe(expected.inserted);
    if (expected.rejected !== undefined) expect(summary.rejected).toBe(expected.rejected);
    if (expected.skipped !== undefined) expect(summary.skipped).toBe(expected.skipped);
    if (expected.values_dropped !== undefined) expect(summary.values_dropped).toBe(expected.values_dropped);
    expect(counts?.customers).toBe(summary.inserted);
  });

  it('stores injection strings literally and exports formulas inert', async () => {
    const formulas = await aos(['suppress', 'list', '--client', 'hostile-10', '--csv']);
    expect(formulas.code).toBe(0);
    for (const line of formulas.stdout.split('\n').slice(1).filter(Boolean)) {
      for (const cell of line.split(',')) expect(cell.replace(/^"/, '')).not.toMatch(/^[=+\-@]/);
    }
    expect(formulas.stdout).toContain(`'=HYPERLINK`);
    const sql = await aos(['clients', 'list', '--json']);
    expect(sql.code).toBe(0); // the clients table survived "DROP TABLE clients"
    const check = await aos(['check', 'bob@bobby.com', '--client', 'hostile-11', '--json']);
    expect(JSON.parse(check.stdout)).toMatchObject({ suppressed: true });
  });

  it('shows stored and typed control characters inert on the terminal', async () => {
    const terminalControl = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
    const client = `hostile-${files.findIndex((f) => f.endsWith('27-control-characters.csv'))}`;
    // One client has these domains: k = 1 shows their names (below the default k they are withheld).
    const shown = await runAos(['signals', 'show', 'esc.com', 'bell.com'], { env: { ...fresh.env, AOS_SIGNALS_K: '1' } });
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain('Esc?[31mRed');
    expect(shown.stdout).toContain('Bell?Co');
    expect(shown.stdout).not.toMatch(terminalControl);

    const note = await aos(['suppress', 'add', 'noted.com', '--client', client, '--reason', 'partner', '--note', 'a\u001b]0;owned\u0007b', '--actor', 'ops\u001b[2J']);
    expect(note.code, note.stderr).toBe(0);
    for (const args of [['suppress', 'list', '--client', client], ['suppress', 'history', '--client', client, 'noted.com']]) {
      const r = await aos(args);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout, args.join(' ')).not.toMatch(terminalControl);
    }

    const check = await aos(['check', 'x\u001b[31m.com', '', '--client', client]);
    expect(check.code).toBe(2);
    expect(check.stdout).toContain('invalid     x?[31m.com:');
    expect(check.stdout).toContain('invalid     (empty): empty target');
    expect(check.stdout + check.stderr).not.toMatch(terminalControl);

    const file = join(work, 'control-in-email.csv');
    writeFileSync(file, 'Company,Email\nX,"a\u001b[2J@b.com"\n');
    const strict = await aos(['import', file, '--client', client, '--yes', '--strict']);
    expect(strict.code).toBe(2);
    expect(strict.stderr).toContain('contact_email "a?[2J@b.com"');
    expect(strict.stderr).not.toMatch(terminalControl);
  });
});
