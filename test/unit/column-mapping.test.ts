import { describe, expect, it } from 'vitest';
import { autoMapColumns, findHeader, headerKey, mappingByName, missingRequired, normalizeHeader, statusWitnessColumns, unreadStatusColumn } from '../../src/domain/column-mapping.js';

// [header row, expected field → header name]
const headerSets: Array<[string, string[], Record<string, string | string[]>]> = [
  [
    'the seed example',
    ['Company', 'Website', 'Contact Email', 'Contact Name', 'Industry', 'Deal Size'],
    { company_name: 'Company', domain: 'Website', contact_email: 'Contact Email', contact_name: 'Contact Name', industry: 'Industry', deal_value: 'Deal Size' },
  ],
  [
    'HubSpot companies export',
    ['Record ID', 'Company name', 'Company Domain Name', 'Website URL', 'Industry', 'Number of Employees', 'Lifecycle Stage', 'Became a Customer Date', 'Annual Revenue'],
    { external_id: 'Record ID', company_name: 'Company name', domain: ['Company Domain Name', 'Website URL'], industry: 'Industry', employee_count_range: 'Number of Employees', status: 'Lifecycle Stage', customer_since: 'Became a Customer Date' },
  ],
  [
    'HubSpot contacts export',
    ['Record ID', 'First Name', 'Last Name', 'Email', 'Job Title', 'Associated Company', 'Lifecycle Stage'],
    { external_id: 'Record ID', contact_email: 'Email', contact_title: 'Job Title', company_name: 'Associated Company', status: 'Lifecycle Stage' },
  ],
  [
    'Salesforce accounts report',
    ['Account ID', 'Account Name', 'Website', 'Industry', 'Type', 'Employees', 'Billing Country', 'Account Owner'],
    { external_id: 'Account ID', company_name: 'Account Name', domain: 'Website', industry: 'Industry', status: 'Type', employee_count_range: 'Employees' },
  ],
  [
    'Pipedrive deals export',
    ['Deal - ID', 'Deal - Title', 'Deal - Value', 'Deal - Won time', 'Organization - Name', 'Organization - Website', 'Person - Name', 'Person - Email', 'Deal - Status'],
    { deal_value: 'Deal - Value', customer_since: 'Deal - Won time', company_name: 'Organization - Name', domain: 'Organization - Website', contact_name: 'Person - Name', contact_email: 'Person - Email', status: 'Deal - Status' },
  ],
  [
    'a spreadsheet with odd spacing and case',
    ['  COMPANY NAME ', 'web-site', 'E-mail Address', 'deal_value', 'Customer Since', 'Churn Date', 'Services'],
    { company_name: '  COMPANY NAME ', domain: 'web-site', contact_email: 'E-mail Address', deal_value: 'deal_value', customer_since: 'Customer Since', churned_at: 'Churn Date', services: 'Services' },
  ],
  [
    'typos',
    ['Compnay', 'Webiste', 'Emial Address', 'Industy'],
    { company_name: 'Compnay', domain: 'Webiste', contact_email: 'Emial Address', industry: 'Industy' },
  ],
  [
    'keywords inside longer headers',
    ['Customer Company', 'Primary Website URL (main)', 'Contact work e-mail', 'Total deal value (AUD)'],
    { domain: 'Primary Website URL (main)', contact_email: 'Contact work e-mail', deal_value: 'Total deal value (AUD)', company_name: 'Customer Company' },
  ],
  [
    'a domain-only list',
    ['domain'],
    { domain: 'domain' },
  ],
  [
    'nothing recognizable',
    ['foo', 'bar', 'baz'],
    {},
  ],
];

