import { describe, expect, it } from 'vitest';
import { autoMapColumns, findHeader, headerKey, mappingByName, missingRequired, normalizeHeader } from '../../src/domain/column-mapping.js';

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
  ])('%j → contact_email from %j', (headers, expected) => {
    const samples = [headers.map((h) => (/type/i.test(h) ? '* Work' : /mail/i.test(h) && !/opted/i.test(h) ? 'a@b.com' : /opted/i.test(h) ? 'false' : 'x'))];
    const m = autoMapColumns(headers, samples);
    expect(mappingByName(m, headers).contact_email).toEqual(expected.length === 1 ? expected[0] : expected);
  });
});
