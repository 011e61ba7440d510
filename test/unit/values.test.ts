import { describe, expect, it } from 'vitest';
import { makeDateParser, normalizeCompanyName, parseBoolean, parseDealValue, parseServices, classifyStatus, parseStatusMap, statusKey, witnessSaysCustomer } from '../../src/domain/values.js';
import { statusMapHint } from '../../src/services/import/customer-import-service.js';

describe('parseDealValue', () => {
  const ok: Array<[string, string | null]> = [
    ['15000', '15000.00'],
    ['$15,000.00', '15000.00'],
    ['AUD 15000', '15000.00'],
    ['15000 AUD', '15000.00'],
    ['A$1,234.5', '1234.50'],
    ['€ 1.234,56', '1234.56'],
    ['1.234.567', '1234567.00'],
    ['15 000', '15000.00'],
    ['£2,500', '2500.00'],
    ['1,500,000', '1500000.00'],
    ['15,5', '15.50'],
    // One separator before groups of three is a thousands separator, whichever it is.
    ['EUR 1.200', '1200.00'],
    ['1,200', '1200.00'],
    ['12.500', '12500.00'],
    ['€15.000', '15000.00'],
    ['1.20', '1.20'],
    ['1.2', '1.20'],
    ['0.125', '0.13'],
    ['0,125', '0.13'],
    ['1234.567', '1234.57'],
    ['1.5', '1.50'],
    ['0', '0.00'],
    ['', null],
    ['  ', null],
    ['-', null],
  ];
  it.each(ok)('%j → %j', (input, expected) => expect(parseDealValue(input)).toBe(expected));
  it.each(['abc', '-500', '(500)', '12e5', '99999999999', '$', '1.2.3,4,5'])('%j is rejected', (input) => expect(() => parseDealValue(input)).toThrow());
});

describe('dates', () => {
  const iso = makeDateParser();
  it.each([
    ['2024-03-01', '2024-03-01'],
    ['2024-03-01T10:00:00Z', '2024-03-01'],
    ['2024-03-01 10:00', '2024-03-01'],
    ['', null],
  ])('ISO %j → %j', (input, expected) => expect(iso(input)).toBe(expected));
  it.each(['01/03/2024', '2024-02-30', '2024-13-01', 'yesterday'])('ISO rejects %j', (input) => expect(() => iso(input)).toThrow());

  it.each([
    ['DD/MM/YYYY', '01/03/2024', '2024-03-01'],
    ['MM/DD/YYYY', '01/03/2024', '2024-01-03'],
    ['D.M.YYYY', '1.3.2024', '2024-03-01'],
    ['DD/MM/YY', '31/12/99', '1999-12-31'],
    ['DD/MM/YY', '31/12/23', '2023-12-31'],
    ['YYYY/MM/DD', '2024/03/01', '2024-03-01'],
    // ISO 8601 stays readable beside any format: it cannot be mistaken for another order.
    ['DD/MM/YYYY', '2024-03-01', '2024-03-01'],
    ['MM/DD/YY', '2024-03-01T09:15:00Z', '2024-03-01'],
  ])('%s parses %j → %j', (format, input, expected) => expect(makeDateParser(format)(input)).toBe(expected));
  it('rejects an impossible date in a custom format', () => expect(() => makeDateParser('DD/MM/YYYY')('31/02/2024')).toThrow(/not a valid date/));
  it.each([
    ['DD/MM/YYYY', '3/1/21'],
    ['DD/MM/YYYY', '2024-02-30'],
    ['MM/DD/YYYY', '13/01/2024'],
  ])('%s rejects %j', (format, input) => expect(() => makeDateParser(format)(input)).toThrow());
  it('rejects a format without all parts', () => expect(() => makeDateParser('MM/YYYY')).toThrow(/invalid \{dateFormat\} "MM\/YYYY"/));
});

