import { Readable } from 'node:stream';
import { beforeAll, expect, it } from 'vitest';
import { ExpiryPolicyService } from '../../src/services/expiry-policy-service.js';
import { ClientService } from '../../src/services/client-service.js';
import { CustomerService } from '../../src/services/customer-service.js';
import { CustomerImportService, importInteractively, type ImportPrompts, type ImportRequest } from '../../src/services/import/customer-import-service.js';
import { ImportRunService } from '../../src/services/import/run-service.js';
import { SuppressionService } from '../../src/services/suppression-service.js';
import { clientState } from '../helpers/client-state.js';
import { describeEachDatabase } from '../helpers/databases.js';

const STORED = `Company,Website,Industry,Deal Size
Alpha,alpha.com,Retail,1000
Beta,beta.io,Media,2000
Gamma,gamma.co.uk,Retail,3000
Delta,delta.com,Energy,4000
`;

describeEachDatabase('import diff and --sync', ({ db }) => {
  let importer: CustomerImportService;
  let suppress: SuppressionService;
  const run = (client: string, csv: string, extra: Partial<ImportRequest> = {}) =>
    importer.import({ client, input: Readable.from([Buffer.from(csv)]), fileName: 'export.csv', ...extra });
  const status = async (client: string) =>
    Object.fromEntries(
      (await db().query<{ company_name: string; status: string }>(`select company_name, status from client_customers c join clients k on k.id = c.client_id where k.slug = $1`, [client])).map((r) => [r.company_name, r.status]),
    );

  beforeAll(async () => {
    for (const slug of ['diff', 'sync', 'mass', 'masscli', 'other-source', 'undo', 'named', 'by-source', 'rekeyed', 'expiring', 'scale', 'exact', 'vanished', 'revived', 'cased']) await new ClientService(db()).add({ slug });
    importer = new CustomerImportService({ db: db(), actor: 'importer' });
    suppress = new SuppressionService({ db: db() });
  });

  it('the diff: new, changed with which fields, unchanged — in the summary and the dry run alike', async () => {
    const first = await run('diff', STORED);
    expect(first.diff).toMatchObject({ new: 4, changed: 0, unchanged: 0, sync: false, churned: 0 });
    const next = `Company,Website,Industry,Deal Size
Alpha,alpha.com,Retail,1000
Beta,beta.io,Publishing,2500
Gamma,gamma.co.uk,Retail,3000
Epsilon,epsilon.io,Media,500
`;
    const dry = await run('diff', next, { dryRun: true });
    expect(dry.diff).toEqual({
      new: 1, changed: 1, unchanged: 2, changed_fields: { deal_value: 1, industry: 1 }, changes: [{ customer: 'Beta', fields: ['deal_value', 'industry'] }],
      sync: false, churned: 0, churned_customers: [], churned_entries: 0, customers_before: 4, source_customers_before: 4, mass_churn: false,
    });
    // Without --sync nothing goes missing: Delta stays active.
    expect((await run('diff', next)).diff).toEqual(dry.diff);
    expect((await status('diff')).Delta).toBe('active');
  });

  it('--sync churns the customers of that source the file no longer holds, never deleting them', async () => {
    await run('sync', STORED);
    await run('sync', 'Company,Website\nOmega,omega.com\n', { sourceName: 'hubspot' });
    const summary = await run('sync', 'Company,Website,Industry,Deal Size\nAlpha,alpha.com,Retail,1000\nBeta,beta.io,Media,2000\nGamma,gamma.co.uk,Retail,3000\n', { sync: true, sourceName: 'csv' });
    expect(summary.diff).toMatchObject({ new: 0, changed: 0, unchanged: 3, sync: true, churned: 1, churned_customers: ['Delta'], customers_before: 5, mass_churn: false });
    // Omega came from another source: a csv sync says nothing about it.
    expect(await status('sync')).toEqual({ Alpha: 'active', Beta: 'active', Gamma: 'active', Delta: 'churned', Omega: 'active' });
    expect(await suppress.isSuppressed('sync', 'delta.com')).toMatchObject({ suppressed: true, reason: 'past_customer' });
    const history = await suppress.history({ client: 'sync', target: 'delta.com' });
    expect(history.at(-1)).toMatchObject({ action: 'update', reason_before: 'existing_customer', reason_after: 'past_customer', source: 'import' });
    // A churned customer missing again is not churned twice.
    expect((await run('sync', 'Company,Website\nAlpha,alpha.com\nBeta,beta.io\nGamma,gamma.co.uk\n', { sync: true, sourceName: 'csv' })).diff?.churned).toBe(0);
  });

  it('a sync that would churn more than half refuses (nothing written) unless allowed or confirmed', async () => {
    await run('mass', STORED);
    const before = await clientState(db(), 'mass');
    const one = 'Company,Website\nAlpha,alpha.com\n';
    await expect(run('mass', one, { sync: true, sourceName: 'csv' })).rejects.toMatchObject({ code: 'input', message: expect.stringContaining('option sync would churn 3 of the 4 customers of mass from source csv'), hint: expect.stringContaining('pass option allowMassChurn') });
    expect(await clientState(db(), 'mass')).toEqual(before);
    const asked: number[] = [];
    // Asked before the write's transaction (the interactive import's question after its dry run), never inside it.
    const prompts: ImportPrompts = {
      confirmMapping: async (p) => ({ mapping: p.mapping, dateFormat: p.settings.dateFormat }),
      mapStatuses: async () => ({}),
      confirmWrite: async () => ({ action: 'write' }),
      confirmMassChurn: async (d) => (asked.push(d.churned), false),
    };
    const interactive = { open: async () => importer, release: async () => {}, reopenInput: () => Readable.from([Buffer.from(one)]), prompts };
    await expect(importInteractively(interactive, { client: 'mass', fileName: 'export.csv', sync: true, sourceName: 'csv' })).rejects.toMatchObject({ code: 'interrupted' });
    expect(asked).toEqual([3]);
    expect(await clientState(db(), 'mass')).toEqual(before);
    // The dry run reports it without refusing.
    expect((await run('mass', one, { sync: true, sourceName: 'csv', dryRun: true })).diff).toMatchObject({ churned: 3, mass_churn: true });
    const forced = await run('mass', one, { sync: true, sourceName: 'csv', allowMassChurn: true });
    expect(forced.diff).toMatchObject({ churned: 3, mass_churn: true });
    expect(await status('mass')).toEqual({ Alpha: 'active', Beta: 'churned', Gamma: 'churned', Delta: 'churned' });
  });

  it('undoing a sync puts the churned customers and their entries back', async () => {
    await run('undo', STORED);
    const before = await clientState(db(), 'undo');
    const synced = await run('undo', 'Company,Website\nAlpha,alpha.com\nBeta,beta.io\nGamma,gamma.co.uk\n', { sync: true, sourceName: 'csv' });
    expect(synced.diff?.churned).toBe(1);
    await new ImportRunService({ db: db() }).undo({ run: synced.import_run_id as string });
    expect(await clientState(db(), 'undo')).toEqual(before);
  });

  it('an undone sync restores every column of its churned customers and of their domain and email entries, expiry included', async () => {
    // The churn logs only the columns it changes; the undo merges them over the rows as the sync
    // left them. Full rows, a default expiry the churn applies, and a churned customer of another
    // source that the sync leaves alone: every column of every row must come back as it was.
    await new ExpiryPolicyService({ db: db(), actor: 'ops-anna' }).set({ client: 'exact', expire: ['past_customer=24m'] });
    await run('exact', `Company,Website,Contact Email,Contact Name,Industry,Deal Size,Status,Customer Since
Alpha,alpha.com,ann@alpha.com,Ann Lee,Retail,1000.50,active,2021-03-04
Beta,beta.io,bob@beta.io,Bob Ray,Media,2000,active,2020-01-31
Hooli,,gavin@gmail.com,Gavin B,Tech,,active,
Gamma,gamma.co.uk,,,Retail,3000,churned,2019-05-06
`, { sourceName: 'crm' });
    await run('exact', 'Company,Website\nOmega,omega.com\n', { sourceName: 'other' });
    const before = await clientState(db(), 'exact');
    const synced = await run('exact', 'Company,Website\nAlpha,alpha.com\n', { sync: true, sourceName: 'crm', allowMassChurn: true });
    expect(synced.diff).toMatchObject({ churned: 2 });
    expect(await status('exact')).toMatchObject({ Beta: 'churned', Hooli: 'churned', Omega: 'active' });
    expect(await clientState(db(), 'exact')).not.toEqual(before);
    const undone = await new ImportRunService({ db: db() }).undo({ run: synced.import_run_id as string });
    expect(undone).toMatchObject({ customers_restored: 2, conflicts_kept: [] });
    expect(await clientState(db(), 'exact')).toEqual(before);
  });

  it('a churned customer removed by hand since is named in the refusal to undo the sync, never "?"', async () => {
    await run('vanished', STORED, { sourceName: 'csv' });
    const synced = await run('vanished', 'Company,Website\nAlpha,alpha.com\nBeta,beta.io\nGamma,gamma.co.uk\n', { sync: true, sourceName: 'csv' });
    await new CustomerService({ db: db(), actor: 'ops-anna' }).remove({ client: 'vanished', target: 'delta.com' });
    const refused = new ImportRunService({ db: db() }).undo({ run: synced.import_run_id as string });
    await expect(refused).rejects.toThrow(/customer delta\.com \(removed\)/);
    await expect(refused).rejects.toThrow(/entry delta\.com \(removed\)/);
    await expect(refused).rejects.not.toThrow(/ \? \(|id [0-9a-f-]{36}/);
  });

  it('an undo that makes a churned customer active again leaves none of its entries expiring, opt-outs untouched, audited as the undo (27.7)', async () => {
    // Delta and Gamma churned by the sync; by hand since: Delta's entry given a later expiry, an
    // opt-out on Gamma's. The forced undo keeps those entries' rows, but an active customer's entry
    // never expires (SPEC §7): when Delta's expiry lapsed, a current customer would be "allowed".
    await run('revived', 'Company,Website,Contact Email\nAlpha,alpha.com,a@alpha.com\nDelta,delta.com,d@delta.com\nGamma,gamma.com,g@gamma.com\nEps,eps.com,e@gmail.com\n', { sourceName: 'crm' });
    const synced = await run('revived', 'Company,Website\nAlpha,alpha.com\n', { sync: true, sourceName: 'crm', allowMassChurn: true });
    const forHand = new SuppressionService({ db: db(), actor: 'ops-anna' });
    const in400Days = new Date(Date.now() + 400 * 86_400_000);
    await forHand.add({ client: 'revived', targets: [{ value: 'delta.com' }], reason: 'past_customer', expiresAt: in400Days, force: true });
    await forHand.add({ client: 'revived', targets: [{ value: 'e@gmail.com' }], reason: 'competitor', expiresAt: in400Days, force: true });
    await forHand.add({ client: 'revived', targets: [{ value: 'gamma.com' }], reason: 'unsubscribed', expiresAt: in400Days, force: true });
    const undone = await new ImportRunService({ db: db(), actor: 'ops-anna' }).undo({ run: synced.import_run_id as string, force: true });
    expect(undone.conflicts_kept.map((c) => c.target)).toEqual(expect.arrayContaining(['delta.com', 'e@gmail.com']));
    expect(await status('revived')).toMatchObject({ Delta: 'active', Gamma: 'active', Eps: 'active' });
    // The import's rule: an entry the import owns gets the active reason; one set by hand keeps its reason; neither expires.
    expect(await suppress.isSuppressed('revived', 'delta.com')).toMatchObject({ suppressed: true, reason: 'existing_customer', expires_at: null });
    expect(await suppress.isSuppressed('revived', 'd@delta.com')).toMatchObject({ suppressed: true, reason: 'existing_customer', expires_at: null });
    expect(await suppress.isSuppressed('revived', 'e@gmail.com')).toMatchObject({ suppressed: true, reason: 'competitor', expires_at: null });
    // An opt-out is never touched, expiry and all (SPEC §5).
    const gamma = await suppress.isSuppressed('revived', 'gamma.com');
    expect(gamma).toMatchObject({ suppressed: true, reason: 'unsubscribed' });
    expect(new Date((gamma as { expires_at: string }).expires_at).getTime()).toBe(in400Days.getTime());
    const history = await suppress.history({ client: 'revived', target: 'delta.com' });
    expect(history.at(-1)).toMatchObject({ action: 'update', source: 'undo', actor: 'ops-anna', reason_before: 'past_customer', reason_after: 'existing_customer', expires_at: null });
  });

  it('--sync names the source it replaces: without one it is a usage error, nothing written', async () => {
    await run('named', STORED);
    const before = await clientState(db(), 'named');
    await expect(run('named', 'Company,Website\nAlpha,alpha.com\n', { sync: true })).rejects.toMatchObject({ code: 'usage', message: expect.stringContaining('option sync needs option sourceName') });
    expect(await clientState(db(), 'named')).toEqual(before);
  });

  it("the mass-churn guard counts the synced source's customers, not the client's: a header-only HubSpot file churns nothing unasked", async () => {
    // Ten customers from a CSV export, two from HubSpot; a HubSpot companies export with only its header.
    const csv = ['Company,Website', ...Array.from({ length: 10 }, (_, i) => `Csv Co ${i},csvco${i}.com`)].join('\n');
    await run('by-source', csv);
    await run('by-source', 'Record ID,Company name,Company Domain Name\r\n1,Acme,acme.com\r\n2,Globex,globex.com\r\n', { sourceName: 'hubspot' });
    const headerOnly = 'Record ID,Company name,Company Domain Name\r\n';
    await expect(run('by-source', headerOnly, { sync: true, sourceName: 'hubspot' })).rejects.toMatchObject({ code: 'input', message: expect.stringContaining('churn 2 of the 2 customers of by-source from source hubspot') });
    expect((await status('by-source')).Acme).toBe('active');
    expect((await run('by-source', headerOnly, { sync: true, sourceName: 'hubspot', dryRun: true })).diff).toMatchObject({ churned: 2, source_customers_before: 2, mass_churn: true });
  });

  it('--sync --source hubspot replaces the customers stored as HubSpot, and counts the entries its churn moves', async () => {
    await run('cased', STORED, { sourceName: 'HubSpot' });
    await run('cased', 'Company,Website\nOmega,omega.com\n', { sourceName: 'csv' });
    const next = 'Company,Website,Industry,Deal Size\nAlpha,alpha.com,Retail,1000\nBeta,beta.io,Media,2000\nGamma,gamma.co.uk,Retail,3000\n';
    const dry = await run('cased', next, { sync: true, sourceName: 'hubspot', dryRun: true });
    expect(dry.diff).toMatchObject({ churned: 1, churned_customers: ['Delta'], churned_entries: 1, source_customers_before: 4, mass_churn: false });
    expect(dry.suppressions_updated).toBe(1);
    const summary = await run('cased', next, { sync: true, sourceName: 'hubspot' });
    expect(summary.diff).toMatchObject({ churned: 1, churned_entries: 1, source_customers_before: 4 });
    expect(summary.suppressions_updated).toBe(1);
    // Omega came from another source: never churned.
    expect(await status('cased')).toEqual({ Alpha: 'active', Beta: 'active', Gamma: 'active', Delta: 'churned', Omega: 'active' });
    expect(await suppress.isSuppressed('cased', 'delta.com')).toMatchObject({ suppressed: true, reason: 'past_customer' });
  });

  it('a stored customer known by name only, now given a website, is one changed customer: the counts never go negative', async () => {
    await run('rekeyed', 'Company,Website,Industry\nBluegum Cafe,,Hospitality\nAlpha,alpha.com,Retail\n');
    const summary = await run('rekeyed', 'Company,Website,Industry\nBluegum Cafe,bluegumcafe.com.au,Cafe\nAlpha,alpha.com,Retail\n', { sync: true, sourceName: 'csv' });
    expect(summary.diff).toMatchObject({ new: 0, changed: 1, unchanged: 1, churned: 0 });
  });

  it("a sync's churn gets the client's default expiry for past customers, like any new past_customer entry", async () => {
    await new ExpiryPolicyService({ db: db(), actor: 'ops-anna' }).set({ client: 'expiring', expire: ['past_customer=24m'] });
    await run('expiring', STORED, { sourceName: 'pipedrive' });
    await run('expiring', 'Company,Website\nAlpha,alpha.com\nBeta,beta.io\nGamma,gamma.co.uk\n', { sync: true, sourceName: 'pipedrive' });
    const delta = await suppress.isSuppressed('expiring', 'delta.com');
    expect(delta).toMatchObject({ suppressed: true, reason: 'past_customer' });
    const expires = new Date((delta as { expires_at: string }).expires_at);
    const days = (expires.getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(700);
    expect(days).toBeLessThan(740);
  });

  it('a sync is linear in what it churns: churning half of 6,000 customers costs about what re-importing them does', async () => {
    // A Salesforce accounts report: Account Name, Website; the second export lists the first half.
    const lines = (n: number) => ['"Account Name","Website","Type"', ...Array.from({ length: n }, (_, i) => `"Account ${i}","account${i}.com","Customer - Direct"`)].join('\r\n') + '\r\n';
    const all = lines(6000);
    await run('scale', all, { sourceName: 'salesforce' });
    const timed = async (extra: Partial<ImportRequest>, csv: string) => {
      const started = performance.now();
      await run('scale', csv, { sourceName: 'salesforce', ...extra });
      return performance.now() - started;
    };
    const reimport = await timed({}, all);
    const sync = await timed({ sync: true, allowMassChurn: true }, lines(3000));
    expect((await status('scale'))['Account 5999']).toBe('churned');
    // Quadratic (nested loops over customers and entries), 3,000 churned took 16-24× the re-import.
    expect(sync / reimport).toBeLessThan(3);
  }, 180_000);
});
