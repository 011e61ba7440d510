import { describe, expect, it } from 'vitest';
import { autoMapColumns } from '../../src/domain/column-mapping.js';
import { normalizeCustomerRow } from '../../src/domain/customer-row.js';
import { makeDateParser, ValueError } from '../../src/domain/values.js';

const HEADERS = ['Company', 'Website', 'Email', 'Deal Size', 'Customer Since', 'Status'];
const mapping = autoMapColumns(HEADERS);
const row = (fields: string[]) => normalizeCustomerRow(fields, mapping, { parseDate: makeDateParser(), defaultStatus: null });

describe('normalizeCustomerRow: placeholder cells read as empty', () => {
  it.each([
    [['Foo', 'N/A', 'jo@foo.com', 'n/a', '', ''], 'd:foo.com', null],
    [['Bar', '-', 'bo@bar.com', '-', '-', '-'], 'd:bar.com', null],
    [['Baz', 'none', 'ba@baz.com', 'TBD', 'N/A', 'None'], 'd:baz.com', null],
    [['Qux', 'null', 'q@qux.com', '#N/A', '(blank)', 'unknown'], 'd:qux.com', null],
    [['Quux', '—', 'NA', '?', 'n.a.', ''], 'n:quux', null],
    [['Real', 'real.com', '', '1,200', '2024-01-02', 'Active'], 'd:real.com', '1200.00'],
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
