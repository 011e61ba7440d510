import { getTableColumns } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { clientCustomers } from '../../src/db/schema.js';
import { autoMapColumns, FIELD_DESCRIPTIONS, IMPORT_FIELDS, normalizeHeader } from '../../src/domain/column-mapping.js';
import { CUSTOMER_FIELDS, fieldListHelp, type CellKind } from '../../src/domain/customer-fields.js';
import { KEPT_IF_MISSING, REPLACED, STAGED_FIELDS, STAGING_COLUMNS, stagingRow } from '../../src/services/import/staged-columns.js';
import type { CustomerRecord } from '../../src/domain/customer-row.js';

// The client_customers columns an import does not read from a file: keys, bookkeeping, and the
// source, which comes from the import's option. Any other column must be a field of the table.
// otherEmails is read from the contact_email columns (the addresses after the first).
const NOT_IMPORTED = ['id', 'clientId', 'source', 'naturalKey', 'importedAt', 'createdAt', 'updatedAt', 'otherEmails'];

// The SQL type each cell kind is stored as (the special kinds are text).
const SQL_TYPE_OF: Record<CellKind, string> = {
  company_name: 'text',
  domain: 'text',
  email: 'text',
  status: 'text',
  text: 'text',
  date: 'date',
  money: 'numeric(12, 2)',
  boolean: 'boolean',
  list: 'text[]',
};

const columns = getTableColumns(clientCustomers);

describe('the customer field table', () => {
  it('has a field for every importable column of client_customers, and no other', () => {
    const importable = Object.keys(columns).filter((key) => !NOT_IMPORTED.includes(key)).sort();
    expect(CUSTOMER_FIELDS.map((f) => f.column).sort()).toEqual(importable);
  });

  it('is what IMPORT_FIELDS and FIELD_DESCRIPTIONS list, in its order, each once', () => {
    expect([...IMPORT_FIELDS]).toEqual(CUSTOMER_FIELDS.map((f) => f.name));
    expect(new Set(IMPORT_FIELDS).size).toBe(IMPORT_FIELDS.length);
    expect(Object.keys(FIELD_DESCRIPTIONS)).toEqual([...IMPORT_FIELDS]);
  });

  it.each(CUSTOMER_FIELDS.map((f) => [f.name, f] as const))('%s is named as its column and parsed as its SQL type', (name, field) => {
    const column = columns[field.column];
    expect(column.name).toBe(name);
    expect(column.getSQLType()).toBe(SQL_TYPE_OF[field.cell]);
  });

  it.each(CUSTOMER_FIELDS.map((f) => [f.name, f] as const))('%s: its synonyms are normalised headers, and its first one maps to it', (name, field) => {
    for (const synonym of field.synonyms) expect(normalizeHeader(synonym)).toBe(synonym);
    const mapping = autoMapColumns([field.synonyms[0] as string]);
    expect(mapping[name]).toBe(0);
  });

  it('gives each keyword pattern its own precedence', () => {
    const precedences = CUSTOMER_FIELDS.flatMap((f) => (f.keywords ? [f.keywords.precedence] : []));
    expect(new Set(precedences).size).toBe(precedences.length);
  });

  it('names a mapped field when one is required unless another is mapped', () => {
    for (const f of CUSTOMER_FIELDS) if (f.requiredUnless) expect(IMPORT_FIELDS).toContain(f.requiredUnless);
  });

  it('lists the fields in the import help', () => {
    const help = fieldListHelp();
    for (const name of IMPORT_FIELDS) expect(help).toMatch(new RegExp(`\\b${name}\\b`));
    expect(help).toContain('company_name (required unless domain is mapped)');
    for (const line of help.split('\n')) expect(line.length).toBeLessThanOrEqual(95);
  });
});

describe('the staging derived from the table', () => {
  it('stages every field once, with its column type (a list as joined text)', () => {
    expect(STAGED_FIELDS.map((f) => f.name)).toEqual([...IMPORT_FIELDS]);
    for (const f of STAGED_FIELDS) expect(f.sqlType).toBe(f.list ? 'text' : columns[f.property].getSQLType());
    const names = STAGING_COLUMNS.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('either keeps or replaces each field on a re-import', () => {
    expect([...KEPT_IF_MISSING, ...REPLACED].map((f) => f.name).sort()).toEqual([...IMPORT_FIELDS].sort());
    expect(REPLACED.map((f) => f.name)).toEqual(['company_name', 'domain', 'status']);
  });

  it('writes a record as one value per staging column', () => {
    const record: CustomerRecord = {
      naturalKey: 'd:acme.com',
      nameKey: 'acme',
      emailEntries: ['jo@gmail.com', 'jo@other.io'],
      domainEntries: ['acme.com.au', 'acme.co.nz'],
      otherEmails: ['jo@gmail.com', 'jo@other.io'],
      nameDerived: false,
      companyName: 'Acme',
      domain: 'acme.com',
      contactEmail: 'jo@acme.com',
      contactName: null,
      contactTitle: 'CEO',
      industry: null,
      employeeCountRange: '11-50',
      status: 'active',
      customerSince: '2020-01-02',
      churnedAt: null,
      dealValue: '15000.00',
      services: ['seo', 'ppc'],
      externalId: '42',
      canUseAsReference: true,
      caseStudyUrl: null,
      testimonial: null,
      logoApproved: false,
    };
    const row = stagingRow(7, record);
    expect(Object.fromEntries(STAGING_COLUMNS.map((c, i) => [c.name, row[i]]))).toEqual({
      line: 7,
      natural_key: 'd:acme.com',
      name_key: 'acme',
      email_entries: 'jo@gmail.com\u001fjo@other.io',
      domain_entries: 'acme.com.au\u001facme.co.nz',
      name_derived: false,
      company_name: 'Acme',
      domain: 'acme.com',
      contact_email: 'jo@acme.com',
      contact_name: null,
      contact_title: 'CEO',
      industry: null,
      employee_count_range: '11-50',
      status: 'active',
      customer_since: '2020-01-02',
      churned_at: null,
      deal_value: '15000.00',
      services: 'seo\u001fppc',
      external_id: '42',
      can_use_as_reference: 'true',
      case_study_url: null,
      testimonial: null,
      logo_approved: 'false',
      other_emails: 'jo@gmail.com\u001fjo@other.io',
    });
  });
});
