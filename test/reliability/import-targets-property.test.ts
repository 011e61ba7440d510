// Issue 23 "Done when": for any customer file — random mixes of company name, domain/website and
// email columns, multi-value address cells, webmail and ISP mailboxes, statuses, report
// furniture and blanks — every row the import counts as a customer is suppressed afterwards on its
// company domain and on each of its addresses, a mail provider is never suppressed as a domain,
// and the counts add up: read = customers + merged + skipped + rejected, nothing else.
// The oracle is built from what the generator put in each cell, not from the import's own parser.
// On each engine under test (the embedded database always, the server when it answers).
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { classifyStatus } from '../../src/domain/values.js';
import { ClientService } from '../../src/services/client-service.js';
import { CustomerImportService } from '../../src/services/import/customer-import-service.js';
import { CustomerService } from '../../src/services/customer-service.js';
import { AosError } from '../../src/errors.js';
import { SuppressionService } from '../../src/services/suppression-service.js';
import { enginesUnderTest, freshDatabase, type FreshDatabase } from '../helpers/databases.js';

const RUNS = process.env.AOS_STRESS === '1' ? 100 : 20;

/** A cell and what it holds for the oracle. */
interface Cell {
  text: string;
  /** A company domain the cell names (a website, a URL). */
  domain?: string;
  /** Addresses the cell holds, each a customer's. */
  emails?: string[];
  /** A mail provider's domain typed as a website: never suppressed as a domain. */
  provider?: string;
}

const companyDomain = fc.constantFrom<Cell>(
  { text: 'acme.com', domain: 'acme.com' },
  { text: 'https://www.acme.com/about', domain: 'acme.com' },
  { text: 'shop.bigcorp.co.uk', domain: 'shop.bigcorp.co.uk' },
  { text: 'kiwi-accountants.co.nz', domain: 'kiwi-accountants.co.nz' },
  { text: 'WWW.Harbour-Dental.com.au', domain: 'harbour-dental.com.au' },
);
const notADomain = fc.constantFrom<Cell>(
  { text: 'www.bigpond.com', provider: 'bigpond.com' },
  { text: 'optusnet.com.au', provider: 'optusnet.com.au' },
  { text: 'gmail.com', provider: 'gmail.com' },
  { text: 'https://www.facebook.com/joesplumbing' },
  { text: 'TBC' },
  { text: 'N/A' },
  { text: '' },
);
const domainCell = fc.oneof(companyDomain, notADomain, fc.constant<Cell>({ text: '' }));

const address = fc.constantFrom(
  'ann@acme.com',
  'jo@bigcorp.co.uk',
  'raj@kiwi-accountants.co.nz',
  'sam.smith@gmail.com',
  'Sam.Smith+crm@googlemail.com',
  'bob@bigpond.com',
  'sue@optusnet.com.au',
  'lee@outlook.com',
  'mia@yahoo.com.au',
  'accounts@other-group.com',
);
const SEPARATORS = [' ::: ', ', ', '; ', ' '];
const emailCell = fc.oneof(
  { weight: 3, arbitrary: address.map((a): Cell => ({ text: a, emails: [a] })) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.uniqueArray(address, { minLength: 2, maxLength: 3 }), fc.constantFrom(...SEPARATORS), fc.boolean())
      .map(([list, sep, junk]): Cell => ({ text: [...list, ...(junk ? ['bad@@x'] : [])].join(sep), emails: list })),
  },
  { weight: 1, arbitrary: address.map((a): Cell => ({ text: `"Contact" <${a}>`, emails: [a] })) },
  { weight: 2, arbitrary: fc.constantFrom<Cell>({ text: '' }, { text: 'n/a' }, { text: 'not an email' }) },
);
const nameCell = fc.constantFrom('Acme', 'Bigcorp Ltd', "Joe's Plumbing", 'Sue Hair', '', '');
// Values the import reads as statuses itself (no prompt): customers of each kind and non-customers.
const statusCell = fc.constantFrom('Customer', 'Active', 'Churned', 'Former client', 'Partner', 'Prospect', 'Lead', '');

const layout = fc.record({
  name: fc.constantFrom('Company', 'Account Name', null),
  domains: fc.constantFrom<string[]>([], ['Website'], ['Company Domain Name', 'Website URL']),
  emails: fc.subarray(['Email', 'Personal Email', 'E-mail 2 - Value', 'Other Email'], { minLength: 1 }),
  status: fc.boolean(),
  footer: fc.boolean(),
  blankRow: fc.boolean(),
  // An import needs a company name or domain column (SPEC §7); a file of addresses alone is refused.
}).filter((l) => l.name !== null || l.domains.length > 0);

interface Row {
  name: string;
  domains: Cell[];
  emails: Cell[];
  status: string;
}

