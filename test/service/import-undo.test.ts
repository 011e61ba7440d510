import { Readable } from 'node:stream';
import { beforeAll, expect, it } from 'vitest';
import { CustomerService } from '../../src/services/customer-service.js';
import { ClientService } from '../../src/services/client-service.js';
import { CustomerImportService } from '../../src/services/import/customer-import-service.js';
import { ImportRunService } from '../../src/services/import/run-service.js';
import { SuppressionService } from '../../src/services/suppression-service.js';
import { clientState } from '../helpers/client-state.js';
import { describeEachDatabase } from '../helpers/databases.js';

const FIRST = `Company,Website,Contact Email,Status,Deal Size
BuildRight,buildright.com.au,sarah@buildright.com.au,active,15000
Hooli,,gavin@gmail.com,active,
`;
// Pipedrive organization exports: a first one with a wrong status mapping, then the right one,
// which lists two of the same organizations unchanged.
const PIPEDRIVE_WRONG = `"Organization - Name","Organization - Website","Organization - Label","Person - Email"\r
"Acme Pty Ltd","https://www.acme.com.au/","Customer","accounts@acme.com.au"\r
"Bluegum Cafe","bluegumcafe.com.au","Customer","hello@bluegumcafe.com.au"\r
"Koala Kitchens","koalakitchens.com.au","Customer","chef@koalakitchens.com.au"\r
`;
const PIPEDRIVE_RIGHT = `"Organization - Name","Organization - Website","Organization - Label","Person - Email"\r
"Acme Pty Ltd","https://www.acme.com.au/","Customer","accounts@acme.com.au"\r
"Bluegum Cafe","bluegumcafe.com.au","Customer","hello@bluegumcafe.com.au"\r
"Wattle Works","wattleworks.com.au","Customer","ops@wattleworks.com.au"\r
`;
// A HubSpot companies export, and the same company a day later with its industry changed.
const HUBSPOT = `Record ID,Company name,Company Domain Name,Industry,Lifecycle Stage\r
1201,Acme,acme.com,Construction,Customer\r
1202,Globex,globex.com,Retail,Customer\r
`;
const HUBSPOT_LATER = `Record ID,Company name,Company Domain Name,Industry,Lifecycle Stage\r
1201,Acme,acme.com,Civil Engineering,Customer\r
`;
const SECOND = `Company,Website,Contact Email,Status,Deal Size
BuildRight,buildright.com.au,sarah@buildright.com.au,churned,20000
Pied Piper,piedpiper.com,richard@piedpiper.com,active,5000
`;

