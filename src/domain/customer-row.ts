// One CSV row → one clean customer record, or a ValueError saying what is wrong with it.
import type { CustomerStatus } from '../db/schema-constants.js';
import type { ColumnMapping, ImportField } from './column-mapping.js';
import { mailboxAddress, parseTarget } from './targets.js';
import { normalizeCompanyName, parseBoolean, parseDealValue, parseServices, parseStatus, ValueError, type DateParser } from './values.js';

export interface CustomerRecord {
  naturalKey: string;
  companyName: string;
  domain: string | null;
  industry: string | null;
  employeeCountRange: string | null;
  contactEmail: string | null;
  contactName: string | null;
  contactTitle: string | null;
  status: CustomerStatus;
  customerSince: string | null;
  churnedAt: string | null;
  dealValue: string | null;
  services: string[] | null;
  externalId: string | null;
  canUseAsReference: boolean | null;
  caseStudyUrl: string | null;
  testimonial: string | null;
  logoApproved: boolean | null;
}

export interface RowContext {
  parseDate: DateParser;
  /** --status, applied when the row has no status of its own. */
  defaultStatus: CustomerStatus | null;
}

const MAX_TEXT = 1000;
const MAX_LONG_TEXT = 10_000;

// What CRM exports and spreadsheets put in an empty cell. Read as empty, so "Website: N/A" beside a
// valid email is a customer suppressed by that email, not a rejected row.
const PLACEHOLDER = /^(?:-+|—|–|n\/?a|n\.a\.?|#n\/a|none|null|nil|unknown|tb[ad]|\?+|not (?:available|applicable)|\((?:blank|none|empty)\))$/i;
const PLACEHOLDER_STARTS = new Set(['-', '—', '–', 'n', 'N', '#', 'u', 'U', 't', 'T', '?', '(']);
// Every cell of a million-row import passes here: most are ruled out by length or first character.
const isPlaceholder = (value: string) => value.length <= 14 && PLACEHOLDER_STARTS.has(value[0] as string) && PLACEHOLDER.test(value);

function cell(fields: readonly string[], mapping: ColumnMapping, field: ImportField, max = MAX_TEXT): string | null {
  const index = mapping[field];
  if (index === null) return null;
  const value = (fields[index] ?? '').trim();
  if (value === '' || isPlaceholder(value)) return null;
  if (value.includes('\u0000')) throw new ValueError(`${field} contains a NUL character`);
  if (value.length > max) throw new ValueError(`${field} is longer than ${max} characters`);
  return value;
}

function companyDomain(text: string): string | null {
  const p = parseTarget(text);
  if (!p.ok) throw new ValueError(`domain "${text.length > 60 ? `${text.slice(0, 60)}…` : text}": ${p.error}`);
  // A website at gmail.com, or a page on facebook.com, says nothing of the company's own domain:
  // the row falls back to its email. (facebook.com itself, without a page, is Facebook, and
  // telstra.com, a mail provider that is also a company, is Telstra's website.)
  if (p.target.webmail || p.target.platformPage) return null;
  return p.target.registrableDomain;
}

export function normalizeCustomerRow(fields: readonly string[], mapping: ColumnMapping, ctx: RowContext): CustomerRecord {
  const rawName = cell(fields, mapping, 'company_name');
  const rawDomain = cell(fields, mapping, 'domain');
  const rawEmail = cell(fields, mapping, 'contact_email');

  let emailKey: string | null = null;
  let emailDomain: string | null = null;
  let contactEmail: string | null = null;
  if (rawEmail !== null) {
    const p = parseTarget(rawEmail);
    if (!p.ok || p.target.kind !== 'email') {
      // The parser's reason, unless it only says the same again.
      const why = p.ok || p.error === 'not a valid email address' ? '' : ` (${p.error})`;
      throw new ValueError(`contact email "${rawEmail}" is not a valid email address${why}`);
    }
    contactEmail = mailboxAddress(rawEmail).toLowerCase();
    emailKey = p.target.value;
    if (!p.target.freeMail) emailDomain = p.target.registrableDomain;
  }
  const domain = (rawDomain !== null ? companyDomain(rawDomain) : null) ?? emailDomain;
  if (rawName === null && domain === null && emailKey === null) throw new ValueError('no company name, domain or email');

  const statusWord = cell(fields, mapping, 'status');
  const churnedAt = ctx.parseDate(cell(fields, mapping, 'churned_at') ?? '');
  const status = (statusWord !== null ? parseStatus(statusWord) : null) ?? ctx.defaultStatus ?? (churnedAt ? 'churned' : 'active');
  const companyName = rawName ?? domain ?? contactEmail ?? '';
  const servicesText = cell(fields, mapping, 'services');

  let naturalKey: string;
  if (domain !== null) naturalKey = `d:${domain}`;
  else if (emailKey !== null) naturalKey = `e:${emailKey}`;
  else {
    const name = normalizeCompanyName(companyName);
    if (name === '') throw new ValueError(`company name "${companyName}" has no letters or digits`);
    naturalKey = `n:${name}`;
  }
  return {
    naturalKey,
    companyName,
    domain,
    industry: cell(fields, mapping, 'industry'),
    employeeCountRange: cell(fields, mapping, 'employee_count_range'),
    contactEmail,
    contactName: cell(fields, mapping, 'contact_name'),
    contactTitle: cell(fields, mapping, 'contact_title'),
    status,
    customerSince: ctx.parseDate(cell(fields, mapping, 'customer_since') ?? ''),
    churnedAt,
    dealValue: parseDealValue(cell(fields, mapping, 'deal_value') ?? ''),
    services: servicesText !== null ? parseServices(servicesText) : null,
    externalId: cell(fields, mapping, 'external_id'),
    canUseAsReference: parseBoolean(cell(fields, mapping, 'can_use_as_reference') ?? ''),
    caseStudyUrl: cell(fields, mapping, 'case_study_url', 2048),
    testimonial: cell(fields, mapping, 'testimonial', MAX_LONG_TEXT),
    logoApproved: parseBoolean(cell(fields, mapping, 'logo_approved') ?? ''),
  };
}
