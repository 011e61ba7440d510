// SPEC §8 "Anonymity": nobody can tell from the signals which client a domain came from, nor group
// domains by client: timestamps are months, a domain fewer than k clients have shows only its
// domain, times bought, score and boost, and a domain k clients have shows only the values (services,
// name, industry, size, deal band) k + 1 of them gave, so none is one client's even to a client
// with k-1 accounts. The boost never depends on k.
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { beforeAll, expect, it } from 'vitest';
import { BuyerSignalService, isFullSignal } from '../../src/services/buyer-signal-service.js';
import { ClientService } from '../../src/services/client-service.js';
import { CustomerImportService } from '../../src/services/import/customer-import-service.js';
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
    // At k the full shape, but "Everyone" and the 6,000 deals came from 3 clients, not k + 1 = 4.
    expect(shown[3]).toMatchObject({ domain: 'everyone.com', times_bought: 3, company_name: null, deal_value_band: null, total_value: null });
    const top = await signals().top(100);
    for (const s of top) expect(Object.keys(s).sort()).toEqual(s.times_bought >= 3 ? Object.keys(shown[3] as object).sort() : ANONYMOUS_KEYS);
    const everything = JSON.stringify([...shown, ...top].filter((s) => 'times_bought' in s && s.times_bought < 3));
    for (const secret of ['Secret One', 'Falconry', '12345.67', 'tiktok-ads', 'Taxidermy', '7654.32', 'Pair Co', '2024-03', '2023-07']) expect(everything).not.toContain(secret);
  });

  it("a rare service of a client is never shown for a domain fewer than k clients have (no fallback leak)", async () => {
    const [solo] = await signals().show(['only-rare-1.com']);
    expect(JSON.stringify(solo)).not.toContain('tiktok');
  });

  it('at k, a domain shows only the services k + 1 of its clients bought: one agency alone never marks its customers', async () => {
    // everyone.com: each of its three clients' own services (tiktok-ads, seo, ppc), one client each.
    const [everyone, common] = await signals().show(['everyone.com', 'common.com']);
    expect(everyone).toMatchObject({ times_bought: 3, services_bought: [] });
    // seo from all three clients: shown at k = 2 (3 = k + 1), not at k = 3 (one client with two
    // accounts would have confirmed the third's service).
    expect(common).toMatchObject({ times_bought: 3, services_bought: [] });
    expect(await signals(2).show(['common.com'])).toMatchObject([{ services_bought: ['seo'] }]);
    expect(JSON.stringify(await signals().top(100))).not.toContain('tiktok');
    // k = 1 (no anonymity asked) shows the whole union, with the clients' services for customers without their own.
    const [everyone1, common1] = await signals(1).show(['everyone.com', 'common.com']);
    expect(everyone1).toMatchObject({ services_bought: ['ppc', 'seo', 'tiktok-ads'] });
    expect(common1).toMatchObject({ services_bought: ['seo', 'tiktok-ads'] });
    // The score is stored, so it does not depend on k either.
    expect(everyone1).toMatchObject({ buyer_score: (everyone as { buyer_score: number }).buyer_score });
  });

  it('k is configurable: minClients 2 shows the two-client domain, 4 hides the three-client one', async () => {
    const [pair2] = await signals(2).show(['pair.com']);
    expect(pair2 && isFullSignal(pair2 as never)).toBe(true);
    // Its exact total (900 + 1,100) is one client's figure to the other: shown only at k = 1.
    expect(pair2).toMatchObject({ total_value: null, avg_deal_value: null, deal_value_band: null });
    expect(await signals(1).show(['pair.com'])).toMatchObject([{ total_value: '2000.00', avg_deal_value: '1000.00' }]);
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

  it("at k, a name, industry or size fewer than k + 1 clients gave is not shown: one client's own taxonomy would group its customers", async () => {
    // The most frequent value was shown, the first in sort order on a tie: three clients' three
    // spellings showed the rare client's private industry label on every shared domain, and a
    // size only it filled in showed alone.
    await importCsv('rare', `Company,Website,Industry,Employees\nTaxo,taxo.com,RARE-TAXO/Retail-07,11-50\n`);
    await importCsv('b', `Company,Website,Industry\nTaxo,taxo.com,Retail\n`);
    await importCsv('c', `Company,Website,Industry\nTaxo,taxo.com,Retail Trade\n`);
    try {
      const [taxo] = await signals().show(['taxo.com']);
      expect(taxo).toMatchObject({ times_bought: 3, company_name: null, industry: null, employee_count_range: null });
      // At k = 2 the name all three gave shows (3 = k + 1), the labels and size one client gave do not.
      expect(await signals(2).show(['taxo.com'])).toMatchObject([{ company_name: 'Taxo', industry: null, employee_count_range: null }]);
      expect(JSON.stringify(await signals().top(100))).not.toContain('RARE-TAXO');
      const [taxo1] = await signals(1).show(['taxo.com']);
      expect(taxo1).toMatchObject({ industry: 'RARE-TAXO/Retail-07', employee_count_range: '11-50' });
      // everyone.com: all three gave "Everyone" and "Retail" came from the rare client alone.
      const [everyone] = await signals(2).show(['everyone.com']);
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

  it('migration 0019 resets stored scores to their times-bought part until the next refresh', async () => {
    // A score stored by the old formula (70 for one client that sells two services) told that
    // client's domains apart; after the upgrade every one-client domain reads 60 until a refresh.
    const update = readFileSync(migrationFile('signal_deal_value_band'), 'utf8').split('--> statement-breakpoint').find((s) => s.includes('UPDATE'));
    await db().query(`insert into platform_buyer_signals (domain, times_bought, buyer_score) values ('legacy-1.com', 1, 70), ('legacy-2.com', 2, 90), ('legacy-5.com', 5, 100)`);
    try {
      await db().query(update as string);
      const rows = await db().query<{ domain: string; buyer_score: number }>(`select domain, buyer_score from platform_buyer_signals where domain like 'legacy-%' order by domain`);
      expect(rows).toEqual([
        { domain: 'legacy-1.com', buyer_score: 60 },
        { domain: 'legacy-2.com', buyer_score: 70 },
        { domain: 'legacy-5.com', buyer_score: 80 },
      ]);
    } finally {
      await db().query(`delete from platform_buyer_signals where domain like 'legacy-%'`);
      await signals().rebuild();
    }
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

// Issue 27 item 9: a client that controls k-1 slugs (k = 3: two) imports a domain it guesses a
// third client (the victim) has, with values of its choice, so at times_bought = k everything
// shown is the victim's value or solvable from it: total_value 37502 was the victim's 37,500 plus
// the attacker's 1 + 1, and a guessed name, industry or service showed only when right.
describeEachDatabase('signal anonymity against a client with k-1 accounts', ({ db }) => {
  const importCsv = (client: string, csv: string) =>
    new CustomerImportService({ db: db() }).import({ client, input: Readable.from([Buffer.from(csv)]), fileName: `${client}.csv` });
  const signals = (minClients?: number) => new BuyerSignalService({ db: db(), minClients });
  const victimRow = `select cc.id from client_customers cc join clients cl on cl.id = cc.client_id where cl.slug = 'victim' and cc.domain = 'target.com'`;
  const HEADER = 'Company,Website,Industry,Deal Size,Customer Since,Employees,Services\r\n';
  const attackerFile = (deal: string) => `${HEADER}Target Holdings,target.com,Falconry,${deal},2001-01-01,51-200,TikTok Ads\r\n`;

  beforeAll(async () => {
    const clients = new ClientService(db());
    for (const slug of ['victim', 'att-1', 'att-2', 'honest-1', 'honest-2']) await clients.add({ slug, services: ['seo'] });
    await importCsv('victim', `${HEADER}Target Holdings,target.com,Falconry,37500,2019-04-12,51-200,TikTok Ads\r\n`);
    // The victim imported it years ago: its month was the domain's first_seen_at.
    await db().query(`update client_customers set created_at = '2019-04-17T09:30:00Z' where id = (${victimRow})`);
    await importCsv('att-1', attackerFile('1'));
    await importCsv('att-2', attackerFile('1'));
  });

  it("shows none of the victim's values: no sum, average, band, name, industry, size, service or date", async () => {
    const [target] = await signals().show(['target.com']);
    expect(target).toMatchObject({
      times_bought: 3, company_name: null, industry: null, employee_count_range: null, services_bought: [],
      deal_value_band: null, total_value: null, avg_deal_value: null, first_seen_at: null, last_converted_at: null,
    });
    const everything = JSON.stringify([target, ...(await signals().top(100))]);
    for (const secret of ['37', 'Target Holdings', 'Falconry', '51-200', 'tiktok', '2019', '25k']) expect(everything).not.toContain(secret);
  });

  it("a guessed deal band is not confirmed either: two attacker deals in the victim's band show no band", async () => {
    await importCsv('att-1', attackerFile('30000'));
    await importCsv('att-2', attackerFile('30000'));
    try {
      const [target] = await signals().show(['target.com']);
      expect(target).toMatchObject({ times_bought: 3, deal_value_band: null, total_value: null, avg_deal_value: null });
    } finally {
      await importCsv('att-1', attackerFile('1'));
      await importCsv('att-2', attackerFile('1'));
    }
  });

  it("the score and boost do not depend on the victim's deal value or services (no oracle to search them with)", async () => {
    const scoreOf = async () => [(await signals().scores(['target.com'])).get('target.com'), await signals().getScoreBoost('target.com')];
    const rich = await scoreOf();
    // The attackers' own files say deal 1 and TikTok Ads: the old score gave +10 for an average
    // of 12,500.67 (the victim's 37,500) and +10 for a second service of the victim's, so each
    // re-import with other figures answered a yes/no question about the victim's.
    const asVictim = async (deal: number, services: string) => {
      await db().query(`update client_customers set deal_value = ${deal}, services = '${services}' where id = (${victimRow})`);
      await signals().rebuild();
      return scoreOf();
    };
    try {
      expect(await asVictim(1, '{tiktok-ads}')).toEqual(rich);
      expect(await asVictim(37500, '{seo}')).toEqual(rich);
      expect(await asVictim(37500, '{seo,ppc}')).toEqual(rich);
    } finally {
      await asVictim(37500, '{tiktok-ads}');
    }
  });

  it('below k the score is the same for every client: it no longer groups the domains of one client', async () => {
    // One agency sells two services (its customers inherit both), another closes big deals: their
    // customers scored 70, a third's 60, so each client's domains shared a score.
    const clients = new ClientService(db());
    await clients.add({ slug: 'two-lines', services: ['seo', 'ppc'] });
    await clients.add({ slug: 'big-deals', services: ['seo'] });
    await importCsv('two-lines', `Company,Website\r\nAlpha,alpha-solo.com\r\nBeta,beta-solo.com\r\n`);
    await importCsv('big-deals', `Company,Website,Deal Size\r\nGamma,gamma-solo.com,"$60,000.00"\r\nDelta,delta-solo.com,"$45,000.00"\r\n`);
    await importCsv('honest-1', `Company,Website,Deal Size\r\nEpsilon,epsilon-solo.com,200\r\n`);
    const scores = await signals().scores(['alpha-solo.com', 'beta-solo.com', 'gamma-solo.com', 'delta-solo.com', 'epsilon-solo.com']);
    expect(scores.size).toBe(5);
    expect(new Set(scores.values())).toEqual(new Set([60]));
  });

  it('values that k + 1 clients share still show, and still score: the victim plus another honest client', async () => {
    await importCsv('honest-1', `${HEADER}Target Holdings,target.com,Falconry,42000,2023-02-02,51-200,TikTok Ads\r\n`);
    try {
      const [target] = await signals().show(['target.com']);
      // Two honest clients gave each value beside the attackers: no shown value is one client's.
      expect(target).toMatchObject({
        times_bought: 4, company_name: 'Target Holdings', industry: 'Falconry', employee_count_range: '51-200', services_bought: ['tiktok-ads'],
        deal_value_band: null, total_value: null, avg_deal_value: null, first_seen_at: null, last_converted_at: null,
      });
      // Four clients bought tiktok-ads (one service: no +10) and two have deals of 5,000 or more: 50 + 30.
      expect(await signals().scores(['target.com'])).toEqual(new Map([['target.com', 80]]));
      await importCsv('honest-2', `${HEADER}Target Holdings,target.com,Falconry,30000,2023-02-02,51-200,"TikTok Ads; SEO"\r\n`);
      await importCsv('att-1', `${HEADER}Target Holdings,target.com,Falconry,26000,2001-01-01,51-200,"TikTok Ads; SEO"\r\n`);
      await importCsv('att-2', `${HEADER}Target Holdings,target.com,Falconry,27000,2001-01-01,51-200,"TikTok Ads; SEO"\r\n`);
      const [five] = await signals().show(['target.com']);
      expect(five).toMatchObject({ times_bought: 5, deal_value_band: '25k-100k', services_bought: ['tiktok-ads'] });
      // All five deals are 5,000 or more (+10); seo has three clients, so one service counts: 90.
      expect(await signals().getScoreBoost('target.com')).toBe(13);
    } finally {
      await db().query(`delete from client_customers where domain = 'target.com' and client_id in (select id from clients where slug like 'honest-%')`);
      await importCsv('att-1', attackerFile('1'));
      await importCsv('att-2', attackerFile('1'));
    }
  });
});
