// Which CSV header feeds which customer field: synonyms of CRM exports (HubSpot, Salesforce,
// Pipedrive, spreadsheets), then keywords, then fuzzy matching for typos.
import { distance } from 'fastest-levenshtein';

export const IMPORT_FIELDS = [
  'company_name',
  'domain',
  'contact_email',
  'contact_name',
  'contact_title',
  'industry',
  'employee_count_range',
  'status',
  'customer_since',
  'churned_at',
  'deal_value',
  'services',
  'external_id',
  'can_use_as_reference',
  'case_study_url',
  'testimonial',
  'logo_approved',
] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];

/** field → header index (or null when the field is not imported). */
export type ColumnMapping = Record<ImportField, number | null>;

export const FIELD_DESCRIPTIONS: Record<ImportField, string> = {
  company_name: 'company name (required unless a domain is mapped)',
  domain: 'company domain or website URL',
  contact_email: 'contact email',
  contact_name: 'contact name',
  contact_title: 'contact job title',
  industry: 'industry',
  employee_count_range: 'employee count or range',
  status: 'active / churned',
  customer_since: 'customer since (date)',
  churned_at: 'churned at (date)',
  deal_value: 'deal value ($15,000.00, AUD 15000)',
  services: 'services bought (SEO; PPC)',
  external_id: 'CRM record id',
  can_use_as_reference: 'can use as reference (yes/no)',
  case_study_url: 'case study URL',
  testimonial: 'testimonial',
  logo_approved: 'logo approved (yes/no)',
};

