// The import's set-based merge and upserts against a plain model of the rules (SPEC §7), over
// random files imported one after another into the same client, on the embedded database:
// rows of one natural key merge to the first non-empty value per field; company, domain and
// status are replaced, other fields keep what is stored where the file has none; every customer
// with a domain or email has its entry, with the reason of its status — unless a live manual
// entry was there first (it keeps its reason; an expired one is taken over); an active customer's
// entry never expires (an import clears a manual expiry, as an update); counts say what happened.
// On each engine under test (the embedded database always, the server when it answers).
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { autoMapColumns } from '../../src/domain/column-mapping.js';
import { normalizeCustomerRow, type CustomerRecord } from '../../src/domain/customer-row.js';
import { makeDateParser, ValueError } from '../../src/domain/values.js';
import { ClientService } from '../../src/services/client-service.js';
import { CustomerImportService } from '../../src/services/customer-import-service.js';
import { enginesUnderTest, freshDatabase, type FreshDatabase } from '../helpers/databases.js';

const RUNS = process.env.AOS_STRESS === '1' ? 60 : 12;

const HEADER = ['Company', 'Website', 'Contact Email', 'Industry', 'Status', 'Deal Size'];
// Small alphabets, so that keys repeat within a file and across files.
const row = fc.tuple(
  fc.constantFrom('Acme', 'Beta Ltd', 'Gamma', ''),
  fc.constantFrom('acme.com', 'https://www.acme.com/x', 'beta.co.uk', 'shop.beta.co.uk', 'gmail.com', 'not a domain!', ''),
  fc.constantFrom('ann@acme.com', 'bob@gmail.com', 'cy@outlook.com', 'bad@', ''),
  fc.constantFrom('Retail', 'Legal', ''),
  fc.constantFrom('active', 'churned', ''),
  fc.constantFrom('1500', '$2,000.00', ''),
);
const file = fc.array(row, { minLength: 1, maxLength: 12 });
// Entries added by hand before the imports, live or expired, on targets the files can hit.
const manualEntry = fc.record({
  target: fc.constantFrom('acme.com', 'beta.co.uk', 'bob@gmail.com', 'other.io'),
  reason: fc.constantFrom('partner', 'unsubscribed', 'existing_customer'),
  expired: fc.boolean(),
});

interface Entry {
  reason: string;
  /** Taken over by imports: its reason follows the customer's status. */
  followsImport: boolean;
  /** Has an expiry (live or past). */
  expires: boolean;
  customerKey: string | null;
}

interface Stored {
  company_name: string;
  domain: string | null;
  status: string;
  industry: string | null;
  contact_email: string | null;
  deal_value: number | null;
}

const csvOf = (rows: string[][]) => [HEADER, ...rows].map((r) => r.map((v) => `"${v}"`).join(',')).join('\n');

/**
 * What one import should do to `stored` (natural key → customer) and `entries` (target → entry),
 * and the counts it should report.
 */