describe('autoMapColumns', () => {
  it.each(headerSets)('maps %s', (_name, headers, expected) => {
    const mapping = mappingByName(autoMapColumns(headers), headers);
    for (const [field, header] of Object.entries(expected)) expect(mapping[field as keyof typeof mapping], field).toEqual(header);
  });

  it('confirms a header by its values: a column of dates is never the email, of LinkedIn pages never the website', () => {
    const headers = ['Company name', 'Recent Sales Email Replied Date', 'Person Linkedin Url', 'Website', 'Churned?', 'Email Domain'];
    const samples = [
      ['Acme', '2024-01-05 10:00', 'https://www.linkedin.com/in/jo', 'acme.com', 'No', 'acme.com'],
      ['Beta', '', 'https://linkedin.com/in/al', 'https://beta.io/', 'Yes', 'beta.io'],
    ];
    const mapping = mappingByName(autoMapColumns(headers, samples), headers);
    expect(mapping).toEqual({ company_name: 'Company name', domain: 'Website', status: 'Churned?' });
    // Without a website column, the LinkedIn pages still do not become one.
    const pages = ['Company', 'Person Linkedin Url', 'Website URL'];
    const noSite = mappingByName(autoMapColumns(pages, [['Acme', 'https://www.linkedin.com/in/jo', 'https://linkedin.com/company/acme']]), pages);
    expect(noSite).toEqual({ company_name: 'Company' });
    // A noisy website column stays the website (each bad cell is dropped on its own).
    const noisy = ['Company', 'Website'];
    expect(mappingByName(autoMapColumns(noisy, [['A', 'n/a yet'], ['B', 'localhost'], ['C', 'c.com'], ['D', 'not a domain!']]), noisy)).toEqual({ company_name: 'Company', domain: 'Website' });
    // Excel's booleans (TRUE/FALSE) and 1/0 mixed with Y/N are still a yes/no status column, not a date.
    const mixed = ['Company', 'Customer Since', 'Churned?'];
    const mixedRows = [['A', '25/12/2022', 'N'], ['B', '44927', 'Y'], ['C', '', 'TRUE'], ['D', '', 'FALSE'], ['E', '', '1'], ['F', '', '0']];
    expect(mappingByName(autoMapColumns(mixed, mixedRows), mixed)).toEqual({ company_name: 'Company', customer_since: 'Customer Since', status: 'Churned?' });
    const dates = ['Company', 'Email'];
    expect(mappingByName(autoMapColumns(dates, [['A', '2024-01-02'], ['B', '03/04/2024']]), dates)).toEqual({ company_name: 'Company' });
  });

  it('never maps an email-sounding date column to contact_email even without samples', () => {
    const headers = ['Company name', 'Recent Sales Email Replied Date', 'Marketing emails opened'];
    expect(mappingByName(autoMapColumns(headers), headers).contact_email).toBeUndefined();
  });

  it('never maps one header to two fields', () => {
    for (const [, headers] of headerSets) {
      const m = autoMapColumns(headers);
      const indexes = [...Object.values(m).filter((i) => typeof i === 'number'), ...m.domainFallbacks];
      expect(new Set(indexes).size).toBe(indexes.length);
    }
  });

  it('a mapping with neither company name nor domain is missing a required field', () => {
    expect(missingRequired(autoMapColumns(['foo', 'bar']))).toEqual(['company_name']);
    expect(missingRequired(autoMapColumns(['Website']))).toEqual([]);
  });
});

