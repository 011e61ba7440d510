// SPEC §8 "Anonymity": nobody can tell from the signals which client a domain came from, nor group
// domains by client: timestamps are months, a domain fewer than k clients have shows only its
// domain, times bought, score and boost, and a domain k clients have shows only the services k of
// them bought. The boost never depends on k.
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { beforeAll, expect, it } from 'vitest';
import { BuyerSignalService, isFullSignal } from '../../src/services/buyer-signal-service.js';
import { ClientService } from '../../src/services/client-service.js';
import { CustomerImportService } from '../../src/services/customer-import-service.js';
import { migrationFile } from '../helpers/migration-file.js';
import { describeEachDatabase } from '../helpers/databases.js';

const ANONYMOUS_KEYS = ['buyer_boost', 'buyer_score', 'domain', 'times_bought'];
const isMonthStart = (iso: unknown) => typeof iso === 'string' && /^\d{4}-\d{2}-01T00:00:00\.000Z$/.test(iso);

describeEachDatabase('signal anonymity', ({ db }) => {
  const importCsv = (client: string, csv: string) =>
    new CustomerImportService({ db: db() }).import({ client, input: Readable.from([Buffer.from(csv)]), fileName: `${client}.csv` });
  const signals = (minClients?: number) => new BuyerSignalService({ db: db(), minClients });

  beforeAll(async () => {
    const clients = new ClientService(db());
    await clients.add({ slug: 'rare', services: ['tiktok-ads'] });
    await clients.add({ slug: 'b', services: ['seo'] });
    await clients.add({ slug: 'c', services: ['ppc'] });
    // only-rare-1/2.com: one client; pair.com: two; everyone.com and common.com: three (each
    // customer of common.com bought seo, and from the rare client also tiktok-ads).
    await importCsv('rare', `Company,Website,Industry,Deal Size,Customer Since,Employees,Services
Secret One,only-rare-1.com,Falconry,12345.67,2024-03-17,11-50,
Secret Two,only-rare-2.com,Taxidermy,7654.32,2023-07-09,1-10,
Pair Co,pair.com,Retail,900,2022-02-02,,
Everyone,everyone.com,Retail,6000,2021-01-15,,
Common,common.com,Retail,100,2021-01-15,,SEO; TikTok Ads
`);
    await importCsv('b', `Company,Website,Deal Size,Customer Since,Services
Pair Co,pair.com,1100,2022-05-05,
Everyone,everyone.com,6000,2021-06-30,
Common,common.com,100,2021-06-30,seo
`);
    await importCsv('c', `Company,Website,Deal Size,Services
Everyone,everyone.com,6000,
Common,common.com,100,SEO
`);
  });

  it('stores every signal timestamp as a month', async () => {
    const rows = await db().query<{ first_seen_at: unknown; last_converted_at: unknown; updated_at: unknown }>('select first_seen_at, last_converted_at, updated_at from platform_buyer_signals');
    expect(rows.length).toBe(5);
    for (const r of rows) {
      for (const v of [r.first_seen_at, r.updated_at]) expect(isMonthStart(new Date(v as string).toISOString())).toBe(true);
      expect(r.last_converted_at === null || isMonthStart(new Date(r.last_converted_at as string).toISOString())).toBe(true);
    }
    const [solo] = await signals(1).show(['only-rare-1.com']);
    expect(solo).toMatchObject({ last_converted_at: '2024-03-01T00:00:00.000Z' });
  });

  it('below k = 3 (the default) show and top give only domain, times_bought, buyer_score and buyer_boost', async () => {
    const shown = await signals().show(['only-rare-1.com', 'only-rare-2.com', 'pair.com', 'everyone.com']);
    expect(shown.slice(0, 3).map((s) => Object.keys(s).sort())).toEqual([ANONYMOUS_KEYS, ANONYMOUS_KEYS, ANONYMOUS_KEYS]);
    expect(shown[3]).toMatchObject({ domain: 'everyone.com', times_bought: 3, company_name: 'Everyone', total_value: '18000.00' });
    const top = await signals().top(100);
    for (const s of top) expect(Object.keys(s).sort()).toEqual(s.times_bought >= 3 ? Object.keys(shown[3] as object).sort() : ANONYMOUS_KEYS);
    const everything = JSON.stringify([...shown, ...top].filter((s) => 'times_bought' in s && s.times_bought < 3));
    for (const secret of ['Secret One', 'Falconry', '12345.67', 'tiktok-ads', 'Taxidermy', '7654.32', 'Pair Co', '2024-03', '2023-07']) expect(everything).not.toContain(secret);
  });

  it("a rare service of a client is never shown for a domain fewer than k clients have (no fallback leak)", async () => {
    const [solo] = await signals().show(['only-rare-1.com']);
    expect(JSON.stringify(solo)).not.toContain('tiktok');
  });

  it('at k, a domain shows only the services at least k of its clients bought: one agency alone never marks its customers', async () => {
    // everyone.com: each of its three clients' own services (tiktok-ads, seo, ppc), one client each.
    const [everyone, common] = await signals().show(['everyone.com', 'common.com']);
    expect(everyone).toMatchObject({ times_bought: 3, services_bought: [] });
    expect(common).toMatchObject({ times_bought: 3, services_bought: ['seo'] });
    expect(JSON.stringify(await signals().top(100))).not.toContain('tiktok');
    // k = 1 (no anonymity asked) shows the whole union, with the clients' services for customers without their own.
    const [everyone1, common1] = await signals(1).show(['everyone.com', 'common.com']);
    expect(everyone1).toMatchObject({ services_bought: ['ppc', 'seo', 'tiktok-ads'] });
    expect(common1).toMatchObject({ services_bought: ['seo', 'tiktok-ads'] });
    // The score counts every service (SPEC §8: +10 from two), so it does not depend on k either.
    expect(everyone1).toMatchObject({ buyer_score: (everyone as { buyer_score: number }).buyer_score });
  });

  it('k is configurable: minClients 2 shows the two-client domain, 4 hides the three-client one', async () => {
    const [pair2] = await signals(2).show(['pair.com']);
    expect(pair2 && isFullSignal(pair2 as never)).toBe(true);
    expect(pair2).toMatchObject({ total_value: '2000.00' });
    const [everyone4] = await signals(4).show(['everyone.com']);
    expect(Object.keys(everyone4 as object).sort()).toEqual(ANONYMOUS_KEYS);
    expect(() => signals(0)).toThrow(expect.objectContaining({ code: 'usage' }) as never);
    expect(() => signals(1.5)).toThrow(expect.objectContaining({ code: 'usage' }) as never);
  });

  it('the score and boost a scorer gets are the same whatever k', async () => {
    const domains = ['only-rare-1.com', 'only-rare-2.com', 'pair.com', 'everyone.com', 'common.com'];
    const at = async (k: number) => ({
      boosts: await Promise.all(domains.map((d) => signals(k).getScoreBoost(d))),
      scores: [...(await signals(k).scores(domains)).entries()].sort(),
      shown: (await signals(k).show(domains)).map((s) => [('buyer_score' in s && s.buyer_score) || null, ('buyer_boost' in s && s.buyer_boost) || null]),
      top: (await signals(k).top(100)).map((s) => [s.domain, s.buyer_score, s.buyer_boost]),
    });
    const k1 = await at(1);
    expect(k1.boosts.every((b) => b > 0)).toBe(true);
    for (const k of [2, 3, 4, 100]) expect(await at(k)).toEqual(k1);
  });

  it("a control character in one client's Services cell cannot count as several clients (a marker smuggled past k)", async () => {
    // The import stages a list joined by \x1f: "zz-mark\x1fzz-mark\x1fzz-mark" from the rare
    // client alone was stored as three services and shown at k = 3 as if three clients bought it.
    await importCsv('rare', `Company,Website,Services\nSmuggle,smuggle.com,"zz-mark\u001fzz-mark\u001fzz-mark"\n`);
    await importCsv('b', `Company,Website,Services\nSmuggle,smuggle.com,seo\n`);
    await importCsv('c', `Company,Website,Services\nSmuggle,smuggle.com,SEO\n`);
    try {
      const [smuggle] = await signals().show(['smuggle.com']);
      expect(smuggle).toMatchObject({ times_bought: 3, services_bought: [] });
      const [stored] = await db().query<{ services: string[] }>(
        `select cc.services from client_customers cc join clients cl on cl.id = cc.client_id where cl.slug = 'rare' and cc.domain = 'smuggle.com'`,
      );
      expect(stored?.services).toEqual(['zz-mark']);
    } finally {
      await db().query(`delete from client_customers where domain = 'smuggle.com'`);
      await db().query(`delete from platform_buyer_signals where domain = 'smuggle.com'`);
    }
  });

  it("at k, a name, industry or size only one client gave is not shown: its own taxonomy would group its customers", async () => {
    // The most frequent value was shown, the first in sort order on a tie: three clients' three
    // spellings showed the rare client's private industry label on every shared domain, and a
    // size only it filled in showed alone.
    await importCsv('rare', `Company,Website,Industry,Employees\nTaxo,taxo.com,RARE-TAXO/Retail-07,11-50\n`);
    await importCsv('b', `Company,Website,Industry\nTaxo,taxo.com,Retail\n`);
    await importCsv('c', `Company,Website,Industry\nTaxo,taxo.com,Retail Trade\n`);
    try {
      const [taxo] = await signals().show(['taxo.com']);
      expect(taxo).toMatchObject({ times_bought: 3, company_name: 'Taxo', industry: null, employee_count_range: null });
      expect(JSON.stringify(await signals().top(100))).not.toContain('RARE-TAXO');
      const [taxo1] = await signals(1).show(['taxo.com']);
      expect(taxo1).toMatchObject({ industry: 'RARE-TAXO/Retail-07', employee_count_range: '11-50' });
      // everyone.com: all three gave "Everyone" and "Retail" came from the rare client alone.
      const [everyone] = await signals().show(['everyone.com']);
      expect(everyone).toMatchObject({ company_name: 'Everyone', industry: null });
    } finally {
      await db().query(`delete from client_customers where domain = 'taxo.com'`);
      await db().query(`delete from platform_buyer_signals where domain = 'taxo.com'`);
    }
  });

  it('migration 0018 makes each stored service list distinct (duplicates stored before the separator fix)', async () => {
    const update = readFileSync(migrationFile('signal_profile_clients'), 'utf8').split('--> statement-breakpoint').find((s) => s.includes('UPDATE'));
    const rare = `select cc.id from client_customers cc join clients cl on cl.id = cc.client_id where cl.slug = 'rare' and cc.domain = 'common.com'`;
    await db().query(`update client_customers set services = '{seo,seo,tiktok-ads}' where id = (${rare})`);
    await db().query(update as string);
    const [row] = await db().query<{ services: string[] }>(`select services from client_customers where id = (${rare})`);
    expect(row?.services).toEqual(['seo', 'tiktok-ads']);
  });

  it('the migration turns stored instants into months', async () => {
    const sql = readFileSync(migrationFile('signal_times_to_month'), 'utf8');
    await db().query(`insert into platform_buyer_signals (domain, times_bought, buyer_score, first_seen_at, last_converted_at, updated_at)
                      values ('legacy.com', 1, 60, '2025-03-17T13:45:12.345678Z', '2024-11-30T23:59:59Z', '2025-04-02T01:02:03Z')`);
    try {
      await db().query(sql);
      const [row] = await db().query<{ f: string; l: string; u: string }>(
        `select to_char(first_seen_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') as f, to_char(last_converted_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') as l,
                to_char(updated_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') as u from platform_buyer_signals where domain = 'legacy.com'`,
      );
      expect(row).toEqual({ f: '2025-03-01 00:00:00.000000', l: '2024-11-01 00:00:00.000000', u: '2025-04-01 00:00:00.000000' });
    } finally {
      await db().query(`delete from platform_buyer_signals where domain = 'legacy.com'`);
    }
  });
});
