// The customer fields an import reads, in one table: what the mapping, the row normaliser, the
// staging of an import, the prompts and the help are derived from. Each field names its column
// in src/db/schema.ts (client_customers), which stays the source of truth for the column and its
// SQL type (see services/import/staged-columns.ts); a renamed column breaks the build here.
//
// The schema is imported for its types only: this table feeds `aos import --help`, and the CLI's
// start must not load drizzle (docs/design.md "The CLI is bundled").
import type { clientCustomers } from '../db/schema.js';
import type { CustomerStatus } from '../db/schema-constants.js';

/** A property of client_customers in schema.ts, which is also the CustomerRecord property. */
export type CustomerColumnKey = keyof typeof clientCustomers.$inferSelect;

/**
 * How a cell becomes a value. company_name, domain, email and status have rules of their own
 * (customer-row.ts: they make the customer's key and decide whether the row is one); the others
 * go through one parser each, and a cell that does not parse is dropped with a warning.
 */
export type CellKind = 'company_name' | 'domain' | 'email' | 'status' | 'text' | 'date' | 'money' | 'boolean' | 'list';

/** What a cell kind gives once normalised (null: empty, a placeholder, or dropped). */
export interface CellValues {
  company_name: string;
  domain: string | null;
  email: string | null;
  status: CustomerStatus;
  text: string | null;
  /** ISO 8601 (YYYY-MM-DD). */
  date: string | null;
  /** A decimal as text (15000.00), exact. */
  money: string | null;
  boolean: boolean | null;
  list: string[] | null;
}

export interface CustomerFieldSpec {
  /** The field as files, flags and messages name it (snake_case, the column's SQL name). */
  readonly name: string;
  readonly column: CustomerColumnKey;
  /** For the prompts and the help. */
  readonly description: string;
  readonly cell: CellKind;
  /** Required unless this other field is mapped: an import needs one of them to name a company. */
  readonly requiredUnless?: string;
  /** Longer text is dropped with a warning (default 1000). */
  readonly maxLength?: number;
  /**
   * When a re-import's file has no value for the field: 'keep' the stored one (a file that lacks
   * the industry does not erase it), or 'replace' it (the fields that make the customer).
   */
  readonly whenMissing: 'keep' | 'replace';
  /** Shown by `customers list` and `customers show` (their --json keys). */
  readonly listed: boolean;
  /** Normalised headers (normalizeHeader) that name the field outright, best first. */
  readonly synonyms: readonly string[];
  /**
   * Words that, contained in a header no synonym names, point to the field. Fields are tried by
   * precedence, lowest first: a header holding words of two fields goes to the more specific.
   */
  readonly keywords?: { readonly pattern: RegExp; readonly precedence: number };
  /** Headers that only look like the field (HubSpot's "Recent Sales Email Replied Date"). */
  readonly notHeaders?: RegExp;
}

// Date columns that are the CRM record's own history, not the customer's.
const RECORD_DATES = /create|modified|activity|contacted|lastseen|birth/;

