// `check` fails closed on every input form (issue 13, SPEC §6): stdin, --file, and --file of
// 4 MB or more (read in a worker thread) answer alike; --json has the line; --filter writes the
// input's own bytes; -q prints nothing; an output that is the input is refused.
import { spawn } from 'node:child_process';
import { closeSync, linkSync, mkdtempSync, openSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WORKER_MIN_BYTES } from '../../src/cli/workers/size.js';
import { BIN, ndjson, runAos } from '../helpers/cli.js';
import { cliEnginesUnderTest, freshDatabase, type FreshDatabase } from '../helpers/databases.js';

const dir = mkdtempSync(join(tmpdir(), 'aos-check-input-'));
let n = 0;
const fileWith = (content: string | Buffer, ext = 'csv') => {
  const file = join(dir, `input-${++n}.${ext}`);
  writeFileSync(file, content);
  return file;
};

interface RawResult {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

for (const engine of cliEnginesUnderTest()) describe(`aos check: fail closed on every input form [${engine}]`, () => {
  let fresh: FreshDatabase;
  const aos = (args: string[], input?: string | Buffer) => runAos(args, { env: fresh.env, input, timeoutMs: 120_000 });
  /** Like runAos, with stdout as bytes (for --filter of other encodings) and any stdout fd. */
  const aosRaw = (args: string[], input?: string | Buffer, stdout?: number): Promise<RawResult> =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, NO_COLOR: '1', AOS_DEBUG: '', ...fresh.env }, stdio: ['pipe', stdout ?? 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      let stderr = '';
      child.stdout?.on('data', (d: Buffer) => out.push(d));
      child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out), stderr }));
      child.stdin?.on('error', () => {});
      child.stdin?.end(input ?? '');
    });
  /** The same input through --file and through stdin: the same answer (returned: the file's). */
  const fileAndStdin = async (content: string | Buffer, args: string[]) => {
    const file = fileWith(content);
    const viaFile = await aos(['check', '--file', file, '--client', 'demo', ...args]);
    const viaStdin = await aos(['check', '-', '--client', 'demo', ...args], content);
    expect(viaStdin.stdout).toBe(viaFile.stdout);
    expect(viaStdin.code).toBe(viaFile.code);
    return viaFile;
  };
  const verdicts = (stdout: string) => ndjson(stdout).map((o) => `L${o.line} ${'error' in o ? 'invalid' : o.suppressed ? 'suppressed' : 'allowed'} ${o.input}`);

  beforeAll(async () => {
    fresh = await freshDatabase(engine);
    await fresh.db.close();
    expect((await aos(['clients', 'add', 'demo'])).code).toBe(0);
    // linkedin.com is suppressed here only to show that a column of LinkedIn pages is never read as websites.
    const add = await aos(['suppress', 'add', 'buildright.com.au', 'boss@acme.io', 'linkedin.com', '--client', 'demo', '--reason', 'existing_customer']);
    expect(add.code, add.stderr).toBe(0);
  });
  afterAll(async () => fresh.dispose());

  describe('a plain list', () => {
    it('an invalid first line is a lead (exit 2), not a header', async () => {
      const r = await fileAndStdin('https://buildright.com.au/about us\n', ['--json']);
      expect(r.code).toBe(2);
      expect(ndjson(r.stdout)).toEqual([{ input: 'https://buildright.com.au/about us', error: expect.any(String), line: 1 }]);
      expect(r.stderr).toContain('checked 1: 0 allowed, 0 suppressed, 1 invalid');
    });

    it('two targets on one line are invalid; the rest is answered before exit 2', async () => {
      const r = await fileAndStdin('foo.com buildright.com.au\nbuildright.com.au\nfoo.com\n', ['--json']);
      expect(r.code).toBe(2);
      expect(verdicts(r.stdout)).toEqual(['L1 invalid foo.com buildright.com.au', 'L2 suppressed buildright.com.au', 'L3 allowed foo.com']);
    });

    it('a known header name is the header; human output names the invalid line', async () => {
      const r = await fileAndStdin('Email\r\nsarah@buildright.com.au\r\nnot an email\r\n', []);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('suppressed  sarah@buildright.com.au  existing_customer (entry buildright.com.au)\nline 3: invalid     not an email: target contains spaces or control characters\n');
    });

    it('a URL with @ after its path is its host', async () => {
      const r = await fileAndStdin('buildright.com.au/?ref=bob@partner.com\nbuildright.com.au/contact@gmail.com\n', ['--json']);
      expect(r.code).toBe(1);
      expect(verdicts(r.stdout)).toEqual(['L1 suppressed buildright.com.au/?ref=bob@partner.com', 'L2 suppressed buildright.com.au/contact@gmail.com']);
    });
  });

  describe('a headerless CSV: every column of targets', () => {
    it.each([',', ';', '\t', '|'])('delimiter %j', async (d) => {
      const r = await fileAndStdin(`foo.com${d}buildright.com.au\n`, ['--json']);
      expect(r.code).toBe(1);
      expect(verdicts(r.stdout)).toEqual(['L1 suppressed buildright.com.au']);
    });

    it('a name, a webmail address and a website', async () => {
      const r = await fileAndStdin('Jane,jane@gmail.com,buildright.com.au\r\n"Bob, Jr",bob@gmail.com,foo.com\r\n', ['--json']);
      expect(r.code).toBe(1);
      expect(verdicts(r.stdout)).toEqual(['L1 suppressed buildright.com.au', 'L2 allowed bob@gmail.com']);
    });
  });

  describe('a CSV with a header', () => {
    it('a header of dotted names (Contact.Email) is a header: --filter keeps it and drops the suppressed lead', async () => {
      const r = await fileAndStdin('Name,Contact.Email,Account.Website\nJane,jane@gmail.com,buildright.com.au\nBob,bob@gmail.com,foo.com\n', ['--filter']);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('Name,Contact.Email,Account.Website\nBob,bob@gmail.com,foo.com\n');
    });

    it('review of issue 13: a customer domain in "Company", two emails in one cell: never written by --filter', async () => {
      const csv = 'Name,Email,Company\r\nAnn,ann@gmail.com,Acme Pty Ltd\r\nJoe,joe@gmail.com,buildright.com.au\r\nSam,"sam@foo.io; sarah@buildright.com.au",Foo\r\nAl,"al@foo.io;al@bar.io",Bar\r\n';
      const r = await fileAndStdin(csv, ['--filter']);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('Name,Email,Company\r\nAnn,ann@gmail.com,Acme Pty Ltd\r\nAl,"al@foo.io;al@bar.io",Bar\r\n');
      expect(r.stderr).toContain('checking column "Email" and any whole email or domain in the other columns (--column to check one column)');
      const json = await fileAndStdin(csv, ['--json']);
      expect(verdicts(json.stdout)).toEqual(['L2 allowed ann@gmail.com', 'L3 suppressed buildright.com.au', 'L4 suppressed sarah@buildright.com.au', 'L5 allowed al@foo.io']);
    });

    it('a Salesforce footer: each line invalid (exit 2), named by what it holds, not "(empty)"', async () => {
      const csv = '"First Name","Email","Website"\r\n"Joe","joe@acme.io","acme.io"\r\n\r\n"Grand Totals (1 records)"\r\n"Copyright (c) 2000-2024 salesforce.com, inc. All rights reserved."\r\n';
      const r = await fileAndStdin(csv, []);
      expect(r.code).toBe(2);
      expect(r.stdout).toContain('line 4: invalid     Grand Totals (1 records): the row has no email, website or domain to check\n');
      expect(r.stdout).toContain('line 5: invalid     Copyright (c) 2000-2024 salesforce.com, inc. All rights rese…: the row has no email');
    });

    it('60 leads with an empty website, then one at a customer: the website column is still checked', async () => {
      const rows = Array.from({ length: 60 }, (_, i) => `Lead ${i},lead${i}@gmail.com,`);
      const r = await fileAndStdin(['Name,Email,Website', ...rows, 'Last,last@gmail.com,buildright.com.au', ''].join('\n'), ['--json']);
      expect(r.code).toBe(1);
      expect(verdicts(r.stdout).at(-1)).toBe('L62 suppressed buildright.com.au');
      expect(r.stderr).toContain('checking columns "Email", "Website"');
    });

    it('a website cell that does not parse makes the row invalid: exit 2, --rejected "invalid", never stdout', async () => {
      const csv = 'Email,Website\r\nok@foo.com,https://buildright.com.au/about us\r\nok2@foo.com,buildright.com.au (HQ)\r\nok3@foo.com,foo.com\r\n';
      const json = await fileAndStdin(csv, ['--json']);
      expect(json.code).toBe(2);
      expect(verdicts(json.stdout)).toEqual(['L2 invalid https://buildright.com.au/about us', 'L3 invalid buildright.com.au (HQ)', 'L4 allowed ok3@foo.com']);
      const rejected = join(dir, 'rejected-invalid.csv');
      const filter = await aos(['check', '--file', fileWith(csv), '--client', 'demo', '--filter', '--rejected', rejected]);
      expect(filter.code).toBe(2);
      expect(filter.stdout).toBe('Email,Website\r\nok3@foo.com,foo.com\r\n');
      const lines = readFileSync(rejected, 'utf8').trim().split(/\r?\n/);
      expect(lines[0]).toBe('Email,Website,reason');
      expect(lines.slice(1).every((l) => /,"?invalid: /.test(l))).toBe(true);
      expect(lines).toHaveLength(3);
    });

    it('an Apollo export: the Person Linkedin Url column is no website (linkedin.com is suppressed here)', async () => {
      const csv = [
        'First Name,Email,Email Status,Company Name for Emails,Person Linkedin Url,Website,Company Linkedin Url',
        'Jane,jane@acme.io,Verified,Acme,http://www.linkedin.com/in/jane,http://www.acme.io,http://www.linkedin.com/company/acme',
        'Bob,boss@acme.io,Verified,Acme,http://www.linkedin.com/in/bob,http://www.acme.io,',
        '',
      ].join('\n');
      const r = await fileAndStdin(csv, ['--json']);
      expect(r.code).toBe(1);
      expect(verdicts(r.stdout)).toEqual(['L2 allowed jane@acme.io', 'L3 suppressed boss@acme.io']);
    });

    it('--column checks exactly the named column', async () => {
      const r = await fileAndStdin('Name,Email,Website\nJane,jane@gmail.com,buildright.com.au\n', ['--column', 'Email', '--json']);
      expect(r.code).toBe(0);
      expect(verdicts(r.stdout)).toEqual(['L2 allowed jane@gmail.com']);
    });
  });

  describe('--filter writes the input bytes', () => {
    const expectFiltered = async (input: Buffer, expected: Buffer, code = 0) => {
      const file = fileWith(input);
      for (const r of [await aosRaw(['check', '--file', file, '--client', 'demo', '--filter']), await aosRaw(['check', '-', '--client', 'demo', '--filter'], input)]) {
        expect(r.code, r.stderr).toBe(code);
        expect(r.stdout.toString('hex')).toBe(expected.toString('hex'));
      }
    };

    it('UTF-8 with a BOM, a sep=; line and CRLF', async () => {
      const head = '\ufeffsep=;\r\nName;Email;Website\r\n';
      await expectFiltered(Buffer.from(`${head}Jane;jane@gmail.com;buildright.com.au\r\nZoë;zoe@gmail.com;foo.com\r\n`), Buffer.from(`${head}Zoë;zoe@gmail.com;foo.com\r\n`));
    });

    it('Windows-1252', async () => {
      const keep = 'Café “Zoë”;zo@gmail.com;foo.com\r\n';
      const enc = (t: string) => iconv.encode(t, 'windows-1252');
      await expectFiltered(enc(`Société;Email;Website\r\nGénérale;jo@gmail.com;buildright.com.au\r\n${keep}`), enc(`Société;Email;Website\r\n${keep}`));
    });

    it('UTF-16LE with its BOM, tab-separated', async () => {
      const enc = (t: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(t, 'utf16le')]);
      await expectFiltered(enc('Name\tEmail\r\nJosé\tjose@gmail.com\r\nZoë\tzoe@buildright.com.au\r\n'), enc('Name\tEmail\r\nJosé\tjose@gmail.com\r\n'));
    });

    it('a headerless list keeps only its allowed lines; an invalid line exits 2', async () => {
      await expectFiltered(Buffer.from('\ufeffbuildright.com.au\nfoo.com\nnot a domain\nbar.com\n'), Buffer.from('\ufefffoo.com\nbar.com\n'), 2);
    });
  });

  describe('-q and outputs', () => {
    it('-q prints nothing: the exit code is the answer', async () => {
      const one = await aos(['check', 'buildright.com.au', '--client', 'demo', '-q']);
      expect([one.code, one.stdout, one.stderr]).toEqual([1, '', '']);
      const allowed = await aos(['check', 'foo.com', '--client', 'demo', '-q']);
      expect([allowed.code, allowed.stdout]).toEqual([0, '']);
      const bulk = await aos(['check', '-', '--client', 'demo', '-q', '--json'], 'foo.com\nbuildright.com.au\n');
      expect([bulk.code, bulk.stdout, bulk.stderr]).toEqual([1, '', '']);
      const bad = await aos(['check', '-', '--client', 'demo', '-q'], 'foo.com\nnot a domain\n');
      expect([bad.code, bad.stdout]).toEqual([2, '']);
    });

    it('an output that is the input file is refused, however it is spelled, and the file is untouched', async () => {
      const content = 'Email\nfoo@bar.com\nsarah@buildright.com.au\n';
      const file = fileWith(content);
      const link = join(dir, `link-${n}.csv`);
      symlinkSync(file, link);
      const hard = join(dir, `hard-${n}.csv`);
      linkSync(file, hard);
      for (const rejected of [file, link, hard, `./${relative(process.cwd(), file)}`, join(dir, '.', `input-${n}.csv`)]) {
        const r = await aos(['check', '--file', file, '--client', 'demo', '--filter', '--rejected', rejected]);
        expect(r.code, rejected).toBe(2);
        expect(r.stderr).toMatch(/^aos: error: --rejected .* is the input file/);
        expect(readFileSync(file, 'utf8')).toBe(content);
      }
      const viaLink = await aos(['check', '--file', link, '--client', 'demo', '--filter', '--rejected', file]);
      expect(viaLink.code).toBe(2);
      // stdout appended to the leads file (`>> leads.csv`) would feed the check its own output.
      const fd = openSync(file, 'a');
      try {
        const r = await aosRaw(['check', '--file', file, '--client', 'demo', '--filter'], undefined, fd);
        expect(r.code).toBe(2);
        expect(r.stderr).toContain('stdout is the input file');
      } finally {
        closeSync(fd);
      }
      expect(readFileSync(file, 'utf8')).toBe(content);
    });
    it('an answer that cannot be written (a full disk under stdout) is never exit 0', async () => {
      const file = fileWith('Email\nfoo@bar.com\nsarah@buildright.com.au\n');
      for (const args of [['check', 'foo.com', '--client', 'demo'], ['check', '--file', file, '--client', 'demo'], ['check', '--file', file, '--client', 'demo', '--filter']]) {
        const full = openSync('/dev/full', 'w');
        try {
          const r = await aosRaw(args, undefined, full);
          expect(r.code, args.join(' ')).toBe(2);
          expect(r.stderr).toMatch(/^aos: error: cannot write the output: ENOSPC/);
        } finally {
          closeSync(full);
        }
      }
    });

    it('--rejected that is where stdout goes is refused: the suppressed rows would pass as allowed ones', async () => {
      const file = fileWith('Email\nfoo@bar.com\nsarah@buildright.com.au\n');
      for (const rejected of ['/dev/stdout', '/dev/fd/1', '/proc/self/fd/1']) {
        const r = await aos(['check', '--file', file, '--client', 'demo', '--filter', '--rejected', rejected]);
        expect([r.code, r.stdout], rejected).toEqual([2, '']);
        expect(r.stderr).toMatch(/^aos: error: --rejected .* is where stdout goes/);
      }
      // stdout redirected to a file, and --rejected naming that file.
      const out = join(dir, `stdout-${n}.csv`);
      const fd = openSync(out, 'w');
      try {
        const r = await aosRaw(['check', '--file', file, '--client', 'demo', '--filter', '--rejected', out], undefined, fd);
        expect(r.code).toBe(2);
        expect(r.stderr).toContain('is where stdout goes');
      } finally {
        closeSync(fd);
      }
      expect(readFileSync(out, 'utf8')).toBe('');
      // Discarding both is no mixing.
      const discard = openSync('/dev/null', 'w');
      try {
        const r = await aosRaw(['check', '--file', file, '--client', 'demo', '--filter', '--rejected', '/dev/null'], undefined, discard);
        expect(r.code).toBe(0);
      } finally {
        closeSync(discard);
      }
    });
  });

  describe(`the worker path (files of ${WORKER_MIN_BYTES / 1024 / 1024} MB or more) answers as stdin does`, () => {
    const ROWS = 60_000;
    const big = (lines: string[], min = WORKER_MIN_BYTES) => {
      const text = lines.join('\r\n');
      expect(Buffer.byteLength(text)).toBeGreaterThanOrEqual(min);
      return text;
    };

    it('a leads CSV: sparse websites, unreadable cells, a LinkedIn column, CRLF; --json and --filter', async () => {
      const lines = ['First Name,Email,Person Linkedin Url,Website,Notes'];
      for (let i = 0; i < ROWS; i++) {
        const website = i === 70 ? 'buildright.com.au' : i % 997 === 5 ? 'buildright.com.au (HQ)' : i % 1000 === 999 ? 'https://shop.buildright.com.au/x' : i > 100 && i % 3 === 0 ? `www.lead${i}.com.au` : '';
        lines.push(`"Lead ${i}, Søren",lead${i}@gmail.com,https://www.linkedin.com/in/lead-${i},${website},"note ${'x'.repeat(i % 40)}"`);
      }
      const text = big(lines);
      const file = fileWith(text);
      const viaFile = await aos(['check', '--file', file, '--client', 'demo', '--json']);
      const viaStdin = await aos(['check', '-', '--client', 'demo', '--json'], text);
      expect(viaFile.code).toBe(2);
      expect(viaFile.stdout).toBe(viaStdin.stdout);
      const v = verdicts(viaFile.stdout);
      expect(v).toHaveLength(ROWS);
      expect(v[70]).toBe('L72 suppressed buildright.com.au');
      expect(v[5]).toBe('L7 invalid buildright.com.au (HQ)');
      expect(v[999]).toBe('L1001 suppressed https://shop.buildright.com.au/x');
      expect(v[1]).toBe('L3 allowed lead1@gmail.com');
      const filtered = await aosRaw(['check', '--file', file, '--client', 'demo', '--filter']);
      const piped = await aosRaw(['check', '-', '--client', 'demo', '--filter'], text);
      expect(filtered.code).toBe(2);
      expect(filtered.stdout.equals(piped.stdout)).toBe(true);
      // Each kept line with its own line ending (the last line of the file has none).
      const kept = new Set(v.flatMap((x, i) => (x.includes(' allowed ') ? [i + 1] : [])));
      const expected = lines.map((l, i) => (i < lines.length - 1 ? `${l}\r\n` : l)).filter((_, i) => i === 0 || kept.has(i)).join('');
      expect(filtered.stdout.toString('utf8')).toBe(expected);
    });

    it('a UTF-16 list with an invalid first line: --filter bytes and exit 2', async () => {
      const lines = ['https://buildright.com.au/about us'];
      for (let i = 0; i < 200_000; i++) lines.push(i % 1000 === 1 ? `sub${i}.buildright.com.au` : `lead${i}.example.com.au`);
      const text = lines.join('\n');
      const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
      expect(bytes.length).toBeGreaterThanOrEqual(WORKER_MIN_BYTES);
      const file = fileWith(bytes);
      expect(statSync(file).size).toBe(bytes.length);
      const r = await aosRaw(['check', '--file', file, '--client', 'demo', '--filter']);
      const piped = await aosRaw(['check', '-', '--client', 'demo', '--filter'], bytes);
      expect(r.code).toBe(2);
      expect(r.stdout.equals(piped.stdout)).toBe(true);
      const expected = lines.filter((l, i) => i > 0 && !l.includes('buildright')).join('\n');
      expect(r.stdout.equals(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(expected, 'utf16le')]))).toBe(true);
      expect(r.stderr).toContain('checked 200001: 199800 allowed, 200 suppressed, 1 invalid');
    });
  });
});
