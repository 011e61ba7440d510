// The import's set-based merge and upserts against a plain model of the rules (SPEC §7), over
// random files imported one after another into the same client:
// blank rows and rows whose status maps to skip are skipped; a value that does not parse is
// dropped (counted) and its row kept; rows of one natural key merge to the first non-empty value
// per field, but active when any row says so; company, domain and status are replaced, other fields keep what is stored where the
// file has none; a customer stored by name alone takes the key of a later row with that name and
// a domain or email, and a row without a domain takes the key of the one stored customer of its name
// that has one; every customer with a domain has its domain entry, and every contact email
// the domain does not cover (webmail, another domain, no domain) its email entry, with the reason
// of its customer's status — unless a live manual entry was there first (it keeps its reason, but
// loses its expiry when the customer is active; an expired one is taken over); counts say what
// happened.
// On each engine under test (the embedded database always, the server when it answers).
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { autoMapColumns, type ColumnMapping } from '../../src/domain/column-mapping.js';
import { normalizeCustomerRow, type CustomerRecord, type RowOutcome } from '../../src/domain/customer-row.js';
import { makeDateParser, normalizeCompanyName, ValueError } from '../../src/domain/values.js';
import { ClientService } from '../../src/services/client-service.js';
import { CustomerImportService } from '../../src/services/import/customer-import-service.js';
import { enginesUnderTest, freshDatabase, type FreshDatabase } from '../helpers/databases.js';

const RUNS = process.env.AOS_STRESS === '1' ? 60 : 12;

const HEADER = ['Company', 'Website', 'Contact Email', 'Industry', 'Status', 'Deal Size'];
// Small alphabets, so that keys repeat within a file and across files.
const row = fc.tuple(
  fc.constantFrom('Acme', 'Beta Ltd', 'Gamma', ''),
  fc.constantFrom('acme.com', 'https://www.acme.com/x', 'beta.co.uk', 'shop.beta.co.uk', 'gmail.com', 'not a domain!', ''),
  fc.constantFrom('ann@acme.com', 'bob@gmail.com', 'cy@outlook.com', 'dee@beta.co.uk', 'bad@', ''),
  fc.constantFrom('Retail', 'Legal', ''),
  fc.constantFrom('active', 'churned', 'Prospect', ''),
  fc.constantFrom('1500', '$2,000.00', 'TBC', ''),
);
const file = fc.array(row, { minLength: 1, maxLength: 12 });
// Entries added by hand before the imports, live or expired, on targets the files can hit.
const manualEntry = fc.record({
  target: fc.constantFrom('acme.com', 'beta.co.uk', 'bob@gmail.com', 'cy@outlook.com', 'other.io'),
  reason: fc.constantFrom('partner', 'unsubscribed', 'existing_customer'),
  expiry: fc.constantFrom('none', 'live', 'expired'),
});

