import { describe, expect, it } from 'vitest';
import { makeDateParser, normalizeCompanyName, parseBoolean, parseDealValue, parseServices, parseStatus } from '../../src/domain/values.js';

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
  it('rejects a format without all parts', () => expect(() => makeDateParser('MM/YYYY')).toThrow(/--date-format/));
});

describe('parseStatus', () => {
  it.each([
    ['Active', 'active'], ['current', 'active'], ['Customer', 'active'], ['Closed Won', 'active'], ['won', 'active'],
    ['churned', 'churned'], ['Former', 'churned'], ['past', 'churned'], ['Cancelled', 'churned'], ['lost', 'churned'], ['INACTIVE', 'churned'],
    ['', null],
    // CRM picklist phrases (Salesforce Account Type, HubSpot and Pipedrive stages).
    ['Customer - Direct', 'active'], ['Evangelist', 'active'], ['Customer - Channel', 'active'], ['Active client', 'active'], ['Closed - Won', 'active'],
    ['Former Customer', 'churned'], ['Customer (churned)', 'churned'], ['Closed - Lost', 'churned'], ['Contract ended', 'churned'],
  ])('%j → %j', (input, expected) => expect(parseStatus(input)).toBe(expected));
  it.each(['prospect', 'Channel Partner / Reseller', 'Not a customer', 'Non-paying', 'never won', 'Lead'])('rejects %j', (input) =>
    expect(() => parseStatus(input)).toThrow(/neither active/),
  );
});

describe('other values', () => {
  it.each([
    ['SEO; PPC', ['ppc', 'seo']],
    ['seo,ppc,SEO', ['ppc', 'seo']],
    ['Web Design | SEO', ['seo', 'web-design']],
    ['', []],
  ])('services %j → %j', (input, expected) => expect(parseServices(input)).toEqual(expected));
  it.each([['yes', true], ['N', false], ['TRUE', true], ['0', false], ['', null]])('boolean %j → %j', (input, expected) => expect(parseBoolean(input)).toBe(expected));
  it.each([
    ['BuildRight Pty. Ltd.', 'buildright pty ltd'],
    ['  Acme,  Inc ', 'acme inc'],
    ['Ｆｕｌｌwidth', 'fullwidth'],
  ])('company name %j → %j', (input, expected) => expect(normalizeCompanyName(input)).toBe(expected));
});
