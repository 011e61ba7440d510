// No row is lost silently to the bytes of a file (issue 23 §2, issue 27 items 2 and 5): Excel for
// Mac's "CSV (Macintosh)" (Mac Roman, CR line endings, line breaks inside quoted cells), UTF-8
// with a few bad bytes (never re-read as Windows-1252), rows that do not fit the header, a bulk
// check that stops mid-file (exit 4, every row before it answered), and workbooks (.xlsx read,
// .xls/.numbers/.ods refused by their bytes). Files are built the way those programs write them.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WORKER_MIN_BYTES } from '../../src/cli/workers/size.js';
import { ndjson, runAos } from '../helpers/cli.js';
import { startCoProcess } from '../helpers/coprocess.js';
import { enginesUnderTest, freshCliDatabase, type CliDatabase } from '../helpers/databases.js';

const dir = mkdtempSync(join(tmpdir(), 'aos-reading-bytes-'));
let n = 0;
const fileWith = (content: string | Buffer, ext = 'csv') => {
  const file = join(dir, `input-${++n}.${ext}`);
  writeFileSync(file, content);
  return file;
};

/** Excel for Mac "CSV (Macintosh)": Mac Roman, CR after each row, LF for a line break inside a cell. */
const MAC_ROWS = [
  'Company,Website,Contact Email,Notes',
  '"Bäckerei Schmidt",bäckerei-schmidt.de,info@bäckerei-schmidt.de,"Kunde seit 2019\nFiliale Köln"',
  'Señor Taco,señortaco.mx,hola@señortaco.mx,',
  '"Café Zürich",cafe-zuerich.ch,,"two\rlines"',
  'Acme Pty Ltd,acme.com.au,jo@acme.com.au,',
];
const macCsv = (encoding: 'macintosh' | 'utf-8') => {
  const text = MAC_ROWS.join('\r') + '\r';
  return encoding === 'macintosh' ? iconv.encode(text, 'macintosh') : Buffer.from(text);
};

/** A UTF-8 leads file with IDN rows and one byte that is no UTF-8 after the first 64 KB. */
const leadsWithBadByte = () => {
  const head = ['Website,Company', ...Array.from({ length: 6000 }, (_, i) => `lead${i}.com,Lead ${i}`), 'münchen-bau.de,München Bau GmbH'].join('\n') + '\n';
  return Buffer.concat([Buffer.from(head), Buffer.from('b'), Buffer.from([0xfc]), Buffer.from('ro.de,Büro\nzürich-treuhand.ch,Zürich Treuhand\nlast.com,Last\n')]);
};

