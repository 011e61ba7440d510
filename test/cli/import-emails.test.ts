// Issue 23 §3 through the built binary: Google Contacts and Outlook exports imported with --yes,
// then every address of every customer checked with `aos check`; a provider's website suppresses
// no other mailbox there; `customers show` lists the other addresses; --map contact_email="A|B".
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ndjson, runAos } from '../helpers/cli.js';
import { cliEnginesUnderTest, freshDatabase, type FreshDatabase } from '../helpers/databases.js';

const fixture = (name: string) => new URL(`../fixtures/crm/${name}`, import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'aos-emails-'));

for (const engine of cliEnginesUnderTest()) {
  describe(`every address of a customer, through the CLI [${engine}]`, () => {
    let fresh: FreshDatabase;
    const aos = (args: string[]) => runAos(args, { env: fresh.env });
    const importJson = async (client: string, file: string, ...flags: string[]) => {
      const r = await aos(['import', file, '--client', client, '--yes', '--json', ...flags]);
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as Record<string, unknown>;
    };
    /** target → suppressed?, by one `aos check` of them all. */
    const verdicts = async (client: string, targets: string[]) => {
      const r = await aos(['check', ...targets, '--client', client, '--json']);
      expect([0, 1], r.stderr).toContain(r.code);
      return Object.fromEntries(ndjson(r.stdout).map((o) => [o.input as string, o.suppressed as boolean]));
    };

    beforeAll(async () => {
      fresh = await freshDatabase(engine);
      await fresh.db.close();
      for (const slug of ['google', 'outlook', 'mapped']) expect((await aos(['clients', 'add', slug])).code).toBe(0);
    });
    afterAll(async () => fresh.dispose());

    it("Google Contacts: both addresses of a ' ::: ' cell and E-mail 2 - Value are suppressed", async () => {
      const s = await importJson('google', fixture('google-contacts.csv'));
      expect(s).toMatchObject({ rows_read: 3, inserted: 3, rejected: 0, values_dropped: 0 });
      expect(s.mapping).toMatchObject({ contact_email: ['E-mail 1 - Value', 'E-mail 2 - Value'] });
      expect(
        await verdicts('google', [
          'ann@leelegal.com.au', 'ann.lee@outlook.com', 'ann@lee-family.net', 'tom.nguyen.bakes@gmail.com',
          'priya@shahphysio.com.au', 'priya.shah@bigpond.com', 'p.shah@icloud.com', 'someone@bigpond.com', 'bigpond.com',
        ]),
      ).toEqual({
        'ann@leelegal.com.au': true, 'ann.lee@outlook.com': true, 'ann@lee-family.net': true, 'tom.nguyen.bakes@gmail.com': true,
        'priya@shahphysio.com.au': true, 'priya.shah@bigpond.com': true, 'p.shah@icloud.com': true, 'someone@bigpond.com': false, 'bigpond.com': false,
      });
      // Found by any of its addresses.
      const show = await aos(['customers', 'show', 'p.shah@icloud.com', '--client', 'google']);
      expect(show.code, show.stderr).toBe(0);
      expect(show.stdout).toMatch(/^Shah Physio|Priya Shah/m);
      expect(show.stdout).toMatch(/other emails\s+priya\.shah@bigpond\.com, p\.shah@icloud\.com/);
    });

    it('Outlook: E-mail, E-mail 2 and E-mail 3 Address are suppressed; a Web Page at bigpond.com is no domain entry, with a warning', async () => {
      const s = await importJson('outlook', fixture('outlook-contacts.csv'));
      expect(s).toMatchObject({ rows_read: 3, inserted: 3, rejected: 0, values_dropped: 1 });
      expect(s.mapping).toMatchObject({ contact_email: ['E-mail Address', 'E-mail 2 Address', 'E-mail 3 Address'], domain: 'Web Page' });
      expect(JSON.stringify(s.first_dropped)).toContain('is a mail provider (bigpond.com)');
      expect(
        await verdicts('outlook', ['raj@pateldental.co.nz', 'raj.patel@xtra.co.nz', 'rpatel@hotmail.com', 'mia.wong@yahoo.com.au', 'joe.plumbing@bigpond.com', 'bigpond.com', 'anyone@bigpond.com']),
      ).toEqual({
        'raj@pateldental.co.nz': true, 'raj.patel@xtra.co.nz': true, 'rpatel@hotmail.com': true, 'mia.wong@yahoo.com.au': true, 'joe.plumbing@bigpond.com': true,
        'bigpond.com': false, 'anyone@bigpond.com': false,
      });
    });

    it('--map contact_email="A|B" reads both columns (it was refused)', async () => {
      const file = join(dir, `mapped-${engine}.csv`);
      writeFileSync(file, 'Company,Website,Main contact,Billing contact\nAcme Tools,acmetools.com,ops@acmetools.com,acme.billing@gmail.com\n');
      const s = await importJson('mapped', file, '--map', 'contact_email=Main contact|Billing contact');
      expect(s.mapping).toMatchObject({ contact_email: ['Main contact', 'Billing contact'] });
      expect(await verdicts('mapped', ['acme.billing@gmail.com', 'ops@acmetools.com'])).toEqual({ 'acme.billing@gmail.com': true, 'ops@acmetools.com': true });
    });
  });
}