describe('classifyStatus', () => {
  it.each([
    ['Active', '', 'active'], ['current', '', 'active'], ['Customer', '', 'active'], ['Closed Won', '', 'active'], ['won', '', 'active'],
    ['churned', '', 'churned'], ['Former', '', 'churned'], ['past', '', 'churned'], ['Cancelled', '', 'churned'], ['INACTIVE', '', 'churned'],
    ['', '', null],
    // CRM picklists: Salesforce Account Type, HubSpot lifecycle stages, Pipedrive deal status.
    ['Customer - Direct', 'Type', 'active'], ['Customer - Channel', 'Type', 'active'], ['Channel Partner / Reseller', 'Type', 'partner'],
    ['Installation Partner', 'Type', 'partner'], ['Prospect', 'Type', 'skip'], ['Competitor', 'Type', 'competitor'],
    ['Evangelist', 'Lifecycle Stage', 'active'], ['Lead', 'Lifecycle Stage', 'skip'], ['Marketing Qualified Lead', 'Lifecycle Stage', 'skip'],
    ['Sales Qualified Lead', 'Lifecycle Stage', 'skip'], ['Opportunity', 'Lifecycle Stage', 'skip'], ['Subscriber', 'Lifecycle Stage', 'skip'],
    ['won', 'Deal - Status', 'active'], ['open', 'Deal - Status', 'skip'], ['lost', 'Deal - Status', 'skip'], ['Closed Lost', 'Deal Stage', 'skip'],
    // A lost customer in a customer status column is a past one.
    ['lost', 'Customer Status', 'churned'],
    ['Former Customer', '', 'churned'], ['Customer (churned)', '', 'churned'], ['Contract ended', '', 'churned'],
    // Yes/no read by the header.
    ['yes', 'Churned?', 'churned'], ['Y', 'Churned?', 'churned'], ['N', 'Churned?', 'active'], ['no', 'Churned?', 'active'],
    ['Yes', 'Active customer', 'active'], ['no', 'Is Active', 'churned'], ['yes', 'Status', null],
    // Excel writes booleans as TRUE/FALSE, spreadsheets often as 1/0.
    ['TRUE', 'Churned?', 'churned'], ['FALSE', 'Churned?', 'active'], ['1', 'Churned?', 'churned'], ['0', 'Churned?', 'active'],
    ['1', 'Active?', 'active'], ['0', 'Active?', 'churned'], ['1', 'Status', null],
    // Unknown: asked for, never guessed.
    ['Other', 'Type', null], ['Uncategorized', 'Contact Type', null], ['Non-paying', '', null], ['Done', 'Status', null], ['Stuck', 'Status', null],
    // The common vocabulary of customers (Copper, Close, Freshsales, Zoho, spreadsheets).
    ['Client', 'Status', 'active'], ['Current customer', 'Contact Type', 'active'], ['Current Client', '', 'active'], ['Signed', 'Stage', 'active'],
    ['Closed Won', 'Stage', 'active'], ['Customer', 'status_label', 'active'],
    // Former customers: the "ex-" forms too (Ex-client once imported as active).
    ['Former client', '', 'churned'], ['Ex-client', '', 'churned'], ['Ex client', '', 'churned'], ['Ex-customer', '', 'churned'],
    ['Past client', '', 'churned'], ['Cancelled customer', '', 'churned'], ['Customer (former)', '', 'churned'], ['Canceled', 'status_label', 'churned'],
    // Not customers, even with a customer word in the phrase: Copper's default "Potential Customer".
    ['Potential Customer', 'Contact Type', 'skip'], ['Potential', 'status_label', 'skip'], ['Prospective client', '', 'skip'],
    ['Lead', 'Customer Type', 'skip'], ['Qualified', 'status_label', 'skip'], ['Opportunity', '', 'skip'], ['Bad Fit', 'status_label', 'skip'],
    ['Vendor', 'Type', 'skip'], ['Supplier', 'Account Type', 'skip'], ['Non-customer', '', 'skip'], ['Not a customer', '', 'skip'],
    // A yes/no "is a customer" column: no is not a customer, never a past one (Xero's suppliers).
    ['No', 'IsCustomer', 'skip'], ['FALSE', 'Is Client', 'skip'], ['0', 'IsCustomer', 'skip'], ['TRUE', 'IsCustomer', 'active'], ['Yes', 'Is Client', 'active'],
    // A not-yet word that does not qualify the phrase's customer word, or beside a word said only
    // of a customer, is no reason to skip: unreadable, asked for (the hint proposes active).
    ['Won - converted lead', 'Status', null], ['Lead converted to customer', 'Status', null], ['Customer (was lead)', 'Status', null],
    ['Current customer, previously a lead', 'Status', null], ['Active (target upsell)', 'Status', null], ['Client (future expansion)', 'Status', null],
    ['Customer (opportunity: upsell)', 'Status', null], ['Renewal opportunity', 'Status', null], ['At risk - possible churn', 'Status', null],
    ['Current client - renewal opportunity', 'Customer Stage', null], ['Converted lead', 'Lead Status', null],
    ['Potential Customer', 'Status', 'skip'], ['Prospect', 'Stage', 'skip'], ['Target', 'Type', 'skip'],
    // Issue 23 (adversary): a customer word beside a not-yet word is never skip unless the value is
    // wholly a not-yet phrase; word order, lists and steps decide nothing. A won outcome is a customer.
    ['Opportunity Won', 'Stage', 'active'], ['Lead Won', 'Stage', 'active'], ['Lead - Won', 'Status', 'active'], ['Prospect (Won)', 'Status', 'active'],
    ['Lead;Customer', 'Status', null], ['Customer;Lead', 'Status', null], ['Prospect / Client', 'Type', null], ['Lead > Customer', 'Lifecycle Stage', null],
    ['Lead, Customer', 'Status', null], ['Prospect|Client', 'Type', null], ['Customer - prospect', 'Type', null], ['Client prospect', 'Type', null],
    ['Prospective clients', 'Type', 'skip'], ['Potential customers', 'Status', 'skip'], ['Qualified Lead', 'Status', 'skip'], ['Lead;Prospect', 'Status', 'skip'],
    // A customer word (in English or not: paid, Kunde, Kundin, cliente) beside a not-customer word
    // is ambiguous: asked for (proposed as a customer), never skipped. So is a noun before the
    // customer noun ("Prospect client" may be a list; a "Lead customer" may be a key one).
    ['Subscriber - paid', 'Status', null], ['Paid subscriber', 'Lifecycle Stage', null], ['Kunde (Lead)', 'Status', null],
    ['Lead (Kundin)', 'Typ', null], ['Cliente - prospecto', 'Status', null], ['Prospect cliente', 'Status', null],
    ['Prospect client', 'Type', null], ['Prospect clients', 'Status', null], ['Lead customer', 'Type', null], ['Target client', 'Type', null],
    ['Kunde', 'Status', null], ['Paid', 'Status', null], ['Subscriber', 'Status', 'skip'], ['Lead (Interessent)', 'Status', 'skip'],
    // A lost customer in a customer's stage column is a past one; a lost deal in a deal stage is none.
    ['Lost', 'Customer Stage', 'churned'], ['Lost customer', 'Lifecycle Stage', 'churned'], ['Lost', 'Lifecycle Stage', 'skip'], ['Closed Lost', 'Stage', 'skip'],
  ])('%j in %j → %j', (input, header, expected) => expect(classifyStatus(input, header)).toBe(expected));
});

