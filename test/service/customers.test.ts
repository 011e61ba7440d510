import { Readable } from 'node:stream';
import { beforeAll, expect, it } from 'vitest';
import { ClientService } from '../../src/services/client-service.js';
import { CustomerImportService } from '../../src/services/import/customer-import-service.js';
import { CustomerService } from '../../src/services/customer-service.js';
import { SuppressionService } from '../../src/services/suppression-service.js';
import { describeEachDatabase } from '../helpers/databases.js';

const CSV = `Company,Website,Contact Email,Status
BuildRight,buildright.com.au,sarah@buildright.com.au,active
Hooli,,gavin@gmail.com,churned
Pied Piper,piedpiper.com,richard@piedpiper.com,active
100% Fake_Co,fakeco.io,,active
`;

describeEachDatabase('CustomerService', ({ db }) => {
  let customers: CustomerService;
  let suppress: SuppressionService;
  const all = async <T>(it: AsyncIterable<T>) => {
    const out: T[] = [];
    for await (const x of it) out.push(x);
    return out;
  };

  beforeAll(async () => {
    for (const slug of ['acme', 'other']) await new ClientService(db()).add({ slug });
    const importer = new CustomerImportService({ db: db(), actor: 'importer' });
    await importer.import({ client: 'acme', input: Readable.from([Buffer.from(CSV)]), fileName: 'crm.csv' });
    await importer.import({ client: 'other', input: Readable.from([Buffer.from(CSV)]), fileName: 'crm.csv' });
    customers = new CustomerService({ db: db(), actor: 'ops-anna' });
    suppress = new SuppressionService({ db: db(), actor: 'ops-anna' });
  });

  it('lists the customers of one client by name, filtered by status and by a literal search', async () => {
    const list = await all(customers.list({ client: 'acme' }));
    expect(list.map((c) => c.company_name)).toEqual(['100% Fake_Co', 'BuildRight', 'Hooli', 'Pied Piper']);
    expect((await all(customers.list({ client: 'acme', status: 'churned' }))).map((c) => c.company_name)).toEqual(['Hooli']);
    expect((await all(customers.list({ client: 'acme', search: 'PIPER' }))).map((c) => c.company_name)).toEqual(['Pied Piper']);
    // % and _ are searched for, not wildcards.
    expect((await all(customers.list({ client: 'acme', search: '%' }))).map((c) => c.company_name)).toEqual(['100% Fake_Co']);
    expect(await all(customers.list({ client: 'acme', search: 'x_y' }))).toEqual([]);
    await expect(all(customers.list({ client: 'acme', status: 'gone' }))).rejects.toMatchObject({ code: 'usage' });
  });

  it('shows a customer found by URL, email or name, with its entries and the runs that touched it', async () => {
    for (const target of ['https://www.buildright.com.au/about', 'sarah@buildright.com.au', 'buildright']) {
      const detail = await customers.show({ client: 'acme', target });
      expect(detail.customer.company_name).toBe('BuildRight');
      expect(detail.entries).toEqual([{ kind: 'domain', target: 'buildright.com.au', reason: 'existing_customer', source: 'import', expires_at: null, linked: true }]);
      expect(detail.import_runs).toMatchObject([{ file_name: 'crm.csv', change: 'inserted', status: 'completed' }]);
    }
    await expect(customers.show({ client: 'acme', target: 'nobody.com' })).rejects.toMatchObject({ code: 'input' });
  });

  it('removes a customer with its imported entry, audited, and leaves other clients alone', async () => {
    const result = await customers.remove({ client: 'acme', target: 'piedpiper.com' });
    expect(result.entries_removed).toEqual([{ target: 'piedpiper.com', reason: 'existing_customer' }]);
    expect(result.entries_kept).toEqual([]);
    expect(await suppress.isSuppressed('acme', 'piedpiper.com')).toMatchObject({ suppressed: false });
    expect(await suppress.isSuppressed('other', 'piedpiper.com')).toMatchObject({ suppressed: true });
    const [event] = await db().query<Record<string, unknown>>(`select action, source, actor, before->>'company_name' as name from customer_events where natural_key = 'd:piedpiper.com'`);
    expect(event).toEqual({ action: 'remove', source: 'manual', actor: 'ops-anna', name: 'Pied Piper' });
    const history = await suppress.history({ client: 'acme', target: 'piedpiper.com' });
    expect(history.at(-1)).toMatchObject({ action: 'remove', actor: 'ops-anna' });
  });

  it('never removes an opt-out or a manual entry with the customer', async () => {
    // The customer's imported entry became an opt-out by hand; a manual note on another.
    await suppress.add({ client: 'acme', targets: [{ value: 'gavin@gmail.com' }], reason: 'unsubscribed', force: true });
    const result = await customers.remove({ client: 'acme', target: 'gavin@gmail.com' });
    expect(result.entries_kept).toEqual([{ target: 'gavin@gmail.com', reason: 'unsubscribed', why: 'opt_out' }]);
    expect(await suppress.isSuppressed('acme', 'gavin@gmail.com')).toMatchObject({ suppressed: true, reason: 'unsubscribed' });
    await expect(customers.show({ client: 'acme', target: 'gavin@gmail.com' })).rejects.toMatchObject({ code: 'input' });
  });

  it("keeps an entry another customer also stands behind, linked to that customer now", async () => {
    // Two customers of one client share a contact mailbox: the email entry stays with the other.
    const importer = new CustomerImportService({ db: db(), actor: 'importer' });
    await importer.import({ client: 'other', input: Readable.from([Buffer.from('Company,Contact Email\nShared One,sharedteam@gmail.com\n')]), fileName: 'a.csv' });
    await db().query(
      `insert into client_customers (client_id, company_name, natural_key, contact_email, source) select id, 'Shared Two', 'n:shared two', 'sharedteam@gmail.com', 'csv' from clients where slug = 'other'`,
    );
    const result = await customers.remove({ client: 'other', target: 'Shared One' });
    expect(result.entries_kept).toEqual([{ target: 'sharedteam@gmail.com', reason: 'existing_customer', why: 'other_customer' }]);
    expect(await suppress.isSuppressed('other', 'sharedteam@gmail.com')).toMatchObject({ suppressed: true });
    const detail = await customers.show({ client: 'other', target: 'Shared Two' });
    expect(detail.entries).toMatchObject([{ target: 'sharedteam@gmail.com', linked: true }]);
  });

  it('refuses a name that matches several customers, naming them', async () => {
    await db().query(`insert into client_customers (client_id, company_name, natural_key, source) select id, 'Twin', 'n:twin-a', 'csv' from clients where slug = 'acme'`);
    await db().query(`insert into client_customers (client_id, company_name, natural_key, source) select id, 'twin', 'n:twin-b', 'csv' from clients where slug = 'acme'`);
    await expect(customers.show({ client: 'acme', target: 'Twin' })).rejects.toThrow(/names 2 customers/);
  });
});
