import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAos } from '../helpers/cli.js';
import { cliEnginesUnderTest, freshDatabase, type FreshDatabase } from '../helpers/databases.js';

const dir = mkdtempSync(join(tmpdir(), 'aos-ops-'));

for (const engine of cliEnginesUnderTest()) {
  describe(`ops commands [${engine}]`, () => {
    let fresh: FreshDatabase;
    const aos = (args: string[], input?: string) => runAos(args, { env: { ...fresh.env, USER: 'ops-anna' }, input });

    beforeAll(async () => {
      fresh = await freshDatabase(engine);
      await fresh.db.close();
      for (const slug of ['acme', 'beta']) expect((await aos(['clients', 'add', slug])).code).toBe(0);
      expect((await aos(['suppress', 'add', 'bigcorp.com', '--client', 'acme', '--reason', 'existing_customer'])).code).toBe(0);
      expect((await aos(['suppress', 'add', 'jane@bigcorp.com', '--client', 'beta', '--reason', 'unsubscribed', '--note', 'asked by phone'])).code).toBe(0);
    });
    afterAll(async () => fresh.dispose());

    it('suppress who: every client whose list covers the target, with reason and source', async () => {
      const r = await aos(['suppress', 'who', 'jane@bigcorp.com']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^client\s+entry\s+covers\s+reason/);
      expect(r.stdout).toMatch(/acme\s+bigcorp\.com\s+email_domain\s+existing_customer\s+manual\s+ops-anna/);
      expect(r.stdout).toMatch(/beta\s+jane@bigcorp\.com\s+exact\s+unsubscribed\s+manual\s+ops-anna/);
      const json = JSON.parse((await aos(['suppress', 'who', 'https://shop.bigcorp.com', '--json'])).stdout);
      expect(json).toMatchObject({ target: 'shop.bigcorp.com', kind: 'domain', clients: [{ client: 'acme', match: 'bigcorp.com', covers: 'parent_domain', expired: false }] });
      expect((await aos(['suppress', 'who', 'nobody.io'])).stdout).toBe('nobody.io: no client suppresses it\n');
      const bad = await aos(['suppress', 'who', 'co.uk']);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/^aos: error: invalid target "co.uk"/);
    });

    it('suppress add --file --skip-invalid adds the valid lines and lists the invalid ones by line', async () => {
      const file = join(dir, `${engine}-mixed.txt`);
      writeFileSync(file, 'good-one.com\nnot a target\nann@good-two.com\nco.uk\n');
      const refused = await aos(['suppress', 'add', '--file', file, '--client', 'acme', '--reason', 'bounced']);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('line 2');
      expect((await aos(['check', 'good-one.com', '--client', 'acme'])).code).toBe(0);

      const r = await aos(['suppress', 'add', '--file', file, '--client', 'acme', '--reason', 'bounced', '--skip-invalid']);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('acme: 2 added, 0 updated, 0 unchanged, 2 invalid skipped\n');
      expect(r.stderr).toMatch(/skipped line 2: "not a target": .*\n.*skipped line 4: "co.uk": .*public suffix/);
      expect((await aos(['check', 'good-one.com', 'ann@good-two.com', '--client', 'acme'])).code).toBe(1);

      const json = JSON.parse((await aos(['suppress', 'add', '--file', file, '--client', 'acme', '--reason', 'bounced', '--skip-invalid', '--json'])).stdout);
      expect(json).toMatchObject({ unchanged: 2, invalid: [{ line: 2, input: 'not a target' }, { line: 4, input: 'co.uk' }] });

      const none = await aos(['suppress', 'add', 'not a target', 'co.uk', '--client', 'acme', '--reason', 'bounced', '--skip-invalid']);
      expect(none.code).toBe(2);
      expect(none.stderr).toContain('no valid target in the file');
    });

    it('suppress add --file: a page on a platform is an invalid line like any other, listed with its line and skipped with --skip-invalid', async () => {
      // A list pasted from a spreadsheet (CRLF), and HubSpot's companies export, whose Website URL
      // a sales rep sometimes filled with the company's LinkedIn page.
      const list = join(dir, `${engine}-optouts-pages.txt`);
      writeFileSync(list, 'pages-one.com\r\nhttps://www.linkedin.com/in/jane-doe-4b2a1/\r\nsam@pages-two.com\r\nnot a target\r\n');
      const hubspot = join(dir, `${engine}-hubspot-companies.csv`);
      writeFileSync(hubspot, '"Record ID","Company name","Website URL","Lifecycle Stage"\n"9011","Pages Three","pages-three.com","customer"\n"9012","Harbour Ltd","https://www.linkedin.com/company/harbour-ltd","customer"\n');

      const refused = await aos(['suppress', 'add', '--file', list, '--client', 'beta', '--reason', 'unsubscribed']);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('2 invalid targets, nothing written: line 2: "https://www.linkedin.com/in/jane-doe-4b2a1/": a page on a platform names a page, not a company; line 4: "not a target"');
      expect(refused.stderr).toMatch(/hint: .*company's own domain.*--skip-invalid/);
      expect((await aos(['check', 'pages-one.com', '--client', 'beta'])).code).toBe(0);

      const skipped = await aos(['suppress', 'add', '--file', list, '--client', 'beta', '--reason', 'unsubscribed', '--skip-invalid', '--json']);
      expect(skipped.code).toBe(0);
      expect(JSON.parse(skipped.stdout)).toMatchObject({ added: 2, invalid: [{ line: 2, input: 'https://www.linkedin.com/in/jane-doe-4b2a1/', error: expect.stringContaining('a page on a platform') }, { line: 4, input: 'not a target' }] });
      expect((await aos(['check', 'pages-one.com', 'sam@pages-two.com', '--client', 'beta', '-q'])).code).toBe(1);
      // The platform itself was never suppressed.
      expect((await aos(['check', 'linkedin.com', 'someone@linkedin.com', '--client', 'beta', '-q'])).code).toBe(0);

      const column = ['suppress', 'add', '--file', hubspot, '--column', 'Website URL', '--client', 'beta', '--reason', 'competitor'];
      const csvRefused = await aos(column);
      expect(csvRefused.code).toBe(2);
      expect(csvRefused.stderr).toContain('line 3: "https://www.linkedin.com/company/harbour-ltd": a page on a platform');
      const csvSkipped = await aos([...column, '--skip-invalid']);
      expect(csvSkipped.code).toBe(0);
      expect(csvSkipped.stdout).toBe('beta: 1 added, 0 updated, 0 unchanged, 1 invalid skipped\n');
      expect(csvSkipped.stderr).toMatch(/skipped line 3: "https:\/\/www\.linkedin\.com\/company\/harbour-ltd": a page on a platform/);
      expect((await aos(['check', 'linkedin.com', '--client', 'beta', '-q'])).code).toBe(0);
    });

    it('clients set --expire: shown by clients list, given to new entries; suppress expiring lists them', async () => {
      const set = await aos(['clients', 'set', 'beta', '--expire', 'competitor=30d', '--expire', 'partner=1y']);
      expect(set.code).toBe(0);
      expect(set.stdout).toBe('beta: default expiry competitor 30d, partner 1y\n');
      const list = JSON.parse((await aos(['clients', 'list', '--json'])).stdout) as Array<Record<string, unknown>>;
      expect(list.map((c) => [c.slug, c.expiry_defaults])).toEqual([['acme', {}], ['beta', { competitor: '30d', partner: '1y' }]]);
      expect((await aos(['clients', 'list'])).stdout).toMatch(/beta .*competitor=30d,partner=1y/);
      const optOut = await aos(['clients', 'set', 'beta', '--expire', 'unsubscribed=12m']);
      expect(optOut.code).toBe(2);
      expect(optOut.stderr).toContain('aos: error: unsubscribed entries never get a default expiry: an opt-out never lapses by default');

      expect((await aos(['suppress', 'add', 'rival.io', '--client', 'beta', '--reason', 'competitor'])).code).toBe(0);
      const none = await aos(['suppress', 'expiring', '--client', 'beta', '--within', '7d']);
      expect(none.stdout).toBe('');
      expect(none.stderr).toBe('nothing expires within 7d\n');
      const soon = await aos(['suppress', 'expiring', '--all', '--within', '31d', '--json']);
      expect(JSON.parse(soon.stdout)).toMatchObject({ client: 'beta', target: 'rival.io', reason: 'competitor' });
      const csv = await aos(['suppress', 'expiring', '--client', 'beta', '--within', '31d', '--csv']);
      expect(csv.stdout.split('\n')[0]).toBe('client,kind,target,reason,expires_at,source,company_name,notes');
      const both = await aos(['suppress', 'expiring', '--within', '31d']);
      expect(both.code).toBe(2);
      expect(both.stderr).toContain('give --client C or --all');
    });

    it('suppress add/list/remove --all-clients: the agency-wide list, matched by check and --filter for every client', async () => {
      const add = await aos(['suppress', 'add', 'complainer@lawfirm.com', 'spamtrap.io', '--all-clients', '--reason', 'do_not_contact', '--note', 'legal request']);
      expect(add.code).toBe(0);
      expect(add.stdout).toBe('(all clients): 2 added, 0 updated, 0 unchanged\n');
      const list = await aos(['suppress', 'list', '--all-clients', '--json']);
      expect(list.stdout.trim().split('\n').map((l) => JSON.parse(l).target)).toEqual(['complainer@lawfirm.com', 'spamtrap.io']);
      for (const client of ['acme', 'beta']) {
        const r = await aos(['check', 'Complainer@LawFirm.com', 'www.spamtrap.io', '--client', client, '--json']);
        expect(r.code).toBe(1);
        expect(r.stdout.trim().split('\n').map((l) => JSON.parse(l))).toMatchObject([
          { suppressed: true, reason: 'do_not_contact', match: 'complainer@lawfirm.com', all_clients: true },
          { suppressed: true, match: 'spamtrap.io', all_clients: true },
        ]);
      }
      const csv = join(dir, `${engine}-leads.csv`);
      writeFileSync(csv, 'name,email\nAnn,ann@fine.io\nCal,complainer@lawfirm.com\n');
      const filtered = await aos(['check', '--file', csv, '--client', 'beta', '--filter']);
      expect(filtered.stdout).toBe('name,email\nAnn,ann@fine.io\n');
      const neither = await aos(['suppress', 'add', 'x.io', '--reason', 'competitor']);
      expect(neither.code).toBe(2);
      expect(neither.stderr).toContain('or --all-clients');
      const both = await aos(['suppress', 'list', '--all-clients', '--client', 'acme']);
      expect(both.code).toBe(2);
      const optOut = await aos(['suppress', 'remove', 'spamtrap.io', '--all-clients']);
      expect(optOut.code).toBe(2);
      expect(optOut.stderr).toContain('refusing to remove legal opt-out');
      const removed = await aos(['suppress', 'remove', 'spamtrap.io', '--all-clients', '--force']);
      expect(removed.stdout).toBe('removed spamtrap.io (do_not_contact) from the agency-wide list\n');
      expect((await aos(['check', 'spamtrap.io', '--client', 'acme'])).code).toBe(0);
      const history = await aos(['suppress', 'history', '--all-clients', '--json']);
      expect(history.stdout.trim().split('\n').map((l) => JSON.parse(l)).map((e) => [e.action, e.target])).toEqual([
        ['add', 'spamtrap.io'], ['add', 'complainer@lawfirm.com'], ['remove', 'spamtrap.io'],
      ]);
    });

    it('check --explain: the entry, how it covers, source with actor and note, history; --json adds explain', async () => {
      const r = await aos(['check', 'jane+x@bigcorp.com', '--client', 'beta', '--explain']);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain('suppressed  jane@bigcorp.com  unsubscribed\n  entry     jane@bigcorp.com (email)\n  covers    canonical_email');
      expect(r.stdout).toContain('  source    manual by ops-anna');
      expect(r.stdout).toContain(': "asked by phone"');
      expect(r.stdout).toMatch(/history\n\s+\S+\s+add unsubscribed\s+by ops-anna \(manual\)/);
      const agency = JSON.parse((await aos(['check', 'complainer@lawfirm.com', '--client', 'acme', '--explain', '--json'])).stdout);
      expect(agency).toMatchObject({ suppressed: true, all_clients: true, explain: { entry: { scope: 'all_clients', covers: 'exact', origin: { note: 'legal request' } } } });
      const allowed = await aos(['check', 'tom@bigcorp.com', '--client', 'beta', '--explain']);
      expect(allowed.code).toBe(0);
      expect(allowed.stdout).toBe('allowed     tom@bigcorp.com  no entry covers it\n  nearby\n    jane@bigcorp.com  unsubscribed  another address at this domain\n');
      const file = await aos(['check', '-', '--client', 'beta', '--explain'], 'a.com\n');
      expect(file.code).toBe(2);
      expect(file.stderr).toContain('--explain works on targets given as arguments');
      const invalid = await aos(['check', 'co.uk', '--client', 'beta', '--explain']);
      expect(invalid.code).toBe(2);
    });

    it('--help shows examples', async () => {
      for (const cmd of [['suppress', 'who'], ['suppress', 'add'], ['clients', 'set'], ['suppress', 'expiring'], ['check']]) {
        const r = await aos([...cmd, '--help']);
        expect(r.stdout).toContain('Examples:');
      }
      expect((await aos(['suppress', 'add', '--help'])).stdout).toContain('--skip-invalid');
      expect((await aos(['suppress', 'add', '--help'])).stdout).toContain('--all-clients');
      expect((await aos(['check', '--help'])).stdout).toContain('--explain');
    });
  });
}
