import { describe, expect, it } from 'vitest';
import { autoMapColumns, setDomainColumns } from '../../src/domain/column-mapping.js';
import { namesProvider, normalizeCustomerRow, type CustomerRecord } from '../../src/domain/customer-row.js';
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
    // Two addresses in one cell are both the customer's (SPEC §7), no longer a dropped value.
    [['Acme', 'acme.com', 'a@acme.com; b@acme.com', '', ''], 'd:acme.com', 'a@acme.com', null, []],
    // An internationalized address (RFC 6531) is an address; one with a folded character is a misread byte.
    [['Élodie SARL', 'elodie.fr', 'élodie@elodie.fr', '', ''], 'd:elodie.fr', 'élodie@elodie.fr', null, []],
    [['Jörg GmbH', 'joerg.de', 'jo³rg@joerg.de', '', ''], 'd:joerg.de', null, null, ['contact_email "jo³rg@joerg.de" is not a valid email address ("³" is no letter of an address: a byte read in the wrong encoding?)']],
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
    expect(o.record.emailEntries).toEqual(entry === null ? null : [entry]);
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
    expect(r.emailEntries).toEqual(entry === null ? null : [entry]);
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

describe('normalizeCustomerRow: every address of a customer (issue 23 §3)', () => {
  const read = (headers: string[], fields: string[]) => {
    const o = normalizeCustomerRow(fields, autoMapColumns(headers, [fields]), { parseDate: makeDateParser(), defaultStatus: null });
    if (o.kind !== 'customer') throw new Error(`not a customer: ${o.kind}`);
    return o;
  };

  it.each([
    // HubSpot-style Work/Personal columns: the personal address is the customer's too.
    [['Company', 'Website', 'Work Email', 'Personal Email'], ['Bluegum Cafe', 'bluegumcafe.com.au', 'jo@bluegumcafe.com.au', 'jo.b@gmail.com'], 'd:bluegumcafe.com.au', ['job@gmail.com'], ['jo.b@gmail.com']],
    // A current customer whose only address is in Personal Email imports (was "no company name, domain or email").
    [['Work Email', 'Personal Email'], ['', 'sole.trader@bigpond.com'], 'e:sole.trader@bigpond.com', ['sole.trader@bigpond.com'], null],
    // Google Contacts: E-mail 1 - Value with a " ::: " multi-value cell, E-mail 2 - Value.
    [['Name', 'Organization 1 - Name', 'E-mail 1 - Value', 'E-mail 2 - Value'], ['Ann Lee', 'Lee Legal', 'ann@leelegal.com.au ::: ann.lee@outlook.com', 'ann@lee-family.net'], 'd:leelegal.com.au', ['ann.lee@outlook.com', 'ann@lee-family.net'], ['ann.lee@outlook.com', 'ann@lee-family.net']],
    // Outlook: E-mail Address, E-mail 2 Address, E-mail 3 Address.
    [['First Name', 'Company', 'E-mail Address', 'E-mail 2 Address', 'E-mail 3 Address'], ['Raj', 'Patel Dental', 'raj@pateldental.co.nz', 'raj.patel@xtra.co.nz', ''], 'd:pateldental.co.nz', ['raj.patel@xtra.co.nz'], ['raj.patel@xtra.co.nz']],
    // Close: primary_contact_other_emails, a comma list.
    [['display_name', 'url', 'primary_contact_primary_email', 'primary_contact_other_emails'], ['Harbour Dental', 'https://harbourdental.com.au', 'reception@harbourdental.com.au', 'dr.kim@gmail.com, accounts@harbour-group.com'], 'd:harbourdental.com.au', ['drkim@gmail.com', 'accounts@harbour-group.com'], ['dr.kim@gmail.com', 'accounts@harbour-group.com']],
    // Freshsales: an Emails list beside the primary.
    [['Name', 'Website', 'Emails'], ['Coastal Realty', '', 'mark@coastalrealty.co.nz;mark.c@yahoo.com'], 'd:coastalrealty.co.nz', ['mark.c@yahoo.com'], ['mark.c@yahoo.com']],
  ])('%j %j → %s, entries %j', (headers, fields, key, entries, others) => {
    const r = read(headers, fields).record;
    expect(r.naturalKey).toBe(key);
    expect(r.emailEntries).toEqual(entries);
    expect(r.otherEmails).toEqual(others);
  });

  it.each([
    // One address beside a note, or addresses split by a pipe: every address is the customer's.
    ['Kappa@gmail.com (personal)', 'kappa@gmail.com', null],
    ['Work: kappa@gmail.com', 'kappa@gmail.com', null],
    ['g1@gmail.com|g2@outlook.com', 'g1@gmail.com', ['g2@outlook.com']],
    ['g1@gmail.com | g2@outlook.com', 'g1@gmail.com', ['g2@outlook.com']],
  ])('an email cell %j is the customer\'s %j (others %j)', (cell, email, others) => {
    const o = read(['Company', 'Email'], ['Kappa Co', cell]);
    expect(o.record.contactEmail).toBe(email);
    expect(o.record.otherEmails).toEqual(others);
    expect(o.warnings).toEqual([]);
  });

  it('takes the company domain from any address not at a mail provider', () => {
    const r = read(['Company', 'Email', 'Other Email'], ['Acme', 'acme@gmail.com', 'jo@acme.com']).record;
    expect(r.naturalKey).toBe('d:acme.com');
    expect(r.emailEntries).toEqual(['acme@gmail.com']);
  });

  it('keeps each address of a cell and drops only the piece that is no address', () => {
    const o = read(['Company', 'Email'], ['Acme', 'jo@acme.com sam@gmail.com bad@@x']);
    expect(o.record.contactEmail).toBe('jo@acme.com');
    expect(o.record.emailEntries).toEqual(['sam@gmail.com']);
    expect(o.warnings).toEqual(['contact_email "jo@acme.com sam@gmail.com bad@@x": "bad@@x" is not a valid email address']);
  });

  it('marks a company name derived from the domain or address, never a given one', () => {
    expect(read(['Website', 'Email'], ['bluegumcafe.com.au', 'hello@bluegumcafe.com.au']).record).toMatchObject({ companyName: 'bluegumcafe.com.au', nameDerived: true });
    expect(read(['Company', 'Website'], ['Bluegum Cafe', 'bluegumcafe.com.au']).record).toMatchObject({ companyName: 'Bluegum Cafe', nameDerived: false });
  });
});