describe('parseStatusMap', () => {
  it('reads VALUE=status items, case-insensitive values', () => {
    expect(parseStatusMap('Other=skip, Vendor = partner,Channel Partner / Reseller=partner')).toEqual({ other: 'skip', vendor: 'partner', 'channel partner / reseller': 'partner' });
  });
  it.each(['Other', 'Other=maybe', '=skip'])('rejects %j', (input) => expect(() => parseStatusMap(input)).toThrow(/invalid \{statusMap\} item/));
  // The hint, pasted back, maps every value it lists: a comma, an '=' or a quote in a value too.
  it.each(['Done, paid', 'Tier=Gold', "Client's pick", 'Stuck', ' Working  on it '])('the hint for %j maps it when pasted', (value) => {
    const pasted = /'(.*)'$/.exec(statusMapHint([{ value, rows: 1 }]))?.[1] as string;
    expect(parseStatusMap(pasted)[statusKey(value)]).toBe('active');
  });
});

describe('Excel serial dates', () => {
  it.each([
    ['44927', '2023-01-01'],
    ['45292', '2024-01-01'],
    ['44927.5', '2023-01-01'],
  ])('%j → %j with or without a format', (input, expected) => {
    expect(makeDateParser()(input)).toBe(expected);
    expect(makeDateParser('DD/MM/YYYY')(input)).toBe(expected);
  });
  it.each(['Q1 2023', '2023', '123456'])('%j is no date', (input) => expect(() => makeDateParser()(input)).toThrow());
});