// The table, its literal types kept for the types below; CUSTOMER_FIELDS is its plain view.
const TABLE = [
  {
    name: 'company_name',
    column: 'companyName',
    description: 'company name (required unless a domain is mapped)',
    cell: 'company_name',
    requiredUnless: 'domain',
    whenMissing: 'replace',
    listed: true,
    synonyms: [
      // Google Contacts writes `Organization 1 - Name` (older) or `Organization Name`; QuickBooks
      // Online `Customer full name`, whose sub-customers read `Parent:Child` (customer-row.ts).
      'company', 'companyname', 'accountname', 'organization', 'organisation', 'organizationname', 'organisationname',
      'organization1name', 'organisation1name', 'customerfullname', 'displayname', 'org', 'orgname', 'businessname', 'business', 'client', 'clientname', 'customer', 'customername', 'account',
      'firm', 'associatedcompany', 'name', 'legalname', 'tradingname', 'brand',
    ],
    keywords: { pattern: /companyname|accountname|organi[sz]ationname|company$/, precedence: 7 },
  },
  {
    name: 'domain',
    column: 'domain',
    description: 'company domain or website URL',
    cell: 'domain',
    whenMissing: 'replace',
    listed: true,
    synonyms: [
      'domain', 'website', 'companydomainname', 'companydomain', 'domainname', 'websiteurl', 'web', 'url', 'site',
      'homepage', 'webaddress', 'webpage', 'organizationwebsite', 'organisationwebsite', 'companywebsite', 'www',
    ],
    keywords: { pattern: /website|domain|url/, precedence: 2 },
    // "LinkedIn Company Page", "First Referring Site" or "Avatar URL" are no company website.
    notHeaders:
      /linkedin|facebook|twitter|instagram|youtube|tiktok|pinterest|logo|image|photo|avatar|emaildomain|casestudy|refer|source|landing|tracking|utm|calendar|meeting|page(?:seen|view)|unsubscri|crunchbase|glassdoor|yelp/,
  },
  {
    name: 'contact_email',
    column: 'contactEmail',
    description: 'contact email',
    cell: 'email',
    whenMissing: 'keep',
    listed: true,
    synonyms: [
      'contactemail', 'email', 'emailaddress', 'email1', 'primaryemail', 'emaildefault', 'emailprimary', 'workemail', 'personemail', 'personemailwork',
      'businessemail', 'contactemailaddress', 'mail', 'emailwork',
    ],
    keywords: { pattern: /e?mail/, precedence: 1 },
    // "Recent Sales Email Replied Date" or "Email Domain" are no email column.
    notHeaders: /date|time|count|number|opened|clicked|replied|bounce|optout|unsubscri|domain|sent|delivered|subscription|status/,
  },
  {
    name: 'contact_name',
    column: 'contactName',
    description: 'contact name',
    cell: 'text',
    whenMissing: 'keep',
    listed: true,
    synonyms: ['contactname', 'contact', 'fullname', 'primarycontact', 'personname', 'contactperson', 'keycontact', 'pointofcontact'],
    keywords: { pattern: /contactname|fullname/, precedence: 8 },
  },
  {
    name: 'contact_title',
    column: 'contactTitle',
    description: 'contact job title',
    cell: 'text',
    whenMissing: 'keep',
    listed: true,
    // `Job Title` before `Title`: Outlook writes both, its `Title` being Mr./Ms.
    synonyms: ['contacttitle', 'jobtitle', 'title', 'position', 'role', 'persontitle', 'personjobtitle', 'designation', 'organization1title', 'organizationtitle'],
    keywords: { pattern: /jobtitle/, precedence: 9 },
  },
  {
    name: 'industry',
    column: 'industry',
    description: 'industry',
    cell: 'text',
    whenMissing: 'keep',
    listed: true,
    synonyms: ['industry', 'sector', 'vertical', 'organizationindustry', 'industrytype', 'businesstype'],
  },
  {
    name: 'employee_count_range',
    column: 'employeeCountRange',
    description: 'employee count or range',
    cell: 'text',
    whenMissing: 'keep',
    listed: true,
    synonyms: [
      'employeecountrange', 'employees', 'employeecount', 'numberofemployees', 'noofemployees', 'companysize', 'size',
      'headcount', 'employeerange', 'organizationnumberofemployees', 'staff', 'teamsize',
    ],
    keywords: { pattern: /employee|headcount/, precedence: 6 },
  },
  {
    name: 'status',
    column: 'status',
    description: 'status (each value mapped to active / churned / partner / competitor / skip)',
    cell: 'status',
    whenMissing: 'replace',
    listed: true,
    synonyms: ['status', 'customerstatus', 'accountstatus', 'lifecyclestage', 'dealstatus', 'stage', 'clientstatus', 'type', 'accounttype', 'companytype'],
  },
  {
    name: 'customer_since',
    column: 'customerSince',
    description: 'customer since (date)',
    cell: 'date',
    whenMissing: 'keep',
    listed: true,
    synonyms: [
      'customersince', 'becameacustomerdate', 'startdate', 'since', 'wondate', 'dealwontime', 'wontime', 'closedate',
      'contractstart', 'contractstartdate', 'signeddate', 'signupdate', 'firstpurchasedate', 'customerstartdate',
    ],
    keywords: { pattern: /customersince|startdate|wondate/, precedence: 4 },
    notHeaders: RECORD_DATES,
  },
  {
    name: 'churned_at',
    column: 'churnedAt',
    description: 'churned at (date)',
    cell: 'date',
    whenMissing: 'keep',
    listed: true,
    synonyms: ['churnedat', 'churndate', 'churned', 'enddate', 'cancelleddate', 'canceleddate', 'cancellationdate', 'contractend', 'contractenddate', 'lostdate', 'dateofchurn'],
    keywords: { pattern: /churn|cancel/, precedence: 5 },
    notHeaders: RECORD_DATES,
  },
  {
    name: 'deal_value',
    column: 'dealValue',
    description: 'deal value ($15,000.00, AUD 15000)',
    cell: 'money',
    whenMissing: 'keep',
    listed: true,
    synonyms: [
      'dealvalue', 'dealsize', 'amount', 'value', 'dealamount', 'contractvalue', 'acv', 'tcv', 'totalvalue',
      'dealvaluecurrency', 'opportunityamount', 'revenue', 'mrr', 'arr', 'fee', 'retainer', 'monthlyretainer',
    ],
    keywords: { pattern: /dealvalue|dealsize|amount|contractvalue/, precedence: 3 },
  },
  {
    name: 'services',
    column: 'services',
    description: 'services bought (SEO; PPC)',
    cell: 'list',
    whenMissing: 'keep',
    listed: true,
    synonyms: ['services', 'service', 'servicesbought', 'products', 'product', 'servicelines', 'serviceline', 'productsandservices'],
  },
  {
    name: 'external_id',
    column: 'externalId',
    description: 'CRM record id',
    cell: 'text',
    whenMissing: 'keep',
    listed: true,
    synonyms: ['externalid', 'id', 'recordid', 'accountid', 'crmid', 'organizationid', 'companyid', 'customerid', 'clientid', 'dealid'],
  },
  {
    name: 'can_use_as_reference',
    column: 'canUseAsReference',
    description: 'can use as reference (yes/no)',
    cell: 'boolean',
    whenMissing: 'keep',
    listed: false,
    synonyms: ['canuseasreference', 'reference', 'referenceable', 'referencecustomer', 'isreference'],
  },
  {
    name: 'case_study_url',
    column: 'caseStudyUrl',
    description: 'case study URL',
    cell: 'text',
    maxLength: 2048,
    whenMissing: 'keep',
    listed: false,
    synonyms: ['casestudyurl', 'casestudy', 'casestudylink'],
  },
  {
    name: 'testimonial',
    column: 'testimonial',
    description: 'testimonial',
    cell: 'text',
    maxLength: 10_000,
    whenMissing: 'keep',
    listed: false,
    synonyms: ['testimonial', 'quote', 'review'],
  },
  {
    name: 'logo_approved',
    column: 'logoApproved',
    description: 'logo approved (yes/no)',
    cell: 'boolean',
    whenMissing: 'keep',
    listed: false,
    synonyms: ['logoapproved', 'logopermission', 'canuselogo', 'logo'],
  },
] as const satisfies readonly CustomerFieldSpec[];

