import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ndjson, runAos, aosConnected, untilIdle } from '../helpers/cli.js';
import { addClients, enginesUnderTest, freshCliDatabase, type CliDatabase } from '../helpers/databases.js';
import { customerCsvLines } from '../../bench/generate.js';
import { KEYS, runOnPty } from '../helpers/pty.js';

const dir = mkdtempSync(join(tmpdir(), 'aos-import-'));
const EXAMPLE = new URL('../../examples/customers.csv', import.meta.url).pathname;

for (const engine of enginesUnderTest()) {
  describe(`aos import [${engine}]`, () => {
    let fresh: CliDatabase;
    const aos = (args: string[], input?: string) => runAos(args, { env: { ...fresh.env, USER: 'ops-anna' }, input });
    const count = async (table: string, client: string) => {
      const r = await aos(['clients', 'list', '--json']);
      const c = (JSON.parse(r.stdout) as Array<Record<string, unknown>>).find((x) => x.slug === client);
      return table === 'customers' ? c?.customers : c?.suppressions;
    };

    beforeAll(async () => {
      fresh = await freshCliDatabase(engine, (db) => addClients(db, ['demo', 'strict', 'tty', 'sigint', 'bad', 'tty2']));
    });
    afterAll(async () => fresh.dispose());

    it('imports the example file with --yes and prints the summary; JSON on re-import shows nothing changed', async () => {
      const r = await aos(['import', EXAMPLE, '--client', 'demo', '--yes']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/customers inserted\s+7/);
      // Nobody confirmed the mapping (--yes): the summary says which column fed which field.
      expect(r.stdout).toMatch(/^ {2}columns: company_name ← Company, domain ← Website, contact_email ← Contact Email, /m);
      expect(r.stdout).toMatch(/merged duplicates\s+1/);
      const again = await aos(['import', EXAMPLE, '--client', 'demo', '--yes', '--json']);
      expect(again.code).toBe(0);
      expect(JSON.parse(again.stdout)).toMatchObject({ rows_read: 8, inserted: 0, updated: 0, unchanged: 7, suppressions_added: 0 });
      const check = await aos(['check', 'sarah@buildright.com.au', '--client', 'demo']);
      expect(check.code).toBe(1);
    });

    it('without a mappable company column: exit 2 listing the headers and the --map syntax', async () => {
      const file = join(dir, `unmapped-${engine}.csv`);
      writeFileSync(file, 'foo,bar\n1,2\n');
      const r = await aos(['import', file, '--client', 'bad', '--yes']);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('"foo", "bar"');
      expect(r.stderr).toContain('--map company_name=');
      const mapped = await aos(['import', file, '--client', 'bad', '--yes', '--map', 'company_name=foo', '--dry-run', '--json']);
      expect(mapped.code).toBe(0);
      expect(JSON.parse(mapped.stdout)).toMatchObject({ dry_run: true, inserted: 1 });
    });

    it('dates dropped for not being ISO 8601: a hint names --date-format (not when one was given)', async () => {
      const file = join(dir, `dmy-${engine}.csv`);
      writeFileSync(file, 'Company,Website,Customer Since\nAcme,acme.com,15/03/2022\n');
      const r = await aos(['import', file, '--client', 'bad', '--yes', '--dry-run']);
      expect(r.code).toBe(0);
      expect(r.stderr).toContain('hint: dates in another format: pass --date-format, e.g. --date-format DD/MM/YYYY');
      const given = await aos(['import', file, '--client', 'bad', '--yes', '--dry-run', '--date-format', 'MM/DD/YYYY']);
      expect(given.stdout).toMatch(/values dropped\s+1/);
      expect(given.stderr).not.toContain('hint: dates in another format');
      // The format proposed is the dates' own: dotted dates get DD.MM.YYYY, which reads them.
      const dotted = join(dir, `dotted-${engine}.csv`);
      writeFileSync(dotted, 'Company,Website,Customer Since\nAcme,acme.com,31.12.2024\nBeta,beta.io,01.02.2023\n');
      expect((await aos(['import', dotted, '--client', 'bad', '--yes', '--dry-run'])).stderr).toContain('hint: dates in another format: pass --date-format, e.g. --date-format DD.MM.YYYY');
      expect((await aos(['import', dotted, '--client', 'bad', '--yes', '--dry-run', '--date-format', 'DD.MM.YYYY'])).stdout).toMatch(/values dropped\s+0/);
    });

    it('writes rejects with _line and _error, dropped values with _warning; --strict aborts with exit 2 and writes nothing', async () => {
      const file = join(dir, `mixed-${engine}.csv`);
      const rejects = join(dir, `rejects-${engine}.csv`);
      writeFileSync(file, 'Company,Website,Deal Size\nGood,good.com,100\n=HYPERLINK("http://x"),localhost,5\nAlso,also.com,abc\n,not a domain!,\n');
      const strict = await aos(['import', file, '--client', 'strict', '--yes', '--strict']);
      expect(strict.code).toBe(2);
      expect(strict.stderr).toMatch(/line 3/);
      expect(await count('customers', 'strict')).toBe(0);
      const lenient = await aos(['import', file, '--client', 'strict', '--yes', '--rejects', rejects]);
      expect(lenient.code).toBe(0);
      expect(lenient.stderr).toContain('1 row(s) rejected');
      expect(lenient.stderr).toContain('2 value(s) did not parse and were dropped');
      const text = readFileSync(rejects, 'utf8');
      expect(text.startsWith('\uFEFF')).toBe(true); // a file for a spreadsheet starts with a BOM (trim() drops it)
      const lines = text.trim().split('\n');
      expect(lines[0]).toBe('Company,Website,Deal Size,_line,_error,_warning');
      expect(lines[1]).toBe(`"'=HYPERLINK(""http://x"")",localhost,5,3,,"domain ""localhost"": localhost is not a company domain"`);
      expect(lines[2]).toBe('Also,also.com,abc,4,,"deal_value: deal value ""abc"" is not a number"');
      expect(lines[3]).toMatch(/^,not a domain!,,5,"no company name, domain or email \(domain ""not a domain!"": /);
      // The customer named by a formula is kept (stored literally), the one with a bad deal too.
      expect(await count('customers', 'strict')).toBe(3);
    });

    it('--rejects with nothing rejected still writes the header row, in the input\'s own delimiter', async () => {
      // Pipedrive's organizations export (comma), and a Zoho accounts export saved by Excel in a
      // semicolon locale: every row imports, so the rejects file holds only its header.
      const pipedrive = join(dir, `pipedrive-orgs-${engine}.csv`);
      writeFileSync(pipedrive, '"Organization - Name","Organization - Website","Organization - Label"\n"Clean Co","https://cleanco.com.au","Customer"\n');
      const zoho = join(dir, `zoho-accounts-${engine}.csv`);
      writeFileSync(zoho, 'Account Name;Website;Account Type\r\nTidy GmbH;tidy.de;Customer\r\n');
      for (const [file, header] of [
        [pipedrive, 'Organization - Name,Organization - Website,Organization - Label,_line,_error,_warning'],
        [zoho, 'Account Name;Website;Account Type;_line;_error;_warning'],
      ] as const) {
        const rejects = `${file}.rejects.csv`;
        const r = await aos(['import', file, '--client', 'strict', '--yes', '--rejects', rejects]);
        expect(r.code, r.stderr).toBe(0);
        expect(readFileSync(rejects, 'utf8')).toBe(`\uFEFF${header}\n`);
      }
    });

    it('--rejects naming the input file (also through another spelling) is refused before anything is touched', async () => {
      const file = join(dir, `same-${engine}.csv`);
      const text = 'Company,Website\nKeep Me,keep.me\n';
      writeFileSync(file, text);
      for (const rejects of [file, join(dir, '..', dir.split('/').pop() as string, `same-${engine}.csv`)]) {
        const r = await aos(['import', file, '--client', 'bad', '--yes', '--rejects', rejects]);
        expect(r.code).toBe(2);
        expect(r.stderr).toContain('is the input file');
        expect(readFileSync(file, 'utf8')).toBe(text);
      }
    });

    it('bad input files: empty, binary, unknown client — exit 2, one line, no stack', async () => {
      const empty = join(dir, 'empty.csv');
      writeFileSync(empty, '');
      const binary = join(dir, 'binary.csv');
      writeFileSync(binary, Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x21, 0x00]));
      for (const [file, client, message] of [
        [empty, 'bad', 'empty'],
        [binary, 'bad', 'binary'],
        [EXAMPLE, 'nobody', 'unknown client'],
        [join(dir, 'missing.csv'), 'bad', 'no such file'],
      ] as const) {
        const r = await aos(['import', file, '--client', client, '--yes']);
        expect(r.code, file).toBe(2);
        expect(r.stderr).toContain(message);
        expect(r.stderr).not.toMatch(/\n\s+at /);
      }
      const badRejects = await aos(['import', EXAMPLE, '--client', 'bad', '--yes', '--rejects', join(dir, 'no-such-dir', 'r.csv')]);
      expect(badRejects.code).toBe(2);
      expect(badRejects.stderr).toContain('cannot write --rejects');
    });

    it('SIGINT mid-import rolls back and exits 130, leaving no customer, suppression or run', async () => {
      const runs = async () => (JSON.parse((await aos(['db', 'status', '--json'])).stdout) as { tables: Record<string, number> }).tables.import_runs;
      const runsBefore = await runs();
      const child = spawn(process.execPath, [BIN, 'import', '-', '--client', 'sigint', '--yes'], { env: { ...process.env, ...fresh.env } });
      let stderr = '';
      child.stdin.on('error', () => {}); // the child may exit before it reads all we wrote
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const lines = customerCsvLines(200_000);
      let sent = 0;
      // Feed rows until well past the first staging batch, then interrupt while stdin is still open.
      await new Promise<void>((resolve) => {
        const pump = () => {
          for (let i = 0; i < 2000; i++) {
            const next = lines.next();
            if (next.done) return resolve();
            sent++;
            child.stdin.write(`${next.value}\n`);
          }
          if (sent > 40_000) return resolve();
          setImmediate(pump);
        };
        pump();
      });
      await new Promise((r) => setTimeout(r, 300));
      child.kill('SIGINT');
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(code).toBe(130);
      expect(stderr).toContain('nothing was written');
      expect(await count('customers', 'sigint')).toBe(0);
      expect(await count('suppressions', 'sigint')).toBe(0);
      expect(await runs()).toBe(runsBefore);
    });

    it('SIGINT while waiting on a silent pipe stops the read at once (not the 5 s fallback)', async () => {
      const child = spawn(process.execPath, [BIN, 'import', '-', '--client', 'sigint', '--yes'], { env: { ...process.env, ...fresh.env } });
      let stderr = '';
      child.stdin.on('error', () => {});
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.stdin.write('Company,Website\nAlpha Co,alpha.io\n'); // and then nothing more, the pipe left open
      await aosConnected(child.pid, fresh.env);
      await untilIdle(child.pid); // started, and waiting on the pipe
      const interruptedAt = performance.now();
      child.kill('SIGINT');
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(code, stderr).toBe(130);
      expect(stderr).toContain('nothing was written');
      expect(performance.now() - interruptedAt).toBeLessThan(4000);
      expect(await count('customers', 'sigint')).toBe(0);
    });

    it('interactive on a terminal: shows the mapping, changes a field, confirms, and remembers it', async () => {
      const file = join(dir, `tty-${engine}.csv`);
      writeFileSync(file, 'Org,Web,Mail\nAlpha Co,alpha.io,jo@alpha.io\nBeta Co,beta.io,al@beta.io\n');
      const session = runOnPty(['import', file, '--client', 'tty'], fresh.env);
      await session.waitFor('Use this mapping?');
      expect(session.output()).toMatch(/contact_email\s+"Mail"\s+jo@alpha\.io \| al@beta\.io/);
      session.type(KEYS.down.repeat(3) + KEYS.enter); // "Change contact_email"
      await session.waitFor('Column for contact_email');
      session.type(KEYS.up.repeat(3) + KEYS.enter); // from "Mail" up to "(skip this field)"
      await session.waitFor('Proposed mapping', 2);
      await session.waitFor('navigate', 6);
      session.type(KEYS.enter);
      await session.waitFor('Write these changes?');
      expect(session.output()).toMatch(/would insert customers\s+2/);
      session.type(KEYS.enter);
      const { code, output } = await session.done();
      expect(code, output).toBe(0);
      expect(await count('customers', 'tty')).toBe(2);
      // The confirmed mapping (contact_email skipped) is proposed first next time.
      const again = await aos(['import', file, '--client', 'tty', '--yes', '--json']);
      expect(JSON.parse(again.stdout).mapping).toEqual({ company_name: 'Org', domain: 'Web' });
    });

    it('interactive: a fallback domain column, a date format and an unknown status value chosen at the prompts, all proposed again next time; the database is free while it waits', async () => {
      const file = join(dir, `tty2-${engine}.csv`);
      writeFileSync(file, 'Company,Domain,Site Link,Stage,Since\nAlpha Co,,https://alpha.io/,Customer,15/03/2023\nBeta Co,beta.io,https://beta.io,Weird,01/02/2024\nGamma Co,gamma.io,,Customer,31/12/2022\n');
      const session = runOnPty(['import', file, '--client', 'tty2'], fresh.env);
      // Keys go in once the prompt has drawn itself and listens (a moment after its text shows).
      const when = async (text: string, times = 1) => {
        await session.waitFor(text, times);
        await new Promise((r) => setTimeout(r, 250));
      };
      await when('Use this mapping?');
      // Nothing holds the database at a prompt: another aos runs at once.
      const other = await aos(['check', 'alpha.io', '--client', 'tty2', '--json']);
      expect(other.code, other.stderr).toBe(0);
      session.type(KEYS.up + KEYS.enter); // "Set the date format" (the menu wraps)
      await when('Date format of the date columns');
      session.type(KEYS.down + KEYS.enter); // DD/MM/YYYY
      await when('Proposed mapping', 2);
      expect(session.output()).toContain('date format: DD/MM/YYYY');
      session.type(KEYS.up + KEYS.up + KEYS.enter); // "Add a fallback domain column"
      await when('Fallback column for domain');
      session.type(KEYS.down.repeat(3) + KEYS.enter); // (skip), Company, Domain, "Site Link"
      await when('Proposed mapping', 3);
      expect(session.output()).toMatch(/domain\s+"Domain", then "Site Link"/);
      session.type(KEYS.enter);
      await when('Status "Weird" (1 row) means:');
      // The fail-closed reading is the default, as in the non-interactive hint.
      expect(session.output()).toContain('Each is proposed as active (a customer, suppressed)');
      expect(session.output()).toMatch(/❯ active \(a customer: suppressed\)/);
      session.type(KEYS.down.repeat(2) + KEYS.enter); // active, churned, partner
      await when('Write these changes?');
      expect(session.output()).toMatch(/would insert customers\s+3/);
      expect(session.output()).toMatch(/values dropped\s+0/);
      session.type(KEYS.enter);
      const { code, output } = await session.done();
      expect(code, output).toBe(0);
      expect(output).toMatch(/customers inserted\s+3/);
      const check = await aos(['check', 'alpha.io', 'beta.io', 'gamma.io', '--client', 'tty2', '--json']);
      expect(ndjson(check.stdout).map((o) => o.reason)).toEqual(['existing_customer', 'partner', 'existing_customer']);

      // Next time: the same header set brings back the columns, the date format and the status value.
      const again = runOnPty(['import', file, '--client', 'tty2'], fresh.env);
      await again.waitFor('Use this mapping?');
      await new Promise((r) => setTimeout(r, 250));
      const screen = again.output();
      expect(screen).toContain('mapping remembered');
      expect(screen).toMatch(/domain\s+"Domain", then "Site Link"/);
      expect(screen).toContain('date format: DD/MM/YYYY');
      expect(screen).toContain('weird → partner');
      again.type(KEYS.enter);
      await again.waitFor('Write these changes?');
      await new Promise((r) => setTimeout(r, 250));
      expect(again.output()).toMatch(/unchanged\s+3/);
      again.type(KEYS.down.repeat(2) + KEYS.enter); // "No, cancel"
      const second = await again.done();
      expect(second.code, second.output).toBe(130);
      expect(second.output).toContain('nothing was written');
    });
  });
}