describe('other values', () => {
  it.each([
    ['SEO; PPC', ['ppc', 'seo']],
    ['seo,ppc,SEO', ['ppc', 'seo']],
    ['Web Design | SEO', ['seo', 'web-design']],
    // A control character separates (the import stages lists joined by \x1f): never duplicates.
    ['x\u001fx\u001fx', ['x']],
    ['seo\u0001ppc\u007f\u0085seo', ['ppc', 'seo']],
    ['', []],
  ])('services %j → %j', (input, expected) => expect(parseServices(input)).toEqual(expected));
  it.each([['yes', true], ['N', false], ['TRUE', true], ['0', false], ['', null]])('boolean %j → %j', (input, expected) => expect(parseBoolean(input)).toBe(expected));
  it.each([
    ['BuildRight Pty. Ltd.', 'buildright pty ltd'],
    ['  Acme,  Inc ', 'acme inc'],
    ['Ｆｕｌｌwidth', 'fullwidth'],
  ])('company name %j → %j', (input, expected) => expect(normalizeCompanyName(input)).toBe(expected));
});

describe('witnessSaysCustomer: another status-like cell that keeps a skipped row a customer', () => {
  const cases: Array<[string, 'active' | 'churned' | 'partner' | 'competitor' | null]> = [
    ['Customer', 'active'], ['Customer - Direct', 'active'], ['Kunde', 'active'], ['Kundin', 'active'], ['cliente', 'active'], ['Paid', 'active'],
    ['Bestandskunde', 'active'], ['Stammkunde', 'active'], ['Aktiver Kunde', 'active'], ['Klient aktywny', 'active'], ['Klant', 'active'],
    ['Ex-Kunde', 'churned'], ['Former customer', 'churned'],
    ['Prospect', null], ['Lead', null], ['Potential Customer', null], ['Not a customer', null], ['Kein Kunde', null], ['Geen klant', null],
    ['Yes', null], ['Member', null], ['Partner', 'partner'], ['Competitor', 'competitor'],
    ['Non-Profit Customer', 'active'], ['Customer, No Newsletter', 'active'], ['Customer - not renewing', 'active'], ['Клиент', 'active'], ['Not a client', null],
    ['Customer / Partner', 'active'], ['Partner, Customer', 'active'], ['Customer; Competitor', 'active'], ['Clienti', 'active'], ['Klientka', 'active'], ['Zákazník', 'active'], ['Asiakas', 'active'],
  ];
  it.each(cases)('%s → %s', (text, expected) => {
    expect(witnessSaysCustomer(text, 'Type')).toBe(expected);
  });
});