type Row = (typeof TABLE)[number];
export type ImportField = Row['name'];
/** The client_customers properties the fields fill. */
export type FieldColumn = Row['column'];

/** One field of the table, its name and the other field it may name checked. */
export interface CustomerField extends CustomerFieldSpec {
  readonly name: ImportField;
  readonly column: FieldColumn;
  readonly requiredUnless?: ImportField;
}

/** The fields in the order of the prompts and the help; auto-mapping also tries them in this order. */
export const CUSTOMER_FIELDS: readonly CustomerField[] = TABLE;

/** The field names in table order. */
export const IMPORT_FIELDS: readonly ImportField[] = CUSTOMER_FIELDS.map((f) => f.name);

/** Each field's normalised value under its schema property (companyName, dealValue, …). */
export type CustomerFieldValues = { [F in Row as F['column']]: CellValues[F['cell']] };

/** The fields that `customers list/show` show, under their snake_case names. */
export type ListedFieldValues = { [F in Row as F['listed'] extends true ? F['name'] : never]: CellValues[F['cell']] };

const BY_NAME = new Map<string, CustomerField>(CUSTOMER_FIELDS.map((f) => [f.name, f]));

export const isImportField = (name: string): name is ImportField => BY_NAME.has(name);

export function customerField(name: ImportField): CustomerField {
  return BY_NAME.get(name) as CustomerField;
}

/** `aos import --help`: the fields, the required one said so, wrapped at `width` columns. */
export function fieldListHelp(width = 95): string {
  const names = CUSTOMER_FIELDS.map((f) => (f.requiredUnless ? `${f.name} (required unless ${f.requiredUnless} is mapped)` : f.name));
  const lines: string[] = [];
  let line = 'Fields:';
  names.forEach((name, i) => {
    const word = `${name}${i === names.length - 1 ? '.' : ','}`;
    if (line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line += ` ${word}`;
  });
  return [...lines, line].join('\n');
}
