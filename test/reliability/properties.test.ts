// Property tests over random multi-client data, on the embedded database in-process.
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { coveringDomains, normalizeTarget } from '../../src/domain/targets.js';
import { BuyerSignalService } from '../../src/services/buyer-signal-service.js';
import { ClientService } from '../../src/services/client-service.js';
import { CustomerImportService } from '../../src/services/customer-import-service.js';
import { SuppressionService, type CheckResult } from '../../src/services/suppression-service.js';
import { freshDatabase, type FreshDatabase } from '../helpers/databases.js';

const RUNS = process.env.AOS_STRESS === '1' ? 60 : 12;

// Hosts built from a small alphabet, so that random entries and targets often meet.
const label = fc.constantFrom('a', 'b', 'shop', 'eu', 'www2');
const base = fc.constantFrom('acme.com', 'acme.co.uk', 'beta.io', 'acme.github.io', 'gamma.com.au');
const host = fc.tuple(fc.array(label, { maxLength: 3 }), base).map(([labels, b]) => [...labels, b].join('.'));
const email = fc.tuple(fc.constantFrom('ann', 'bob', 'cy'), fc.oneof(host, fc.constantFrom('gmail.com', 'outlook.com'))).map(([u, h]) => `${u}@${h}`);
const target = fc.oneof(host, email);
const entries = fc.array(fc.oneof(host, email.filter((e) => !e.endsWith('@gmail.com'))), { maxLength: 6 });

describe('properties', () => {
  let fresh: FreshDatabase;
  let db: Database;
  let n = 0;

  beforeAll(async () => {
    fresh = await freshDatabase('embedded');
    db = fresh.db;
  });
  afterAll(async () => fresh.dispose());

  const newClient = async () => (await new ClientService(db).add({ slug: `p${++n}` })).client.slug;
  const addAll = async (client: string, values: string[]) => {
    if (values.length) await new SuppressionService({ db }).add({ client, targets: values.map((value) => ({ value })), reason: 'competitor', force: true });
  };

  it("one client's entries never change another client's answers", async () => {
    await fc.assert(
      fc.asyncProperty(entries, entries, fc.array(target, { minLength: 1, maxLength: 8 }), async (mine, theirs, targets) => {
        const a = await newClient();
        const b = await newClient();
        await addAll(a, mine);
        const service = new SuppressionService({ db });
        const before = await service.checkMany(a, targets);
        await addAll(b, theirs);
        expect(await service.checkMany(a, targets)).toEqual(before);
      }),
      { numRuns: RUNS },
    );
  });

  it('a domain entry covers exactly its subtree (down to the registrable domain)', async () => {
    await fc.assert(
      fc.asyncProperty(host, target, async (entry, t) => {
        const client = await newClient();
        await addAll(client, [entry]);
        const result = (await new SuppressionService({ db }).isSuppressed(client, t)) as CheckResult;
        const normalizedEntry = normalizeTarget(entry).value;
        expect(result.suppressed).toBe(coveringDomains(normalizeTarget(t)).includes(normalizedEntry));
      }),
      { numRuns: RUNS * 3 },
    );
  });

  const customerRow = fc.record({
    company: fc.constantFrom('Acme', 'Beta', 'Gamma Pty'),
    website: fc.oneof(host, fc.constant('')),
    contact: fc.string({ minLength: 3, maxLength: 12 }).map((s) => `Secret ${s.replace(/[",\r\n]/g, 'x')}`),
    email: fc.oneof(email, fc.constant('')),
    deal: fc.nat({ max: 20000 }),
  });
  const toCsv = (rows: Array<{ company: string; website: string; contact: string; email: string; deal: number }>) =>
    ['Company,Website,Contact Name,Contact Email,Deal Size', ...rows.map((r) => `"${r.company}",${r.website},"${r.contact}",${r.email},${r.deal}`)].join('\n');
  const importCsv = (client: string, csv: string) =>
    new CustomerImportService({ db }).import({ client, input: Readable.from([Buffer.from(csv)]), fileName: 'p.csv' });

  it('signals never carry a client id, contact name or email; re-import is idempotent', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(customerRow, { minLength: 1, maxLength: 10 }), fc.array(customerRow, { maxLength: 10 }), async (rowsA, rowsB) => {
        const a = await newClient();
        const b = await newClient();
        const first = await importCsv(a, toCsv(rowsA));
        await importCsv(b, toCsv(rowsB));
        const again = await importCsv(a, toCsv(rowsA));
        expect(again).toMatchObject({ inserted: 0, updated: 0, unchanged: first.inserted + first.updated + first.unchanged, suppressions_added: 0 });
        await new BuyerSignalService({ db }).rebuild();
        const signals = JSON.stringify(await db.query('select * from platform_buyer_signals'));
        const ids = (await db.query<{ id: string }>('select id from clients')).map((r) => r.id);
        for (const secret of [...ids, ...rowsA.map((r) => r.contact), ...rowsB.map((r) => r.contact), ...[...rowsA, ...rowsB].map((r) => r.email).filter(Boolean)]) {
          expect(signals).not.toContain(secret);
        }
      }),
      { numRuns: RUNS },
    );
  });
});
