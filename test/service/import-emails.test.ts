// Issue 23 §3: every address of a customer is suppressed, whatever CRM wrote the file; a field the
// file does not have keeps its stored value; a mail provider given as a website is no company domain.
import { Readable } from 'node:stream';
import { beforeAll, expect, it } from 'vitest';
import { ClientService } from '../../src/services/client-service.js';
import { CustomerImportService, type ImportRequest } from '../../src/services/import/customer-import-service.js';
import { CustomerService } from '../../src/services/customer-service.js';
import { SuppressionService } from '../../src/services/suppression-service.js';
import { describeEachDatabase } from '../helpers/databases.js';

// Google Contacts "Google CSV": its own header set, ' ::: ' between the addresses of one cell,
// a type column beside each value, CRLF line endings.
const GOOGLE_CONTACTS = [
  'Name,Given Name,Family Name,Organization 1 - Name,Organization 1 - Title,E-mail 1 - Type,E-mail 1 - Value,E-mail 2 - Type,E-mail 2 - Value,Phone 1 - Type,Phone 1 - Value,Group Membership',
  'Ann Lee,Ann,Lee,Lee Legal,Principal,* Work,ann@leelegal.com.au ::: ann.lee@outlook.com,Home,ann@lee-family.net,Mobile,+61 400 000 001,* myContacts ::: Clients',
  'Tom Nguyen,Tom,Nguyen,Nguyen Bakery,,* Home,tom.nguyen.bakes@gmail.com,,,Mobile,+61 400 000 002,* myContacts ::: Clients',
  '',
].join('\r\n');

// Outlook "Comma Separated Values": every field quoted, E-mail Address / E-mail 2 Address / E-mail 3 Address.
const OUTLOOK = [
  '"First Name","Middle Name","Last Name","Title","Company","Job Title","Business Phone","E-mail Address","E-mail Type","E-mail Display Name","E-mail 2 Address","E-mail 2 Type","E-mail 3 Address","Web Page"',
  '"Raj","","Patel","Dr.","Patel Dental","Owner","+64 9 000 0001","raj@pateldental.co.nz","SMTP","Raj Patel (raj@pateldental.co.nz)","raj.patel@xtra.co.nz","SMTP","rpatel@hotmail.com","pateldental.co.nz"',
  '"Mia","","Wong","Ms.","","","","","","","mia.wong@yahoo.com.au","SMTP","",""',
  '',
].join('\r\n');

// Close "Leads" export: snake_case headers, primary_contact_other_emails a comma list.
const CLOSE = `id,display_name,url,status_label,primary_contact_name,primary_contact_primary_email,primary_contact_other_emails
lead_7Zq3,Harbour Dental,https://harbourdental.com.au,Customer,Dr Kim,reception@harbourdental.com.au,"dr.kim@gmail.com, accounts@harbour-group.com"
lead_8Kx1,Coastal Realty,,Customer,Mark Coast,,"mark@coastalrealty.co.nz, mark.c@yahoo.com"
`;

// Freshsales contacts: "Emails" a list beside the primary "Email".
const FRESHSALES = `First name,Last name,Email,Emails,Account name,Website
Lucy,Park,lucy@parkarchitects.com,"lucy@parkarchitects.com;lucy.park@icloud.com",Park Architects,parkarchitects.com
`;

// HubSpot contacts with a work and a personal address; one current customer only has the personal one.
const HUBSPOT = `Record ID,First Name,Last Name,Company Name,Website URL,Email,Personal Email,Lifecycle Stage
101,Jo,Bloggs,Bluegum Cafe,bluegumcafe.com.au,jo@bluegumcafe.com.au,jo.bloggs@gmail.com,customer
102,Sam,Smith,,,,sam.smith.plumbing@bigpond.com,customer
`;