// Real CRM layouts with sample rows: [name, headers, rows, expected field → header (undefined: unmapped)].
const sampledExports: Array<[string, string[], string[][], Record<string, string | string[] | undefined>]> = [
  [
    'Copper people: the State is geography, the Contact Type the status',
    ['Full Name', 'First Name', 'Last Name', 'Company', 'Title', 'Email', 'Work Website', 'City', 'State', 'Country', 'Contact Type'],
    [
      ['Jo Bloggs', 'Jo', 'Bloggs', 'Bluegum Cafe', 'Owner', 'jo@bluegumcafe.com.au', 'bluegumcafe.com.au', 'Melbourne', 'VIC', 'Australia', 'Current Customer'],
      ['Al Wu', 'Al', 'Wu', 'Harbour Dental', 'Practice Manager', 'al@harbourdental.com.au', '', 'Sydney', 'NSW', 'Australia', 'Potential Customer'],
      ['Kim Lee', 'Kim', 'Lee', 'Sunny Plumbing', '', 'kim@sunnyplumbing.com.au', '', 'Brisbane', 'QLD', 'Australia', 'Uncategorized'],
    ],
    { company_name: 'Company', status: 'Contact Type', contact_title: 'Title', contact_email: 'Email' },
  ],
  [
    'Freshsales contacts: State beside Lifecycle stage and an unreadable Status',
    ['First name', 'Last name', 'Emails', 'Job title', 'Account name', 'City', 'State', 'Lifecycle stage', 'Status'],
    [
      ['Jo', 'Bloggs', 'jo@acme.com.au', 'CEO', 'Acme', 'Perth', 'WA', 'Customer', 'Won'],
      ['Al', 'Wu', 'al@beta.com.au', 'CTO', 'Beta', 'Hobart', 'TAS', 'Lead', 'New'],
      ['Kim', 'Lee', 'kim@gamma.com.au', '', 'Gamma', 'Darwin', 'NT', 'Sales Qualified Lead', 'Contacted'],
    ],
    { company_name: 'Account name', status: 'Lifecycle stage' },
  ],
  [
    "Close leads: the CRM's own status_label over a blank custom.Status",
    ['id', 'display_name', 'url', 'status_label', 'custom.Status', 'custom.Region', 'primary_contact_name', 'primary_contact_primary_email'],
    [
      ['lead_1', 'Acme', 'https://acme.com', 'Customer', '', 'VIC', 'Jo', 'jo@acme.com'],
      ['lead_2', 'Beta', 'https://beta.io', 'Potential', '', 'NSW', 'Al', 'al@beta.io'],
      ['lead_3', 'Gamma', 'https://gamma.co', 'Bad Fit', '', 'QLD', 'Kim', 'kim@gamma.co'],
      ['lead_4', 'Delta', 'https://delta.dev', 'Canceled', '', 'SA', 'Lee', 'lee@delta.dev'],
    ],
    { status: 'status_label', domain: 'url' },
  ],
  [
    'Google Contacts: the organization, not the person',
    ['Name', 'Given Name', 'Family Name', 'E-mail 1 - Value', 'Organization 1 - Name', 'Organization 1 - Title'],
    [
      ['Jo Bloggs', 'Jo', 'Bloggs', 'jo@acme.com', 'Acme Pty Ltd', 'CEO'],
      ['Al Wu', 'Al', 'Wu', 'al@beta.io', 'Beta Labs', ''],
    ],
    { company_name: 'Organization 1 - Name', contact_title: 'Organization 1 - Title' },
  ],
  [
    'Google Contacts (newer layout): no organization column, so no company name from the person',
    ['First Name', 'Middle Name', 'Last Name', 'Name', 'E-mail 1 - Value'],
    [['Jo', '', 'Bloggs', 'Jo Bloggs', 'jo@acme.com']],
    { company_name: undefined },
  ],
  [
    "Outlook contacts: Title is Mr./Ms., the job title is Job Title; Company is the name",
    ['Title', 'First Name', 'Middle Name', 'Last Name', 'Suffix', 'Company', 'Department', 'Job Title', 'E-mail Address'],
    [
      ['Mr.', 'Jo', '', 'Bloggs', '', 'Acme', 'Sales', 'Director', 'jo@acme.com'],
      ['Ms.', 'Al', '', 'Wu', '', 'Beta', '', '', 'al@beta.io'],
      ['Dr', 'Kim', '', 'Lee', '', 'Gamma', '', 'Dentist', 'kim@gamma.co'],
    ],
    { company_name: 'Company', contact_title: 'Job Title' },
  ],
  [
    'Outlook contacts with only the honorific Title: it is no job title',
    ['Title', 'First Name', 'Last Name', 'Company', 'E-mail Address'],
    [['Mr.', 'Jo', 'Bloggs', 'Acme', 'jo@acme.com'], ['Mrs', 'Al', 'Wu', 'Beta', 'al@beta.io'], ['Ms.', 'Kim', 'Lee', 'Gamma', 'kim@gamma.co']],
    { company_name: 'Company', contact_title: undefined },
  ],
  [
    "Xero contacts: the filled ContactName over a mostly blank LegalName; IsCustomer is the status",
    ['*ContactName', 'EmailAddress', 'FirstName', 'LastName', 'Website', 'LegalName', 'IsCustomer', 'IsSupplier'],
    [
      ['Bluegum Cafe', 'accounts@bluegumcafe.com.au', 'Jo', 'Bloggs', '', '', 'TRUE', 'FALSE'],
      ['Officeworks', 'orders@officeworks.com.au', '', '', 'www.officeworks.com.au', '', 'FALSE', 'TRUE'],
      ['Harbour Dental', 'al@harbourdental.com.au', 'Al', 'Wu', '', 'Harbour Dental Pty Ltd', 'TRUE', 'FALSE'],
    ],
    { company_name: '*ContactName', status: 'IsCustomer', contact_name: undefined },
  ],
  [
    'QuickBooks Online customer contact list: Customer full name',
    ['Customer full name', 'Phone numbers', 'Email', 'Full name', 'Billing address'],
    [['Bluegum Cafe', '03 9000 0000', 'jo@bluegumcafe.com.au', 'Jo Bloggs', '1 Main St'], ['Acme Pty Ltd:Website rebuild', '', 'al@acme.com.au', 'Al Wu', '']],
    { company_name: 'Customer full name', contact_name: 'Full name' },
  ],
  [
    // Its cells are dropped one by one as record ids (customer-row.ts): the emails name the customers.
    "Zoho contacts: an Account Name exported as record ids, Zoho's -None- no value",
    ['Record Id', 'First Name', 'Last Name', 'Email', 'Account Name', 'Industry', 'Lead Source', 'Contact Type'],
    [
      ['zcrm_4150868000000224005', 'Jo', 'Bloggs', 'jo@acme.com', 'zcrm_4150868000000224001', '-None-', 'Web', 'Customer'],
      ['zcrm_4150868000000224006', 'Al', 'Wu', 'al@beta.io', 'zcrm_4150868000000224002', 'Retail', '-None-', 'Prospect'],
      ['zcrm_4150868000000224007', 'Kim', 'Lee', 'kim@gamma.co', 'zcrm_4150868000000224003', '-None-', 'Web', '-None-'],
    ],
    { company_name: 'Account Name', external_id: 'Record Id', status: 'Contact Type', industry: 'Industry' },
  ],
  [
    'Monday board: Status of Done/Stuck/Working on it is no customer status',
    ['Name', 'Person', 'Status', 'Date', 'Website'],
    [['Acme', 'Jo', 'Done', '2024-01-02', 'acme.com'], ['Beta', 'Al', 'Working on it', '', 'beta.io'], ['Gamma', '', 'Stuck', '', 'gamma.co']],
    { company_name: 'Name', status: undefined, domain: 'Website' },
  ],
  [
    // "isorganization" is a typo-distance away from "organization": its true/false is no name.
    'Zendesk Sell contacts: the is_organization flag is no company name',
    ['id', 'is_organization', 'name', 'first_name', 'last_name', 'title', 'website', 'email', 'customer_status', 'prospect_status'],
    [
      ['301', 'true', 'Harbour Dental', '', '', '', 'harbourdental.com.au', 'reception@harbourdental.com.au', 'current', 'none'],
      ['302', 'false', 'Mark Lee', 'Mark', 'Lee', 'Owner', '', 'mark.lee@gmail.com', 'current', 'none'],
      ['304', 'true', 'Old Mill Bakery', '', '', '', 'oldmillbakery.com', 'orders@oldmillbakery.com', 'past', 'none'],
    ],
    { company_name: undefined, domain: 'website', contact_email: 'email', status: 'customer_status' },
  ],
  [
    // Its Status is the record's state (a deactivated account), the Relationship Type says who is a customer.
    'Dynamics 365 accounts: Relationship Type over the record Status of Active/Inactive',
    ['(Do Not Modify) Account', 'Account Name', 'Email', 'Website', 'Relationship Type', 'Status'],
    [
      ['a1b2c3d4-0000-0000-0000-000000000001', 'Fourth Coffee', 'someone1@fourthcoffee.com', 'fourthcoffee.com', 'Customer', 'Active'],
      ['a1b2c3d4-0000-0000-0000-000000000002', 'Litware, Inc.', 'someone2@litware.com', 'litwareinc.com', 'Customer', 'Inactive'],
      ['a1b2c3d4-0000-0000-0000-000000000003', 'Adventure Works', 'someone3@adventure-works.com', 'adventure-works.com', 'Prospect', 'Active'],
      ['a1b2c3d4-0000-0000-0000-000000000005', 'Contoso', 'someone5@contoso.com', 'contoso.com', 'Vendor', 'Active'],
    ],
    { company_name: 'Account Name', status: 'Relationship Type' },
  ],
  [
    'A sheet whose only status is Active/Inactive: that Status is read',
    ['Company', 'Website', 'Status'],
    [['Acme', 'acme.com', 'Active'], ['Beta', 'beta.io', 'Inactive']],
    { status: 'Status' },
  ],
  [
    'A spreadsheet of companies with an Is Organisation Y/N column beside the Company',
    ['Is Organisation', 'Company', 'Email'],
    [['Y', 'Acme', 'jo@acme.com'], ['N', '', 'al@gmail.com'], ['Y', 'Gamma', 'kim@gamma.co']],
    { company_name: 'Company' },
  ],
];

