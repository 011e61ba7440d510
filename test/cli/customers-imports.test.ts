import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ndjson, runAos } from '../helpers/cli.js';
import { cliEnginesUnderTest, freshDatabase, type FreshDatabase } from '../helpers/databases.js';
import { KEYS, runOnPty } from '../helpers/pty.js';

const dir = mkdtempSync(join(tmpdir(), 'aos-customers-'));
const FIRST = 'Company,Website,Contact Email,Status\nBuildRight,buildright.com.au,sarah@buildright.com.au,active\n"=HYPERLINK(""x"")",formula.io,,active\n';
const SECOND = 'Company,Website,Contact Email,Status\nBuildRight,buildright.com.au,sarah@buildright.com.au,churned\nPied Piper,piedpiper.com,,active\n';

for (const engine of cliEnginesUnderTest()) {
  describe(`aos customers and aos imports [${engine}]`, () => {
    let fresh: FreshDatabase;
    const aos = (args: string[], input?: string) => runAos(args, { env: { ...fresh.env, USER: 'ops-anna' }, input });
    const file = (name: string, text: string) => {
      const path = join(dir, `${engine}-${name}`);
      writeFileSync(path, text);
      return path;
    };
    let firstRun = '';
    let secondRun = '';

    beforeAll(async () => {
      fresh = await freshDatabase(engine);
      await fresh.db.close();
      expect((await aos(['clients', 'add', 'acme'])).code).toBe(0);
      const one = await aos(['import', file('first.csv', FIRST), '--client', 'acme', '--yes', '--json']);
      expect(one.code).toBe(0);
      firstRun = JSON.parse(one.stdout).import_run_id as string;
      const two = await aos(['import', file('second.csv', SECOND), '--client', 'acme', '--yes', '--json']);
      secondRun = JSON.parse(two.stdout).import_run_id as string;
    });
    afterAll(async () => fresh.dispose());

    it('customers list: a table, NDJSON with snake_case keys, CSV with formulas neutralized', async () => {
      const table = await aos(['customers', 'list', '--client', 'acme']);
      expect(table.code).toBe(0);
      expect(table.stdout.split('\n')[0]).toMatch(/^company\s+domain\s+contact\s+status/);
      expect(table.stdout).toMatch(/BuildRight\s+buildright\.com\.au\s+sarah@buildright\.com\.au\s+churned/);
      const json = await aos(['customers', 'list', '--client', 'acme', '--status', 'active', '--json']);
      expect(ndjson(json.stdout).map((c) => c.company_name)).toEqual(['=HYPERLINK("x")', 'Pied Piper']);
      expect(ndjson(json.stdout)[1]).toMatchObject({ domain: 'piedpiper.com', contact_email: null, natural_key: 'd:piedpiper.com' });
      const csv = await aos(['customers', 'list', '--client', 'acme', '--csv']);
      expect(csv.stdout).toContain(`"'=HYPERLINK(""x"")",formula.io`);
      const bad = await aos(['customers', 'list', '--client', 'acme', '--status', 'lost']);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/^aos: error: invalid status "lost"\nhint: statuses: active, churned, partner, competitor\n$/);
    });

    it('customers show: the customer, its entries and both runs that touched it', async () => {
      const r = await aos(['customers', 'show', 'www.buildright.com.au', '--client', 'acme', '--json']);
      expect(r.code).toBe(0);
      const d = JSON.parse(r.stdout);
      expect(d.customer).toMatchObject({ company_name: 'BuildRight', status: 'churned' });
      expect(d.entries).toEqual([{ kind: 'domain', target: 'buildright.com.au', reason: 'past_customer', source: 'import', expires_at: null, linked: true }]);
      expect(d.import_runs.map((x: { id: string; change: string }) => [x.id, x.change])).toEqual([[firstRun, 'inserted'], [secondRun, 'updated']]);
      const human = await aos(['customers', 'show', 'sarah@buildright.com.au', '--client', 'acme']);
      expect(human.stdout).toContain('buildright.com.au  past_customer  source import');
      const none = await aos(['customers', 'show', 'nobody.com', '--client', 'acme']);
      expect(none.code).toBe(2);
      expect(none.stderr).toContain('aos: error: no customer "nobody.com" for client acme');
      expect(none.stderr).toContain('hint: find it with `aos customers list --client acme --search TEXT`');
    });

    it('customers list and show give an IDN as people type it; --json keeps the stored punycode', async () => {
      expect((await aos(['clients', 'add', 'idn'])).code).toBe(0);
      expect((await aos(['import', '-', '--client', 'idn', '--yes'], 'Company,Website\nMünchen Bau,münchen-bau.de\n')).code).toBe(0);
      expect((await aos(['customers', 'list', '--client', 'idn'])).stdout).toMatch(/München Bau\s+münchen-bau\.de\s/);
      const shown = await aos(['customers', 'show', 'münchen-bau.de', '--client', 'idn']);
      expect(shown.stdout).toContain('  domain         münchen-bau.de\n');
      expect(shown.stdout).toContain('  münchen-bau.de  existing_customer  source import');
      expect(shown.stdout).not.toContain('xn--');
      const json = ndjson((await aos(['customers', 'list', '--client', 'idn', '--json'])).stdout);
      expect(json[0]).toMatchObject({ domain: 'xn--mnchen-bau-9db.de' });
    });

    it('imports list and show: file, sha256, rows, counts, actor, status', async () => {
      const list = await aos(['imports', 'list', '--client', 'acme', '--json']);
      const runs = ndjson(list.stdout);
      expect(runs.map((x) => x.id)).toEqual([secondRun, firstRun]);
      expect(runs[1]).toMatchObject({ file_name: expect.stringContaining('first.csv'), rows: 2, actor: 'ops-anna', status: 'completed', undoable: true });
      const table = await aos(['imports', 'list', '--client', 'acme']);
      expect(table.stdout).toContain(firstRun.slice(0, 8));
      const show = await aos(['imports', 'show', secondRun.slice(0, 8)]);
      expect(show.code).toBe(0);
      expect(show.stdout).toContain('customers  1 inserted, 1 updated, 0 deleted');
      const missing = await aos(['imports', 'show', 'nope']);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain('hint: list runs with `aos imports list --client SLUG`');
    });

    it('imports undo: refuses a run whose rows changed since, dry-runs, then undoes the last run', async () => {
      const refused = await aos(['imports', 'undo', firstRun]);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('customer buildright.com.au (changed)');
      expect(refused.stderr).toContain('hint: undo the later runs first, or pass --force');
      const dry = await aos(['imports', 'undo', secondRun.slice(0, 8), '--dry-run', '--json']);
      expect(JSON.parse(dry.stdout)).toMatchObject({ dry_run: true, customers_removed: 1, customers_restored: 1 });
      const undo = await aos(['imports', 'undo', secondRun.slice(0, 8)]);
      expect(undo.code).toBe(0);
      expect(undo.stdout).toContain('undid import run');
      const check = await aos(['check', 'buildright.com.au', 'piedpiper.com', '--client', 'acme', '--json']);
      expect(ndjson(check.stdout).map((o) => o.reason)).toEqual(['existing_customer', null]);
      const again = await aos(['imports', 'undo', secondRun]);
      expect(again.code).toBe(2);
      expect(again.stderr).toContain('already undone');
    });

    it('customers remove: removes it and its imported entry, audited', async () => {
      const r = await aos(['customers', 'remove', 'buildright.com.au', '--client', 'acme']);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('removed customer BuildRight (buildright.com.au) from acme\nremoved entry buildright.com.au (existing_customer)\n');
      expect(r.stderr).toContain('the next import that holds this customer brings it back');
      const check = await aos(['check', 'buildright.com.au', '--client', 'acme']);
      expect(check.code).toBe(0);
      const history = await aos(['suppress', 'history', 'buildright.com.au', '--client', 'acme', '--json']);
      expect(ndjson(history.stdout).at(-1)).toMatchObject({ action: 'remove', actor: 'ops-anna', source: 'manual' });
    });

    it('imports undo names the entries removed by hand since the run by their target, refused and forced', async () => {
      expect((await aos(['clients', 'add', 'byhand'])).code).toBe(0);
      const run = await aos(['import', file('byhand.csv', 'Company,Website,Email\nAcme,acme.com,\nBeta,beta.io,\nGamma,,gina@gmail.com\nDelta,delta.net,\n'), '--client', 'byhand', '--yes', '--json']);
      const runId = JSON.parse(run.stdout).import_run_id as string;
      expect((await aos(['suppress', 'remove', 'beta.io', '--client', 'byhand'])).code).toBe(0);
      expect((await aos(['suppress', 'remove', 'gina@gmail.com', '--client', 'byhand'])).code).toBe(0);
      expect((await aos(['customers', 'remove', 'delta.net', '--client', 'byhand'])).code).toBe(0);
      const refused = await aos(['imports', 'undo', runId]);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('entry beta.io (removed), entry delta.net (removed), entry gina@gmail.com (removed)');
      expect(refused.stderr).not.toContain('entry id ');
      const forced = await aos(['imports', 'undo', runId, '--force']);
      expect(forced.code).toBe(0);
      expect(forced.stderr).toContain('kept entry beta.io as it is now: removed since the run');
      expect(forced.stderr).toContain('kept entry gina@gmail.com as it is now: removed since the run');
      expect(forced.stderr).not.toContain('entry id ');
    });

    it('a forced undo that keeps many rows says so in a line per kind, not a line per row; --json lists them all', async () => {
      expect((await aos(['clients', 'add', 'manykept'])).code).toBe(0);
      const rows = (industry: string) => 'Company,Website,Industry\n' + Array.from({ length: 25 }, (_, i) => `Co ${i},zz${i}-many.com,${industry}\n`).join('') + 'Bücher,bücher.de,' + industry + '\n';
      const first = JSON.parse((await aos(['import', file('many1.csv', rows('Retail')), '--client', 'manykept', '--yes', '--json'])).stdout).import_run_id as string;
      expect((await aos(['import', file('many2.csv', rows('Media')), '--client', 'manykept', '--yes'])).code).toBe(0);
      const forced = await aos(['imports', 'undo', first, '--force', '--dry-run']);
      expect(forced.code, forced.stderr).toBe(0);
      const warnings = forced.stderr.split('\n').filter(Boolean);
      expect(warnings).toHaveLength(2);
      expect(warnings[0]).toMatch(/^aos: warning: kept 26 customers as they are now: changed since the run: (.+, ){9}.+ and 16 more \(--json lists them all\)$/);
      expect(forced.stderr).toContain('bücher.de');
      const json = JSON.parse((await aos(['imports', 'undo', first, '--force', '--dry-run', '--json'])).stdout);
      expect(json.conflicts_kept).toHaveLength(52);
    });

    it('import --sync: the diff in --dry-run --json and in the summary; a mass churn needs --yes --force', async () => {
      expect((await aos(['clients', 'add', 'syncco'])).code).toBe(0);
      const full = file('full.csv', 'Company,Website,Industry\nA1,a1.com,Retail\nA2,a2.com,Retail\nA3,a3.com,Retail\nA4,a4.com,Retail\n');
      expect((await aos(['import', full, '--client', 'syncco', '--yes'])).code).toBe(0);
      const part = file('part.csv', 'Company,Website,Industry\nA1,a1.com,Media\nA5,a5.com,Retail\n');
      // A sync names the list it replaces: without --source it is refused, nothing written.
      const unnamed = await aos(['import', part, '--client', 'syncco', '--yes', '--sync']);
      expect(unnamed.code).toBe(2);
      expect(unnamed.stderr).toContain('aos: error: --sync needs --source: the source whose customer list the file replaces; nothing written');
      const dry = await aos(['import', part, '--client', 'syncco', '--yes', '--sync', '--source', 'csv', '--dry-run', '--json']);
      expect(dry.code).toBe(0);
      expect(JSON.parse(dry.stdout).diff).toMatchObject({ new: 1, changed: 1, unchanged: 0, changed_fields: { industry: 1 }, changes: [{ customer: 'A1', fields: ['industry'] }], churned: 3, churned_customers: ['A2', 'A3', 'A4'], mass_churn: true });
      const human = await aos(['import', part, '--client', 'syncco', '--yes', '--sync', '--source', 'csv', '--dry-run']);
      // The diff's figures line up with the summary's (the widest label is 'would update suppressions').
      expect(human.stdout).toContain(`  ${'against stored'.padEnd(25)} 1 new, 1 changed (industry 1), 0 unchanged`);
      expect(human.stdout).toContain(`  ${'--sync would churn'.padEnd(25)} 3 of 4 stored customers of this source (missing from the file): MORE THAN HALF`);
      expect(human.stdout).toContain(`  ${'rows read'.padEnd(25)} `);
      // The churn's entry moves (a2.com, a3.com, a4.com to past_customer) are suppression updates.
      expect(human.stdout).toContain(`  ${'would update suppressions'.padEnd(25)} 3\n`);
      const refused = await aos(['import', part, '--client', 'syncco', '--yes', '--sync', '--source', 'csv']);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('aos: error: --sync would churn 3 of the 4 customers of syncco from source csv, more than half: nothing written');
      expect(refused.stderr).toContain('pass --yes --force');
      const forced = await aos(['import', part, '--client', 'syncco', '--yes', '--sync', '--source', 'csv', '--force', '--json']);
      expect(forced.code).toBe(0);
      expect(JSON.parse(forced.stdout)).toMatchObject({ suppressions_updated: 3, diff: { churned: 3, churned_entries: 3 } });
      const churned = ndjson((await aos(['customers', 'list', '--client', 'syncco', '--status', 'churned', '--json'])).stdout);
      expect(churned.map((c) => c.company_name)).toEqual(['A2', 'A3', 'A4']);
    });

    it('a customer whose domain cell is empty or bad in the next export is the same customer: not churned by --sync, not stored twice', async () => {
      expect((await aos(['clients', 'add', 'badcell'])).code).toBe(0);
      const full = file('badcell-full.csv', 'Company,Website,Contact Email\nAcme,acme.com,jo@acme.com\nBeta,beta.io,\nGamma,gamma.co,g@gmail.com\nDelta,delta.net,\nEps,eps.org,\n');
      expect((await aos(['import', full, '--client', 'badcell', '--yes'])).code).toBe(0);
      // The next export: Beta's website is "TBC", Gamma's is empty (its contact is a gmail address), Eps left.
      const next = file('badcell-next.csv', 'Company,Website,Contact Email\nAcme,https://www.ACME.com/,jo@acme.com\nBeta,TBC,\nGAMMA,,g@gmail.com\nDelta,delta.net,\n');
      const dry = await aos(['import', next, '--client', 'badcell', '--yes', '--sync', '--source', 'csv', '--dry-run', '--json']);
      expect(dry.code).toBe(0);
      expect(JSON.parse(dry.stdout)).toMatchObject({ inserted: 0, diff: { new: 0, churned: 1, churned_customers: ['Eps'] } });
      expect((await aos(['import', next, '--client', 'badcell', '--yes', '--sync', '--source', 'csv'])).code).toBe(0);
      const customers = ndjson((await aos(['customers', 'list', '--client', 'badcell', '--json'])).stdout);
      expect(customers.map((c) => [c.company_name, c.domain, c.status])).toEqual([
        ['Acme', 'acme.com', 'active'], ['Beta', 'beta.io', 'active'], ['Delta', 'delta.net', 'active'], ['Eps', 'eps.org', 'churned'], ['GAMMA', 'gamma.co', 'active'],
      ]);
      for (const [target, code] of [['beta.io', 1], ['gamma.co', 1], ['g@gmail.com', 1], ['eps.org', 1]] as const) {
        expect((await aos(['check', target, '--client', 'badcell'])).code, target).toBe(code);
      }
      expect((await aos(['check', 'eps.org', '--client', 'badcell'])).stdout).toContain('past_customer');
    });

    it('an interactive --sync that would churn more than half asks again; no keeps everything', async () => {
      expect((await aos(['clients', 'add', 'ttysync'])).code).toBe(0);
      const full = file('tty-full.csv', 'Company,Website\nB1,b1.com\nB2,b2.com\nB3,b3.com\n');
      expect((await aos(['import', full, '--client', 'ttysync', '--yes'])).code).toBe(0);
      const part = file('tty-part.csv', 'Company,Website\nB1,b1.com\n');
      const session = runOnPty(['import', part, '--client', 'ttysync', '--sync', '--source', 'csv'], fresh.env);
      await session.waitFor('Use this mapping?');
      session.type(KEYS.enter);
      // The summary shows the would-be churn; writing it asks again, with the database released.
      await session.waitFor('Write these changes?');
      expect(session.output()).toMatch(/would churn\s+2 of 3 stored customers of this source \(missing from the file\): MORE THAN HALF/);
      session.type(KEYS.enter);
      await session.waitFor('Churn them?');
      expect(session.output()).toMatch(/--sync would churn 2 of the 3 stored customers of this source, more than half:\r?\n {2}B2\r?\n {2}B3/);
      session.type('n' + KEYS.enter);
      const { code, output } = await session.done();
      expect(code, output).toBe(130);
      expect(output).toContain('import cancelled: nothing was written');
      expect(ndjson((await aos(['customers', 'list', '--client', 'ttysync', '--status', 'churned', '--json'])).stdout)).toEqual([]);
    });

    it('customers show never prints terminal controls from a file cell', async () => {
      expect((await aos(['clients', 'add', 'hostile'])).code).toBe(0);
      const evil = file('evil.csv', 'Company,Website,Industry\n"Evil\u001b]0;owned\u0007Co",evil.io,"Retail\u001b[2J"\n');
      expect((await aos(['import', evil, '--client', 'hostile', '--yes'])).code).toBe(0);
      const r = await aos(['customers', 'show', 'evil.io', '--client', 'hostile']);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('Evil?]0;owned?Co');
      expect(r.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
    });

    it('--help shows examples', async () => {
      for (const cmd of [['customers', 'list'], ['customers', 'show'], ['customers', 'remove'], ['imports', 'list'], ['imports', 'show'], ['imports', 'undo']]) {
        const r = await aos([...cmd, '--help']);
        expect(r.code).toBe(0);
        expect(r.stdout).toContain('Examples:');
      }
    });
  });
}
