// What a new user meets (issue 17): help pages, messages that name the fix, CSV files that open
// in a spreadsheet, output that shows what was typed, and a first run that says what it does.
// The CLI layer behaves the same on both databases: these run once, on the server when it answers
// (a process start there costs no PGlite start-up), else on the embedded one; the first run is
// the embedded database's own.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SuppressionService } from '../../src/services/suppression-service.js';
import { ndjson, runAos } from '../helpers/cli.js';
import { addClients, enginesUnderTest, freshCliDatabase, type CliDatabase } from '../helpers/databases.js';

const dir = mkdtempSync(join(tmpdir(), 'aos-ops-'));
const BOM = '\uFEFF';

describe('help pages', () => {
  it('every group page has examples; the main page lists every exit code', async () => {
    for (const group of ['db', 'clients', 'suppress', 'signals']) {
      const r = await runAos([group, '--help']);
      expect(r.code, group).toBe(0);
      expect(r.stdout, group).toContain(`Examples:\n  $ aos ${group} `);
    }
    const main = await runAos(['--help']);
    for (const code of ['0 ok', '1 check', '2 usage', '3 database', '4 a bulk check or boost could not read', '70 internal error', '130 interrupted', '141 ']) expect(main.stdout).toContain(code);
    const check = await runAos(['check', '--help']);
    for (const code of ['0 every target allowed', '1 any suppressed', '4 the leads file could not be read', '70 internal error', '130 interrupted', '141 ']) expect(check.stdout).toContain(code);
  });

  it('defaults read as typed: no (default: []) and no quoted numbers', async () => {
    for (const page of [['--help'], ['import', '--help'], ['signals', 'top', '--help'], ['check', '--help'], ['suppress', 'list', '--help']]) {
      const r = await runAos(page);
      expect(r.code).toBe(0);
      expect(r.stdout, page.join(' ')).not.toContain('(default: [])');
      expect(r.stdout, page.join(' ')).not.toMatch(/default: "/);
    }
    expect((await runAos(['--help'])).stdout).toMatch(/--wait <seconds>[^-]*\(default: 5\)/);
    expect((await runAos(['signals', 'top', '--help'])).stdout).toContain('(default: 20)');
  });
});

const engine = enginesUnderTest().at(-1) ?? 'embedded';

describe(`ops experience [${engine}]`, () => {
  let fresh: CliDatabase;
  const aos = (args: string[], input?: string) => runAos(args, { env: fresh.env, input, cwd: dir });

  beforeAll(async () => {
    fresh = await freshCliDatabase(engine, async (db) => {
      await addClients(db, ['acme', 'beta', 'gamma']);
      await new SuppressionService({ db }).add({ client: 'acme', targets: [{ value: 'bücher.de' }, { value: 'bigcorp.com' }], reason: 'competitor' });
    });
  });
  afterAll(async () => {
    await fresh.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a misspelt option is unknown, with a did-you-mean, before any missing required option', async () => {
    const r = await aos(['check', 'acme.com', '--clinet', 'acme']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("aos: error: unknown option '--clinet'\nhint: did you mean --client? see `aos check --help`\n");
    const missing = await aos(['check', 'acme.com']);
    expect(missing.stderr).toContain("required option '-c, --client <client>' not specified");
    // After `--` every word is a target, a dash-word too: it is no unknown option.
    const escaped = await aos(['check', '--', '-odd.com', '--client', 'acme']);
    expect(escaped.code).toBe(2);
    expect(escaped.stderr).toBe("aos: error: required option '-c, --client <client>' not specified\nhint: see `aos check --help`\n");
  });

  it('a file name given as a target: invalid, with a hint at --file', async () => {
    writeFileSync(join(dir, 'leads.csv'), 'Email\nann@acme.com\n');
    const r = await aos(['check', 'leads.csv', '--client', 'acme']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('invalid     leads.csv: unknown public suffix ".csv"\n');
    expect(r.stderr).toBe('hint: leads.csv is a file: to check the targets in it, use --file leads.csv\n');
    // A name that is no file gets no hint.
    expect((await aos(['check', 'nothere.csv', '--client', 'acme'])).stderr).toBe('');
  });

  it('a wrong --delimiter that leaves one long column names the delimiter that splits it', async () => {
    writeFileSync(join(dir, 'comma.csv'), 'Company,Website,Email\nAcme,acme.com,ann@acme.com\n');
    const r = await aos(['import', 'comma.csv', '--client', 'beta', '--yes', '--delimiter', ';']);
    expect(r.code).toBe(2);
    const [error, hint] = r.stderr.trim().split('\n');
    expect(error).toMatch(/^aos: error: no column is mapped to company_name or domain .*"Company,Website,Email" — the delimiter ";" looks wrong: the header is one column$/);
    expect(hint).toBe('hint: --delimiter "," would split it into 3 columns');
  });

  it('an import rejects file: BOM, the input\'s delimiter, one reason per error; --no-bom leaves the BOM out', async () => {
    writeFileSync(join(dir, 'semi.csv'), 'Company;Email\nSøren AB;.soren@acme.com\nGood;good@good.io\n');
    const r = await aos(['import', 'semi.csv', '--client', 'beta', '--yes', '--dry-run', '--rejects', 'rejects.csv']);
    expect(r.code, r.stderr).toBe(0);
    const rejects = readFileSync(join(dir, 'rejects.csv'), 'utf8');
    // A bad email is a dropped value (the customer is kept by its name), written with _warning.
    expect(rejects).toBe(`${BOM}Company;Email;_line;_error;_warning\nSøren AB;.soren@acme.com;2;;"contact_email "".soren@acme.com"" is not a valid email address"\n`);
    await aos(['import', 'semi.csv', '--client', 'beta', '--yes', '--dry-run', '--rejects', 'rejects2.csv', '--no-bom']);
    expect(readFileSync(join(dir, 'rejects2.csv'), 'utf8').startsWith('Company;Email;_line;_error;_warning\n')).toBe(true);
  });

  it('check --rejected: a BOM by default; suppress list --csv on stdout: a BOM only with --bom', async () => {
    writeFileSync(join(dir, 'leads-semi.csv'), 'Name;Email\nSøren;s@bigcorp.com\nAnn;ann@fine.io\n');
    const r = await aos(['check', '--file', 'leads-semi.csv', '--client', 'acme', '--filter', '--rejected', 'blocked.csv']);
    expect(r.stdout).toBe('Name;Email\nAnn;ann@fine.io\n');
    expect(readFileSync(join(dir, 'blocked.csv'), 'utf8')).toBe(`${BOM}Name;Email;reason\nSøren;s@bigcorp.com;competitor (bigcorp.com)\n`);
    const plain = await aos(['suppress', 'list', '--client', 'acme', '--csv']);
    expect(plain.stdout.startsWith('kind,target,')).toBe(true);
    const excel = await aos(['suppress', 'list', '--client', 'acme', '--csv', '--bom']);
    expect(excel.stdout.startsWith(`${BOM}kind,target,`)).toBe(true);
    expect(excel.stdout).toContain(',bücher.de,'); // people get the Unicode form
  });

  it('human output shows what was typed beside the target, IDN in Unicode; JSON keeps the ASCII form', async () => {
    const r = await aos(['check', 'https://www.Bücher.de/preise', 'Ann+news@Fine.io', 'fine.io', '--client', 'acme']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(
      ['suppressed  bücher.de  ← https://www.Bücher.de/preise  competitor (entry bücher.de)', 'allowed     ann@fine.io  ← Ann+news@Fine.io', 'allowed     fine.io', ''].join('\n'),
    );
    const json = ndjson((await aos(['check', 'bücher.de', '--client', 'acme', '--json'])).stdout);
    expect(json[0]).toMatchObject({ input: 'bücher.de', target: 'xn--bcher-kva.de', match: 'xn--bcher-kva.de' });
    expect((await aos(['suppress', 'list', '--client', 'acme'])).stdout).toMatch(/^bücher\.de\s+competitor/m);
    expect((await aos(['suppress', 'list', '--client', 'acme', '--json'])).stdout).toContain('"target":"xn--bcher-kva.de"');
  });

  it('an IDN reads in Unicode in the --rejected reason, suppress expiring and suppress who; their JSON keeps punycode', async () => {
    writeFileSync(join(dir, 'leads-idn.csv'), 'Name,Website\nKai,https://shop.bücher.de\nAnn,fine.io\n');
    const r = await aos(['check', '--file', 'leads-idn.csv', '--client', 'acme', '--filter', '--rejected', 'blocked-idn.csv', '--no-bom']);
    expect(r.stdout).toBe('Name,Website\nAnn,fine.io\n');
    expect(readFileSync(join(dir, 'blocked-idn.csv'), 'utf8')).toBe('Name,Website,reason\nKai,https://shop.bücher.de,competitor (bücher.de)\n');

    expect((await aos(['suppress', 'add', 'straße-idn.de', '--client', 'acme', '--reason', 'partner', '--for', '10d'])).code).toBe(0);
    const expiring = await aos(['suppress', 'expiring', '--client', 'acme', '--within', '30d']);
    expect(expiring.stdout).toMatch(/acme\s+straße-idn\.de\s+partner/);
    expect(expiring.stdout).not.toContain('xn--');
    expect((await aos(['suppress', 'expiring', '--client', 'acme', '--within', '30d', '--csv'])).stdout).toContain(',straße-idn.de,');
    expect((await aos(['suppress', 'expiring', '--client', 'acme', '--within', '30d', '--json'])).stdout).toContain('"target":"xn--strae-idn-');

    const who = await aos(['suppress', 'who', 'https://shop.bücher.de']);
    expect(who.stdout).toMatch(/acme\s+bücher\.de\s/);
    expect(who.stdout).not.toContain('xn--');
    expect(JSON.parse((await aos(['suppress', 'who', 'shop.bücher.de', '--json'])).stdout)).toMatchObject({ target: 'shop.xn--bcher-kva.de' });
    expect((await aos(['suppress', 'who', 'nobody-bücher.de'])).stdout).toBe('nobody-bücher.de: no client suppresses it\n');
  });

  it('an import names the rows it skipped and why (a status that is no customer, a blank row, the header again), in the summary and --json', async () => {
    writeFileSync(join(dir, 'skips.csv'), 'Company,Website,Status\nAcme,acme.com,Customer\nLeadCo,lead.io,Prospect\n,,\nBeta,beta.io,Customer\nCompany,Website,Status\n');
    const r = await aos(['import', 'skips.csv', '--client', 'beta', '--yes', '--dry-run']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/skipped rows\s+3\n {6}line 3: status "Prospect" is not a customer\n {6}line 4: a blank row\n {6}line 6: the header row again: "Company \| Website \| Status"\n/);
    const json = JSON.parse((await aos(['import', 'skips.csv', '--client', 'beta', '--yes', '--dry-run', '--json'])).stdout);
    expect(json).toMatchObject({ skipped: 3, first_skipped: [{ line: 3, why: 'status "Prospect" is not a customer' }, { line: 4, why: 'a blank row' }, { line: 6, why: 'the header row again: "Company | Website | Status"' }] });
  });

  it('import --skipped writes every skipped row as it came, with _line and _skipped; past the first few the summary points to it', async () => {
    const prospects = Array.from({ length: 6 }, (_, i) => `Lead ${i},lead${i}.io,Prospect`);
    writeFileSync(join(dir, 'many-skips.csv'), ['Pipeline report', 'Company,Website,Status', 'Acme,acme.com,Customer', ...prospects].join('\n') + '\n');
    const r = await aos(['import', 'many-skips.csv', '--client', 'beta', '--yes', '--dry-run']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/skipped rows\s+7\n {6}line 1: above the header row: "Pipeline report"\n {6}line 4: status "Prospect" is not a customer\n/);
    expect(r.stderr).toContain('hint: 7 rows skipped, the first 5 named above: pass --skipped PATH to list them all with why');
    const listed = await aos(['import', 'many-skips.csv', '--client', 'beta', '--yes', '--dry-run', '--skipped', 'skipped.csv', '--no-bom']);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stderr).not.toContain('--skipped');
    expect(readFileSync(join(dir, 'skipped.csv'), 'utf8')).toBe(
      [
        'Company,Website,Status,_line,_skipped',
        'Pipeline report,1,"above the header row: ""Pipeline report"""',
        ...prospects.map((p, i) => `${p},${i + 4},"status ""Prospect"" is not a customer"`),
      ].join('\n') + '\n',
    );
    const same = await aos(['import', 'many-skips.csv', '--client', 'beta', '--yes', '--dry-run', '--skipped', 'many-skips.csv']);
    expect(same.code).toBe(2);
    expect(same.stderr).toContain('--skipped many-skips.csv is the input file');
  });

  it('the import summary names an encoding that is not UTF-8 (and says nothing of UTF-8); import --help says .xlsx is read', async () => {
    writeFileSync(join(dir, 'cp1252.csv'), Buffer.from('Company,Website\nS\xf8ren AB,soren.dk\n', 'latin1'));
    const r = await aos(['import', 'cp1252.csv', '--client', 'beta', '--yes', '--dry-run']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^ {2}columns: .*\n {2}encoding: windows-1252\n/m);
    writeFileSync(join(dir, 'utf8.csv'), 'Company,Website\nSøren AB,soren.dk\n');
    expect((await aos(['import', 'utf8.csv', '--client', 'beta', '--yes', '--dry-run'])).stdout).not.toContain('encoding');
    const help = (await runAos(['import', '--help'])).stdout;
    expect(help).toContain('from a CSV or .xlsx export');
    expect(help).toMatch(/\.xlsx workbook/);
  });

  it('an import that changes nothing refreshes 0 signals; a rebuild then says nothing changed', async () => {
    writeFileSync(join(dir, 'customers.csv'), 'Company,Website\nAcme,acme.com\nBeta,beta.io\n');
    const first = await aos(['import', 'customers.csv', '--client', 'gamma', '--yes', '--json']);
    expect(JSON.parse(first.stdout)).toMatchObject({ inserted: 2, signals_refreshed: 2 });
    const again = await aos(['import', 'customers.csv', '--client', 'gamma', '--yes']);
    expect(again.stdout).toMatch(/signals refreshed\s+0\n/);
    const rebuild = await aos(['signals', 'rebuild']);
    expect(rebuild.stdout).toMatch(/^rebuilt 2 domain signals in [\d.]+s: nothing changed\n/);
  });

  it('signals boost --file reads the website where the email gives no signal', async () => {
    writeFileSync(join(dir, 'boost.csv'), 'Name,Email,Website\nAnn,ann@gmail.com,https://www.acme.com/\nBob,bob@nobody.io,\n');
    const r = await aos(['signals', 'boost', '--file', 'boost.csv']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('Name,Email,Website,buyer_score,buyer_boost\nAnn,ann@gmail.com,https://www.acme.com/,60,9\nBob,bob@nobody.io,,,0\n');
    expect((await aos(['signals', 'boost', '--file', 'boost.csv', '--bom'])).stdout).toBe(`${BOM}${r.stdout}`);
  });

  it("signals boost keeps an Excel file's BOM and sep= line, so the scored file opens as the leads did", async () => {
    writeFileSync(join(dir, 'excel.csv'), `${BOM}sep=;\r\nName;Email\r\nAnn;ann@acme.com\r\n`);
    const r = await aos(['signals', 'boost', '--file', 'excel.csv']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`${BOM}sep=;\r\nName;Email;buyer_score;buyer_boost\nAnn;ann@acme.com;60;9\n`);
    // Without a sep= line, a BOM of the input is kept too.
    writeFileSync(join(dir, 'bom.csv'), `${BOM}Name,Email\nAnn,ann@acme.com\n`);
    expect((await aos(['signals', 'boost', '--file', 'bom.csv'])).stdout).toBe(`${BOM}Name,Email,buyer_score,buyer_boost\nAnn,ann@acme.com,60,9\n`);
  });
});

describe('first run', () => {
  it('says on stderr that it creates the embedded database, once, never on --json stdout', async () => {
    const data = join(mkdtempSync(join(tmpdir(), 'aos-first-')), 'aos');
    try {
      const env = { AOS_DATA_DIR: data, DATABASE_URL: '' };
      const first = await runAos(['clients', 'list', '--json'], { env, timeoutMs: 60_000 });
      expect(first.code, first.stderr).toBe(0);
      expect(first.stdout).toBe('[]\n');
      expect(first.stderr).toBe(`creating the embedded database at ${data} (first run, a few seconds)…\n`);
      const second = await runAos(['clients', 'list', '--json'], { env });
      expect(second.stderr).toBe('');
    } finally {
      rmSync(join(data, '..'), { recursive: true, force: true });
    }
  });
});