describe('normalizeCustomerRow: a mail provider given as a website is no company domain (SPEC §2)', () => {
  it.each([
    [['Joe Plumbing', 'www.bigpond.com', 'joe@bigpond.com'], 'e:joe@bigpond.com', ['joe@bigpond.com']],
    [['Sue Hair', 'optusnet.com.au', 'sue.hair@optusnet.com.au'], 'e:sue.hair@optusnet.com.au', ['sue.hair@optusnet.com.au']],
    [['Solo Design', 'https://gmail.com', 'solo.design@gmail.com'], 'e:solodesign@gmail.com', ['solodesign@gmail.com']],
    // The row's next target takes over: its email's company domain.
    [['Tony Builds', 'bigpond.com', 'tony@tonybuilds.com.au'], 'd:tonybuilds.com.au', null],
  ])('%j → %s, entries %j, with a warning', (fields, key, entries) => {
    const o = customer([...fields, '', '', '']);
    expect(o.record.naturalKey).toBe(key);
    expect(o.record.emailEntries).toEqual(entries);
    expect(o.warnings).toEqual([expect.stringMatching(/^domain ".*" is a mail provider \(.*\), not the company's website: no domain entry for it$/)]);
  });

  it("keeps a provider's own website when the company name names it (Telstra's is telstra.com)", () => {
    const o = customer(['Telstra Corporation', 'www.telstra.com', '', '', '', '']);
    expect(o.record.naturalKey).toBe('d:telstra.com');
    expect(o.warnings).toEqual([]);
  });

  // Issue 23 adversary: a name that merely holds the provider's label is not the provider.
  it.each([
    [["Matt's Plumbing", 'www.att.net', 'matt@mattsplumbing.com'], 'd:mattsplumbing.com'],
    [['Freedom Fitness', 'free.fr', 'info@freedomfitness.fr'], 'd:freedomfitness.fr'],
    [['Rogers & Sons', 'rogers.com', 'office@rogersandsons.ca'], 'd:rogersandsons.ca'],
    [['Skyline Roofing', 'www.sky.com', 'jobs@skylineroofing.co.uk'], 'd:skylineroofing.co.uk'],
  ])('%j: the provider in the website is no company domain → %s', (fields, key) => {
    const o = customer([...fields, '', '', '']);
    expect(o.record.naturalKey).toBe(key);
    expect(o.warnings).toEqual([expect.stringMatching(/is a mail provider/)]);
  });

  it.each([
    ['Telstra Corporation', 'telstra.com', true], ['AT&T', 'att.net', true], ['AT&T Inc.', 'att.net', true], ['Rogers Communications Inc', 'rogers.com', true],
    ['Free SAS', 'free.fr', true], ['BigPond', 'bigpond.com', true], ['Big Pond', 'bigpond.com', true],
    ["Matt's Plumbing", 'att.net', false], ['Freedom Fitness', 'free.fr', false], ['Rogers & Sons', 'rogers.com', false], ['Skyline Roofing', 'sky.com', false],
    ['Telstra Shop Bondi', 'telstra.com', false], [null, 'telstra.com', false],
  ])('namesProvider(%j, %j) → %j', (name, registrable, expected) => expect(namesProvider(name, registrable)).toBe(expected));

  // A site on a website builder is the customer's own hostname, never the builder's domain.
  it.each([
    ['acme.wordpress.com', 'd:acme.wordpress.com'], ['https://acme.weebly.com/', 'd:acme.weebly.com'], ['acme.squarespace.com', 'd:acme.squarespace.com'],
    ['acme.business.site', 'd:acme.business.site'], ['www.acme.godaddysites.com', 'd:acme.godaddysites.com'], ['acme.site123.me', 'd:acme.site123.me'],
    ['https://joe.wixsite.com/acme', 'd:joe.wixsite.com'], ['wordpress.com', 'd:wordpress.com'],
  ])('website %j → %s', (website, key) => {
    const o = customer(['Acme', website, '', '', '', '']);
    expect(o.record.naturalKey).toBe(key);
    expect(o.record.domain).toBe(key.slice(2));
  });

  // Issue 23 adversary: the main website column's lists are every domain of the customer.
  it.each([
    ['a6.com, a6.net', 'a6.com', ['a6.net']],
    ['a16.com.au;a16.com', 'a16.com.au', ['a16.com']],
    ['www.a12.com.au / www.a12.co.nz', 'a12.com.au', ['a12.co.nz']],
    ['<https://a13.com>', 'a13.com', null],
    ['https://a14.com | https://a14.io/', 'a14.com', ['a14.io']],
    ['a15.com ::: a15.de', 'a15.com', ['a15.de']],
  ])('website %j → domain %s, further %j', (website, domain, further) => {
    const o = customer(['Acme', website, '', '', '', '']);
    expect(o.record.domain).toBe(domain);
    expect(o.record.domainEntries).toEqual(further);
    expect(o.warnings).toEqual([]);
  });

  it('rejects a row whose only target was a mail provider website, saying why', () => {
    expect(() => outcome(['', 'www.bigpond.com', '', '', '', ''])).toThrow(/no company name, domain or email \(domain "www.bigpond.com" is a mail provider/);
  });
});

describe('normalizeCustomerRow: a website cell that says there is none', () => {
  it.each(['N/A', 'TBC', '-None-', 'none', 'No website', 'tba'])('%j is no website and no dropped value: the email names the company', (website) => {
    const o = customer(['Acme', website, 'jo@acme.com', '', '', '']);
    expect(o.record.naturalKey).toBe('d:acme.com');
    expect(o.warnings).toEqual([]);
  });
});

describe('normalizeCustomerRow: a row split wrong (filled cells past the header) suppresses every target in its cells', () => {
  const headers = ['Company', 'Website', 'Email', 'Status'];
  const m = autoMapColumns(headers);
  const ctx = { parseDate: makeDateParser(), defaultStatus: null, headerWidth: headers.length };
  const split = (fields: string[]) => normalizeCustomerRow(fields, m, ctx);
  it.each([
    // "Acme, Inc" unquoted: the website lands in the email column, the address past the header.
    [['Acme', ' Inc', 'acme.com', 'jo@acme.com', 'Customer'], 'acme.com', [], []],
    // The address shifted into the status column is suppressed too (not covered by the domain).
    [['Zeta', ' Inc', 'zeta.com', 'zed@gmail.com', 'Customer'], 'zeta.com', [], ['zed@gmail.com']],
    // The website shifted past the header, the address into the status column's neighbour.
    [['Beta', ' LLC', 'x', 'Customer', 'beta.io', 'bo@gmail.com'], 'beta.io', [], ['bo@gmail.com']],
    // A row whose columns hold their own targets keeps them first; the spilled ones come beside.
    [['Gamma', 'gamma.com', 'g@gamma.com', 'Customer', 'gamma.net', 'ceo@other.org'], 'gamma.com', ['gamma.net'], ['ceo@other.org']],
  ])('%j → domain %s', (fields, domain, domainEntries, emailEntries) => {
    const o = split(fields);
    if (o.kind !== 'customer') throw new Error(`not a customer: ${o.kind}`);
    expect(o.record.domain).toBe(domain);
    expect(o.record.domainEntries ?? []).toEqual(domainEntries);
    expect(o.record.emailEntries ?? []).toEqual(emailEntries);
  });

  it('a shifted cell that reads as a skip status does not skip the row', () => {
    // "Delta, Ltd" unquoted: "Lead" (a note) lands in the status column.
    const o = split(['Delta', ' Ltd', 'delta.com', 'Lead', 'x']);
    expect(o.kind).toBe('customer');
    if (o.kind === 'customer') expect(o.record.status).toBe('active');
  });

  it('a row that fits is read as before: no cell outside its columns counts, a skip status skips', () => {
    expect(split(['Eps', 'eps.com', '', 'Customer']).kind).toBe('customer');
    expect(split(['Eps', 'eps.com', '', 'Lead']).kind).toBe('skip');
    const o = split(['Eps', 'eps.com', '', 'Customer', '', '  ']);
    if (o.kind !== 'customer') throw new Error('not a customer');
    expect(o.record.domainEntries).toBeNull();
  });
});
