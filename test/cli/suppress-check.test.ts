import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addClients, cliEnginesUnderTest, freshCliDatabase, type CliDatabase } from '../helpers/databases.js';
import { ndjson, runAos } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'aos-cli-'));

for (const engine of cliEnginesUnderTest()) {
  describe(`aos suppress and aos check [${engine}]`, () => {
    let fresh: CliDatabase;
    const aos = (args: string[], input?: string) => runAos(args, { env: { ...fresh.env, USER: 'ops-anna' }, input });

    beforeAll(async () => {
      fresh = await freshCliDatabase(engine, (db) => addClients(db, ['acme', 'other']));
      const add = await aos(['suppress', 'add', 'bigcorp.com', 'jane@smallco.io', '--client', 'acme', '--reason', 'existing_customer']);
      expect(add.stderr).toBe('');
      expect(add.stdout).toBe('acme: 2 added, 0 updated, 0 unchanged\n');
    });
    afterAll(async () => fresh.dispose());

    it('exit 0 when every target is allowed', async () => {
      const r = await aos(['check', 'allowed.com', 'tom@smallco.io', '--client', 'acme']);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('allowed     allowed.com\nallowed     tom@smallco.io\n');
    });

    it('exit 1 with the reason and matching entry when any is suppressed', async () => {
      const r = await aos(['check', 'allowed.com', 'https://Shop.BigCorp.com/x', '--client', 'acme']);
      expect(r.code).toBe(1);
      // What was typed is shown beside the target it reduces to (issue 17).
      expect(r.stdout).toContain('suppressed  shop.bigcorp.com  ← https://Shop.BigCorp.com/x  existing_customer (entry bigcorp.com)');
    });

    it('exit 2 when any target is invalid, even next to a suppressed one', async () => {
      const r = await aos(['check', 'bigcorp.com', 'co.uk', '--client', 'acme', '--json']);
      expect(r.code).toBe(2);
      expect(ndjson(r.stdout)).toEqual([
        { input: 'bigcorp.com', target: 'bigcorp.com', kind: 'domain', suppressed: true, reason: 'existing_customer', match: 'bigcorp.com', expires_at: null },
        { input: 'co.uk', error: expect.stringContaining('public suffix') },
      ]);
    });

    it('exit 2 for an unknown client, with a did-you-mean', async () => {
      const r = await aos(['check', 'bigcorp.com', '--client', 'acmee']);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('did you mean "acme"?');
    });

    it('exit 3, never 0, when the database is unreachable', async () => {
      const r = await runAos(['check', 'allowed.com', '--client', 'acme'], { env: { DATABASE_URL: 'postgres://x@127.0.0.1:1/none' } });
      expect(r.code).toBe(3);
      expect(r.stdout).toBe('');
    });

    it('other clients are not affected by acme entries', async () => {
      const r = await aos(['check', 'bigcorp.com', '--client', 'other']);
      expect(r.code).toBe(0);
    });

    it('bulk from stdin: NDJSON in input order, mixed results → exit 2', async () => {
      const r = await aos(['check', '-', '--client', 'acme', '--json'], 'bigcorp.com\nallowed.com\nnot a domain\njane+x@SmallCo.io\n');
      expect(r.code).toBe(2);
      const out = ndjson(r.stdout);
      expect(out.map((o) => ('error' in o ? 'invalid' : o.suppressed ? 'suppressed' : 'allowed'))).toEqual(['suppressed', 'allowed', 'invalid', 'suppressed']);
      expect(r.stderr).toContain('checked 4: 1 allowed, 2 suppressed, 1 invalid');
    });

    it('--filter passes allowed CSV rows through byte for byte and writes the rest to --rejected', async () => {
      const csv = 'Name,Website,Notes\r\n"Big, Corp",https://www.bigcorp.com,"line1\nline2"\r\n"Fine, Ltd",fine.com,"a ""quoted"" note"\r\nBroken,not-a-domain,x\r\nSmall,jane@smallco.io,\r\n';
      const file = join(dir, `leads-${engine}.csv`);
      const rejected = join(dir, `rejected-${engine}.csv`);
      writeFileSync(file, csv);
      const r = await aos(['check', '--file', file, '--column', 'website', '--client', 'acme', '--filter', '--rejected', rejected]);
      expect(r.code).toBe(2); // issue 13: an invalid row ("not-a-domain") is exit 2 under --filter too (was 0)
      expect(r.stdout).toBe('Name,Website,Notes\r\n"Fine, Ltd",fine.com,"a ""quoted"" note"\r\n');
      const rej = readFileSync(rejected, 'utf8');
      expect(rej).toContain('Name,Website,Notes,reason');
      expect(rej).toContain('existing_customer (bigcorp.com)');
      expect(rej).toContain('invalid: ');
      expect(rej.split('\n').filter(Boolean)).toHaveLength(5); // header + 3 rows, one with an embedded newline
    });

    it('--file without --column finds the first column that holds domains or emails', async () => {
      const file = join(dir, `auto-${engine}.csv`);
      writeFileSync(file, 'Company,Contact\nBigCorp,sam@bigcorp.com\nOther,x@allowed.com\n');
      const r = await aos(['check', '--file', file, '--client', 'acme', '--json']);
      expect(r.code).toBe(1);
      expect(ndjson(r.stdout).map((o) => o.target)).toEqual(['sam@bigcorp.com', 'x@allowed.com']);
    });

    it('--file without --column checks the email column and the website, and says so', async () => {
      // The lead's website is not the customer's domain, but the email is who gets the mail.
      const file = join(dir, `email-first-${engine}.csv`);
      writeFileSync(
        file,
        'Company,Website,Email\nBigCorp Shop,bigcorp-shop.com,sam@bigcorp.com\nUnsub,smallco-group.com,jane@smallco.io\nFine,fine.com,ok@fine.com\nNo Email,www.bigcorp.com,\nPersonal,https://shop.bigcorp.com/x,sam.personal@gmail.com\nJunk Site,not a site,ok2@fine.com\n',
      );
      const r = await aos(['check', '--file', file, '--client', 'acme', '--json']);
      expect(r.code).toBe(2);
      // A row without an email is checked by its website; a row whose email is allowed is still
      // suppressed by its website, which the answer names. Issue 13: a junk website makes the row
      // invalid (it was skipped, and the row allowed by its email).
      expect(ndjson(r.stdout).map((o) => [o.input, o.suppressed ?? 'invalid', o.line])).toEqual([
        ['sam@bigcorp.com', true, 2],
        ['jane@smallco.io', true, 3],
        ['ok@fine.com', false, 4],
        ['www.bigcorp.com', true, 5],
        ['https://shop.bigcorp.com/x', true, 6],
        ['not a site', 'invalid', 7],
      ]);
      // Review of issue 13: "Company" is read too, for a whole email or domain in it.
      expect(r.stderr).toContain('checking columns "Website", "Email" and any whole email or domain in the other columns (--column to check one column)');
      const website = await aos(['check', '--file', file, '--client', 'acme', '--column', 'Website', '--json']);
      expect(website.code).toBe(2); // one column, as named: "not a site" is invalid there
      expect(ndjson(website.stdout).filter((o) => o.suppressed).map((o) => o.input)).toEqual(['www.bigcorp.com', 'https://shop.bigcorp.com/x']);
      expect(website.stderr).not.toContain('checking column');
      const quiet = await aos(['check', '--file', file, '--client', 'acme', '-q']);
      expect(quiet.stderr).toBe('');
    });

    it('suppress add refuses a free-mail domain without --force and a public suffix always', async () => {
      const free = await aos(['suppress', 'add', 'gmail.com', '--client', 'acme', '--reason', 'competitor']);
      expect(free.code).toBe(2);
      expect(free.stderr).toContain('--force');
      const suffix = await aos(['suppress', 'add', 'com.au', '--client', 'acme', '--reason', 'competitor', '--force']);
      expect(suffix.code).toBe(2);
      expect(suffix.stderr).toContain('public suffix');
    });

    it('suppress remove --file answers with a summary, and long warnings name a few and count the rest', async () => {
      const file = join(dir, `bulk-remove-${engine}.txt`);
      const targets = Array.from({ length: 30 }, (_, i) => `sub${i}.bigcorp.com`);
      writeFileSync(file, `${targets.join('\n')}\n`);
      expect((await aos(['suppress', 'add', '--file', file, '--client', 'acme', '--reason', 'partner'])).stdout).toBe('acme: 30 added, 0 updated, 0 unchanged\n');
      writeFileSync(file, `${targets.join('\n')}\nnever-added.com\n`);
      const r = await aos(['suppress', 'remove', '--file', file, '--client', 'acme']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe('acme: 30 removed, 1 not suppressed (nothing to remove)\n');
      // bigcorp.com still covers every one of them: one warning, not thirty.
      expect(r.stderr).toMatch(/^aos: warning: 30 removed targets are still suppressed by a parent domain entry, e\.g\. sub\d+\.bigcorp\.com by bigcorp\.com\n$/);
    });

    it('suppress add/remove --file with targets in several columns: which one is not guessed (exit 2, nothing written); --column reads one', async () => {
      const file = join(dir, `two-columns-${engine}.csv`);
      writeFileSync(file, 'Name;E-Mail;Website;Alt-E-Mail\nJo;jo@optout-two.de;optout-two.de;jo.private@optout-alt.de\n');
      for (const command of [['add', '--reason', 'do_not_contact'], ['remove']]) {
        const r = await aos(['suppress', command[0] as string, '--file', file, '--client', 'acme', ...command.slice(1)]);
        expect(r.code, r.stderr).toBe(2);
        expect(r.stderr).toContain('3 columns of two-columns-' + engine + '.csv hold emails or domains ("E-Mail", "Website", "Alt-E-Mail")');
        expect(r.stderr).toContain('hint: name it with --column');
      }
      expect((await aos(['check', 'jo@optout-two.de', '--client', 'acme'])).code).toBe(0);
      const one = await aos(['suppress', 'add', '--file', file, '--column', 'Alt-E-Mail', '--client', 'acme', '--reason', 'do_not_contact']);
      expect(one.code, one.stderr).toBe(0);
      expect((await aos(['check', 'jo.private@optout-alt.de', '--client', 'acme'])).code).toBe(1);
    });

    it('suppress add --file: a second address past the sampled rows, or in a list cell, refuses the file too', async () => {
      const late = join(dir, `late-column-${engine}.csv`);
      writeFileSync(late, 'Email,Secondary Email\n' + Array.from({ length: 60 }, (_, i) => `late${i}@optout-late.com,\n`).join('') + 'late60@optout-late.com,late60.alt@optout-alt.com\n');
      const r = await aos(['suppress', 'add', '--file', late, '--client', 'acme', '--reason', 'unsubscribed']);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain('line 62 of late-column-' + engine + '.csv holds an email or domain in "Secondary Email"');
      expect((await aos(['check', 'late0@optout-late.com', '--client', 'acme'])).code).toBe(0);
      for (const note of ['Escalated by Bob (bob@two.com)', 'Also unsubscribe [four.com]', 'email:bob@two.com', 'bob%40two.com', 'ｂｏｂ＠ｔｗｏ．ｃｏｍ', 'two.com…']) {
        const wrapped = join(dir, `wrapped-${engine}.csv`);
        writeFileSync(wrapped, `Email,Notes\njane@optout-one.com,"${note}"\n`);
        const refused = await aos(['suppress', 'add', '--file', wrapped, '--client', 'acme', '--reason', 'unsubscribed']);
        expect(refused.code, note).toBe(2);
      }
    });

    it('one mailbox whatever its case or width: Greek final sigma, Turkish İ, full-width letters', async () => {
      expect((await aos(['suppress', 'add', 'ΝΙΚΟΣ.ΠΑΠΑΣ@ote.gr', 'İPEK.YILMAZ@gmail.com', 'joe.w@gmail.com', '--client', 'acme', '--reason', 'unsubscribed'])).code).toBe(0);
      const r = await aos(['check', 'Νικος.Παπας@ote.gr', 'ipek.yilmaz@gmail.com', 'ｊｏｅ.ｗ@gmail.com', '--client', 'acme', '--json']);
      expect(ndjson(r.stdout).map((o) => o.suppressed)).toEqual([true, true, true]);
    });

    it('suppress add --file validates every line first: exit 2 naming lines, nothing written', async () => {
      const file = join(dir, `bad-${engine}.txt`);
      writeFileSync(file, 'good-one.com\nlocalhost\ngood-two.com\n127.0.0.1\n');
      const r = await aos(['suppress', 'add', '--file', file, '--client', 'acme', '--reason', 'bounced']);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/line 2.*line 4/);
      expect(r.stderr).toMatch(/\nhint: fix those lines, or add the valid ones with --skip-invalid\n$/);
      expect((await aos(['check', 'good-one.com', '--client', 'acme'])).code).toBe(0);
    });

    it('without $USER (a container, cron) the actor is the login name of the process, never "unknown"', async () => {
      const env = { ...fresh.env, USER: '', USERNAME: '' };
      expect((await runAos(['suppress', 'add', 'nouser.com', '--client', 'acme', '--reason', 'competitor'], { env })).code).toBe(0);
      const history = ndjson((await aos(['suppress', 'history', 'nouser.com', '--client', 'acme', '--json'])).stdout);
      expect(history.map((e) => e.actor)).toEqual([userInfo().username]);
    });

    it('expiry with --for, list --json, opt-out protection and history with the actor', async () => {
      expect((await aos(['suppress', 'add', 'optout@person.com', '--client', 'acme', '--reason', 'unsubscribed', '--for', '30d'])).code).toBe(0);
      const list = ndjson((await aos(['suppress', 'list', '--client', 'acme', '--json'])).stdout);
      const entry = list.find((e) => e.target === 'optout@person.com');
      expect(entry?.reason).toBe('unsubscribed');
      expect(new Date(String(entry?.expires_at)).getTime()).toBeGreaterThan(Date.now() + 29 * 86_400_000);
      const refuse = await aos(['suppress', 'remove', 'optout@person.com', '--client', 'acme']);
      expect(refuse.code).toBe(2);
      const forced = await aos(['suppress', 'remove', 'optout@person.com', '--client', 'acme', '--force']);
      expect(forced.code).toBe(0);
      expect(forced.stdout).toBe('removed optout@person.com (unsubscribed)\n');
      const missing = await aos(['suppress', 'remove', 'never.com', '--client', 'acme']);
      expect(missing.code).toBe(0);
      expect(missing.stdout).toContain('nothing to remove');
      const history = ndjson((await aos(['suppress', 'history', 'optout@person.com', '--client', 'acme', '--json'])).stdout);
      expect(history.map((e) => [e.action, e.actor])).toEqual([['add', 'ops-anna'], ['remove', 'ops-anna']]);
    });

    it('remove --note: the audit trail records why it was removed, as add --note records why it was added', async () => {
      expect((await aos(['suppress', 'add', 'noted-rival.com', '--client', 'acme', '--reason', 'competitor', '--note', 'direct competitor'])).code).toBe(0);
      const r = await aos(['suppress', 'remove', 'noted-rival.com', '--client', 'acme', '--note', 'now a partner, ticket 4211']);
      expect(r.code, r.stderr).toBe(0);
      const history = ndjson((await aos(['suppress', 'history', 'noted-rival.com', '--client', 'acme', '--json'])).stdout);
      expect(history.map((e) => [e.action, e.notes])).toEqual([['add', 'direct competitor'], ['remove', 'now a partner, ticket 4211']]);
      expect((await aos(['suppress', 'history', 'noted-rival.com', '--client', 'acme'])).stdout).toMatch(/remove\s+noted-rival\.com\s+competitor\s+ops-anna\s+manual\s+now a partner, ticket 4211/);
      // Without a note, the removal's event keeps the entry's own (it is gone from the list).
      await aos(['suppress', 'add', 'noted-rival.com', '--client', 'acme', '--reason', 'competitor', '--note', 'again']);
      await aos(['suppress', 'remove', 'noted-rival.com', '--client', 'acme']);
      const after = ndjson((await aos(['suppress', 'history', 'noted-rival.com', '--client', 'acme', '--json'])).stdout);
      expect(after.at(-1)).toMatchObject({ action: 'remove', notes: 'again' });
    });

    it('list --csv neutralizes spreadsheet formulas', async () => {
      await aos(['suppress', 'add', 'formula.com', '--client', 'acme', '--reason', 'competitor', '--note', '=HYPERLINK("http://evil","x")']);
      const r = await aos(['suppress', 'list', '--client', 'acme', '--csv']);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`"'=HYPERLINK(""http://evil"",""x"")"`);
      expect(r.stdout).not.toMatch(/,=HYPERLINK/);
    });

    it('usage errors: bad reason, bad --for, both --expires and --for', async () => {
      for (const args of [
        ['--reason', 'nope'],
        ['--reason', 'competitor', '--for', '10x'],
        ['--reason', 'competitor', '--for', '1d', '--expires', '2099-01-01'],
        ['--reason', 'competitor', '--expires', '2001-01-01'],
      ]) {
        const r = await aos(['suppress', 'add', 'x-corp.com', '--client', 'acme', ...args]);
        expect(r.code, args.join(' ')).toBe(2);
        expect(r.stderr).toMatch(/^aos: error: /);
      }
    });
  });
}