describe('autoMapColumns on real CRM layouts (headers and sample values)', () => {
  it.each(sampledExports)('%s', (_name, headers, rows, expected) => {
    const mapping = mappingByName(autoMapColumns(headers, rows), headers) as Record<string, unknown>;
    for (const [field, header] of Object.entries(expected)) expect(mapping[field], field).toEqual(header);
  });
});

describe('normalizeHeader / findHeader', () => {
  it.each([
    ['Contact E-mail ', 'contactemail'],
    ['Société', 'societe'],
    ['Deal - Value', 'dealvalue'],
    ['', ''],
  ])('%j → %j', (input, expected) => expect(normalizeHeader(input)).toBe(expected));

  it('finds headers exactly first, then ignoring case and punctuation', () => {
    const headers = ['Website', 'contact email', 'Contact-Email'];
    expect(findHeader(headers, 'Contact-Email')).toBe(2);
    expect(findHeader(headers, 'CONTACT EMAIL')).toBe(1);
    expect(findHeader(headers, 'website')).toBe(0);
    expect(findHeader(headers, 'nope')).toBe(-1);
  });
});

describe('headerKey', () => {
  it('is a SHA-256 of the normalized header set: short for 300 columns, the same for another spelling or order', () => {
    const wide = Array.from({ length: 300 }, (_, i) => `Custom Property Number ${i} (text)`);
    expect(headerKey(wide)).toMatch(/^[0-9a-f]{64}$/);
    expect(headerKey(['Company', 'Web Site'])).toBe(headerKey(['website', 'COMPANY']));
    expect(headerKey(['Company', 'Website'])).not.toBe(headerKey(['Company', 'Website', 'Email']));
  });
});

