import { describe, expect, it } from 'vitest';
import { autoMapColumns, setDomainColumns } from '../../src/domain/column-mapping.js';
import { normalizeCustomerRow, type CustomerRecord } from '../../src/domain/customer-row.js';
import { makeDateParser, ValueError } from '../../src/domain/values.js';

const HEADERS = ['Company', 'Website', 'Email', 'Deal Size', 'Customer Since', 'Status'];
const mapping = autoMapColumns(HEADERS);
const outcome = (fields: string[], m = mapping) => normalizeCustomerRow(fields, m, { parseDate: makeDateParser(), defaultStatus: null });
const customer = (fields: string[], m = mapping) => {
  const o = outcome(fields, m);
  if (o.kind !== 'customer') throw new Error(`not a customer: ${o.kind}`);
  return o;
};
const row = (fields: string[]): CustomerRecord => customer(fields).record;

describe('normalizeCustomerRow: placeholder cells read as empty', () => {
  it.each([
    [['Foo', 'N/A', 'jo@foo.com', 'n/a', '', ''], 'd:foo.com', null],
    [['Bar', '-', 'bo@bar.com', '-', '-', '-'], 'd:bar.com', null],
    [['Baz', 'none', 'ba@baz.com', 'TBD', 'N/A', 'None'], 'd:baz.com', null],
    [['Qux', 'null', 'q@qux.com', '#N/A', '(blank)', 'unknown'], 'd:qux.com', null],
    [['Quux', '—', 'NA', '?', 'n.a.', ''], 'n:quux', null],
    [['Real', 'real.com', '', '1,200', '2024-01-02', 'Active'], 'd:real.com', '1200.00'],
    // Zoho's unset picklist, a "to be confirmed" website.
    [['Zed', '-None-', 'z@zed.com', '-None-', '-None-', '-None-'], 'd:zed.com', null],
    [['Tib', 'TBC', 't@tib.com', '', '', ''], 'd:tib.com', null],
  ])('%j → %s', (fields, naturalKey, deal) => {
    const r = row(fields);
    expect(r.naturalKey).toBe(naturalKey);
    expect(r.dealValue).toBe(deal);
    expect(r.status).toBe('active');
  });

  it('still rejects a row whose only values are placeholders', () => {
    expect(() => row(['N/A', '-', 'none', '', '', ''])).toThrow(ValueError);
  });

  it('keeps values that only contain a placeholder word', () => {
    expect(row(['None Such Ltd', 'nonesuch.com', '', '', '', '']).companyName).toBe('None Such Ltd');
    expect(row(['Unknown Worlds', 'na.com', '', '', '', '']).naturalKey).toBe('d:na.com');
  });
});

describe('normalizeCustomerRow: the company name is the organisation', () => {
  const withCustomer = (fields: string[], subCustomerNames: boolean) => {
    const o = normalizeCustomerRow(fields, mapping, { parseDate: makeDateParser(), defaultStatus: null, subCustomerNames });
    if (o.kind !== 'customer') throw new Error(o.kind);
    return o;
  };
  it.each([
    // [cells, QuickBooks customer column?, company name, natural key, values dropped]
    [['zcrm_4150868000000224001', '', 'jo@acme.com', '', '', ''], false, 'acme.com', 'd:acme.com', 1],
    [['zcrm_4150868000000224001', 'acme.com', '', '', '', ''], false, 'acme.com', 'd:acme.com', 1],
    [['4150868000000224001', 'acme.com', '', '', '', ''], false, 'acme.com', 'd:acme.com', 1],
    [['Acme Pty Ltd:Website rebuild', '', 'al@acme.com.au', '', '', ''], true, 'Acme Pty Ltd', 'd:acme.com.au', 0],
    [['Acme Pty Ltd:Website rebuild', '', '', '', '', ''], true, 'Acme Pty Ltd', 'n:acme pty ltd', 0],
    [['Re: Build Co', '', '', '', '', ''], true, 'Re: Build Co', 'n:re build co', 0],
    [['Acme Pty Ltd:Website rebuild', '', '', '', '', ''], false, 'Acme Pty Ltd:Website rebuild', 'n:acme pty ltd website rebuild', 0],
  ])('%j (QuickBooks: %s) → %s', (fields, sub, name, key, dropped) => {
    const o = withCustomer(fields, sub);
    expect(o.record.companyName).toBe(name);
    expect(o.record.naturalKey).toBe(key);
    expect(o.warnings).toHaveLength(dropped);
  });

  it('rejects a row whose only value is a record id', () => {
    expect(() => row(['zcrm_4150868000000224001', '', '', '', '', ''])).toThrow(/record id/);
  });
});