/** Lowercase letters and digits only: "Contact E-mail " → "contactemail". */
export function normalizeHeader(header: string): string {
  return header
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

// Exact synonyms after normalizeHeader, in order of preference.
const SYNONYMS: Record<ImportField, string[]> = {
  company_name: [
    'company', 'companyname', 'accountname', 'organization', 'organisation', 'organizationname', 'organisationname',
    'org', 'orgname', 'businessname', 'business', 'client', 'clientname', 'customer', 'customername', 'account',
    'firm', 'associatedcompany', 'name', 'legalname', 'tradingname', 'brand',
  ],
  domain: [
    'domain', 'website', 'companydomainname', 'companydomain', 'domainname', 'websiteurl', 'web', 'url', 'site',
    'homepage', 'webaddress', 'webpage', 'organizationwebsite', 'organisationwebsite', 'companywebsite', 'www',
  ],
  contact_email: [
    'contactemail', 'email', 'emailaddress', 'email1', 'primaryemail', 'workemail', 'personemail', 'personemailwork',
    'businessemail', 'contactemailaddress', 'mail', 'emailwork',
  ],
  contact_name: ['contactname', 'contact', 'fullname', 'primarycontact', 'personname', 'contactperson', 'keycontact', 'pointofcontact'],
  contact_title: ['contacttitle', 'title', 'jobtitle', 'position', 'role', 'persontitle', 'personjobtitle', 'designation'],
  industry: ['industry', 'sector', 'vertical', 'organizationindustry', 'industrytype', 'businesstype'],
  employee_count_range: [
    'employeecountrange', 'employees', 'employeecount', 'numberofemployees', 'noofemployees', 'companysize', 'size',
    'headcount', 'employeerange', 'organizationnumberofemployees', 'staff', 'teamsize',
  ],
  status: ['status', 'customerstatus', 'accountstatus', 'lifecyclestage', 'stage', 'clientstatus', 'type', 'accounttype'],
  customer_since: [
    'customersince', 'becameacustomerdate', 'startdate', 'since', 'wondate', 'dealwontime', 'wontime', 'closedate',
    'contractstart', 'contractstartdate', 'signeddate', 'signupdate', 'firstpurchasedate', 'customerstartdate',
  ],
  churned_at: ['churnedat', 'churndate', 'churned', 'enddate', 'cancelleddate', 'canceleddate', 'cancellationdate', 'contractend', 'contractenddate', 'lostdate', 'dateofchurn'],
  deal_value: [
    'dealvalue', 'dealsize', 'amount', 'value', 'dealamount', 'contractvalue', 'acv', 'tcv', 'totalvalue',
    'dealvaluecurrency', 'opportunityamount', 'revenue', 'mrr', 'arr', 'fee', 'retainer', 'monthlyretainer',
  ],
  services: ['services', 'service', 'servicesbought', 'products', 'product', 'servicelines', 'serviceline', 'productsandservices'],
  external_id: ['externalid', 'id', 'recordid', 'accountid', 'crmid', 'organizationid', 'companyid', 'customerid', 'clientid', 'dealid'],
  can_use_as_reference: ['canuseasreference', 'reference', 'referenceable', 'referencecustomer', 'isreference'],
  case_study_url: ['casestudyurl', 'casestudy', 'casestudylink'],
  testimonial: ['testimonial', 'quote', 'review'],
  logo_approved: ['logoapproved', 'logopermission', 'canuselogo', 'logo'],
};

// Words that, contained in a header, point to a field (for headers no synonym names exactly).
const KEYWORDS: Array<[ImportField, RegExp]> = [
  ['contact_email', /e?mail/],
  ['domain', /website|domain|url/],
  ['deal_value', /dealvalue|dealsize|amount|contractvalue/],
  ['customer_since', /customersince|startdate|wondate/],
  ['churned_at', /churn|cancel/],
  ['employee_count_range', /employee|headcount/],
  ['company_name', /companyname|accountname|organi[sz]ationname|company$/],
  ['contact_name', /contactname|fullname/],
  ['contact_title', /jobtitle/],
];

export interface HeaderMatch {
  field: ImportField;
  header: number;
  /** 3 synonym, 2 keyword, 1 fuzzy: how the match was found. */
  strength: number;
}

const sortedLetters = (s: string) => [...s].sort().join('');

function fuzzySimilarity(a: string, b: string): number {
  const longest = Math.max(a.length, b.length);
  if (longest === 0) return 0;
  // Swapped letters ("Compnay", "Webiste") cost Levenshtein two edits; count them as one.
  if (a.length >= 5 && a !== b && sortedLetters(a) === sortedLetters(b)) return 1 - 1 / longest;
  return 1 - distance(a, b) / longest;
}

export function emptyMapping(): ColumnMapping {
  return Object.fromEntries(IMPORT_FIELDS.map((f) => [f, null])) as ColumnMapping;
}

/** Proposes a mapping for a header row; each header feeds at most one field. */
export function autoMapColumns(headers: readonly string[]): ColumnMapping {
  const normalized = headers.map(normalizeHeader);
  const mapping = emptyMapping();
  const used = new Set<number>();
  const assign = (field: ImportField, index: number) => {
    mapping[field] = index;
    used.add(index);
  };

  // 1. Exact synonyms, best-ranked synonym first for each field, fields in declaration order.
  for (const field of IMPORT_FIELDS) {
    for (const synonym of SYNONYMS[field]) {
      const index = normalized.findIndex((h, i) => h === synonym && !used.has(i));
      if (index >= 0) {
        assign(field, index);
        break;
      }
    }
  }
  // 2. Keywords contained in the header.
  for (const [field, pattern] of KEYWORDS) {
    if (mapping[field] !== null) continue;
    const index = normalized.findIndex((h, i) => !used.has(i) && h !== '' && pattern.test(h));
    if (index >= 0) assign(field, index);
  }
  // 3. Fuzzy: a typo of a synonym ("Compnay", "Emial Adress").
  for (const field of IMPORT_FIELDS) {
    if (mapping[field] !== null) continue;
    let best: { index: number; score: number } | undefined;
    normalized.forEach((h, i) => {
      if (used.has(i) || h.length < 4) return;
      for (const synonym of SYNONYMS[field]) {
        if (synonym.length < 4) continue;
        const score = fuzzySimilarity(h, synonym);
        if (score >= 0.8 && (!best || score > best.score)) best = { index: i, score };
      }
    });
    if (best) assign(field, best.index);
  }
  return mapping;
}

/** Finds a header by name for --map and remembered mappings: exact, then normalized. */
export function findHeader(headers: readonly string[], name: string): number {
  const exact = headers.findIndex((h) => h.trim() === name.trim());
  if (exact >= 0) return exact;
  const wanted = normalizeHeader(name);
  return wanted === '' ? -1 : headers.findIndex((h) => normalizeHeader(h) === wanted);
}

/** The key under which a confirmed mapping is remembered: the normalized header set. */
export function headerKey(headers: readonly string[]): string {
  return headers.map(normalizeHeader).join('\u001f');
}

export const isImportField = (name: string): name is ImportField => (IMPORT_FIELDS as readonly string[]).includes(name);

/** A mapping is usable when it can name a company: a company name or a domain column. */
export function missingRequired(mapping: ColumnMapping): ImportField[] {
  return mapping.company_name === null && mapping.domain === null ? ['company_name'] : [];
}

/** field → header name, for storage and display. */
export function mappingByName(mapping: ColumnMapping, headers: readonly string[]): Partial<Record<ImportField, string>> {
  const out: Partial<Record<ImportField, string>> = {};
  for (const field of IMPORT_FIELDS) {
    const index = mapping[field];
    if (index !== null && index !== undefined) out[field] = headers[index] as string;
  }
  return out;
}