describeEachDatabase('import: every address of a customer', ({ db }) => {
  let importer: CustomerImportService;
  let checker: SuppressionService;
  let customers: CustomerService;
  const run = (client: string, csv: string, extra: Partial<ImportRequest> = {}) =>
    importer.import({ client, input: Readable.from([Buffer.from(csv)]), fileName: `${client}.csv`, ...extra });
  const suppressed = async (client: string, targets: string[]) => (await checker.checkMany(client, targets)).map((o) => [o.input, 'suppressed' in o ? o.suppressed : o.error]);
  const all = (targets: string[]) => targets.map((t) => [t, true]);

  beforeAll(async () => {
    const clients = new ClientService(db());
    for (const slug of ['google', 'outlook', 'close', 'freshsales', 'hubspot', 'mapped', 'bluegum', 'isp', 'shared']) await clients.add({ slug });
    importer = new CustomerImportService({ db: db(), actor: 'tester' });
    checker = new SuppressionService({ db: db() });
    customers = new CustomerService({ db: db(), actor: 'tester' });
  });

  it("Google Contacts: each address of a ' ::: ' cell and of E-mail 2 - Value is suppressed", async () => {
    const summary = await run('google', GOOGLE_CONTACTS);
    expect(summary).toMatchObject({ rows_read: 2, inserted: 2, rejected: 0, values_dropped: 0 });
    expect(summary.mapping.contact_email).toEqual(['E-mail 1 - Value', 'E-mail 2 - Value']);
    const targets = ['ann@leelegal.com.au', 'ann.lee@outlook.com', 'ann@lee-family.net', 'tom.nguyen.bakes@gmail.com'];
    expect(await suppressed('google', targets)).toEqual(all(targets));
    const shown = await customers.show({ client: 'google', target: 'leelegal.com.au' });
    expect(shown.customer).toMatchObject({ contact_email: 'ann@leelegal.com.au', other_emails: ['ann.lee@outlook.com', 'ann@lee-family.net'] });
    expect(shown.entries.map((e) => e.target).sort()).toEqual(['ann.lee@outlook.com', 'ann@lee-family.net', 'leelegal.com.au']);
  });

  it('Outlook: E-mail Address, E-mail 2 Address and E-mail 3 Address are all suppressed; a contact with only E-mail 2 imports', async () => {
    const summary = await run('outlook', OUTLOOK);
    expect(summary).toMatchObject({ rows_read: 2, inserted: 2, rejected: 0 });
    const targets = ['raj@pateldental.co.nz', 'raj.patel@xtra.co.nz', 'rpatel@hotmail.com', 'mia.wong@yahoo.com.au'];
    expect(await suppressed('outlook', targets)).toEqual(all(targets));
  });

  it("Close: primary_contact_other_emails' addresses are suppressed, and name the company when there is no url", async () => {
    expect(await run('close', CLOSE)).toMatchObject({ rows_read: 2, inserted: 2, rejected: 0 });
    const targets = ['reception@harbourdental.com.au', 'dr.kim@gmail.com', 'accounts@harbour-group.com', 'mark@coastalrealty.co.nz', 'mark.c@yahoo.com', 'someone@coastalrealty.co.nz'];
    expect(await suppressed('close', targets)).toEqual(all(targets));
  });

  it("Freshsales: the Emails list's webmail address is suppressed beside the primary", async () => {
    expect(await run('freshsales', FRESHSALES)).toMatchObject({ inserted: 1, rejected: 0 });
    expect(await suppressed('freshsales', ['lucy.park@icloud.com', 'lucy@parkarchitects.com'])).toEqual(all(['lucy.park@icloud.com', 'lucy@parkarchitects.com']));
  });

  it('HubSpot: Personal Email is suppressed, and a customer whose only address is there imports (it was rejected)', async () => {
    const summary = await run('hubspot', HUBSPOT);
    expect(summary).toMatchObject({ rows_read: 2, inserted: 2, rejected: 0 });
    const targets = ['jo.bloggs@gmail.com', 'jobloggs@gmail.com', 'sam.smith.plumbing@bigpond.com', 'jo@bluegumcafe.com.au'];
    expect(await suppressed('hubspot', targets)).toEqual(all(targets));
    // A personal mailbox at an ISP suppresses that mailbox only.
    expect(await suppressed('hubspot', ['other.person@bigpond.com'])).toEqual([['other.person@bigpond.com', false]]);
  });

  it('--map contact_email="A|B" takes several columns of addresses', async () => {
    const csv = `Company,Website,Main contact,Billing contact
Acme Tools,acmetools.com,ops@acmetools.com,acme.billing@gmail.com
`;
    const summary = await run('mapped', csv, { mapOverrides: { contact_email: ['Main contact', 'Billing contact'] } });
    expect(summary.mapping.contact_email).toEqual(['Main contact', 'Billing contact']);
    expect(await suppressed('mapped', ['acmebilling@gmail.com'])).toEqual([['acmebilling@gmail.com', true]]);
    // A re-import of the same file changes nothing.
    expect(await run('mapped', csv, { mapOverrides: { contact_email: ['Main contact', 'Billing contact'] } })).toMatchObject({ unchanged: 1, suppressions_added: 0, suppressions_updated: 0 });
  });

  it('an import with only Website,Email keeps the stored company name (and other fields it lacks)', async () => {
    await run('bluegum', `Company,Website,Email,Industry\nBluegum Cafe,bluegumcafe.com.au,hello@bluegumcafe.com.au,Hospitality\n`);
    const again = await run('bluegum', `Website,Email\nbluegumcafe.com.au,hello@bluegumcafe.com.au\n`);
    expect(again).toMatchObject({ unchanged: 1, updated: 0 });
    const [row] = await db().query<{ company_name: string; industry: string }>(
      `select company_name, industry from client_customers c join clients k on k.id = c.client_id where k.slug = 'bluegum'`,
    );
    expect(row).toEqual({ company_name: 'Bluegum Cafe', industry: 'Hospitality' });
    // A new customer still gets its domain as its name.
    await run('bluegum', `Website,Email\nnewcafe.com.au,\n`);
    expect((await customers.show({ client: 'bluegum', target: 'newcafe.com.au' })).customer.company_name).toBe('newcafe.com.au');
  });

  it('a mail provider given as a website gets no domain entry: the mailbox is suppressed, the provider is not, with a warning', async () => {
    const csv = `Company,Website,Email
Joe's Plumbing,www.bigpond.com,joe.plumbing@bigpond.com
Sue Hair,optusnet.com.au,sue.hair@optusnet.com.au
Solo Design,https://gmail.com,solo.design@gmail.com
Telstra,www.telstra.com,
`;
    const summary = await run('isp', csv);
    expect(summary).toMatchObject({ inserted: 4, rejected: 0, values_dropped: 3 });
    expect(summary.first_dropped.map((d) => d.warning)).toEqual([
      `domain "www.bigpond.com" is a mail provider (bigpond.com), not the company's website: no domain entry for it`,
      `domain "optusnet.com.au" is a mail provider (optusnet.com.au), not the company's website: no domain entry for it`,
      `domain "https://gmail.com" is a mail provider (gmail.com), not the company's website: no domain entry for it`,
    ]);
    expect(await suppressed('isp', ['joe.plumbing@bigpond.com', 'sue.hair@optusnet.com.au', 'solodesign@gmail.com', 'telstra.com'])).toEqual(
      all(['joe.plumbing@bigpond.com', 'sue.hair@optusnet.com.au', 'solodesign@gmail.com', 'telstra.com']),
    );
    expect(await suppressed('isp', ['someone@bigpond.com', 'bigpond.com', 'optusnet.com.au', 'other@optusnet.com.au'])).toEqual([
      ['someone@bigpond.com', false],
      ['bigpond.com', false],
      ['optusnet.com.au', false],
      ['other@optusnet.com.au', false],
    ]);
  });

  it("removing a customer keeps an entry another customer holds as one of its other addresses", async () => {
    // The bookkeeper's address is on both rows: its entry is linked to the first, Acme.
    const csv = `Company,Website,Email,Personal Email
Acme,acme.com,ops@acme.com,books.bookkeeper@outlook.com
Beta,beta.io,ops@beta.io,books.bookkeeper@outlook.com
`;
    expect(await run('shared', csv)).toMatchObject({ inserted: 2, rejected: 0 });
    const removed = await customers.remove({ client: 'shared', target: 'acme.com' });
    expect(removed.entries_kept).toEqual([{ target: 'books.bookkeeper@outlook.com', reason: 'existing_customer', why: 'other_customer' }]);
    expect(await suppressed('shared', ['books.bookkeeper@outlook.com', 'acme.com'])).toEqual([
      ['books.bookkeeper@outlook.com', true],
      ['acme.com', false],
    ]);
  });
});