describe('autoMapColumns: every email column (issue 23 §3)', () => {
  it.each([
    // HubSpot contacts
    [['First Name', 'Company Name', 'Website URL', 'Email', 'Work Email', 'Personal Email', 'Contact owner email', 'Invalid email address'], ['Email', 'Work Email', 'Personal Email']],
    // Google Contacts
    [['Name', 'Organization 1 - Name', 'E-mail 1 - Type', 'E-mail 1 - Value', 'E-mail 2 - Type', 'E-mail 2 - Value'], ['E-mail 1 - Value', 'E-mail 2 - Value']],
    // Outlook
    [['First Name', 'Company', 'E-mail Address', 'E-mail Type', 'E-mail 2 Address', 'E-mail 3 Address'], ['E-mail Address', 'E-mail 2 Address', 'E-mail 3 Address']],
    // Close
    [['display_name', 'url', 'primary_contact_primary_email', 'primary_contact_other_emails'], ['primary_contact_primary_email', 'primary_contact_other_emails']],
    // Freshsales
    [['Name', 'Website', 'Emails', 'Email opted out'], ['Emails']],
    // Agile CRM: the primary address is `Email(default)`, beside `Email(work)` and `Email(home)`
    [['First Name', 'Last Name', 'Company', 'Email(default)', 'Email(work)', 'Email(home)', 'Website(default)'], ['Email(default)', 'Email(work)', 'Email(home)']],
    // Spreadsheets and smaller CRMs: `Email (Primary)`, `Email - Alternate`, `Email Main`
    [['Company', 'Email (Primary)', 'Email - Alternate', 'Email Main'], ['Email (Primary)', 'Email - Alternate', 'Email Main']],
  ])('%j → contact_email from %j', (headers, expected) => {
    const samples = [headers.map((h) => (/type/i.test(h) ? '* Work' : /mail/i.test(h) && !/opted/i.test(h) ? 'a@b.com' : /opted/i.test(h) ? 'false' : 'x'))];
    const m = autoMapColumns(headers, samples);
    expect(mappingByName(m, headers).contact_email).toEqual(expected.length === 1 ? expected[0] : expected);
  });
});

