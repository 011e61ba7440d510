// Property tests over random multi-client data, in-process: on the embedded database, and the
// safety properties of issue 15 on both engines.
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { coveringDomains, normalizeTarget } from '../../src/domain/targets.js';
import { BuyerSignalService } from '../../src/services/buyer-signal-service.js';
import { ClientService, type ClientRef } from '../../src/services/client-service.js';
import { CustomerImportService } from '../../src/services/import/customer-import-service.js';
import { SuppressionService, type CheckResult } from '../../src/services/suppression-service.js';
import { enginesUnderTest, freshDatabase, type FreshDatabase } from '../helpers/databases.js';

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

// Issue 15: the promises that must hold whatever sequence of calls comes, on both engines.
const SAFETY_RUNS = process.env.AOS_STRESS === '1' ? 40 : 8;
const OPT_OUTS = ['unsubscribed', 'do_not_contact', 'bounced'];
const REASONS = ['existing_customer', 'past_customer', 'competitor', 'partner', ...OPT_OUTS];

for (const engine of enginesUnderTest()) {
  describe(`safety properties [${engine}]`, () => {
    let fresh: FreshDatabase;
    let db: Database;
    let n = 0;
    beforeAll(async () => {
      fresh = await freshDatabase(engine);
      db = fresh.db;
    });
    afterAll(async () => fresh.dispose());

    type Entry = { target: string; reason: string; expires_at: string | null };
    const entries = async (client: string): Promise<Map<string, Entry>> => {
      const out = new Map<string, Entry>();
      for await (const e of new SuppressionService({ db }).list({ client, includeExpired: true })) out.set(e.target, e);
      return out;
    };

    const pool = ['keep.com', 'shop.keep.com', 'other.io', 'ann@person.com', 'bob@gmail.com'];
    const op = fc.oneof(
      fc.record({
        kind: fc.constant('add' as const),
        targets: fc.subarray(pool, { minLength: 1 }),
        reason: fc.constantFrom(...REASONS),
        days: fc.constantFrom(null, 1, 30, 365),
      }),
      fc.record({
        kind: fc.constant('import' as const),
        rows: fc.array(fc.record({ website: fc.constantFrom('keep.com', 'other.io', ''), email: fc.constantFrom('ann@person.com', 'bob@gmail.com', ''), status: fc.constantFrom('active', 'churned') }), { minLength: 1, maxLength: 3 }),
      }),
      fc.record({ kind: fc.constant('remove' as const), targets: fc.subarray(pool, { minLength: 1 }) }),
    );

    it('no sequence of adds, imports and removes without force weakens an opt-out or a permanent entry', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 6 }), async (ops) => {
          const client = (await new ClientService(db).add({ slug: `w${engine[0]}${++n}` })).client.slug;
          const service = new SuppressionService({ db });
          for (const o of ops) {
            const before = await entries(client);
            try {
              if (o.kind === 'add') {
                await service.add({ client, targets: o.targets.map((value) => ({ value })), reason: o.reason, expiresAt: o.days === null ? null : new Date(Date.now() + o.days * 86_400_000) });
              } else if (o.kind === 'remove') {
                await service.remove({ client, targets: o.targets.map((value) => ({ value })) });
              } else {
                const csv = ['Company,Website,Contact Email,Status', ...o.rows.map((r, i) => `Co ${i},${r.website},${r.email},${r.status}`)].join('\n');
                await new CustomerImportService({ db }).import({ client, input: Readable.from([Buffer.from(csv)]), fileName: 'w.csv' });
              }
            } catch (e) {
              expect(e).toMatchObject({ name: 'AosError' });
              expect(await entries(client)).toEqual(before); // a refused call wrote nothing
              continue;
            }
            const after = await entries(client);
            for (const [target, was] of before) {
              const now = after.get(target);
              if (OPT_OUTS.includes(was.reason)) expect(now, `${target} opt-out kept`).toMatchObject({ reason: was.reason });
              if (was.expires_at === null && now) expect(now.expires_at, `${target} stays permanent`).toBeNull();
              if (was.expires_at !== null && now?.expires_at && new Date(was.expires_at) > new Date()) {
                expect(new Date(now.expires_at).getTime(), `${target} expiry not earlier`).toBeGreaterThanOrEqual(new Date(was.expires_at).getTime());
              }
            }
          }
        }),
        { numRuns: SAFETY_RUNS },
      );
    });

    it('a call acts on exactly the client its reference names, or fails', async () => {
      const hex = fc.stringMatching(/^[0-9a-f]{8}$/);
      const slugLike = fc.oneof(fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,10}$/), hex, fc.uuid());
      await fc.assert(
        fc.asyncProperty(fc.uniqueArray(slugLike, { minLength: 2, maxLength: 3 }), fc.array(fc.nat(), { minLength: 1, maxLength: 6 }), fc.uuid(), async (slugs, picks, stranger) => {
          const clients: ClientRef[] = [];
          for (const slug of slugs) {
            const unique = `${slug}-${engine[0]}${++n}`.slice(-63);
            try {
              clients.push((await new ClientService(db).add({ slug: /^[0-9a-f-]{36}$/.test(slug) ? slug : unique })).client);
            } catch (e) {
              expect(e).toMatchObject({ code: 'input' }); // uuid-shaped slugs are refused
            }
          }
          if (clients.length === 0) return;
          const refs = clients.flatMap((c) => [c.slug, c.id, c.id.toUpperCase(), ` ${c.slug} `, c.id.replace(/-/g, '')]).concat([stranger, `${clients[0]?.id.slice(0, 35)}0`]);
          const service = new SuppressionService({ db });
          for (const pick of picks) {
            const ref = refs[pick % refs.length] as string;
            const key = ref.trim().toLowerCase();
            const named = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(key) ? clients.find((c) => c.id === key) : clients.find((c) => c.slug === key);
            const target = `t${++n}.target-co.com`;
            try {
              await service.add({ client: ref, targets: [{ value: target }], reason: 'competitor' });
            } catch (e) {
              expect(e).toMatchObject({ name: 'AosError', code: 'usage' });
              if (named === undefined) continue; // an unknown client must fail
              throw e;
            }
            const owners = await db.query<{ client_id: string }>('select client_id from suppression_list where domain = $1', [target]);
            expect(named, `${ref} names a client`).toBeDefined();
            expect(owners.map((o) => o.client_id)).toEqual([named?.id]);
            expect(await service.checkMany(ref, [target])).toMatchObject([{ suppressed: true }]);
          }
        }),
        { numRuns: SAFETY_RUNS },
      );
    });

    it('signals link no single-client domains: months only, four fields below k, and the boost does not depend on k', async () => {
      const domains = ['alpha.com', 'beta.io', 'gamma.co.uk', 'delta.com.au', 'eps.net'];
      const customer = fc.record({
        domain: fc.constantFrom(...domains),
        company: fc.constantFrom('Alpha', 'Beta', 'Gamma', 'Delta'),
        industry: fc.constantFrom('Retail', 'Falconry', ''),
        deal: fc.constantFrom('', '900', '7000', '12345.67'),
        services: fc.constantFrom('', 'seo', 'seo; ppc', 'tiktok-ads'),
        since: fc.constantFrom('', '2021-03-17', '2024-11-30'),
      });
      await fc.assert(
        fc.asyncProperty(fc.array(fc.array(customer, { maxLength: 5 }), { minLength: 1, maxLength: 4 }), async (files) => {
          await db.query('delete from client_customers');
          await db.query('delete from platform_buyer_signals');
          for (const rows of files) {
            const client = (await new ClientService(db).add({ slug: `s${engine[0]}${++n}`, services: ['tiktok-ads'] })).client.slug;
            const csv = ['Company,Website,Industry,Deal Size,Services,Customer Since', ...rows.map((r) => `${r.company},${r.domain},${r.industry},${r.deal},"${r.services}",${r.since}`)].join('\n');
            await new CustomerImportService({ db }).import({ client, input: Readable.from([Buffer.from(csv)]), fileName: 's.csv' });
          }
          const monthStart = /^\d{4}-\d{2}-01T00:00:00\.000Z$/;
          const stored = await db.query<{ first_seen_at: unknown; last_converted_at: unknown; updated_at: unknown }>('select first_seen_at, last_converted_at, updated_at from platform_buyer_signals');
          for (const r of stored) for (const v of [r.first_seen_at, r.last_converted_at, r.updated_at]) if (v !== null) expect(new Date(v as string).toISOString()).toMatch(monthStart);
          const at = (k: number) => new BuyerSignalService({ db, minClients: k });
          const shown = [...(await at(3).show(domains)), ...(await at(3).top(100))];
          for (const s of shown) {
            if (!('times_bought' in s)) continue;
            if (s.times_bought < 3) expect(Object.keys(s).sort()).toEqual(['buyer_boost', 'buyer_score', 'domain', 'times_bought']);
            for (const v of Object.values(s)) if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(v)) expect(v).toMatch(monthStart);
          }
          const boosts = async (k: number) => Promise.all(domains.map((d) => at(k).getScoreBoost(d)));
          const k3 = await boosts(3);
          for (const k of [1, 2, 5]) expect(await boosts(k)).toEqual(k3);
          const scoresAt = async (k: number) => (await at(k).top(100)).map((s) => [s.domain, s.buyer_score, s.buyer_boost]);
          expect(await scoresAt(1)).toEqual(await scoresAt(3));
        }),
        { numRuns: SAFETY_RUNS },
      );
    });
  });
}