const fileOf = (l: { domains: string[]; emails: string[] }) =>
  fc.array(
    fc.record({ name: nameCell, domains: fc.array(domainCell, { minLength: l.domains.length, maxLength: l.domains.length }), emails: fc.array(emailCell, { minLength: l.emails.length, maxLength: l.emails.length }), status: statusCell }),
    { minLength: 1, maxLength: 10 },
  );
const generated = layout.chain((l) => fc.tuple(fc.constant(l), fileOf(l)));

const quote = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);

for (const engine of enginesUnderTest()) describe(`import: every customer row is suppressed on its targets [${engine}]`, () => {
  let fresh: FreshDatabase;
  let db: Database;
  let n = 0;

  beforeAll(async () => {
    fresh = await freshDatabase(engine);
    db = fresh.db;
  });
  afterAll(async () => fresh.dispose());

  it('each customer row is suppressed on its company domain and every address; the counts add up', async () => {
    await fc.assert(
      fc.asyncProperty(generated, async ([l, rows]) => {
        const { client } = await new ClientService(db).add({ slug: `p${++n}` });
        const header = [...(l.name ? [l.name] : []), ...l.domains, ...l.emails, ...(l.status ? ['Status'] : [])];
        const lines = [header.map(quote).join(',')];
        const dataLines: Array<{ line: number; row: Row }> = [];
        for (const r of rows) {
          const cells = [...(l.name ? [r.name] : []), ...r.domains.map((c) => c.text), ...r.emails.map((c) => c.text), ...(l.status ? [r.status] : [])];
          lines.push(cells.map(quote).join(','));
          dataLines.push({ line: lines.length, row: r });
          if (l.blankRow && lines.length === 2) lines.push(header.map(() => '').join(','));
        }
        if (l.footer) lines.push('', 'Grand Totals (records)', 'Confidential Information - Do Not Distribute');
        const rejected = new Set<number>();
        const importing = new CustomerImportService({ db }).import({
          client: client.slug,
          input: Readable.from([Buffer.from(`${lines.join('\r\n')}\r\n`)]),
          fileName: 'p.csv',
          onReject: (reject) => {
            if (reject.error !== undefined) rejected.add(reject.line);
          },
        });
        const summary = await importing.catch((e: unknown) => {
          // A file with no name column whose website column holds no company domain (platform
          // pages, providers) maps no required field: exit 2 before anything is written.
          if (e instanceof AosError && e.code === 'input' && /no column is mapped to company_name or domain/.test(e.message) && !l.name) return null;
          throw e;
        });
        if (summary === null) {
          const stored = [];
          for await (const c of new CustomerService({ db }).list({ client: client.slug })) stored.push(c);
          expect(stored).toEqual([]);
          return;
        }

        // Counts: every line read is a customer (new, updated or unchanged), merged, skipped or rejected.
        const customers = summary.inserted + summary.updated + summary.unchanged;
        expect(summary.rows_read).toBe(customers + summary.merged + summary.skipped + summary.rejected);
        expect(summary.rejected).toBe(rejected.size);

        const checker = new SuppressionService({ db });
        const isCustomerStatus = (s: string) => !l.status || s === '' || classifyStatus(s, 'Status') !== 'skip';
        // A row of empty cells is a blank row (report furniture, skipped), not a customer.
        const blank = (row: Row) => (!l.name || row.name === '') && row.domains.every((c) => c.text === '') && row.emails.every((c) => c.text === '') && (!l.status || row.status === '');
        const customerRows = dataLines.filter(({ line, row }) => isCustomerStatus(row.status) && !rejected.has(line) && !blank(row));
        expect(customers + summary.merged).toBe(customerRows.length);
        for (const { line, row } of dataLines) {
          if (!rejected.has(line)) continue;
          // Only a row with no usable target and no company name is rejected.
          expect({ line, name: row.name, domains: row.domains.filter((c) => c.domain), emails: row.emails.filter((c) => c.emails) }).toEqual({ line, name: l.name ? '' : row.name, domains: [], emails: [] });
        }
        const targets = new Set<string>();
        for (const { row } of customerRows) {
          const firstDomain = row.domains.find((c) => c.domain)?.domain;
          if (firstDomain) targets.add(firstDomain);
          for (const c of row.emails) for (const e of c.emails ?? []) targets.add(e);
        }
        const outcomes = await checker.checkMany(client.slug, [...targets]);
        expect(outcomes.filter((o) => !('suppressed' in o) || !o.suppressed).map((o) => o.input)).toEqual([]);
        // A mail provider typed as a website is never suppressed as a domain.
        const providers = [...new Set(rows.flatMap((r) => r.domains.flatMap((c) => (c.provider ? [c.provider] : []))))];
        const providerOutcomes = await checker.checkMany(client.slug, providers);
        expect(providerOutcomes.filter((o) => 'suppressed' in o && o.suppressed).map((o) => o.input)).toEqual([]);
      }),
      { numRuns: RUNS },
    );
  });
});
