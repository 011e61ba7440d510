import { Readable } from 'node:stream';
import iconv from 'iconv-lite';
import { beforeAll, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { ClientService } from '../../src/services/client-service.js';
import { CustomerImportService, type ImportRequest, type ImportReject } from '../../src/services/import/customer-import-service.js';
import { SuppressionService } from '../../src/services/suppression-service.js';
import { ImportRunService } from '../../src/services/import/run-service.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { customerCsv } from '../../bench/generate.js';
import { parseStatusMap } from '../../src/domain/values.js';

const SEED_CSV = `Company,Website,Contact Email,Contact Name,Industry,Deal Size
BuildRight,buildright.com.au,sarah@buildright.com.au,Sarah Chen,Construction,15000
`;

async function counts(db: Database, client: string) {
  const [row] = await db.query<{ customers: number; suppressions: number; runs: number; events: number }>(
    `select (select count(*)::int from client_customers where client_id = c.id) as customers,
            (select count(*)::int from suppression_list where client_id = c.id) as suppressions,
            (select count(*)::int from import_runs where client_id = c.id) as runs,
            (select count(*)::int from suppression_events where client_id = c.id) as events
       from clients c where slug = $1`,
    [client],
  );
  return row;
}

describeEachDatabase('CustomerImportService', ({ db }) => {
  let service: CustomerImportService;
  let checker: SuppressionService;
  const run = (client: string, csv: string | Buffer, extra: Partial<ImportRequest> = {}) =>
    service.import({ client, input: Readable.from([typeof csv === 'string' ? Buffer.from(csv) : csv]), fileName: 'test.csv', ...extra });

  beforeAll(async () => {
    const clients = new ClientService(db());
    for (const slug of ['seed', 'dupes', 'status', 'manual', 'expired', 'strict', 'big', 'enc', 'remember', 'dry', 'lines', 'mailbox', 'expiry', 'deals', 'kiwi', 'wide', 'statusmap', 'delim', 'every', 'undone-part', 'undone-whole']) await clients.add({ slug, services: ['seo'] });
    service = new CustomerImportService({ db: db(), actor: 'importer' });
    checker = new SuppressionService({ db: db() });
  });

  it('imports the seed example: customer, suppression entry, signal, import run', async () => {
    const summary = await run('seed', SEED_CSV);
    expect(summary).toMatchObject({ rows_read: 1, inserted: 1, updated: 0, unchanged: 0, merged: 0, rejected: 0, suppressions_added: 1, signals_refreshed: 1 });
    expect(summary.mapping).toEqual({ company_name: 'Company', domain: 'Website', contact_email: 'Contact Email', contact_name: 'Contact Name', industry: 'Industry', deal_value: 'Deal Size' });
    const [customer] = await db().query<Record<string, unknown>>(`select company_name, domain, deal_value::text as deal_value, status, source, natural_key from client_customers where company_name = 'BuildRight'`);
    expect(customer).toEqual({ company_name: 'BuildRight', domain: 'buildright.com.au', deal_value: '15000.00', status: 'active', source: 'csv', natural_key: 'd:buildright.com.au' });
    expect(await checker.isSuppressed('seed', 'https://shop.buildright.com.au')).toMatchObject({ suppressed: true, reason: 'existing_customer' });
    expect(await counts(db(), 'seed')).toMatchObject({ customers: 1, suppressions: 1, runs: 1, events: 1 });
    const [signal] = await db().query<Record<string, unknown>>(`select domain, times_bought, buyer_score from platform_buyer_signals where domain = 'buildright.com.au'`);
    // One client: the times-bought part alone (its deal of 15,000 counts from four clients).
    expect(signal).toMatchObject({ times_bought: 1, buyer_score: 60 });
  });

  it('re-importing the same file changes nothing', async () => {
    const again = await run('seed', SEED_CSV);
    expect(again).toMatchObject({ inserted: 0, updated: 0, unchanged: 1, suppressions_added: 0, suppressions_updated: 0 });
    expect(await counts(db(), 'seed')).toMatchObject({ customers: 1, suppressions: 1, runs: 2, events: 1 });
  });

  it('reads a contact email written with its display name as the address', async () => {
    const csv = `Company,Contact Email
Hooli,"Gavin Belson <Gavin@Hooli.com>"
Solo,"""Doe, Jane"" <jane.doe+crm@gmail.com>"
`;
    expect(await run('mailbox', csv)).toMatchObject({ inserted: 2, rejected: 0 });
    const rows = await db().query<{ natural_key: string; domain: string | null; contact_email: string }>(
      `select natural_key, domain, contact_email from client_customers c join clients cl on cl.id = c.client_id where cl.slug = 'mailbox' order by natural_key`,
    );
    expect(rows).toEqual([
      { natural_key: 'd:hooli.com', domain: 'hooli.com', contact_email: 'gavin@hooli.com' },
      { natural_key: 'e:janedoe@gmail.com', domain: null, contact_email: 'jane.doe+crm@gmail.com' },
    ]);
    expect(await checker.isSuppressed('mailbox', 'Jane Doe <janedoe@gmail.com>')).toMatchObject({ suppressed: true, target: 'janedoe@gmail.com' });
  });

  it('merges rows with the same natural key, first non-empty value per field', async () => {
    const csv = `Company,Website,Contact Email,Industry,Deal Size
Acme,acme.com,,,
Acme Pty Ltd,www.acme.com,jo@acme.com,Retail,500
Solo,,solo@gmail.com,Legal,
Solo Again,,SOLO+x@gmail.com,,900
Named Only,,,,
named only,,,Trades,
`;
    const summary = await run('dupes', csv);
    expect(summary).toMatchObject({ rows_read: 6, inserted: 3, merged: 3, without_target: 1 });
    const rows = await db().query<Record<string, unknown>>(
      `select natural_key, company_name, contact_email, industry, deal_value::text as deal_value from client_customers c join clients cl on cl.id = c.client_id where cl.slug = 'dupes' order by natural_key`,
    );
    expect(rows).toEqual([
      { natural_key: 'd:acme.com', company_name: 'Acme', contact_email: 'jo@acme.com', industry: 'Retail', deal_value: '500.00' },
      { natural_key: 'e:solo@gmail.com', company_name: 'Solo', contact_email: 'solo@gmail.com', industry: 'Legal', deal_value: '900.00' },
      { natural_key: 'n:named only', company_name: 'Named Only', contact_email: null, industry: 'Trades', deal_value: null },
    ]);
    // The gmail customer is suppressed by email only, never the whole of gmail.com.
    expect(await checker.isSuppressed('dupes', 'solo@gmail.com')).toMatchObject({ suppressed: true, match: 'solo@gmail.com' });
    expect(await checker.isSuppressed('dupes', 'other@gmail.com')).toMatchObject({ suppressed: false });
  });

  it('maps status to the suppression reason, and a status change updates it', async () => {
    const csv = (s1: string, s2: string) => `Company,Website,Status\nOne,one.com,${s1}\nTwo,two.com,${s2}\nThree,three.com,\n`;
    await run('status', csv('active', 'Former'), { defaultStatus: 'churned' });
    expect(await checker.checkMany('status', ['one.com', 'two.com', 'three.com'])).toMatchObject([
      { reason: 'existing_customer' },
      { reason: 'past_customer' },
      { reason: 'past_customer' },
    ]);
    const second = await run('status', csv('cancelled', 'won'), { defaultStatus: 'churned' });
    expect(second).toMatchObject({ updated: 2, unchanged: 1, suppressions_updated: 2 });
    expect(await checker.checkMany('status', ['one.com', 'two.com'])).toMatchObject([{ reason: 'past_customer' }, { reason: 'existing_customer' }]);
  });

  it('never overwrites the reason of a manual entry, but links the customer', async () => {
    const manual = new SuppressionService({ db: db(), actor: 'ops' });
    await manual.add({ client: 'manual', targets: [{ value: 'partner.com' }], reason: 'partner' });
    await manual.add({ client: 'manual', targets: [{ value: 'optout.com' }], reason: 'do_not_contact' });
    const summary = await run('manual', 'Company,Website\nPartner,partner.com\nOpt,optout.com\nNew,new.com\n');
    expect(summary.suppressions_added).toBe(1);
    expect(await checker.checkMany('manual', ['partner.com', 'optout.com', 'new.com'])).toMatchObject([
      { reason: 'partner' },
      { reason: 'do_not_contact' },
      { reason: 'existing_customer' },
    ]);
    const [linked] = await db().query<{ n: number }>(`select count(*)::int as n from suppression_list where customer_id is not null and domain in ('partner.com', 'optout.com')`);
    expect(linked?.n).toBe(2);
  });

  it('takes over an expired manual entry (a customer must stay suppressed), and audits it', async () => {
    // Expired entries are written directly: the service refuses past expiry dates.
    await db().query(
      `insert into suppression_list (client_id, domain, reason, source, expires_at)
       select id, 'lapsed.com', 'competitor', 'manual', '2020-01-01T00:00:00Z' from clients where slug = 'expired'`,
    );
    expect(await checker.checkMany('expired', ['lapsed.com'])).toMatchObject([{ suppressed: false }]);
    const summary = await run('expired', 'Company,Website\nLapsed,lapsed.com\n');
    expect(summary).toMatchObject({ inserted: 1, suppressions_added: 0, suppressions_updated: 1 });
    expect(await checker.checkMany('expired', ['lapsed.com'])).toMatchObject([{ suppressed: true, reason: 'existing_customer', expires_at: null }]);
    const [entry] = await db().query<{ source: string; linked: boolean }>(
      `select source, customer_id is not null as linked from suppression_list s join clients c on c.id = s.client_id where c.slug = 'expired'`,
    );
    expect(entry).toEqual({ source: 'import', linked: true });
    const events = await db().query<{ action: string; reason_before: string; reason_after: string }>(
      `select action, reason_before, reason_after from suppression_events e join clients c on c.id = e.client_id where c.slug = 'expired' and e.source = 'import'`,
    );
    expect(events).toEqual([{ action: 'update', reason_before: 'competitor', reason_after: 'existing_customer' }]);
  });

  it('--strict aborts on the first value that does not parse and writes nothing; without it the value is dropped, the customer kept', async () => {
    const csv = 'Company,Website,Deal Size\nGood,good.com,100\nBad,bad.com,lots\nAlso good,also.com,5\n,,\nNobody,,\n';
    await expect(run('strict', csv, { strict: true })).rejects.toMatchObject({ code: 'input', message: expect.stringContaining('line 3') });
    expect(await counts(db(), 'strict')).toMatchObject({ customers: 0, suppressions: 0, runs: 0, events: 0 });
    const rejects: ImportReject[] = [];
    const lenient = await run('strict', csv, { onReject: (r) => void rejects.push(r) });
    expect(lenient).toMatchObject({ inserted: 4, rejected: 0, values_dropped: 1, skipped: 1, without_target: 1 });
    expect(rejects).toEqual([{ line: 3, fields: ['Bad', 'bad.com', 'lots'], warning: 'deal_value: deal value "lots" is not a number' }]);
    expect(await checker.isSuppressed('strict', 'bad.com')).toMatchObject({ suppressed: true });
  });

  it('a missing required field is an input error that lists the columns', async () => {
    await expect(run('strict', 'Foo,Bar\n1,2\n')).rejects.toMatchObject({ code: 'input', message: expect.stringContaining('"Foo", "Bar"'), hint: expect.stringContaining('option mapOverrides company_name=') });
  });

  it('--map overrides and unknown fields or columns are usage errors', async () => {
    await expect(run('strict', 'Foo,Bar\nx,y.com\n', { mapOverrides: { nope: 'Foo' } })).rejects.toMatchObject({ code: 'usage' });
    await expect(run('strict', 'Foo,Bar\nx,y.com\n', { mapOverrides: { domain: 'Baz' } })).rejects.toMatchObject({ code: 'usage', hint: expect.stringContaining('Foo, Bar') });
    const ok = await run('strict', 'Foo,Bar\nx,mapped.com\n', { mapOverrides: { company_name: 'Foo', domain: 'Bar' }, dryRun: true });
    expect(ok).toMatchObject({ inserted: 1, dry_run: true });
  });

  it('dry run counts everything and writes nothing', async () => {
    const summary = await run('dry', SEED_CSV, { dryRun: true });
    expect(summary).toMatchObject({ dry_run: true, inserted: 1, suppressions_added: 1, import_run_id: null });
    expect(await counts(db(), 'dry')).toMatchObject({ customers: 0, suppressions: 0, runs: 0, events: 0 });
  });

  it('reads Windows-1252 with semicolons, UTF-16 with tabs, quoted newlines, European decimals', async () => {
    const text = 'Société;Site web;Valeur\n"Café ""Crème""\nParis";cafe-creme.fr;"1.234,50 €"\nMüller GmbH;mueller.de;2000\n';
    const win = await run('enc', iconv.encode(text, 'windows-1252'), { mapOverrides: { company_name: 'Société', domain: 'Site web', deal_value: 'Valeur' } });
    expect(win).toMatchObject({ encoding: 'windows-1252', delimiter: ';', inserted: 2, rejected: 0 });
    const [cafe] = await db().query<Record<string, unknown>>(`select company_name, deal_value::text as v from client_customers where domain = 'cafe-creme.fr'`);
    expect(cafe).toEqual({ company_name: 'Café "Crème"\nParis', v: '1234.50' });
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Company\tWebsite\nZürich AG\tzuerich.ch\n', 'utf16le')]);
    expect(await run('enc', utf16)).toMatchObject({ encoding: 'utf-16le', delimiter: '\t', inserted: 1 });
  });

  it('remembers a confirmed mapping for the same header set', async () => {
    const csv = 'Org,Web\nAlpha,alpha.io\n';
    await run('remember', csv, { mapOverrides: { company_name: 'Org', domain: 'Web' } });
    const proposal = await service.proposeMapping(await new ClientService(db()).resolve('remember'), ['Org', 'Web'], []);
    expect(proposal.remembered).toBe(true);
    expect(proposal.mapping).toMatchObject({ company_name: 0, domain: 1 });
    expect(proposal.origin.company_name).toBe('remembered');
  });

  it('a run undone in part (--force) keeps proposing its mapping; a run undone whole does not', async () => {
    const csv = 'Firma,Webseite,Status\nMüller,mueller-remember.de,Kunde\nKlein,klein-remember.de,Interessent\n';
    const settings = { mapOverrides: { company_name: 'Firma', domain: 'Webseite', status: 'Status' }, statusMap: parseStatusMap('Kunde=active,Interessent=skip') };
    const first = await run('undone-part', csv, settings);
    // A later run, of other columns, changes Müller: the forced undo keeps it, so the run stands in part.
    await run('undone-part', 'Company,Website,Industry\nMüller GmbH,mueller-remember.de,Retail\n');
    expect((await new ImportRunService({ db: db() }).undo({ run: first.import_run_id as string, force: true })).conflicts_kept.length).toBeGreaterThan(0);
    const client = await new ClientService(db()).resolve('undone-part');
    const kept = await service.proposeMapping(client, ['Firma', 'Webseite', 'Status'], []);
    expect(kept.remembered).toBe(true);
    expect(kept.settings.statusMap).toMatchObject({ interessent: 'skip' });
    const whole = await run('undone-whole', csv, settings);
    await new ImportRunService({ db: db() }).undo({ run: whole.import_run_id as string });
    expect((await service.proposeMapping(await new ClientService(db()).resolve('undone-whole'), ['Firma', 'Webseite', 'Status'], [])).remembered).toBe(false);
  });

  // Three batches of IMPORT_BATCH_SIZE (10k) in npm test; 50k with AOS_STRESS=1.
  const BIG = process.env.AOS_STRESS === '1' ? 50_000 : 25_000;
  // Not in the PgBouncer pass (vitest.config.ts): one transaction through the pooler whatever its size.
  it.skipIf(process.env.AOS_TEST_THROUGH === 'pgbouncer')(`imports a generated ${BIG}-row file with duplicates and bad websites, then re-imports idempotently`, async () => {
    const csv = customerCsv(BIG, { duplicateEvery: 50, badEvery: 100 });
    const first = await run('big', csv);
    expect(first.rows_read).toBe(BIG);
    // A bad website is dropped; the row's customer comes from its email instead.
    expect(first).toMatchObject({ rejected: 0, values_dropped: BIG / 100 });
    expect(first.merged).toBeGreaterThan(0);
    expect(first.inserted + first.merged).toBe(BIG);
    const c = await counts(db(), 'big');
    expect(c?.customers).toBe(first.inserted);
    // One entry per company domain, and one per gmail contact (no domain covers it).
    const [targets] = await db().query<{ domains: number; gmail: number }>(
      `select count(*) filter (where domain is not null)::int as domains, count(*) filter (where contact_email like '%@gmail.com')::int as gmail
         from client_customers cc join clients c on c.id = cc.client_id where c.slug = 'big'`,
    );
    expect(c?.suppressions).toBe((targets?.domains ?? 0) + (targets?.gmail ?? 0));
    expect(first.suppressions_added).toBe(c?.suppressions);
    const second = await run('big', csv);
    expect(second).toMatchObject({ inserted: 0, updated: 0, unchanged: first.inserted, suppressions_added: 0, suppressions_updated: 0 });
  });

  it('an active customer\'s entry never expires: the import clears a manual expiry, keeps the reason, and audits it', async () => {
    const manual = new SuppressionService({ db: db(), actor: 'ops' });
    await manual.add({ client: 'expiry', targets: [{ value: 'partnerco.com' }, { value: 'jo@gmail.com' }], reason: 'partner', expiresAt: new Date(Date.now() + 20 * 86_400_000) });
    const summary = await run('expiry', 'Company,Website,Email\nPartnerCo,partnerco.com,jo@gmail.com\n');
    expect(summary).toMatchObject({ suppressions_added: 0, suppressions_updated: 2 });
    expect(await checker.checkMany('expiry', ['partnerco.com', 'jo@gmail.com'])).toMatchObject([
      { suppressed: true, reason: 'partner', expires_at: null },
      { suppressed: true, reason: 'partner', expires_at: null },
    ]);
    const events = await db().query<{ target: string; reason_before: string; reason_after: string; notes: string }>(
      `select target, reason_before, reason_after, notes from suppression_events e join clients c on c.id = e.client_id where c.slug = 'expiry' and e.source = 'import' order by target`,
    );
    expect(events).toEqual([
      { target: 'jo@gmail.com', reason_before: 'partner', reason_after: 'partner', notes: expect.stringContaining('expiry cleared') },
      { target: 'partnerco.com', reason_before: 'partner', reason_after: 'partner', notes: expect.stringContaining('expiry cleared') },
    ]);
    expect(await run('expiry', 'Company,Website,Email\nPartnerCo,partnerco.com,jo@gmail.com\n')).toMatchObject({ suppressions_updated: 0 });
  });

  it('Pipedrive deals: won deals are customers, open and lost ones are skipped and never downgrade an active customer', async () => {
    const header = 'Deal - Title,Deal - Value,Deal - Currency,Deal - Status,Deal - Won time,Organization - Name,Person - Email\n';
    await run('deals', `${header}Site,5000,AUD,won,2024-02-01 10:00:00,Acme,jo@acme.com\n`);
    const summary = await run('deals', `${header}Renewal,3000,AUD,lost,,Acme,jo@acme.com\nNew,100,AUD,open,,Beta,al@beta.io\nMore,TBC,AUD,won,2024-03-01 09:00:00,Gamma,ga@gmail.com\n`);
    expect(summary).toMatchObject({ skipped: 2, inserted: 1, values_dropped: 1, rejected: 0 });
    expect(summary.mapping).toMatchObject({ status: 'Deal - Status', company_name: 'Organization - Name', contact_email: 'Person - Email' });
    expect(await checker.checkMany('deals', ['acme.com', 'beta.io', 'ga@gmail.com', 'gmail.com'])).toMatchObject([
      { suppressed: true, reason: 'existing_customer' },
      { suppressed: false },
      { suppressed: true, reason: 'existing_customer' },
      { suppressed: false },
    ]);
  });

  it('several domain columns: the first that gives a company domain wins; remapping never stores a company twice', async () => {
    const csv = 'Company name,Company Domain Name,Website URL\nKiwi Accountants,,https://www.kiwiaccountants.co.nz/\nBeta,beta.io,https://other.io\n';
    const first = await run('kiwi', csv, { mapOverrides: { domain: 'Company Domain Name' } });
    expect(first).toMatchObject({ inserted: 2, without_target: 1 });
    const second = await run('kiwi', csv, { mapOverrides: { domain: ['Company Domain Name', 'Website URL'] } });
    expect(second).toMatchObject({ inserted: 0, updated: 1, unchanged: 1 });
    expect(second.mapping.domain).toEqual(['Company Domain Name', 'Website URL']);
    const rows = await db().query<{ natural_key: string }>(`select natural_key from client_customers cc join clients c on c.id = cc.client_id where c.slug = 'kiwi' order by 1`);
    // The name-only customer of the first import becomes the domain customer: one Kiwi, not two.
    expect(rows.map((r) => r.natural_key)).toEqual(['d:beta.io', 'd:kiwiaccountants.co.nz']);
    expect(await checker.isSuppressed('kiwi', 'kiwiaccountants.co.nz')).toMatchObject({ suppressed: true });
  });

  it('unknown status values stop the import before anything is written, naming them with the statusMap syntax; remembered next time', async () => {
    const csv = 'Account Name,Website,Type\nA,a.com,Customer - Direct\nB,b.com,Retainer\nC,c.com,Other\nD,d.com,Other\n';
    // A value the tool cannot read is proposed as active (suppressed), never as skip: people paste hints.
    await expect(run('statusmap', csv)).rejects.toMatchObject({
      code: 'input',
      message: expect.stringMatching(/"Other" \(2 rows\), "Retainer" \(1 row\)/),
      hint: expect.stringContaining("option statusMap 'Other=active,Retainer=active'"),
    });
    expect(await counts(db(), 'statusmap')).toMatchObject({ customers: 0, runs: 0 });
    const ok = await run('statusmap', csv, { statusMap: { other: 'skip', retainer: 'partner' }, dateFormat: 'DD/MM/YYYY' });
    expect(ok).toMatchObject({ inserted: 2, skipped: 2 });
    expect(await checker.checkMany('statusmap', ['a.com', 'b.com', 'c.com'])).toMatchObject([{ reason: 'existing_customer' }, { reason: 'partner' }, { suppressed: false }]);
    // A partner is suppressed but bought nothing: no buyer signal.
    const signals = await db().query<{ domain: string }>(`select domain from platform_buyer_signals where domain in ('a.com', 'b.com') order by 1`);
    expect(signals.map((r) => r.domain)).toEqual(['a.com']);
    // The same header set next time: the status map and date format come back by themselves.
    expect(await run('statusmap', csv, { dryRun: true })).toMatchObject({ unchanged: 2, skipped: 2, date_format: 'DD/MM/YYYY', status_map: { other: 'skip', retainer: 'partner' } });
  });

  it('lists every unknown status value with its row count in the message and the hint, each proposed as active', async () => {
    // Seven values no CRM vocabulary reads (a Monday-style board's Status): all seven named, none as skip.
    const values = ['Done', 'Working on it', 'Stuck', 'Waiting', 'On hold', 'Blocked', 'Review'];
    const rows = values.flatMap((v, i) => Array.from({ length: i + 1 }, (_, j) => `Co ${i}-${j},co${i}x${j}.com,${v},Customer`));
    const csv = `Company,Website,Status,Customer Type\n${rows.join('\n')}\n`;
    const refused = run('every', csv, { mapOverrides: { status: 'Status' } });
    await expect(refused).rejects.toMatchObject({ code: 'input', message: expect.stringContaining('"Done" (1 row)') });
    const error = (await refused.catch((e: unknown) => e)) as { message: string; hint: string };
    for (const [i, v] of values.entries()) {
      expect(error.message).toContain(`"${v}" (${i + 1} row${i === 0 ? '' : 's'})`);
      expect(error.hint).toContain(`${v}=active`);
    }
    expect(error.hint).not.toMatch(/=skip/);
    // Pasting the hint suppresses every customer of the board.
    const statusMap = parseStatusMap(/'([^']*)'/.exec(error.hint)?.[1] ?? '');
    expect(await run('every', csv, { mapOverrides: { status: 'Status' }, statusMap })).toMatchObject({ inserted: 28, skipped: 0 });
    const verdicts = await checker.checkMany('every', rows.map((r) => r.split(',')[1] as string));
    expect(verdicts.every((v) => 'suppressed' in v && v.suppressed)).toBe(true);
  });

  it('a 300-column export imports (hashed header key), and its dry run meets the same checks', async () => {
    const headers = ['Company name', 'Website URL', ...Array.from({ length: 300 }, (_, i) => `Custom property with a long descriptive label number ${i}`)];
    const csv = `${headers.join(',')}\nWide Co,wide.co,${Array(300).fill('x').join(',')}\n`;
    expect(await run('wide', csv, { dryRun: true })).toMatchObject({ inserted: 1 });
    expect(await run('wide', csv)).toMatchObject({ inserted: 1, import_run_id: expect.any(String) });
    expect((await service.proposeMapping(await new ClientService(db()).resolve('wide'), headers, [])).remembered).toBe(true);
  });

  it('a delimiter given by hand is remembered and used again when the file can be reopened', async () => {
    // Detection reads this as comma-separated; it is '|'-separated with a comma inside a value.
    const csv = 'Company|Website,Notes\nAcme|acme-pipe.com,x\nBeta|beta-pipe.com,y\n';
    const input = () => Readable.from([Buffer.from(csv)]);
    const first = await run('delim', csv, { delimiter: '|', mapOverrides: { company_name: 'Company', domain: 'Website,Notes' } });
    expect(first).toMatchObject({ delimiter: '|', inserted: 2 });
    const again = await run('delim', csv, { reopenInput: input });
    expect(again).toMatchObject({ delimiter: '|', unchanged: 2, rejected: 0 });
    // Without a way to read the input again (stdin), detection stands, and says what it found.
    expect((await run('delim', csv, { dryRun: true })).delimiter).toBe(',');
  });

  it('an aborted import (Ctrl-C) rolls back everything', async () => {
    const controller = new AbortController();
    let batches = 0;
    const csv = customerCsv(30_000);
    await expect(
      run('lines', csv, {
        signal: controller.signal,
        onProgress: () => {
          if (++batches === 2) controller.abort();
        },
      }),
    ).rejects.toMatchObject({ code: 'interrupted' });
    expect(await counts(db(), 'lines')).toMatchObject({ customers: 0, suppressions: 0, runs: 0, events: 0 });
  });
});