describeEachDatabase('ImportRunService', ({ db }) => {
  let importer: CustomerImportService;
  let runs: ImportRunService;
  let suppress: SuppressionService;
  const importCsv = async (client: string, csv: string, fileName = 'crm.csv') =>
    (await importer.import({ client, input: Readable.from([Buffer.from(csv)]), fileName })).import_run_id as string;

  beforeAll(async () => {
    for (const slug of ['first', 'second', 'conflict', 'optout', 'manual', 'dry', 'relisted', 'kept-entries', 'vanished']) await new ClientService(db()).add({ slug });
    importer = new CustomerImportService({ db: db(), actor: 'importer' });
    runs = new ImportRunService({ db: db(), actor: 'ops-anna' });
    suppress = new SuppressionService({ db: db(), actor: 'ops-anna' });
  });

  it('lists runs with file, checksum, rows, counts, actor and status, and shows one by id prefix', async () => {
    const id = await importCsv('first', FIRST, 'first.csv');
    const [run] = await runs.list({ client: 'first' });
    expect(run).toMatchObject({ id, file_name: 'first.csv', rows: 2, actor: 'importer', status: 'completed', undoable: true });
    expect(run?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(run?.counts).toMatchObject({ inserted: 2 });
    const shown = await runs.show(id.slice(0, 8));
    expect(shown.changes).toEqual({ customers_inserted: 2, customers_updated: 0, customers_deleted: 0, entries_inserted: 2, entries_updated: 0, entries_deleted: 0 });
    await expect(runs.show('zzzz')).rejects.toMatchObject({ code: 'usage' });
    await expect(runs.show('00000000')).rejects.toMatchObject({ code: 'input' });
  });

  it('undoing a first import removes its customers and entries, audited as an undo', async () => {
    const before = await clientState(db(), 'second');
    const id = await importCsv('second', FIRST);
    const result = await runs.undo({ run: id });
    expect(result).toMatchObject({ customers_removed: 2, customers_restored: 0, entries_removed: 2, entries_restored: 0, conflicts_kept: [], opt_outs_kept: [] });
    expect(await clientState(db(), 'second')).toEqual(before);
    expect(await suppress.isSuppressed('second', 'buildright.com.au')).toMatchObject({ suppressed: false });
    const history = await suppress.history({ client: 'second', target: 'buildright.com.au' });
    expect(history.at(-1)).toMatchObject({ action: 'remove', source: 'undo', actor: 'ops-anna', reason_before: 'existing_customer' });
    expect((await runs.show(id)).status).toBe('undone');
    await expect(runs.undo({ run: id })).rejects.toThrow(/already undone/);
  });

  it('undoing a second import puts every changed row back exactly, the first run kept', async () => {
    await importCsv('second', FIRST);
    const afterFirst = await clientState(db(), 'second');
    const id = await importCsv('second', SECOND);
    expect(await suppress.isSuppressed('second', 'buildright.com.au')).toMatchObject({ reason: 'past_customer' });
    const result = await runs.undo({ run: id });
    expect(result).toMatchObject({ customers_removed: 1, customers_restored: 1, entries_removed: 1, entries_restored: 1 });
    expect(await clientState(db(), 'second')).toEqual(afterFirst);
    expect(await suppress.isSuppressed('second', 'buildright.com.au')).toMatchObject({ reason: 'existing_customer' });
    const [signal] = await db().query<{ n: number }>(`select count(*)::int as n from platform_buyer_signals where domain = 'piedpiper.com'`);
    expect(signal?.n).toBe(0);
  });

  it('refuses, naming the rows, when a later run changed them; --force undoes the rest only', async () => {
    const first = await importCsv('conflict', FIRST);
    await importCsv('conflict', SECOND);
    await expect(runs.undo({ run: first })).rejects.toThrow(/customer buildright\.com\.au \(changed\).*entry buildright\.com\.au \(changed\)/);
    expect((await runs.show(first)).status).toBe('completed');
    const forced = await runs.undo({ run: first, force: true });
    expect(forced.conflicts_kept.map((k) => `${k.table} ${k.target}`).sort()).toEqual(['customer buildright.com.au', 'entry buildright.com.au']);
    expect(forced).toMatchObject({ customers_removed: 1, entries_removed: 1 });
    // BuildRight stays as the later run left it; Hooli, only the first run's, is gone.
    expect(await suppress.isSuppressed('conflict', 'buildright.com.au')).toMatchObject({ suppressed: true, reason: 'past_customer' });
    expect(await suppress.isSuppressed('conflict', 'gavin@gmail.com')).toMatchObject({ suppressed: false });
    expect((await runs.show(first)).status).toBe('partially_undone');
  });

  it('a manual change since the run is a conflict, and a forced undo never removes the opt-out it made', async () => {
    const id = await importCsv('optout', FIRST);
    await suppress.add({ client: 'optout', targets: [{ value: 'gavin@gmail.com' }], reason: 'unsubscribed' });
    await expect(runs.undo({ run: id })).rejects.toThrow(/entry gavin@gmail\.com \(changed\)/);
    await runs.undo({ run: id, force: true });
    expect(await suppress.isSuppressed('optout', 'gavin@gmail.com')).toMatchObject({ suppressed: true, reason: 'unsubscribed' });
    expect(await suppress.isSuppressed('optout', 'buildright.com.au')).toMatchObject({ suppressed: false });
  });

  it('an expired opt-out the import took over comes back as it was', async () => {
    // An expired opt-out: added by a clock two days back with an expiry one day back.
    const past = new SuppressionService({ db: db(), actor: 'ops-anna', now: () => new Date(Date.now() - 2 * 86_400_000) });
    await past.add({ client: 'manual', targets: [{ value: 'buildright.com.au' }], reason: 'do_not_contact', expiresAt: new Date(Date.now() - 86_400_000) });
    const before = await clientState(db(), 'manual');
    const id = await importCsv('manual', FIRST);
    expect(await suppress.isSuppressed('manual', 'buildright.com.au')).toMatchObject({ reason: 'existing_customer' });
    await runs.undo({ run: id });
    expect(await clientState(db(), 'manual')).toEqual(before);
  });

  it('--dry-run reports the undo and changes nothing', async () => {
    const id = await importCsv('dry', FIRST);
    const state = await clientState(db(), 'dry');
    const result = await runs.undo({ run: id, dryRun: true });
    expect(result).toMatchObject({ dry_run: true, customers_removed: 2, entries_removed: 2 });
    expect(await clientState(db(), 'dry')).toEqual(state);
    expect((await runs.show(id)).status).toBe('completed');
  });

  it('an undo keeps what a later run still lists, even unchanged: it refuses naming them, --force keeps them and their entries', async () => {
    const wrong = await importCsv('relisted', PIPEDRIVE_WRONG, 'pipedrive-wrong.csv');
    await importCsv('relisted', PIPEDRIVE_RIGHT, 'pipedrive-right.csv');
    const refused = /customer acme\.com\.au \(listed by a later run\).*customer bluegumcafe\.com\.au \(listed by a later run\)/;
    await expect(runs.undo({ run: wrong, dryRun: true })).rejects.toThrow(refused);
    await expect(runs.undo({ run: wrong })).rejects.toThrow(refused);
    const forced = await runs.undo({ run: wrong, force: true });
    expect(forced).toMatchObject({ customers_removed: 1, entries_removed: 1 });
    for (const target of ['acme.com.au', 'accounts@acme.com.au', 'bluegumcafe.com.au', 'hello@bluegumcafe.com.au', 'wattleworks.com.au']) {
      expect(await suppress.isSuppressed('relisted', target), target).toMatchObject({ suppressed: true, reason: 'existing_customer' });
    }
    expect(await suppress.isSuppressed('relisted', 'koalakitchens.com.au')).toMatchObject({ suppressed: false });
  });

  it('a forced undo that keeps a customer changed since keeps its entries too', async () => {
    const first = await importCsv('kept-entries', HUBSPOT, 'hubspot.csv');
    await importCsv('kept-entries', HUBSPOT_LATER, 'hubspot-later.csv');
    const forced = await runs.undo({ run: first, force: true });
    expect(forced.conflicts_kept).toContainEqual({ table: 'customer', target: 'acme.com', change: 'changed' });
    expect(await suppress.isSuppressed('kept-entries', 'acme.com')).toMatchObject({ suppressed: true, reason: 'existing_customer' });
    expect(await suppress.isSuppressed('kept-entries', 'globex.com')).toMatchObject({ suppressed: false });
  });

  it('a conflict names the row (domain, email or company) even when it was removed since, never "?"', async () => {
    const first = await importCsv('vanished', HUBSPOT, 'hubspot.csv');
    await new CustomerService({ db: db(), actor: 'ops-anna' }).remove({ client: 'vanished', target: 'acme.com' });
    const refused = runs.undo({ run: first });
    await expect(refused).rejects.toThrow(/customer acme\.com \(removed\)/);
    await expect(refused).rejects.not.toThrow(/ \? \(/);
  });
});