function model(rows: string[][], stored: Map<string, Stored>, entries: Map<string, Entry>) {
  const mapping = autoMapColumns(HEADER);
  const ctx = { parseDate: makeDateParser(), defaultStatus: null };
  const merged = new Map<string, CustomerRecord>();
  let valid = 0;
  let rejected = 0;
  for (const fields of rows) {
    let r: CustomerRecord;
    try {
      r = normalizeCustomerRow(fields, mapping, ctx);
    } catch (e) {
      if (!(e instanceof ValueError)) throw e;
      rejected++;
      continue;
    }
    valid++;
    const first = merged.get(r.naturalKey);
    if (!first) merged.set(r.naturalKey, { ...r });
    else for (const k of Object.keys(r) as Array<keyof CustomerRecord>) if (first[k] === null) (first as unknown as Record<string, unknown>)[k] = r[k];
  }
  const counts = { inserted: 0, updated: 0, unchanged: 0, merged: valid - merged.size, rejected, suppressions_added: 0, suppressions_updated: 0 };
  for (const [key, m] of merged) {
    const before = stored.get(key);
    const after: Stored = {
      company_name: m.companyName,
      domain: m.domain,
      status: m.status,
      industry: m.industry ?? before?.industry ?? null,
      contact_email: m.contactEmail ?? before?.contact_email ?? null,
      deal_value: m.dealValue !== null ? Number(m.dealValue) : (before?.deal_value ?? null),
    };
    if (!before) counts.inserted++;
    else if (JSON.stringify(before) !== JSON.stringify(after)) counts.updated++;
    else counts.unchanged++;
    stored.set(key, after);
    if (key.startsWith('n:')) continue;
    const target = key.slice(2);
    const reason = after.status === 'churned' ? 'past_customer' : 'existing_customer';
    const entry = entries.get(target);
    if (!entry) {
      counts.suppressions_added++;
      entries.set(target, { reason, followsImport: true, expires: false, customerKey: key });
      continue;
    }
    // A taken-over entry loses its expiry; so does any entry of an active customer.
    const clears = entry.expires && (entry.followsImport || reason === 'existing_customer');
    if ((entry.followsImport && entry.reason !== reason) || clears) counts.suppressions_updated++;
    entries.set(target, { reason: entry.followsImport ? reason : entry.reason, followsImport: entry.followsImport, expires: entry.expires && !clears, customerKey: key });
  }
  return counts;
}

for (const engine of enginesUnderTest()) describe(`import against a model of its rules [${engine}]`, () => {
  let fresh: FreshDatabase;
  let db: Database;
  let n = 0;

  beforeAll(async () => {
    fresh = await freshDatabase(engine);
    db = fresh.db;
  });
  afterAll(async () => fresh.dispose());

  it('customers, entries and counts match the model over successive random files', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(manualEntry, { selector: (e) => e.target, maxLength: 3 }), fc.array(file, { minLength: 1, maxLength: 3 }), async (manual, files) => {
        const { client } = await new ClientService(db).add({ slug: `m${++n}` });
        const stored = new Map<string, Stored>();
        const entries = new Map<string, Entry>();
        for (const m of manual) {
          // Written directly: the service refuses expiry dates in the past.
          await db.query(
            `insert into suppression_list (client_id, ${m.target.includes('@') ? 'email' : 'domain'}, reason, source, expires_at) values ($1, $2, $3, 'manual', $4::timestamptz)`,
            [client.id, m.target, m.reason, m.expired ? '2020-01-01T00:00:00Z' : '2099-01-01T00:00:00Z'],
          );
          entries.set(m.target, { reason: m.reason, followsImport: m.expired, expires: true, customerKey: null });
        }
        for (const rows of files) {
          const expected = model(rows, stored, entries);
          const summary = await new CustomerImportService({ db }).import({ client: client.slug, input: Readable.from([Buffer.from(csvOf(rows))]), fileName: 'm.csv' });
          expect(summary).toMatchObject(expected);

          const customers = await db.query<Stored & { natural_key: string; id: string }>(
            `select id, natural_key, company_name, domain, status, industry, contact_email, deal_value::float8 as deal_value
               from client_customers where client_id = $1 order by natural_key`,
            [client.id],
          );
          expect(Object.fromEntries(customers.map(({ natural_key, id: _id, ...c }) => [natural_key, c]))).toEqual(Object.fromEntries([...stored].sort(([a], [b]) => (a < b ? -1 : 1))));

          const actualEntries = await db.query<{ target: string; reason: string; expires: boolean; customer_id: string | null }>(
            `select coalesce(domain, email) as target, reason, expires_at is not null as expires, customer_id from suppression_list where client_id = $1 order by 1`,
            [client.id],
          );
          const idOf = new Map(customers.map((c) => [c.natural_key, c.id]));
          const expectedEntries = [...entries]
            .map(([target, e]) => ({ target, reason: e.reason, expires: e.expires, customer_id: e.customerKey ? idOf.get(e.customerKey) : null }))
            .sort((a, b) => (a.target < b.target ? -1 : 1));
          expect(actualEntries).toEqual(expectedEntries);
        }
      }),
      { numRuns: RUNS },
    );
  });
});
