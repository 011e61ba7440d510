import { Readable } from 'node:stream';
import fc from 'fast-check';
import { beforeAll, expect, it } from 'vitest';
import { AgencyListService } from '../../src/services/agency-list-service.js';
import { ClientService } from '../../src/services/client-service.js';
import { CustomerImportService } from '../../src/services/import/customer-import-service.js';
import { ExplainService, type Explanation } from '../../src/services/explain-service.js';
import { SuppressionService, type CheckResult } from '../../src/services/suppression-service.js';
import { whoSuppresses } from '../../src/services/suppression-who-service.js';
import { AGENCY_WIDE_CLIENT_ID } from '../../src/db/schema-constants.js';
import { describeEachDatabase } from '../helpers/databases.js';

type Explained = CheckResult & { explain: Explanation };

describeEachDatabase('agency-wide list and explain', ({ db }) => {
  let agency: AgencyListService;
  let suppress: SuppressionService;
  let explain: ExplainService;
  const one = async (client: string, target: string) => (await explain.explain(client, [target]))[0] as Explained;

  beforeAll(async () => {
    for (const slug of ['acme', 'beta']) await new ClientService(db()).add({ slug });
    agency = new AgencyListService({ db: db(), actor: 'ops-anna' });
    suppress = new SuppressionService({ db: db(), actor: 'ops-bob' });
    explain = new ExplainService({ db: db() });
    await new CustomerImportService({ db: db(), actor: 'importer' }).import({
      client: 'acme',
      input: Readable.from([Buffer.from('Company,Website,Contact Email\nBuildRight,buildright.com.au,sarah@buildright.com.au\n')]),
      fileName: 'crm-export.csv',
    });
  });

  it('agency-wide entries: added, listed, audited without a client, held for every client', async () => {
    expect(await agency.add({ targets: [{ value: 'complainer@bigcorp.com' }], reason: 'do_not_contact', note: 'legal request' })).toMatchObject({ client: '(all clients)', added: 1 });
    const listed = [];
    for await (const e of agency.list()) listed.push(e);
    expect(listed).toMatchObject([{ target: 'complainer@bigcorp.com', reason: 'do_not_contact', notes: 'legal request', created_by: 'ops-anna', all_clients: true }]);
    for (const client of ['acme', 'beta']) expect(await suppress.isSuppressed(client, 'Complainer@BigCorp.com')).toMatchObject({ suppressed: true, all_clients: true });
    const [event] = await db().query<Record<string, unknown>>(`select client_id, action, actor from suppression_events where target = 'complainer@bigcorp.com'`);
    expect(event).toEqual({ client_id: AGENCY_WIDE_CLIENT_ID, action: 'add', actor: 'ops-anna' });
    const who = await whoSuppresses(db(), 'complainer@bigcorp.com');
    expect(who.clients.map((m) => m.client)).toEqual(['(all clients)']);
  });

  it('never weakened silently, and an opt-out is removed only with force', async () => {
    await expect(agency.add({ targets: [{ value: 'complainer@bigcorp.com' }], reason: 'competitor' })).rejects.toThrow(/reason do_not_contact → competitor/);
    await expect(agency.add({ targets: [{ value: 'complainer@bigcorp.com' }], reason: 'do_not_contact', expiresAt: new Date(Date.now() + 86_400_000) })).rejects.toThrow(/expiry never →/);
    await expect(agency.add({ targets: [{ value: 'gmail.com' }], reason: 'competitor' })).rejects.toThrow(/free-mail/);
    await expect(agency.remove({ targets: [{ value: 'complainer@bigcorp.com' }] })).rejects.toThrow(/legal opt-out/);
    await agency.add({ targets: [{ value: 'temp.io' }], reason: 'competitor' });
    expect(await agency.remove({ targets: [{ value: 'temp.io' }, { value: 'never.io' }] })).toMatchObject({ removed: [{ target: 'temp.io' }], not_found: ['never.io'] });
    expect(await suppress.isSuppressed('beta', 'temp.io')).toMatchObject({ suppressed: false });
  });

  it("takes no target a client's list would refuse: a page on a platform, an expiry that has passed or is not a date", async () => {
    const events = async () => (await db().query<{ n: number }>('select count(*)::int as n from suppression_events'))[0]?.n;
    const before = await events();
    await expect(agency.add({ targets: [{ value: 'https://www.facebook.com/acme' }], reason: 'competitor' })).rejects.toMatchObject({ code: 'input', message: expect.stringContaining('a page on a platform') });
    await expect(agency.add({ targets: [{ value: 'past.io' }], reason: 'competitor', expiresAt: new Date(Date.now() - 1000) })).rejects.toMatchObject({ code: 'usage' });
    await expect(agency.add({ targets: [{ value: 'past.io' }], reason: 'competitor', expiresAt: new Date(Number.NaN) })).rejects.toMatchObject({ code: 'usage' });
    expect(await events()).toBe(before);
    expect(await suppress.isSuppressed('acme', 'facebook.com')).toMatchObject({ suppressed: false });
  });

  it("tenant property: one client's entries never reach another client's check; agency-wide ones reach all", async () => {
    const host = fc.tuple(fc.constantFrom('', 'a.', 'shop.'), fc.constantFrom('t1.com', 't2.io', 't3.co.uk')).map(([p, b]) => p + b);
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(host, { minLength: 1, maxLength: 4 }), fc.array(host, { minLength: 1, maxLength: 6 }), async (mine, targets) => {
        const a = (await new ClientService(db()).add({ slug: `ta${++n}` })).client.slug;
        const b = (await new ClientService(db()).add({ slug: `tb${n}` })).client.slug;
        const before = await suppress.checkMany(b, targets);
        await suppress.add({ client: a, targets: mine.map((value) => ({ value })), reason: 'existing_customer' });
        expect(await suppress.checkMany(b, targets)).toEqual(before);
      }),
      { numRuns: 8 },
    );
  });

  it('explains an imported entry: covers by email domain, source the import run with file and date, history', async () => {
    const r = await one('acme', 'sarah@buildright.com.au');
    expect(r).toMatchObject({ suppressed: true, match: 'buildright.com.au' });
    expect(r.explain.entry).toMatchObject({ target: 'buildright.com.au', scope: 'client', covers: 'email_domain', reason: 'existing_customer', expires_at: null });
    expect(r.explain.entry?.origin).toMatchObject({ type: 'import', file_name: 'crm-export.csv', actor: 'importer', customer: 'BuildRight', run_id: expect.any(String), at: expect.any(String) });
    expect(r.explain.history).toMatchObject([{ action: 'add', reason_after: 'existing_customer', source: 'import', actor: 'importer' }]);
    expect((await one('acme', 'https://shop.buildright.com.au/x')).explain.entry?.covers).toBe('parent_domain');
    expect((await one('acme', 'buildright.com.au')).explain.entry?.covers).toBe('exact');
  });

  it('explains a manual entry (actor and note), a canonical email match, and an agency-wide one', async () => {
    await suppress.add({ client: 'acme', targets: [{ value: 'jane@outlook.com' }], reason: 'unsubscribed', note: 'replied STOP' });
    const r = await one('acme', 'Jane+promo@Outlook.com');
    expect(r.explain.entry).toMatchObject({ target: 'jane@outlook.com', covers: 'canonical_email', reason: 'unsubscribed', origin: { type: 'manual', actor: 'ops-bob', note: 'replied STOP' } });
    expect((await one('acme', 'jane@outlook.com')).explain.entry?.covers).toBe('exact');
    const a = await one('beta', 'complainer@bigcorp.com');
    expect(a).toMatchObject({ all_clients: true, explain: { entry: { scope: 'all_clients', covers: 'exact', origin: { type: 'manual', actor: 'ops-anna', note: 'legal request' } } } });
    expect(a.explain.history).toMatchObject([{ action: 'add', actor: 'ops-anna' }]);
  });

  it('an allowed target names nearby entries: expired, sibling subdomains, other addresses at its domain', async () => {
    await suppress.add({ client: 'acme', targets: [{ value: 'eu.shopco.com' }, { value: 'bob@shopco.com' }], reason: 'competitor' });
    await db().query(`insert into suppression_list (client_id, domain, reason, expires_at) select id, 'shopco.com', 'past_customer', now() - interval '1 day' from clients where slug = 'acme'`);
    const r = await one('acme', 'us.shopco.com');
    expect(r).toMatchObject({ suppressed: false, explain: { entry: null } });
    expect(r.explain.nearby.map((n) => [n.target, n.why])).toEqual([['eu.shopco.com', 'sibling_subdomain'], ['shopco.com', 'expired']]);
    const email = await one('acme', 'ann@shopco.com');
    expect(email.explain.nearby.map((n) => [n.target, n.why])).toEqual([['eu.shopco.com', 'subdomain'], ['shopco.com', 'expired'], ['bob@shopco.com', 'same_domain_email']]);
    expect((await one('acme', 'nothing-near.io')).explain.nearby).toEqual([]);
    // Neighbours at a free-mail provider are strangers, not nearby entries.
    expect((await one('acme', 'someone@outlook.com')).explain.nearby).toEqual([]);
  });

  it('an invalid target is explained as invalid, never as allowed', async () => {
    expect(await explain.explain('acme', ['co.uk'])).toEqual([{ input: 'co.uk', error: expect.stringContaining('public suffix') }]);
  });
});