async function workbook(sheets: Record<string, unknown[][]>): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  for (const [name, rows] of Object.entries(sheets)) {
    const ws = wb.addWorksheet(name);
    for (const row of rows) ws.addRow(row);
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

for (const engine of enginesUnderTest()) describe(`reading bytes: no row lost silently [${engine}]`, () => {
  let cli: CliDatabase;
  const aos = (args: string[], input?: string | Buffer) => runAos(args, { env: cli.env, input, timeoutMs: 120_000 });
  const verdict = async (client: string, target: string) => {
    const r = await aos(['check', target, '--client', client, '--json']);
    return ndjson(r.stdout)[0]?.suppressed;
  };

  beforeAll(async () => {
    cli = await freshCliDatabase(engine);
    for (const slug of ['mac', 'utf', 'strict', 'leads', 'board', 'tabs', 'enc', 'rem', 'pl']) expect((await aos(['clients', 'add', slug])).code).toBe(0);
    const add = await aos(['suppress', 'add', 'münchen-bau.de', 'zürich-treuhand.ch', 'bäckerei-schmidt.de', '--client', 'leads', '--reason', 'existing_customer']);
    expect(add.code).toBe(0);
  }, 120_000);
  afterAll(async () => {
    await cli?.dispose();
  });

  it('an Excel for Mac CSV in Mac Roman with IDNs: the encoding is asked for though its CR line ends tell it; named, every row is imported, its IDNs as themselves', async () => {
    const file = fileWith(macCsv('macintosh'));
    // The CR line ends and the votes read names; a domain's letters are never guessed.
    const asked = await aos(['import', file, '--client', 'mac', '--yes', '--json']);
    expect(asked.code, asked.stderr).toBe(2);
    expect(asked.stdout).toBe('');
    expect(asked.stderr).toContain('--encoding macintosh if \\"bäckerei-schmidt.de\\" is right');
    expect(await verdict('mac', 'acme.com.au')).toBe(false);
    const r = await aos(['import', file, '--client', 'mac', '--yes', '--json', '--encoding', 'macintosh']);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(summary).toMatchObject({ encoding: 'macintosh', rows_read: 4, inserted: 4, rejected: 0 });
    for (const target of ['bäckerei-schmidt.de', 'señortaco.mx', 'info@bäckerei-schmidt.de', 'cafe-zuerich.ch', 'acme.com.au']) expect(await verdict('mac', target), target).toBe(true);
  });

  it('reads the same file re-encoded as UTF-8, and with --encoding macintosh named', async () => {
    const utf8 = await aos(['import', fileWith(macCsv('utf-8')), '--client', 'mac', '--yes', '--dry-run', '--json']);
    expect(utf8.code, utf8.stderr).toBe(0);
    expect(JSON.parse(utf8.stdout)).toMatchObject({ rows_read: 4, rejected: 0 });
    // Mac Roman with LF endings and no letter to tell it by: named, it reads right.
    const lf = fileWith(iconv.encode('Website\nbäckerei-schmidt.de\n', 'macintosh'));
    const named = await aos(['check', '--file', lf, '--client', 'leads', '--encoding', 'macintosh', '--json']);
    expect(named.code, named.stderr).toBe(1);
    expect(ndjson(named.stdout)).toEqual([expect.objectContaining({ input: 'bäckerei-schmidt.de', suppressed: true })]);
  });

  it('a UTF-8 leads file with one bad byte after 64 KB: that row invalid, the IDN rows suppressed, nothing else let through', async () => {
    const file = fileWith(leadsWithBadByte());
    const rejected = join(dir, `rejected-${++n}.csv`);
    const r = await aos(['check', '--file', file, '--client', 'leads', '--filter', '--rejected', rejected]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).not.toMatch(/münchen|zürich|ro\.de/);
    expect(r.stdout.split('\n').filter(Boolean)).toHaveLength(6002); // header, 6000 leads, last.com
    const rejects = readFileSync(rejected, 'utf8');
    expect(rejects).toContain('münchen-bau.de,München Bau GmbH,existing_customer');
    expect(rejects).toContain('zürich-treuhand.ch,Zürich Treuhand,existing_customer');
    expect(rejects).toMatch(/b\uFFFDro\.de,.*invalid: holds bytes that are not valid UTF-8/);
    expect(r.stderr).not.toMatch(/windows-1252/);
  });

  it('imports a UTF-8 customer file with a bad byte as UTF-8: an unreadable name dropped, the row kept on what it holds, the others stored as themselves; an unreadable website or address stops the import', async () => {
    // § marks a byte 0xFC (ü in Windows-1252), which is no UTF-8.
    const bad = (text: string) => Buffer.concat(text.split('§').flatMap((part, i) => (i === 0 ? [Buffer.from(part)] : [Buffer.from([0xfc]), Buffer.from(part)])));
    const file = fileWith(
      bad(
        [
          'Company,Website,Contact Email',
          'München Bau,münchen-bau.de,',
          'B§ro,buero.de,', // the name unreadable: the customer is buero.de
          'Zürich Treuhand,zürich-treuhand.ch,',
        ].join('\n') + '\n',
      ),
    );
    // A website or address unreadable: the import stops, nothing written (the customer would stay allowed by it).
    for (const row of ['Gr§n GmbH,gr§n-gmbh.de,info@gruen-gmbh.de', 'M§ll,muell.de,m§ll@müll.de']) {
      const target = fileWith(bad(['Company,Website,Contact Email', 'München Bau,münchen-bau.de,', row].join('\n') + '\n'));
      const stopped = await aos(['import', target, '--client', 'utf', '--yes']);
      expect(stopped.code, stopped.stderr).toBe(2);
      expect(stopped.stderr).toMatch(/line 3: the (Website|Contact Email) cell holds bytes that are not valid UTF-8 .*nothing written/);
      expect(await verdict('utf', 'münchen-bau.de')).toBe(false);
    }
    const rejects = join(dir, `rejects-${++n}.csv`);
    const r = await aos(['import', file, '--client', 'utf', '--yes', '--json', '--rejects', rejects]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ encoding: 'utf-8', rows_read: 3, inserted: 3, rejected: 0, values_dropped: 1 });
    for (const target of ['münchen-bau.de', 'zürich-treuhand.ch', 'buero.de']) expect(await verdict('utf', target), target).toBe(true);
    const stored = await aos(['customers', 'list', '--client', 'utf', '--json']);
    expect(stored.stdout).not.toContain('\uFFFD');
    expect(readFileSync(rejects, 'utf8')).toMatch(/Company: holds bytes that are not valid UTF-8.*dropped/);
    // suppress add --file: the bad line is invalid, nothing written.
    const list = fileWith(Buffer.concat([Buffer.from('domain\nbäder.de\n'), Buffer.from([0x62, 0xe4, 0x0a])]));
    const add = await aos(['suppress', 'add', '--file', list, '--client', 'strict', '--reason', 'existing_customer']);
    expect(add.code).toBe(2);
    expect(add.stderr).toMatch(/line 3: .*not valid UTF-8/);
    expect(await verdict('strict', 'bäder.de')).toBe(false);
  });

  it('an import whose rows do not fit the header (CR rows after LF rows) is exit 2 and writes nothing', async () => {
    const rows = ['Company,Website', ...Array.from({ length: 12 }, (_, i) => `Fit ${i},fit${i}.com`)].join('\r\n') + '\r\n';
    const mixed = Array.from({ length: 8 }, (_, i) => `Lost ${i},lost${i}.com`).join('\r') + '\r\n';
    const r = await aos(['import', fileWith(rows + mixed), '--client', 'strict', '--yes']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/rows do not fit the header .*several rows were read as one/);
    expect(r.stderr).toMatch(/hint: .*CSV UTF-8/);
    expect(await verdict('strict', 'fit0.com')).toBe(false);
  });

  it.each([
    ['stdin', false],
    ['a file read in a worker thread', true],
  ])('a bulk check that stops mid-file (%s) answers every row before the stop and exits 4', async (_how, large) => {
    const count = large ? Math.ceil(WORKER_MIN_BYTES / 14) + 1000 : 3000;
    const before = Array.from({ length: count }, (_, i) => (i === 100 ? 'münchen-bau.de' : `row${i}.com`));
    const text = ['website', ...before, '"broken.com', 'after.com'].join('\n') + '\n';
    const rejected = join(dir, `rejected-${++n}.csv`);
    const args = ['--client', 'leads', '--filter', '--rejected', rejected];
    const r = large ? await aos(['check', '--file', fileWith(text), ...args]) : await aos(['check', '-', ...args], text);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/check incomplete: reading the input stopped after line \d+ .*the rest of the input was not checked/);
    const allowed = r.stdout.split('\n').filter(Boolean).length - 1;
    const rejects = readFileSync(rejected, 'utf8').split('\n').filter(Boolean).length - 1;
    expect(allowed + rejects).toBe(count);
    expect(rejects).toBe(1);
  });

  it('reads the first sheet of an .xlsx (or --sheet NAME), for import and check, rows as a CSV of it would be', async () => {
    const board = await workbook({
      Customers: [['Company', 'Website', 'Email', 'Deal Size'], ['Bäckerei Schmidt', 'bäckerei-schmidt.de', 'info@bäckerei-schmidt.de', 15000], ['Acme, "Inc"', { text: 'acme.io', hyperlink: 'https://acme.io' }, 'jo@acme.io', 2500.5]],
      Leads: [['Website'], ['münchen-bau.de'], ['fresh-lead.com']],
    });
    const file = fileWith(board, 'xlsx');
    const imported = await aos(['import', file, '--client', 'board', '--yes', '--json']);
    expect(imported.code, imported.stderr).toBe(0);
    expect(JSON.parse(imported.stdout)).toMatchObject({ rows_read: 2, inserted: 2, rejected: 0 });
    expect(await verdict('board', 'bäckerei-schmidt.de')).toBe(true);
    expect(await verdict('board', 'acme.io')).toBe(true);
    const leads = await aos(['check', '--file', file, '--sheet', 'leads', '--client', 'leads', '--json']);
    expect(leads.code, leads.stderr).toBe(1);
    expect(ndjson(leads.stdout).map((o) => [o.input, o.suppressed])).toEqual([['münchen-bau.de', true], ['fresh-lead.com', false]]);
    const missing = await aos(['check', '--file', file, '--sheet', 'Nope', '--client', 'leads']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no sheet "Nope"[\s\S]*Customers, Leads/);
  });

  it('a file whose letters read as other letters in Windows-1252 and Mac Roman, with nothing to tell which: the encoding is asked for (exit 2), never guessed', async () => {
    expect((await aos(['suppress', 'add', 'sœur-mode.fr', 'tšempion.ee', '--client', 'enc', '--reason', 'unsubscribed'])).code).toBe(0);
    // Excel on Windows: CRLF, œ and š, letters in Mac Roman too (ú, ö): sœur-mode.fr read as súur-mode.fr was allowed.
    const file = fileWith(iconv.encode('Company,Website\r\nSoeur Mode,sœur-mode.fr\r\nTsempion,tšempion.ee\r\nBob,bob.com\r\n', 'windows-1252'));
    for (const args of [['check', '--file', file, '--client', 'enc', '--filter'], ['import', file, '--client', 'enc', '--yes'], ['suppress', 'add', '--file', file, '--client', 'enc', '--reason', 'competitor']]) {
      const r = await aos(args);
      expect(r.code, `${args[0]}: ${r.stderr}`).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain('line 2 holds a domain or address with letters beyond ASCII: "sœur-mode.fr" in Windows-1252 (Excel on Windows), "súur-mode.fr" in Mac Roman');
      expect(r.stderr).toMatch(/hint: name the encoding: --encoding windows-1252 if "sœur-mode\.fr" is right/);
    }
    expect(await verdict('enc', 'bob.com')).toBe(false);
    const named = await aos(['check', '--file', file, '--client', 'enc', '--encoding', 'windows-1252', '--json']);
    expect(named.code, named.stderr).toBe(1);
    expect(ndjson(named.stdout).map((o) => [o.input, o.suppressed])).toEqual([['sœur-mode.fr', true], ['tšempion.ee', true], ['bob.com', false]]);
  });

  it('reads the first tab of an .xlsx, not its first sheet part: a tab moved to the front is the one imported', async () => {
    // Excel writes xl/workbook.xml (the tabs, in order) before the sheet parts; the parts keep the
    // order the sheets were made in: here Leads (sheet1.xml) then Customers, whose tab is first.
    const file = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/crm/excel-tab-moved-first.xlsx');
    const imported = await aos(['import', file, '--client', 'tabs', '--yes', '--json']);
    expect(imported.code, imported.stderr).toBe(0);
    expect(JSON.parse(imported.stdout)).toMatchObject({ mapping: { company_name: 'Company', domain: 'Website' }, rows_read: 1, inserted: 1 });
    expect(await verdict('tabs', 'acme.io')).toBe(true);
    expect(await verdict('tabs', 'fresh-lead.com')).toBe(false);
  });

  it.each([
    ['.xls (Excel 97-2003)', Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(504)]), /Excel 97-2003 workbook/],
    ['.numbers', Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(26), Buffer.from('Index/Document.iwa')]), /Apple Numbers document/],
    ['.ods', Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(26), Buffer.from('mimetypeapplication/vnd.oasis.opendocument.spreadsheet')]), /OpenDocument spreadsheet/],
  ])('a %s workbook, whatever its name, gets how to save it as CSV (exit 2)', async (_kind, bytes, what) => {
    const file = fileWith(bytes, 'csv');
    for (const args of [['import', file, '--client', 'strict', '--yes'], ['check', '--file', file, '--client', 'strict']]) {
      const r = await aos(args);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(what);
      expect(r.stderr).toMatch(/hint: .*(CSV UTF-8|Export To > CSV)/);
    }
  });
  // Issue 27, round 6: an encoding guessed, named or remembered never turns an IDN into another domain.
  describe('a stray quote that swallows rows stops the reading, never passes them on unchecked', () => {
    const leads = 'Name,Email,Website\nAnn,ann@fresh1.io,fresh1.io\n"Bob Smith,bob@fresh2.io,fresh2.io\nSarah,sarah.b@gmail.com,https://www.buildright-quote.com.au/team\nZed "the man",zed@fresh3.io,fresh3.io\nCarl,carl@fresh4.io,fresh4.io\n';
    beforeAll(async () => {
      expect((await aos(['suppress', 'add', 'buildright-quote.com.au', 'sarah@buildright-quote.com.au', '--client', 'leads', '--reason', 'existing_customer'])).code).toBe(0);
    });

    it('check --file --filter, check - and --column: exit 4 after the rows before it, the swallowed customer never on stdout', async () => {
      const file = fileWith(leads);
      const rejected = join(dir, `rejected-${++n}.csv`);
      const filtered = await aos(['check', '--file', file, '--client', 'leads', '--filter', '--rejected', rejected]);
      expect(filtered.code, filtered.stderr).toBe(4);
      expect(filtered.stdout).toBe('Name,Email,Website\nAnn,ann@fresh1.io,fresh1.io\n');
      expect(filtered.stderr).toContain('lines 3-5: the Name cell runs on over what reads as further rows (a stray quote?)');
      expect(filtered.stderr).toContain('double it ("")');
      const piped = await aos(['check', '-', '--client', 'leads', '--json'], leads);
      expect(piped.code).toBe(4);
      expect(ndjson(piped.stdout).map((o) => o.input)).toEqual(['ann@fresh1.io']);
      const column = await aos(['check', '--file', fileWith(leads.replace('https://www.buildright-quote.com.au/team', 'x.io').replace('sarah.b@gmail.com', 'sarah@buildright-quote.com.au')), '--column', 'Email', '--client', 'leads', '--filter']);
      expect(column.code).toBe(4);
      expect(column.stdout).not.toContain('sarah@');
      const boost = await aos(['signals', 'boost', '--file', file]);
      expect(boost.code).toBe(4);
      expect(boost.stdout).not.toContain('Sarah');
    });

    it('suppress add --file: a two-column opt-out list with a stray quote is refused whole, nothing added', async () => {
      const optouts = fileWith('Email,Name\nu1@optout1.com,Ann\nu2@optout2.com,"Bob\nu3@optout3.com,Carl\nu4@optout4.com,Dan "D" x\nu5@optout5.com,Eve\n');
      const r = await aos(['suppress', 'add', '--file', optouts, '--client', 'leads', '--reason', 'unsubscribed']);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain('lines 3-5: the Name cell runs on over what reads as further rows');
      expect(await verdict('leads', 'u1@optout1.com')).toBe(false);
    });

    it('an import of two columns with a stray quote stops (a swallowed row holds a website), nothing written', async () => {
      const r = await aos(['import', fileWith('Company,Website\nAcme,acme-quote.com\n"Beta Ltd,beta-quote.com\nGamma,gamma-quote.com\nZed "x",zed-quote.com\n'), '--client', 'leads', '--yes']);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain('a cell holds a line break and what reads as further rows');
      expect(await verdict('leads', 'acme-quote.com')).toBe(false);
    });

    it('a quote opened before a row\'s own website and closed on the next line: that row\'s website is swallowed, and the reading stops', async () => {
      const own = 'Company,Website\nAlpha,alpha.com\n"BuildRight,buildright-quote.com.au\nScreens 27",screens.com\nOmega,omega.com\n';
      const filtered = await aos(['check', '--file', fileWith(own), '--client', 'leads', '--filter']);
      expect(filtered.code, filtered.stderr).toBe(4);
      expect(filtered.stdout).toBe('Company,Website\nAlpha,alpha.com\n');
      const added = await aos(['suppress', 'add', '--file', fileWith(own.replace('buildright-quote.com.au', 'optout-quote.com')), '--column', 'Website', '--client', 'leads', '--reason', 'unsubscribed']);
      expect(added.code, added.stderr).toBe(2);
      const imported = await aos(['import', fileWith(own.replace('buildright-quote.com.au', 'optout-quote.com')), '--client', 'leads', '--yes']);
      expect(imported.code, imported.stderr).toBe(2);
      expect(await verdict('leads', 'alpha.com')).toBe(false);
      // The opening line holds only the website: the quote swallows it into the Name cell.
      for (const shape of ['Name,Website\n"buildright-quote.com.au\nScreens 27",free.com\n', 'Name;Website\r"https://buildright-quote.com.au/team\rScreens 27";free.com\r']) {
        const r = await aos(['check', '--file', fileWith(shape), '--client', 'leads', '--filter']);
        expect(r.code, `${JSON.stringify(shape)}: ${r.stderr}`).toBe(4);
        expect(r.stdout).not.toContain('buildright');
      }
    });

    it('a note with a line break (Excel for Mac) is no swallowed row: checked as a lead', async () => {
      const r = await aos(['check', '--file', fileWith('Name,Website,Notes\nAnn,fresh9.io,"Called twice,\nsee website"\n'), '--client', 'leads', '--json']);
      expect(r.code, r.stderr).toBe(0);
      expect(ndjson(r.stdout)).toHaveLength(1);
    });
  });

  describe('an IDN is never read in an encoding that was guessed, or named wrong', () => {
    it('a Windows-1250 file whose first IDN reads alike in Windows-1252: the hint names the line that tells them apart', async () => {
      const file = fileWith(iconv.encode('Company,Website,Email\r\nMünchen Bau,münchen-bau.de,hans@münchen-bau.de\r\nTęcza,tęcza.pl,biuro@tęcza.pl\r\n', 'windows-1250'));
      const r = await aos(['import', file, '--client', 'pl', '--yes']);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('line 3 holds');
      expect(r.stderr).toContain('--encoding windows-1250 if "tęcza.pl" is right');
      const alike = await aos(['check', '--file', fileWith(iconv.encode('Company,Website\r\nMünchen Bau,münchen-bau.de\r\n', 'windows-1250')), '--client', 'pl']);
      expect(alike.code).toBe(2);
      expect(alike.stderr).toContain('hint: save the file as "CSV UTF-8" and run it again: Windows-1252 (Excel on Windows) and Windows-1250 (Excel on Windows, Central Europe) read the first domains of this file alike');
      expect(alike.stderr).toContain('--encoding windows-1252 or --encoding windows-1250 if "münchen-bau.de" is right and you know which of them the file was saved in');
    });

    const utf8Idns = 'Company,Website\r\nGora,góra.pl\r\nStrasse,straße.de\r\nIstmo,ístmo.es\r\n';
    beforeAll(async () => {
      expect((await aos(['suppress', 'add', 'góra.pl', 'straße.de', 'ístmo.es', 'tęcza.pl', 'orzeł.pl', '--client', 'pl', '--reason', 'unsubscribed'])).code).toBe(0);
    });

    it('a Polish Windows-1250 file whose names vote Windows-1252: the encoding is asked for, tęcza.pl never read as têcza.pl', async () => {
      const file = fileWith(iconv.encode('Name,City,Website\r\nJan,Kraków,tęcza.pl\r\nOla,Częstochowa,orzeł.pl\r\n', 'windows-1250'));
      for (const args of [['check', '--file', file, '--client', 'pl', '--filter'], ['signals', 'boost', '--file', file]]) {
        const r = await aos(args);
        expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
        expect(r.stdout).toBe('');
        expect(r.stderr).toContain('--encoding windows-1250 if "tęcza.pl" is right');
      }
      const named = await aos(['check', '--file', file, '--client', 'pl', '--encoding', 'windows-1250', '--json']);
      expect(ndjson(named.stdout).map((o) => [o.input, o.suppressed])).toEqual([['tęcza.pl', true], ['orzeł.pl', true]]);
    });

    it('--encoding windows-1252 given for a UTF-8 file: refused where a domain reads as UTF-8, nothing answered or imported', async () => {
      const file = fileWith(utf8Idns);
      const check = await aos(['check', '--file', file, '--client', 'pl', '--encoding', 'windows-1252', '--filter']);
      expect(check.code, check.stderr).toBe(2);
      expect(check.stdout).toBe('');
      expect(check.stderr).toContain('line 2 holds "gÃ³ra.pl" read as windows-1252, but its bytes are UTF-8 for "góra.pl"');
      expect(check.stderr).toContain('hint: the file is UTF-8 there: drop --encoding windows-1252');
      const imported = await aos(['import', file, '--client', 'rem', '--yes', '--encoding', 'latin1']);
      expect(imported.code, imported.stderr).toBe(2);
      expect(await verdict('rem', 'straße.de')).toBe(false);
    });

    it('an encoding named for an earlier import is not applied to a file whose bytes say UTF-8', async () => {
      const cp = fileWith(iconv.encode('Company,Website\r\nCafé Crème,cafecreme.fr\r\n', 'windows-1252'));
      const first = await aos(['import', cp, '--client', 'rem', '--yes', '--encoding', 'windows-1252']);
      expect(first.code, first.stderr).toBe(0);
      const r = await aos(['import', fileWith(utf8Idns), '--client', 'rem', '--yes', '--json']);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ encoding: 'utf-8', inserted: 3 });
      for (const target of ['góra.pl', 'straße.de', 'ístmo.es']) expect(await verdict('rem', target), target).toBe(true);
    });

    it('the encoding named for a client\'s earlier file is never used again by itself: a Mac Roman or Windows-1250 file with the same columns is asked about', async () => {
      expect((await aos(['clients', 'add', 'again'])).code).toBe(0);
      const header = 'Company,Website,Contact Email';
      const first = await aos(['import', fileWith(iconv.encode(`${header}\r\nMüller Bau,müller-bau.de,info@müller-bau.de\r\n`, 'windows-1252')), '--client', 'again', '--yes', '--encoding', 'windows-1252']);
      expect(first.code, first.stderr).toBe(0);
      const mac = await aos(['import', fileWith(iconv.encode(`${header}\rCafé Paris,café-paris.fr,\r`, 'macintosh')), '--client', 'again', '--yes']);
      expect(mac.code, mac.stderr).toBe(2);
      expect(mac.stderr).toContain('--encoding macintosh if "café-paris.fr" is right');
      const filler = Array.from({ length: 3000 }, (_, i) => `Firma ${i},firma${i}.pl,`).join('\r\n');
      const polish = await aos(['import', fileWith(iconv.encode(`${header}\r\n${filler}\r\nTęcza,tęcza.pl,\r\n`, 'windows-1250')), '--client', 'again', '--yes']);
      expect(polish.code, polish.stderr).toBe(2);
      expect(await verdict('again', 'firma1.pl')).toBe(false);
      const utf8 = await aos(['import', fileWith(`${header}\r\nGora,góra.pl,\r\n`), '--client', 'again', '--yes', '--json']);
      expect(utf8.code, utf8.stderr).toBe(0);
      expect(JSON.parse(utf8.stdout)).toMatchObject({ encoding: 'utf-8' });
      expect(await verdict('again', 'góra.pl')).toBe(true);
    });

    it('UTF-8 with two stray Windows-1252 bytes in its head and IDNs past it: the reading stops at the first IDN (exit 4), none of them let through', async () => {
      const head = Buffer.concat([Buffer.from('Name,Email,Website\n'), iconv.encode('Renée Müller,renee@x.de,x.de\n', 'windows-1252')]);
      const filler = Array.from({ length: 3000 }, (_, i) => `Person ${i},p${i}@lead${i}.com,lead${i}.com`).join('\n') + '\n';
      const tail = 'Anna,anna@straße.de,straße.de\nGora,info@góra.pl,góra.pl\nLast,l@last.com,last.com\n';
      const file = fileWith(Buffer.concat([head, Buffer.from(filler), Buffer.from(tail)]));
      const rejected = join(dir, `rejected-${++n}.csv`);
      const r = await aos(['check', '--file', file, '--client', 'pl', '--filter', '--rejected', rejected]);
      expect(r.code, r.stderr).toBe(4);
      expect(r.stdout).not.toMatch(/stra|ra\.pl|last\.com/);
      expect(r.stdout.split('\n').filter(Boolean)).toHaveLength(3002); // header, Renée, 3000 leads
      expect(r.stderr).toContain('"anna@straße.de" in UTF-8');
      expect(r.stderr).toContain('--encoding utf-8 if "anna@straße.de" is right');
    });

    it('suppress add/remove --file and signals boost --file take --encoding: a Windows-1252 opt-out file is asked about, then read as named', async () => {
      const file = fileWith(iconv.encode('Email,Name\r\nabmeldung@müller-bau.de,Jörg Müller\r\n', 'windows-1252'));
      const asked = await aos(['suppress', 'add', '--file', file, '--client', 'enc', '--reason', 'bounced']);
      expect(asked.code, asked.stderr).toBe(2);
      expect(asked.stderr).toContain('--encoding windows-1252 or --encoding windows-1250 if "abmeldung@müller-bau.de" is right');
      expect(await verdict('enc', 'abmeldung@müller-bau.de')).toBe(false);
      const added = await aos(['suppress', 'add', '--file', file, '--encoding', 'windows-1252', '--client', 'enc', '--reason', 'bounced']);
      expect(added.code, added.stderr).toBe(0);
      expect(await verdict('enc', 'abmeldung@müller-bau.de')).toBe(true);
      const boost = await aos(['signals', 'boost', '--file', file, '--encoding', 'windows-1252']);
      expect(boost.code, boost.stderr).toBe(0);
      expect(boost.stdout).toContain('abmeldung@müller-bau.de,Jörg Müller,');
      const refused = await aos(['suppress', 'remove', '--file', file, '--encoding', 'windows-1252', '--client', 'enc']);
      expect(refused.code, refused.stderr).toBe(2);
      expect(refused.stderr).toContain('refusing to remove opt-out: abmeldung@müller-bau.de (bounced)');
      const removed = await aos(['suppress', 'remove', '--file', file, '--encoding', 'windows-1252', '--client', 'enc', '--force']);
      expect(removed.code, removed.stderr).toBe(0);
      expect(await verdict('enc', 'abmeldung@müller-bau.de')).toBe(false);
      for (const args of [['suppress', 'add', 'x.com', '--client', 'enc', '--reason', 'bounced', '--encoding', 'latin1'], ['signals', 'boost', 'x.com', '--encoding', 'latin1']]) {
        const r = await aos(args);
        expect(r.code, args.join(' ')).not.toBe(0);
        expect(r.stderr).toContain('--encoding goes with --file');
      }
    });

    it('a co-process whose first line is Windows-1252: a later UTF-8 IDN stops it, never answered allowed', async () => {
      const co = startCoProcess(['check', '-', '--client', 'pl', '--json'], cli.env);
      co.child.stdin.write(iconv.encode('Renée Müller <renee@newlead.de>\n', 'windows-1252'));
      expect(JSON.parse(await co.answer())).toMatchObject({ target: 'renee@newlead.de', suppressed: false });
      co.child.stdin.write(Buffer.from('góra.pl\n'));
      const exit = await co.exit();
      expect(exit.rest).toBe('');
      expect(exit.code).toBe(4);
      expect(exit.stderr).toContain('góra.pl\\" in UTF-8');
    });
  });
});