describe('normalizeCustomerRow: a page on a platform is not the company domain', () => {
  it.each([
    ['https://www.facebook.com/joesplumbing', 'joe@joesplumbing.com.au', 'd:joesplumbing.com.au'],
    ['linkedin.com/company/acme', 'ops@acme.io', 'd:acme.io'],
    ['https://m.facebook.com/pages/Joe?ref=1', 'joe@gmail.com', 'e:joe@gmail.com'],
    ['instagram.com/acme', '', 'n:acme'],
    ['https://sites.google.com/view/acme-plumbing', 'a@acmeplumbing.com', 'd:acmeplumbing.com'],
    ['bit.ly/3xyz', 'a@acme.com', 'd:acme.com'],
    // The platform itself, as a customer: no page, so its own domain.
    ['https://www.linkedin.com/', 'buyer@linkedin.com', 'd:linkedin.com'],
    ['youtube.com', '', 'd:youtube.com'],
  ])('%j with %j → %s', (website, email, naturalKey) => {
    expect(row(['Acme', website, email, '', '', '']).naturalKey).toBe(naturalKey);
  });
});

describe('normalizeCustomerRow: a customer is never lost to a bad cell', () => {
  // [company, website, email, deal, since] → natural key, kept email, email entry, warnings
  it.each([
    [['Acme', 'acme.com', 'jo@acme.com', 'TBC', ''], 'd:acme.com', 'jo@acme.com', null, ['deal_value: deal value "TBC" is not a number']],
    [['Acme', 'acme.com', '', 'approx 5k', 'Q1 2023'], 'd:acme.com', null, null, ['customer_since: date "Q1 2023" is not ISO 8601 (YYYY-MM-DD); set the date format of the file, e.g. DD/MM/YYYY', 'deal_value: deal value "approx 5k" is not a number']],
    [['Acme', 'acme.com', 'a@acme.com; b@acme.com', '', ''], 'd:acme.com', 'a@acme.com', null, ['contact_email "a@acme.com; b@acme.com" holds 2 addresses: kept a@acme.com']],
    [['Élodie SARL', 'elodie.fr', 'élodie@elodie.fr', '', ''], 'd:elodie.fr', null, null, ['contact_email "élodie@elodie.fr" is not a valid email address']],
    [['Acme', '', 'acme.com', '', ''], 'd:acme.com', null, null, ['contact_email "acme.com" is a domain, not an email address']],
    [['Acme', 'not a domain!', 'jo@acme.io', '', ''], 'd:acme.io', 'jo@acme.io', null, ['domain "not a domain!": target contains spaces or control characters']],
    [['Acme', 'acme.com', '', '', '44927'], 'd:acme.com', null, null, []],
    // A spreadsheet formula kept as text: =HYPERLINK("url","label") names its url, ="text" its text.
    [['Hyper', '=HYPERLINK("https://www.hyper.com/","Hyper site")', '', '', ''], 'd:hyper.com', null, null, []],
    [['Hyper', '=hyperlink( "hyper.com" )', '=HYPERLINK("mailto:jo@hyper-mail.com","mail Jo")', '', ''], 'd:hyper.com', 'jo@hyper-mail.com', 'jo@hyper-mail.com', []],
    [['Quoted', '="quoted.io"', '="ann@quoted.io"', '', ''], 'd:quoted.io', 'ann@quoted.io', null, []],
    // A mailto: link pasted from a web page or an HTML export: the address is stored, not the link.
    [['Mailto Co', '', 'mailto:Info@MailtoCo.com', '', ''], 'd:mailtoco.com', 'info@mailtoco.com', null, []],
    [['Mailto Co', 'mailtoco.com', 'MAILTO:jo@other.io', '', ''], 'd:mailtoco.com', 'jo@other.io', 'jo@other.io', []],
  ])('%j → %s', (fields, key, email, entry, warnings) => {
    const o = customer(fields);
    expect(o.record.naturalKey).toBe(key);
    expect(o.record.contactEmail).toBe(email);
    expect(o.record.emailEntry).toBe(entry);
    expect([...o.warnings].sort()).toEqual([...warnings].sort());
  });

  it('reads an Excel serial date as a date', () => expect(row(['Acme', 'acme.com', '', '', '44927']).customerSince).toBe('2023-01-01'));

  it('rejects only a row with no domain, email or company name, saying what was dropped', () => {
    expect(() => outcome(['', 'not a domain!', 'nope', '', ''])).toThrow(ValueError);
    expect(() => outcome(['', 'not a domain!', 'nope', '', ''])).toThrow(/no company name, domain or email \(domain "not a domain!"/);
  });
});

describe('normalizeCustomerRow: the contact email gets its own entry when the domain entry does not cover it', () => {
  it.each([
    [['Joe Plumbing', 'joesplumbing.com.au', 'joe.smith@gmail.com'], 'd:joesplumbing.com.au', 'joesmith@gmail.com'],
    [['Acme', 'acme.com', 'jo@acme.com'], 'd:acme.com', null],
    [['Acme', 'acme.com', 'jo@eu.acme.com'], 'd:acme.com', null],
    [['Acme', 'acme.com', 'jo@acme-group.com'], 'd:acme.com', 'jo@acme-group.com'],
    // A provider that is also a company: its own website covers its mailboxes.
    [['Telstra', 'https://www.telstra.com/', 'ops@telstra.com'], 'd:telstra.com', null],
    [['Sky UK', 'sky.com', ''], 'd:sky.com', null],
    // A personal mailbox at a provider is no company domain: an email entry alone.
    [['Bob', '', 'bob@bigpond.com'], 'e:bob@bigpond.com', 'bob@bigpond.com'],
    [['Solo', '', 'Solo+crm@gmail.com'], 'e:solo@gmail.com', 'solo@gmail.com'],
  ])('%j → %s + %s', (fields, key, entry) => {
    const r = row([...fields, '', '', '']);
    expect(r.naturalKey).toBe(key);
    expect(r.emailEntry).toBe(entry);
  });
});

describe('normalizeCustomerRow: several domain columns in priority order', () => {
  const headers = ['Company name', 'Company Domain Name', 'Website URL'];
  const m = autoMapColumns(headers);
  setDomainColumns(m, [1, 2]);
  it.each([
    [['Kiwi Accountants', '', 'https://kiwiaccountants.co.nz/about'], 'd:kiwiaccountants.co.nz'],
    [['Kiwi Accountants', 'kiwi.co.nz', 'https://kiwiaccountants.co.nz/'], 'd:kiwi.co.nz'],
    [['Kiwi Accountants', 'linkedin.com/company/kiwi', 'kiwiaccountants.co.nz'], 'd:kiwiaccountants.co.nz'],
    [['Kiwi Accountants', '', ''], 'n:kiwi accountants'],
  ])('%j → %s', (fields, key) => expect(customer(fields, m).record.naturalKey).toBe(key));
});

describe('normalizeCustomerRow: status value mapping', () => {
  const m = autoMapColumns(['Organization - Name', 'Organization - Website', 'Deal - Status']);
  const ctx = { parseDate: makeDateParser(), defaultStatus: null, statusOf: (v: string) => (v === 'won' ? ('active' as const) : v === 'lost' ? ('skip' as const) : null) };
  it('skips a row whose status maps to skip, and reports an unknown one', () => {
    expect(normalizeCustomerRow(['Acme', 'acme.com', 'lost'], m, ctx)).toEqual({ kind: 'skip', status: 'lost' });
    expect(normalizeCustomerRow(['Acme', 'acme.com', 'weird'], m, ctx)).toEqual({ kind: 'unknown_status', status: 'weird' });
    expect(normalizeCustomerRow(['Acme', 'acme.com', 'won'], m, ctx)).toMatchObject({ kind: 'customer', record: { status: 'active' } });
  });
});

describe('normalizeCustomerRow: a website cell that says there is none', () => {
  it.each(['N/A', 'TBC', '-None-', 'none', 'No website', 'tba'])('%j is no website and no dropped value: the email names the company', (website) => {
    const o = customer(['Acme', website, 'jo@acme.com', '', '', '']);
    expect(o.record.naturalKey).toBe('d:acme.com');
    expect(o.warnings).toEqual([]);
  });
});