describe('a header that says website or email is read past junk first cells', () => {
  it("Google's `Website 1 - Type` (Work) is no website; `Website 1 - Value` is, also when its first cells are empty", () => {
    const headers = ['Name', 'Organization 1 - Name', 'Website 1 - Type', 'Website 1 - Value', 'E-mail 1 - Type', 'E-mail 1 - Value'];
    const samples = [
      ['Jo', 'Bright Smiles', '', '', '* Work', 'see notes'],
      ['Al', 'Wu Building', 'Work', 'wubuilding.com.au', '* Home', 'ask Al'],
    ];
    const m = autoMapColumns(headers, samples);
    expect(m.domain).toBe(3);
    expect(m.contact_email).toBe(5);
  });
  it('a keyword header of addresses whose samples hold none is still the email column; a yes/no flag column is not', () => {
    const m = autoMapColumns(['Account Name', 'Company Website Link', 'E-mail Address (Work)', 'Bounced Email'], [['Acme', 'see notes', 'ask Jo', 'No']]);
    expect([m.domain, m.contact_email, m.moreEmails]).toEqual([1, 2, []]);
  });
});

describe('autoMapColumns: a column of addresses under a header it cannot read (issue 23 adversary)', () => {
  const samples = (cell: (i: number) => string) => [0, 1, 2].map((i) => ['Co' + i, `co${i}.com`, 'jo@co0.com', cell(i)]);
  it.each(['Accounts Email', 'CC', 'Main contact', 'E-Mail-Adresse', 'Correo electrónico', 'Courriel'])('%j of addresses is a further email column', (header) => {
    const headers = ['Company', 'Website', 'Email', header];
    const m = autoMapColumns(headers, samples((i) => (i === 1 ? '' : i === 2 ? 'Sam Lee <sam@gmail.com>' : 'ap@co0.com')));
    expect(mappingByName(m, headers).contact_email).toEqual(['Email', header]);
  });
  it.each([
    ['Sales Rep', (i: number) => `rep${i}@agency.com`],
    ['Notes', (i: number) => (i === 0 ? 'call jo@co0.com' : 'n/a')],
    ['Referrer', (i: number) => (i === 0 ? 'a@b.com' : 'Bob')],
  ])('%j is not', (header, cell) => {
    const headers = ['Company', 'Website', 'Email', header];
    expect(mappingByName(autoMapColumns(headers, samples(cell)), headers).contact_email).toBe('Email');
  });
});

