import { describe, expect, it } from 'vitest';
import { headerCellReadingAsData } from '../../src/domain/header-row.js';

describe('headerCellReadingAsData: a first line that is a customer, not column names', () => {
  it.each([
    // Header-less files: the first customer.
    [['Acme Pty Ltd', 'acme.com.au', 'Customer'], [['Beta', 'beta.io', 'Customer']], 'acme.com.au'],
    [['Acme', 'jo@acme.com'], [['Beta', 'bo@beta.io']], 'jo@acme.com'],
    [['Acme', 'https://www.acme.com/'], [['Beta', '']], 'https://www.acme.com/'],
    [['Acme', 'www.acme.com'], [], 'www.acme.com'],
    // Real headers, some of which parse as domains but name columns of other values.
    [['Company', 'Website', 'Email'], [['Acme', 'acme.com', 'jo@acme.com']], null],
    [['Account.Name', 'Account.Website'], [['Acme', 'acme.com']], null],
    [['Account.Name', 'Contact.Email'], [['Acme', 'jo@acme.com']], null],
    [['Company Domain Name', 'Website URL'], [['acme.com', 'https://acme.com']], null],
    [['', 'E-mail', 'Web site'], [['x', 'jo@x.com', 'x.com']], null],
  ])('%j → %s', (headers, samples, cell) => {
    expect(headerCellReadingAsData(headers, samples)?.cell ?? null).toBe(cell);
  });
});
