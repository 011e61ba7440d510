import { describe, expect, it } from 'vitest';
import { isFooterRow, isLoneFirstCell, isRepeatedHeader } from '../../src/domain/report-furniture.js';

describe('isFooterRow', () => {
  it.each([
    [['Grand Totals (7 records)']],
    [['', 'Confidential Information - Do Not Distribute', '']],
    [['Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved.']],
    // A Salesforce summary report's totals row carries the summed columns beside its label.
    [['Grand Totals (4 records)', '', '', '', 'USD 1,250,000.00']],
    [['Total', '', '', '1.234,50', '12']],
    [['Subtotal (3 records)', '', '$12,000', '']],
    // QuickBooks Online writes when the report was run as its last line.
    [['Monday, 15 January 2024 09:12 AM GMT+11:00', '', '', '']],
    [['Accrual basis Monday, 15 January 2024 09:12 AM GMT+11:00']],
    [['Friday, January 12, 2024 3:45 PM GMT-08:00', '']],
    [['15/01/2024 09:12', '', '']],
    // The same line written without quotes, split at its comma.
    [['Monday', ' 15 January 2024 09:12 AM GMT+11:00', '', '']],
  ])('%j is furniture', (fields) => expect(isFooterRow(fields)).toBe(true));
  it.each([
    [['Total Tools Pty Ltd', 'totaltools.com.au']],
    [['Total', 'total.com', '', '1,000']],
    [['Totals Ltd', '', '', '']],
    [['Grand Totals Cafe', 'Customer', '', '']],
    [['Acme', 'acme.com']],
    // A lone company name (a one-column list) is a customer, a date-ish name too.
    [['Monday Cafe']],
    [['24/7 Plumbing']],
    [['Bluegum Cafe', '', '', '']],
    // An address or a website alone in its row, starting with a footer's word, is a customer's.
    [['', 'copyright.com.au', '']],
    [['', '', 'copyright@agency.com.au']],
    [['https://copyright.com.au/licences', '']],
  ])('%j is data', (fields) => expect(isFooterRow(fields)).toBe(false));
});

describe('isRepeatedHeader', () => {
  const headers = ['Company', 'Website', 'Contact Email', 'Status'];
  it('a header row repeated mid-file (exports concatenated, pages pasted) is furniture', () => {
    expect(isRepeatedHeader(['Company', 'Website', 'Contact Email', 'Status'], headers)).toBe(true);
    expect(isRepeatedHeader([' company ', 'WEBSITE', 'Contact Email', 'Status'], headers)).toBe(true);
  });
  it('a data row is not, even one that shares a cell with the header', () => {
    expect(isRepeatedHeader(['Company', 'company.com', '', 'active'], headers)).toBe(false);
    expect(isRepeatedHeader(['Acme', 'acme.com', 'a@acme.com', 'active'], headers)).toBe(false);
    expect(isRepeatedHeader(['Company', '', '', ''], headers)).toBe(false);
  });
});

describe('isLoneFirstCell (a board group title, when the header row follows it)', () => {
  it.each([
    [['Churned', '', '', ''], ['Name', 'Status', 'Date', 'Website'], true],
    [['Onboarding', '', ''], ['Name', 'Status', 'Website'], true],
    [['', 'Churned', ''], ['Name', 'Status', 'Website'], false],
    [['Acme', 'Done', ''], ['Name', 'Status', 'Website'], false],
    // A one-column file: every row is one cell, and a customer.
    [['Bluegum Cafe'], ['Company'], false],
    // A file whose first column is an address or a website: a row of that cell alone is a customer.
    [['boss@lonely.com.au', '', ''], ['Email', 'Company', 'Website'], false],
    [['lonely.com.au', ''], ['Website', 'Company'], false],
    [['https://www.lonely.com.au/about', ''], ['Website', 'Company'], false],
    [['münchen-bau.de', ''], ['Website', 'Company'], false],
    [['Group 2.0', '', ''], ['Name', 'Status', 'Website'], true],
  ])('%j under %j → %s', (fields, headers, expected) => expect(isLoneFirstCell(fields, headers)).toBe(expected));
});