describe('unreadStatusColumn: a column headed as the status that was not read as one is named', () => {
  const cases: Array<[string, string[], string[][], { column: string; values: string[] } | null]> = [
    ['German values under Status', ['Firma', 'Webseite', 'Status'], [['A', 'a.de', 'Kunde'], ['B', 'b.de', 'Ehemaliger Kunde'], ['C', 'c.de', 'Kunde']], { column: 'Status', values: ['Kunde', 'Ehemaliger Kunde'] }],
    ['English values: read, nothing to say', ['Company', 'Website', 'Status'], [['A', 'a.com', 'Customer'], ['B', 'b.com', 'Churned']], null],
    ['an empty Status column: nothing to say', ['Company', 'Website', 'Status'], [['A', 'a.com', ''], ['B', 'b.com', '']], null],
    ['State is geography, not a status', ['Company', 'Website', 'State'], [['A', 'a.com', 'Bayern']], null],
    ['a custom picklist under Type', ['Account Name', 'Website', 'Type'], [['A', 'a.com', 'Gold'], ['B', 'b.com', 'Silver']], { column: 'Type', values: ['Gold', 'Silver'] }],
    ['at most five values named', ['Company', 'Website', 'Stage'], ['v1', 'v2', 'v3', 'v4', 'v5', 'v6'].map((v, i) => [`C${i}`, `c${i}.com`, v]), { column: 'Stage', values: ['v1', 'v2', 'v3', 'v4', 'v5'] }],
  ];
  it.each(cases)('%s', (_, headers, samples, expected) => {
    expect(unreadStatusColumn(headers, samples, autoMapColumns(headers, samples))).toEqual(expected);
  });
});

describe('statusWitnessColumns: the other columns that may say a skipped row is a customer', () => {
  const cases: Array<[string, string[], string[][], string[]]> = [
    ['HubSpot: Type beside Lifecycle Stage', ['Record ID', 'Company name', 'Company Domain Name', 'Lifecycle Stage', 'Type'], [['1', 'A', 'a.io', 'Customer', 'Prospect']], ['Type']],
    ['Pipedrive deals: the organization label', ['Deal - Title', 'Deal - Status', 'Organization - Name', 'Organization - Label', 'Organization - Website'], [['Up', 'open', 'P', 'Customer', 'p.io']], ['Organization - Label']],
    ['never geography; a lead\'s or a prospect\'s own status only by a customer noun (below); an email status may say customer', ['Company', 'Website', 'Status', 'State', 'Lead Status', 'prospect_status', 'Email Status'], [['A', 'a.com', 'Customer', 'VIC', 'Customer', 'current', 'Customer']], ['Lead Status', 'prospect_status', 'Email Status']],
    ['other words for a stage or a kind', ['Firma', 'Website', 'Status', 'Kategorie', 'Phase', 'Tier', 'Pipeline', 'Beziehung'], [['A', 'a.de', 'Prospect', 'Kunde', 'Kunde', 'Kunde', 'Kunde', 'Kunde']], ['Kategorie', 'Phase', 'Tier', 'Pipeline', 'Beziehung']],
    ['a column another field took (Business Type as the industry) and words inside other words', ['Company', 'Website', 'Lifecycle Stage', 'Business Type', 'Relationship State', 'Owner Tags', 'Velocity Segment'], [['A', 'a.com', 'Lead', 'Customer', 'Customer', 'Customer', 'Customer']], ['Business Type', 'Relationship State', 'Owner Tags', 'Velocity Segment']],
    ['plural labels, tags and other languages', ['Firma', 'Webseite', 'Status', 'Organization - Labels', 'Tags', 'Kundenart', 'Statut', 'Telefon'], [['A', 'a.de', 'Prospect', 'Customer', 'vip', 'Bestandskunde', 'Client', '123']], ['Organization - Labels', 'Tags', 'Kundenart', 'Statut']],
  ];
  it.each(cases)('%s', (_, headers, samples, expected) => {
    const mapping = autoMapColumns(headers, samples);
    const witnesses = statusWitnessColumns(headers, mapping).map((w) => w.header);
    expect(witnesses.filter((h) => h !== headers[mapping.status ?? -1])).toEqual(expected);
  });
});
