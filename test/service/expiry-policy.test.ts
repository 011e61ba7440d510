import { Readable } from 'node:stream';
import { beforeAll, expect, it } from 'vitest';
import { AgencyListService } from '../../src/services/agency-list-service.js';
import { ClientService } from '../../src/services/client-service.js';
import { CustomerImportService } from '../../src/services/import/customer-import-service.js';
import { ExpiryPolicyService } from '../../src/services/expiry-policy-service.js';
import { ImportRunService } from '../../src/services/import/run-service.js';
import { SuppressionService } from '../../src/services/suppression-service.js';
import { expiryFromDuration } from '../../src/domain/expiry.js';
import { clientState } from '../helpers/client-state.js';
import { describeEachDatabase } from '../helpers/databases.js';

const DAY = 86_400_000;

describeEachDatabase('ExpiryPolicyService', ({ db }) => {
  let policy: ExpiryPolicyService;
  let suppress: SuppressionService;
  const expiresOf = async (client: string, target: string) => {
    const [row] = await db().query<{ expires_at: Date | string | null }>(
      `select s.expires_at from suppression_list s join clients c on c.id = s.client_id where c.slug = $1 and coalesce(s.domain, s.email) = $2`,
      [client, target],
    );
    return row?.expires_at ? new Date(row.expires_at) : null;
  };

  beforeAll(async () => {
    for (const slug of ['acme', 'other', 'imp']) await new ClientService(db()).add({ slug });
    policy = new ExpiryPolicyService({ db: db(), actor: 'ops-anna' });
    suppress = new SuppressionService({ db: db(), actor: 'ops-anna' });
  });

  it('sets, shows and drops per-reason defaults; opt-outs and existing_customer are refused', async () => {
    expect(await policy.set({ client: 'acme', expire: ['past_customer=24m', 'competitor=90d'] })).toEqual({ client: 'acme', expiry_defaults: { competitor: '90d', past_customer: '24m' } });
    expect(await policy.set({ client: 'acme', expire: ['competitor=none'] })).toEqual({ client: 'acme', expiry_defaults: { past_customer: '24m' } });
    await expect(policy.set({ client: 'acme', expire: ['unsubscribed=12m'] })).rejects.toMatchObject({ code: 'input' });
    await expect(policy.set({ client: 'nope', expire: ['partner=1y'] })).rejects.toMatchObject({ code: 'usage' });
    // The database refuses it too, past the service.
    await expect(db().query(`insert into client_expiry_defaults (client_id, reason, period, period_interval, updated_by) select id, 'unsubscribed', '1y', '1 year', 'x' from clients where slug = 'acme'`)).rejects.toMatchObject({ code: 'database' });
  });

  it('a new entry of that reason gets the default; an explicit expiry, other reasons, other clients and existing entries keep theirs', async () => {
    await suppress.add({ client: 'acme', targets: [{ value: 'old.com' }], reason: 'competitor' });
    await policy.set({ client: 'acme', expire: ['competitor=90d'] });
    const before = Date.now();
    await suppress.add({ client: 'acme', targets: [{ value: 'rival.com' }, { value: 'old.com' }], reason: 'competitor' });
    const rival = await expiresOf('acme', 'rival.com');
    expect(rival?.getTime()).toBeGreaterThanOrEqual(before + 90 * DAY - 5000);
    expect(rival?.getTime()).toBeLessThanOrEqual(Date.now() + 90 * DAY + 5000);
    expect(await expiresOf('acme', 'old.com')).toBeNull();
    const explicit = new Date(Date.now() + 5 * DAY);
    await suppress.add({ client: 'acme', targets: [{ value: 'nearly-done.com' }], reason: 'competitor', expiresAt: explicit });
    expect((await expiresOf('acme', 'nearly-done.com'))?.getTime()).toBe(explicit.getTime());
    await suppress.add({ client: 'acme', targets: [{ value: 'jane@rival.com' }], reason: 'unsubscribed' });
    expect(await expiresOf('acme', 'jane@rival.com')).toBeNull();
    await suppress.add({ client: 'other', targets: [{ value: 'rival.com' }], reason: 'competitor' });
    expect(await expiresOf('other', 'rival.com')).toBeNull();
  });

  it('a default ends on the day --for would: one calendar rule in JS and in the database (a missing day is the month\'s last)', async () => {
    await new ClientService(db()).add({ slug: 'calendar' });
    const cases: Array<[string, string]> = [
      ['2027-01-31T10:30:00Z', '1m'],
      ['2028-01-31T10:30:00Z', '1m'],
      ['2027-03-31T00:00:00Z', '1m'],
      ['2027-08-31T23:59:59.999Z', '6m'],
      ['2027-01-31T00:00:00Z', '13m'],
      ['2028-02-29T12:00:00Z', '1y'],
      ['2028-02-29T12:00:00Z', '4y'],
      ['2027-05-31T00:00:00Z', '12w'],
      ['2027-05-31T00:00:00Z', '90d'],
      ['2027-10-31T00:00:00Z', '36h'],
    ];
    for (const [i, [from, period]] of cases.entries()) {
      await policy.set({ client: 'calendar', expire: [`partner=${period}`] });
      const domain = `cal-${i}.com`;
      // Added at that moment: the add gives it the default from its created_at.
      await new SuppressionService({ db: db(), actor: 'test', now: () => new Date(from) }).add({ client: 'calendar', targets: [{ value: domain }], reason: 'partner' });
      expect((await expiresOf('calendar', domain))?.toISOString(), `${from} + ${period}`).toBe(expiryFromDuration(period, new Date(from)).toISOString());
    }
    // Out of the way of the listings below, which count every client's entries.
    await db().query(`delete from clients where slug = 'calendar'`);
  });

  it('a default that would end after the year 9999 is refused, as --for is: 9999y gave entries of year 12025', async () => {
    await new ClientService(db()).add({ slug: 'forever' });
    await expect(policy.set({ client: 'forever', expire: ['past_customer=9999y'] })).rejects.toMatchObject({ code: 'usage', message: expect.stringContaining('after the year 9999') });
    expect(await policy.set({ client: 'forever', expire: ['past_customer=100y'] })).toEqual({ client: 'forever', expiry_defaults: { past_customer: '100y' } });
  });

  it('one rule for a default applied later: 7973y ended in 9999 from today but gave an entry added next year year 10000', async () => {
    await new ClientService(db()).add({ slug: 'later' });
    await expect(policy.set({ client: 'later', expire: ['partner=7973y'] })).rejects.toMatchObject({ code: 'usage', message: expect.stringContaining('after the year 9999') });
    // The longest it takes ends within the year 9999 for an entry added as late as the end of 2100.
    await policy.set({ client: 'later', expire: ['partner=7899y'] });
    const inLate2100 = new SuppressionService({ db: db(), actor: 'ops-anna', now: () => new Date('2100-12-31T12:00:00Z') });
    await inLate2100.add({ client: 'later', targets: [{ value: 'partner-late.com' }], reason: 'partner' });
    const expires = await db().query<{ year: number }>(
      `select extract(year from s.expires_at at time zone 'UTC')::int as year from suppression_list s join clients c on c.id = s.client_id where c.slug = 'later'`,
    );
    expect(expires).toEqual([{ year: 9999 }]);
  });

  it('imports give it to new entries of that reason only, and undo removes them exactly', async () => {
    await policy.set({ client: 'imp', expire: ['past_customer=24m'] });
    const before = await clientState(db(), 'imp');
    const summary = await new CustomerImportService({ db: db() }).import({
      client: 'imp',
      input: Readable.from([Buffer.from('Company,Website,Status\nGone Co,gone.com,churned\nHere Co,here.com,active\n')]),
      fileName: 'crm.csv',
    });
    const gone = await expiresOf('imp', 'gone.com');
    expect(gone?.getUTCFullYear()).toBe(new Date().getUTCFullYear() + 2);
    expect(await expiresOf('imp', 'here.com')).toBeNull();
    await new ImportRunService({ db: db() }).undo({ run: summary.import_run_id as string });
    expect(await clientState(db(), 'imp')).toEqual(before);
  });

  it('an undo that puts an entry back does not give it the default expiry', async () => {
    await new ClientService(db()).add({ slug: 'restore' });
    const importer = new CustomerImportService({ db: db() });
    const csv = (status: string) => Readable.from([Buffer.from(`Company,Website,Status\nBack Co,back.com,${status}\n`)]);
    await importer.import({ client: 'restore', input: csv('active'), fileName: 'a.csv' });
    await importer.import({ client: 'restore', input: csv('churned'), fileName: 'b.csv' });
    // past_customer by an update: no default expiry (only new entries get one).
    await policy.set({ client: 'restore', expire: ['past_customer=24m'] });
    expect(await expiresOf('restore', 'back.com')).toBeNull();
    const before = await clientState(db(), 'restore');
    const last = await importer.import({ client: 'restore', input: csv('active'), fileName: 'c.csv' });
    await new ImportRunService({ db: db() }).undo({ run: last.import_run_id as string });
    expect(await expiresOf('restore', 'back.com')).toBeNull();
    expect(await clientState(db(), 'restore')).toEqual(before);
  });

  it('lists what expires within a period, soonest first, for one client or all', async () => {
    const soon = async (client?: string, within = '30d') => {
      const out = [];
      for await (const e of policy.expiring({ client, within })) out.push(`${e.client} ${e.target}`);
      return out;
    };
    await suppress.add({ client: 'other', targets: [{ value: 'later.com' }], reason: 'partner', expiresAt: new Date(Date.now() + 20 * DAY) });
    const past = new SuppressionService({ db: db(), now: () => new Date(Date.now() - 2 * DAY) });
    await past.add({ client: 'other', targets: [{ value: 'lapsed.com' }], reason: 'partner', expiresAt: new Date(Date.now() - DAY) });
    await new AgencyListService({ db: db() }).add({ targets: [{ value: 'agency-lapse.io' }], reason: 'competitor', expiresAt: new Date(Date.now() + 25 * DAY) });
    expect(await soon('acme')).toEqual(['acme nearly-done.com']);
    expect(await soon()).toEqual(['acme nearly-done.com', 'other later.com', '(all clients) agency-lapse.io']);
    expect(await soon(undefined, '4d')).toEqual([]);
    expect((await soon(undefined, '1y')).length).toBe(4);
    await expect(soon('acme', 'soon')).rejects.toMatchObject({ code: 'usage' });
  });

  // Pages of 5,000 continue after the last entry's expiry to the microsecond: a position cut to
  // milliseconds (a Date) went back before the page's end and read the same page again, forever.
  it('pages through more entries than a page, sharing one sub-millisecond instant, each once', async () => {
    await new ClientService(db()).add({ slug: 'many' });
    await db().query(
      `insert into suppression_list (client_id, domain, reason, expires_at)
       select c.id, 'lapse-' || n || '.com', 'partner', date_trunc('second', now()) + interval '3 days 0.123456 seconds'
         from clients c, generate_series(1, 5200) n where c.slug = 'many'`,
    );
    const seen = new Set<string>();
    let rows = 0;
    for await (const e of policy.expiring({ client: 'many', within: '7d' })) {
      seen.add(e.target);
      if (++rows > 6000) break;
    }
    expect([rows, seen.size]).toEqual([5200, 5200]);
  });
});
