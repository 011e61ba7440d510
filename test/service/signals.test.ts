import { Readable } from 'node:stream';
import { beforeAll, expect, it } from 'vitest';
import { buyerScoreSql } from '../../src/domain/buyer-score.js';
import { dealValueBand, dealValueBandSql } from '../../src/domain/signal-anonymity.js';
import { BuyerSignalService } from '../../src/services/buyer-signal-service.js';
import { ClientService } from '../../src/services/client-service.js';
import { CustomerImportService } from '../../src/services/import/customer-import-service.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { SCORE_CASES } from '../helpers/score-cases.js';

describeEachDatabase('BuyerSignalService', ({ db }) => {
  let signals: BuyerSignalService;
  const importCsv = (client: string, csv: string) =>
    new CustomerImportService({ db: db() }).import({ client, input: Readable.from([Buffer.from(csv)]), fileName: `${client}.csv` });
  const table = async () =>
    db().query(
      `select domain, company_name, industry, employee_count_range, times_bought, total_value::text, avg_deal_value::text,
              services_bought, buyer_score, first_seen_at, last_converted_at from platform_buyer_signals order by domain`,
    );

  beforeAll(async () => {
    const clients = new ClientService(db());
    await clients.add({ slug: 'agency-a', services: ['seo'] });
    await clients.add({ slug: 'agency-b', services: ['ppc', 'web'] });
    await clients.add({ slug: 'agency-c', services: [] });
    // These tests check the aggregation rules, so every domain is shown in full (k = 1); the
    // anonymity threshold has its own tests (signal-anonymity.test.ts).
    signals = new BuyerSignalService({ db: db(), minClients: 1 });
    await importCsv('agency-a', `Company,Website,Contact Email,Contact Name,Industry,Deal Size,Customer Since,Employees
BuildRight,buildright.com.au,sarah@buildright.com.au,Sarah Chen,Construction,15000,2023-01-01,11-50
Solo,solo.io,,,Legal,,2022-05-05,
Tie Co,tie.com,,,Alpha,100,,
`);
    await importCsv('agency-b', `Company,Website,Contact Name,Industry,Deal Size,Customer Since,Employees
BuildRight Pty Ltd,https://shop.buildright.com.au,Sarah C.,Construction,4000,2024-06-01,11-50
Tie Co,tie.com,,Beta,,,
`);
    await importCsv('agency-c', `Company,Website,Industry,Deal Size,Services,Customer Since
BuildRight,buildright.com.au,Building,,SEO; Social,2021-03-03
`);
  });

  it('aggregates per registrable domain across clients, with the §8 rules', async () => {
    const [build] = await signals.show(['buildright.com.au']);
    expect(build).toMatchObject({
      domain: 'buildright.com.au',
      times_bought: 3,
      services_bought: ['ppc', 'seo', 'social', 'web'],
      // 15,000 and 4,000: one client each, the tie goes to the lower band.
      deal_value_band: '1k-5k',
      total_value: '19000.00',
      avg_deal_value: '9500.00',
      company_name: 'BuildRight',
      industry: 'Construction',
      employee_count_range: '11-50',
      // Three clients: +30; services and big deals count from four clients (src/domain/buyer-score.ts).
      buyer_score: 80,
      buyer_boost: 12,
      last_converted_at: '2024-06-01T00:00:00.000Z',
    });
    const [solo] = await signals.show(['solo.io']);
    expect(solo).toMatchObject({ times_bought: 1, services_bought: ['seo'], total_value: null, avg_deal_value: null, buyer_score: 60 });
  });

  it('ties in the most frequent value go to the alphabetically first', async () => {
    const [tie] = await signals.show(['tie.com']);
    expect(tie).toMatchObject({ industry: 'Alpha', times_bought: 2 });
  });

  it('getScoreBoost reduces URLs and emails to the company domain; 0 without a signal', async () => {
    expect(await signals.getScoreBoost('https://www.buildright.com.au/contact')).toBe(12);
    expect(await signals.getScoreBoost('ceo@buildright.com.au')).toBe(12);
    expect(await signals.getScoreBoost('nobody-bought.com')).toBe(0);
    expect(await signals.getScoreBoost('someone@gmail.com')).toBe(0);
  });

  it('a full rebuild gives the same table as the incremental refreshes of the imports', async () => {
    const incremental = await table();
    const result = await signals.rebuild();
    expect(result.domains).toBe(incremental.length);
    expect(await table()).toEqual(incremental);
  });

  it('a rebuild rewrites only the signals whose figures changed', async () => {
    await signals.rebuild();
    const versions = async () => new Map((await db().query<{ domain: string; v: string }>('select domain, xmin::text as v from platform_buyer_signals')).map((r) => [r.domain, r.v]));
    const before = await versions();
    await signals.rebuild();
    expect(await versions()).toEqual(before); // nothing changed: no row version written
    await db().query(`update client_customers set deal_value = 99999 where domain = 'solo.io'`);
    await signals.rebuild();
    const after = await versions();
    expect(after.get('solo.io')).not.toBe(before.get('solo.io'));
    for (const [domain, v] of before) if (domain !== 'solo.io') expect(after.get(domain)).toBe(v);
    expect(await signals.show(['solo.io'])).toMatchObject([{ total_value: '99999.00' }]);
    await db().query(`update client_customers set deal_value = null where domain = 'solo.io'`);
    await signals.rebuild();
  });

  it('a domain that lost its last customer loses its signal on rebuild', async () => {
    await db().query(`insert into client_customers (client_id, natural_key, company_name, domain, source) select id, 'd:gone.io', 'Gone', 'gone.io', 'test' from clients where slug = 'agency-c'`);
    await signals.rebuild();
    expect(await signals.show(['gone.io'])).toMatchObject([{ domain: 'gone.io', times_bought: 1 }]);
    await db().query(`delete from client_customers where domain = 'gone.io'`);
    await signals.rebuild();
    expect(await signals.show(['gone.io'])).toMatchObject([{ signal: null }]);
  });

  it('the SQL score and the TypeScript score agree on every boundary case', async () => {
    const rows = await db().query<{ i: number; score: number }>(
      `select i, ${buyerScoreSql('t', 's', 'a::numeric')} as score
         from unnest($1::int[], $2::int[], $3::int[], $4::text[]) as u(i, t, s, a) order by i`,
      [SCORE_CASES.map((_, i) => i), SCORE_CASES.map((c) => c[0]), SCORE_CASES.map((c) => c[1]), SCORE_CASES.map((c) => String(c[2]))],
    );
    expect(rows.map((r) => r.score)).toEqual(SCORE_CASES.map((c) => c[3]));
  });

  it('the SQL deal value band and the TypeScript one agree at every edge', async () => {
    const values = [null, '-5', '0', '999.99', '1000', '4999.99', '5000', '24999.99', '25000', '99999.99', '100000', '9999999999.99'];
    const rows = await db().query<{ band: number | null }>(
      `select ${dealValueBandSql('v')} as band from unnest($1::text[]::numeric[]) with ordinality as u(v, i) order by i`,
      [values],
    );
    expect(rows.map((r) => r.band)).toEqual(values.map((v) => dealValueBand(v === null ? null : Number(v))));
  });

  it('anonymity: no client id, contact or email column, and no client-private value in any signal', async () => {
    const columns = (await db().query<{ column_name: string }>(`select column_name from information_schema.columns where table_name = 'platform_buyer_signals'`)).map((r) => r.column_name);
    for (const forbidden of ['client_id', 'contact_name', 'contact_email', 'contact_title', 'customer_id', 'testimonial', 'external_id', 'notes']) expect(columns).not.toContain(forbidden);
    const clientIds = (await db().query<{ id: string }>('select id from clients')).map((r) => r.id);
    const everything = JSON.stringify(await db().query('select * from platform_buyer_signals'));
    for (const secret of [...clientIds, 'Sarah Chen', 'Sarah C.', 'sarah@buildright.com.au', 'agency-a', 'agency-b']) expect(everything).not.toContain(secret);
  });

  it('readers never see a half-built table: rebuild is one transaction', async () => {
    const before = (await table()).length;
    const rebuilding = signals.rebuild();
    const during = (await db().query<{ n: number }>('select count(*)::int as n from platform_buyer_signals'))[0]?.n;
    await rebuilding;
    expect([before]).toContain(during);
  });
});