interface Entry {
  reason: string;
  /** Taken over by imports: its reason follows the customer's status. */
  followsImport: boolean;
  customerKey: string | null;
  /** A live expiry (expired ones are taken over, so they follow the import). */
  expires: boolean;
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

const reasonOf = (status: string) => (status === 'churned' ? 'past_customer' : 'existing_customer');

/**
 * What one import should do to `stored` (natural key → customer) and `entries` (target → entry),
 * and the counts it should report.
 */
function model(rows: string[][], stored: Map<string, Stored>, entries: Map<string, Entry>, remembered: { mapping?: ColumnMapping }) {
  // The first import confirms the mapping by its first rows (up to 16 read with the header); the
  // next ones of the same header set take the remembered mapping.
  remembered.mapping ??= autoMapColumns(HEADER, rows.slice(0, 16).filter((r) => r.some((f) => f.trim() !== '')));
  const mapping = remembered.mapping;
  const ctx = { parseDate: makeDateParser(), defaultStatus: null };
  const merged = new Map<string, CustomerRecord>();
  const emailRows: Array<{ email: string; key: string }> = [];
  let valid = 0;
  let rejected = 0;
  let skipped = 0;
  let dropped = 0;
  for (const fields of rows) {
    if (fields.every((f) => f.trim() === '')) {
      skipped++;
      continue;
    }
    let outcome: RowOutcome;
    try {
      outcome = normalizeCustomerRow(fields, mapping, ctx);
    } catch (e) {
      if (!(e instanceof ValueError)) throw e;
      rejected++;
      continue;
    }
    if (outcome.kind !== 'customer') {
      expect(outcome.kind).toBe('skip');
      skipped++;
      continue;
    }
    const r = outcome.record;
    dropped += outcome.warnings.length;
    valid++;
    // A row without a company domain whose name is that of exactly one stored customer with a
    // domain or email key (and a printable ASCII name) is that customer, unless its own key is stored.
    if (!r.naturalKey.startsWith('d:') && r.nameKey !== null && !stored.has(r.naturalKey)) {
      const same = [...stored.entries()].filter(([k, c]) => !k.startsWith('n:') && /^[ -~]*$/.test(c.company_name) && normalizeCompanyName(c.company_name) === r.nameKey);
      const [only] = same;
      if (same.length === 1 && only && only[0] !== r.naturalKey) {
        r.naturalKey = only[0];
        if (only[0].startsWith('d:')) r.domain = only[0].slice(2);
      }
    }
    for (const email of r.emailEntries ?? []) emailRows.push({ email, key: r.naturalKey });
    const first = merged.get(r.naturalKey);
    if (!first) merged.set(r.naturalKey, { ...r });
    else {
      for (const k of Object.keys(r) as Array<keyof CustomerRecord>) if (first[k] === null) (first as unknown as Record<string, unknown>)[k] = r[k];
      // A name a row gave wins over one derived from the domain or address of an earlier row.
      if (first.nameDerived && !r.nameDerived) {
        first.companyName = r.companyName;
        first.nameDerived = false;
      }
      // A customer any of whose rows says active is active (its entry never expires).
      if (r.status === 'active') first.status = 'active';
    }
  }
  const counts = { inserted: 0, updated: 0, unchanged: 0, merged: valid - merged.size, rejected, skipped, values_dropped: dropped, suppressions_added: 0, suppressions_updated: 0 };

  // Customers stored by name alone take the key of this file's customer of that name (the
  // smallest key when several claim it), unless that key is stored already.
  const claims = new Map<string, string>();
  for (const [key, m] of merged) {
    if (key.startsWith('n:') || m.nameKey === null) continue;
    const claimed = claims.get(m.nameKey);
    if (claimed === undefined || key < claimed) claims.set(m.nameKey, key);
  }
  const rekeyed = new Set<string>();
  for (const [name, key] of claims) {
    const named = stored.get(`n:${name}`);
    if (!named || stored.has(key)) continue;
    stored.delete(`n:${name}`);
    stored.set(key, { ...named, domain: merged.get(key)?.domain ?? null });
    rekeyed.add(key);
  }

  for (const [key, m] of merged) {
    const before = stored.get(key);
    const after: Stored = {
      // A name derived from the domain or address names a new customer, never renames a stored one.
      company_name: m.nameDerived && before ? before.company_name : m.companyName,
      domain: m.domain,
      status: m.status,
      industry: m.industry ?? before?.industry ?? null,
      contact_email: m.contactEmail ?? before?.contact_email ?? null,
      deal_value: m.dealValue !== null ? Number(m.dealValue) : (before?.deal_value ?? null),
    };
    if (!before) counts.inserted++;
    else if (rekeyed.has(key) || JSON.stringify(before) !== JSON.stringify(after)) counts.updated++;
    else counts.unchanged++;
    stored.set(key, after);
  }

  // Entries: domain entries of the customers with a domain, then email entries (first row wins).
  const entryTargets: Array<[string, string]> = [];
  for (const key of merged.keys()) if (key.startsWith('d:')) entryTargets.push([key.slice(2), key]);
  const seen = new Set<string>();
  for (const { email, key } of emailRows) {
    if (seen.has(email)) continue;
    seen.add(email);
    entryTargets.push([email, key]);
  }
  for (const [target, key] of entryTargets) {
    const status = (stored.get(key) as Stored).status;
    const reason = reasonOf(status);
    const entry = entries.get(target);
    if (!entry) {
      counts.suppressions_added++;
      entries.set(target, { reason, followsImport: true, customerKey: key, expires: false });
      continue;
    }
    let expires = entry.expires;
    if (expires && status === 'active') {
      counts.suppressions_updated++;
      expires = false;
    }
    if (entry.followsImport && entry.reason !== reason) counts.suppressions_updated++;
    entries.set(target, { reason: entry.followsImport ? reason : entry.reason, followsImport: entry.followsImport, customerKey: key, expires });
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
        const remembered: { mapping?: ColumnMapping } = {};
        for (const m of manual) {
          // Written directly: the service refuses expiry dates in the past.
          const expiresAt = { none: null, live: '2099-01-01T00:00:00Z', expired: '2020-01-01T00:00:00Z' }[m.expiry];
          await db.query(
            `insert into suppression_list (client_id, ${m.target.includes('@') ? 'email' : 'domain'}, reason, source, expires_at) values ($1, $2, $3, 'manual', $4::timestamptz)`,
            [client.id, m.target, m.reason, expiresAt],
          );
          entries.set(m.target, { reason: m.reason, followsImport: m.expiry === 'expired', customerKey: null, expires: m.expiry === 'live' });
        }
        for (const rows of files) {
          const expected = model(rows, stored, entries, remembered);
          const summary = await new CustomerImportService({ db }).import({ client: client.slug, input: Readable.from([Buffer.from(csvOf(rows))]), fileName: 'm.csv' });
          expect(summary).toMatchObject(expected);

          const customers = await db.query<Stored & { natural_key: string; id: string }>(
            `select id, natural_key, company_name, domain, status, industry, contact_email, deal_value::float8 as deal_value
               from client_customers where client_id = $1 order by natural_key`,
            [client.id],
          );
          expect(Object.fromEntries(customers.map(({ natural_key, id: _id, ...c }) => [natural_key, c]))).toEqual(Object.fromEntries([...stored].sort(([a], [b]) => (a < b ? -1 : 1))));

          const actualEntries = await db.query<{ target: string; reason: string; customer_id: string | null; expires: boolean }>(
            `select coalesce(domain, email) as target, reason, customer_id, (expires_at is not null and expires_at > now()) as expires
               from suppression_list where client_id = $1 order by 1`,
            [client.id],
          );
          const idOf = new Map(customers.map((c) => [c.natural_key, c.id]));
          const expectedEntries = [...entries]
            .map(([target, e]) => ({ target, reason: e.reason, customer_id: e.customerKey ? idOf.get(e.customerKey) : null, expires: e.expires }))
            .sort((a, b) => (a.target < b.target ? -1 : 1));
          expect(actualEntries).toEqual(expectedEntries);
        }
      }),
      { numRuns: RUNS },
    );
  });
});
