import { Readable } from 'node:stream';
import { beforeAll, expect, it } from 'vitest';
import { ClientService } from '../../src/services/client-service.js';
import { CustomerImportService, type ImportRequest } from '../../src/services/customer-import-service.js';
import { ImportRunService } from '../../src/services/import-run-service.js';
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
    for (const slug of ['diff', 'sync', 'mass', 'masscli', 'other-source', 'undo']) await new ClientService(db()).add({ slug });
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
      sync: false, churned: 0, churned_customers: [], customers_before: 4, mass_churn: false,
    });
    // Without --sync nothing goes missing: Delta stays active.
    expect((await run('diff', next)).diff).toEqual(dry.diff);
    expect((await status('diff')).Delta).toBe('active');
  });

  it('--sync churns the customers of that source the file no longer holds, never deleting them', async () => {
    await run('sync', STORED);
    await run('sync', 'Company,Website\nOmega,omega.com\n', { sourceName: 'hubspot' });
    const summary = await run('sync', 'Company,Website,Industry,Deal Size\nAlpha,alpha.com,Retail,1000\nBeta,beta.io,Media,2000\nGamma,gamma.co.uk,Retail,3000\n', { sync: true });
    expect(summary.diff).toMatchObject({ new: 0, changed: 0, unchanged: 3, sync: true, churned: 1, churned_customers: ['Delta'], customers_before: 5, mass_churn: false });
    // Omega came from another source: a csv sync says nothing about it.
    expect(await status('sync')).toEqual({ Alpha: 'active', Beta: 'active', Gamma: 'active', Delta: 'churned', Omega: 'active' });
    expect(await suppress.isSuppressed('sync', 'delta.com')).toMatchObject({ suppressed: true, reason: 'past_customer' });
    const history = await suppress.history({ client: 'sync', target: 'delta.com' });
    expect(history.at(-1)).toMatchObject({ action: 'update', reason_before: 'existing_customer', reason_after: 'past_customer', source: 'import' });
    // A churned customer missing again is not churned twice.
    expect((await run('sync', 'Company,Website\nAlpha,alpha.com\nBeta,beta.io\nGamma,gamma.co.uk\n', { sync: true })).diff?.churned).toBe(0);
  });

  it('a sync that would churn more than half refuses (nothing written) unless allowed or confirmed', async () => {
    await run('mass', STORED);
    const before = await clientState(db(), 'mass');
    const one = 'Company,Website\nAlpha,alpha.com\n';
    await expect(run('mass', one, { sync: true })).rejects.toMatchObject({ code: 'input', message: expect.stringContaining('option sync would churn 3 of the 4 customers of mass'), hint: expect.stringContaining('pass option allowMassChurn') });
    expect(await clientState(db(), 'mass')).toEqual(before);
    const asked: number[] = [];
    await expect(run('mass', one, { sync: true, confirmMassChurn: async (d) => (asked.push(d.churned), false) })).rejects.toMatchObject({ code: 'interrupted' });
    expect(asked).toEqual([3]);
    expect(await clientState(db(), 'mass')).toEqual(before);
    // The dry run reports it without refusing.
    expect((await run('mass', one, { sync: true, dryRun: true })).diff).toMatchObject({ churned: 3, mass_churn: true });
    const forced = await run('mass', one, { sync: true, allowMassChurn: true });
    expect(forced.diff).toMatchObject({ churned: 3, mass_churn: true });
    expect(await status('mass')).toEqual({ Alpha: 'active', Beta: 'churned', Gamma: 'churned', Delta: 'churned' });
  });

  it('undoing a sync puts the churned customers and their entries back', async () => {
    await run('undo', STORED);
    const before = await clientState(db(), 'undo');
    const synced = await run('undo', 'Company,Website\nAlpha,alpha.com\nBeta,beta.io\nGamma,gamma.co.uk\n', { sync: true });
    expect(synced.diff?.churned).toBe(1);
    await new ImportRunService({ db: db() }).undo({ run: synced.import_run_id as string });
    expect(await clientState(db(), 'undo')).toEqual(before);
  });
});
