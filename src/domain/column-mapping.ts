// Which CSV header feeds which customer field: synonyms of CRM exports (HubSpot, Salesforce,
// Pipedrive, spreadsheets), then keywords, then fuzzy matching for typos — each confirmed by the
// column's sample values (a column of dates is never the email, of LinkedIn pages never the website).
import { createHash } from 'node:crypto';
import { distance } from 'fastest-levenshtein';
import { CUSTOMER_FIELDS, customerField, IMPORT_FIELDS, type ImportField } from './customer-fields.js';
import { parseTarget } from './targets.js';
import { classifyStatus, isPlaceholder, yesNoMeaning } from './values.js';
import { isUuid } from './uuid.js';

export { IMPORT_FIELDS, isImportField, type ImportField } from './customer-fields.js';

/**
 * field → header index (or null when the field is not imported); for the domain the further
 * columns tried in order when the first gives no company domain (HubSpot's `Company Domain Name`,
 * then `Website URL`); for the contact email the further email columns (Personal Email, Google's
 * `E-mail 2 - Value`), every address of which is the customer's too.
 *
 * `moreDomains`: columns of a customer's further company domains (Insightly's `Email Domains`,
 * "Other domains", `;`/`,` separated): every domain in them is the customer's, each its own entry.
 */
export type ColumnMapping = Record<ImportField, number | null> & { domainFallbacks: number[]; moreEmails: number[]; moreDomains: number[] };

/** The fields that take several columns, and where a mapping keeps the columns after the first. */
export const MULTI_COLUMN_FIELDS = { domain: 'domainFallbacks', contact_email: 'moreEmails' } as const;
export type MultiColumnField = keyof typeof MULTI_COLUMN_FIELDS;
export const isMultiColumnField = (field: string): field is MultiColumnField => Object.hasOwn(MULTI_COLUMN_FIELDS, field);

/** The columns of a field in order: the first, then the further ones of a multi-column field. */
export function columnsOf(mapping: ColumnMapping, field: ImportField): number[] {
  const first = mapping[field];
  if (first === null) return [];
  if (!isMultiColumnField(field)) return [first];
  return [first, ...mapping[MULTI_COLUMN_FIELDS[field]].filter((i) => i !== first)];
}

/** Sets a field's columns (first = primary); an empty list unmaps it. Other fields take only the first. */
export function setColumnsOf(mapping: ColumnMapping, field: ImportField, columns: readonly number[]): void {
  const unique = [...new Set(columns)];
  mapping[field] = unique[0] ?? null;
  if (isMultiColumnField(field)) mapping[MULTI_COLUMN_FIELDS[field]] = unique.slice(1);
}

/** The domain columns in priority order. */
export function domainColumns(mapping: ColumnMapping): number[] {
  return columnsOf(mapping, 'domain');
}

/** Sets the domain columns (first = primary); an empty list unmaps the domain. */
export function setDomainColumns(mapping: ColumnMapping, columns: readonly number[]): void {
  setColumnsOf(mapping, 'domain', columns);
}

/** The contact email columns: the first gives the contact email, each address of all is the customer's. */
export function emailColumns(mapping: ColumnMapping): number[] {
  return columnsOf(mapping, 'contact_email');
}

/** Takes a header index away from the further columns of every multi-column field. */
export function releaseColumn(mapping: ColumnMapping, index: number): void {
  for (const more of Object.values(MULTI_COLUMN_FIELDS)) mapping[more] = mapping[more].filter((i) => i !== index);
  mapping.moreDomains = mapping.moreDomains.filter((i) => i !== index);
}

/** Whether a header index feeds any field (the further domain and email columns included). */
export function fieldOfColumn(mapping: ColumnMapping, index: number): ImportField | null {
  for (const field of IMPORT_FIELDS) if (mapping[field] === index) return field;
  if (mapping.domainFallbacks.includes(index) || mapping.moreDomains.includes(index)) return 'domain';
  return mapping.moreEmails.includes(index) ? 'contact_email' : null;
}

/** A copy that can be changed without touching the original. */
export function copyMapping(mapping: ColumnMapping): ColumnMapping {
  return { ...mapping, domainFallbacks: [...mapping.domainFallbacks], moreEmails: [...mapping.moreEmails], moreDomains: [...mapping.moreDomains] };
}

export const FIELD_DESCRIPTIONS = Object.fromEntries(CUSTOMER_FIELDS.map((f) => [f.name, f.description])) as Record<ImportField, string>;

/** Lowercase letters and digits only: "Contact E-mail " → "contactemail". */
export function normalizeHeader(header: string): string {
  return header
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

// Exact synonyms after normalizeHeader, in order of preference.
const SYNONYMS = Object.fromEntries(CUSTOMER_FIELDS.map((f) => [f.name, f.synonyms])) as Record<ImportField, readonly string[]>;

// Words that, contained in a header, point to a field (for headers no synonym names exactly),
// the more specific field first.
const KEYWORDS: Array<[ImportField, RegExp]> = CUSTOMER_FIELDS.flatMap((f) => (f.keywords ? [f] : []))
  .sort((a, b) => (a.keywords?.precedence ?? 0) - (b.keywords?.precedence ?? 0))
  .map((f) => [f.name, f.keywords?.pattern as RegExp]);

// Headers that only look like a field.
const NEVER = Object.fromEntries(CUSTOMER_FIELDS.flatMap((f) => (f.notHeaders ? [[f.name, f.notHeaders]] : []))) as Partial<Record<ImportField, RegExp>>;


/** The non-empty sample values of a column (ColumnMatcher keeps them per column). */
function sampleValues(samples: readonly (readonly string[])[], index: number): string[] {
  return samples.map((r) => (r[index] ?? '').trim()).filter((v) => v !== '' && !isPlaceholder(v));
}

const share = (values: string[], test: (v: string) => boolean) => values.filter(test).length / values.length;
const isCompanyWebsite = (v: string) => {
  const p = parseTarget(v);
  return p.ok && p.target.kind === 'domain' && !p.target.platformPage;
};

/**
 * Whether a column's samples say it cannot be this field: an email column with no address at all,
 * a website column with no company site (only pages on LinkedIn, placeholders); a date or money
 * column whose values hold a digit in fewer than `agreeing` of them. A column without samples contradicts
 * nothing.
 */
function samplesContradict(field: ImportField, values: string[], agreeing: number): boolean {
  if (values.length === 0) return false;
  // Outlook's `Title` is Mr./Ms., the person's honorific, not a job title.
  if (field === 'contact_title') return share(values, (v) => !HONORIFIC.test(v)) < agreeing;
  // Zendesk Sell's `is_organization` (true/false) is a typo-distance from "organization": a
  // column of yes/no flags names no company.
  if (field === 'company_name') return share(values, (v) => !YES_NO.test(v)) < agreeing;
  switch (customerField(field).cell) {
    case 'email':
      // Any address (any company website) makes a column of them: a cell without one is dropped
      // with a warning, while a column left out would lose its good cells unseen.
      return !values.some((v) => v.includes('@'));
    case 'domain':
      return !values.some(isCompanyWebsite);
    case 'date':
    case 'money':
      return share(values, (v) => /\d/.test(v)) < agreeing;
    default:
      return false;
  }
}

const HONORIFIC = /^(?:mr|mrs|ms|miss|mx|dr|prof|sir|dame|rev|mstr|master)\.?$/i;

/**
 * A CRM's record id where a name was expected: Zoho exports a lookup (a contact's `Account Name`)
 * as `zcrm_4150868000000224005`, and ids are long digit strings or UUIDs elsewhere.
 */
const ZOHO_ID = /^zcrm_\d+$/i;
const LONG_NUMBER = /^\d{9,}$/;

export function isRecordId(value: string): boolean {
  const v = value.trim();
  // Every company name of an import passes here: each form is tried only when its first
  // character or its length allows it.
  const c = v.charCodeAt(0);
  if ((c === 0x7a || c === 0x5a) && ZOHO_ID.test(v)) return true;
  if (c >= 0x30 && c <= 0x39 && LONG_NUMBER.test(v)) return true;
  return v.length === 36 && isUuid(v);
}

const DATE_LIKE = /^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}\b/;
const isPlatformPageValue = (v: string) => {
  const p = parseTarget(v);
  return p.ok && p.target.platformPage;
};

/**
 * What even a column named "Website" or "Email" cannot be: a column of LinkedIn (or other
 * platform) pages is no website, a column of dates no email.
 */
function samplesForbid(cell: 'domain' | 'email', values: string[]): boolean {
  if (values.length === 0) return false;
  // A flag about the address or the site ("Bounced email", "Has website": Yes/No) holds none.
  if (values.every((v) => YES_NO.test(v))) return true;
  // One company website (or address) among them makes the column a source after all: a page or a
  // date in it is dropped cell by cell, while a column left out loses its good cells unseen.
  return cell === 'domain'
    ? share(values, isPlatformPageValue) > 0.5 && !values.some(isCompanyWebsite)
    : share(values, (v) => DATE_LIKE.test(v)) > 0.5 && !values.some((v) => v.includes('@'));
}

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
  return { ...(Object.fromEntries(IMPORT_FIELDS.map((f) => [f, null])) as Record<ImportField, null>), domainFallbacks: [], moreEmails: [], moreDomains: [] };
}

// A status column's header: its status, stage or type (`Contact Type`, `status_label`, `Lifecycle
// Stage`, `Customer Type`, `Account Type`), not geography, nor the status of something else.
const STATUS_HEADER = /status|stage|type|lifecycle/;
const NOT_STATUS_HEADER =
  /state|province|region|country|county|city|territory|suburb|postcode|zip|address|location|email|phone|mobile|fax|lead(?:status|source)|payment|invoice|tax|record|merge|emailsubscri|newsletter|marketing|optout|bounce|file|industry|businesstype|dealtype|marital|gender|currency|owner/;
// A record's own state (Dynamics 365 `Status`, a CRM's active flag), not who is a customer.
const RECORD_STATE = /^(?:active|inactive)$/i;
// Headers that hold a person's first name: beside one, `Name` is the person's full name.
const PERSON_NAME_PARTS = /^(?:firstname|givenname|first|forename|personfirstname)$/;
const PERSON_WHEN_SPLIT = new Set(['name']);

// A deals export's own title (ActiveCampaign `Title`, Pipedrive `Deal - Title`): the deal's name.
const DEAL_TITLE = /^(?:deal)?title$/;

// Excel writes booleans TRUE/FALSE; hand-kept sheets mix Y/N with 1/0.
const YES_NO = /^(?:yes|no|y|n|true|false|1|0)$/i;
const MAX_DOMAIN_COLUMNS = 3;

// A deals export (ActiveCampaign, HubSpot and Pipedrive deals): a pipeline column, or the deal's
// own name or stage. A customers file's `Deal Size` or `Deal Value` is no sign of one.
const DEAL_FILE_HEADER = /pipeline$|^(?:deal|deal(?:name|title|stage|status|owner|id)|opportunity(?:name|stage)?)$/;

/**
 * Whether a file lists deals, not people or companies: its plain `Status` is the deal's (a lost
 * deal is no customer, and never a past one) and its `Title` the deal's name, not a job title.
 */
export function isDealsExport(headers: readonly string[]): boolean {
  return headers.some((h) => DEAL_FILE_HEADER.test(normalizeHeader(h)));
}

/** The headers of one file and its first rows, matched to fields one step at a time. */
class ColumnMatcher {
  readonly mapping = emptyMapping();
  private readonly normalized: string[];
  private readonly used = new Set<number>();
  private readonly sampled = new Map<number, string[]>();
  /** The file names people by their parts (First Name …): its plain `Name` is a person's. */
  private readonly personColumns: boolean;
  /** A deals export: its `Title` is the deal's. */
  private readonly deals: boolean;

  constructor(
    private readonly headers: readonly string[],
    private readonly samples: readonly (readonly string[])[],
  ) {
    this.normalized = headers.map(normalizeHeader);
    this.personColumns = this.normalized.some((h) => PERSON_NAME_PARTS.test(h));
    this.deals = isDealsExport(headers);
  }

  /**
   * Whether a free column can be the field. A synonym names the field outright: a "Website" or
   * "Email" column stays what it says however noisy its values (each bad cell is dropped on its
   * own) unless they are mostly platform pages or dates, and other synonyms are overruled by their
   * samples only with some evidence (three values or more, fewer than a third fitting). A header
   * that says email or website is taken at its word like a synonym; any other keyword or fuzzy
   * match needs most values to agree.
   */
  private fits(field: ImportField, index: number, by: 'synonym' | 'guess' = 'guess'): boolean {
    if (this.used.has(index) || (NEVER[field]?.test(this.normalized[index] as string) ?? false)) return false;
    if (field === 'company_name' && this.personColumns && PERSON_WHEN_SPLIT.has(this.normalized[index] as string)) return false;
    if (field === 'contact_title' && this.deals && DEAL_TITLE.test(this.normalized[index] as string)) return false;
    const values = this.values(index);
    const cell = customerField(field).cell;
    // A header that says email or website (a synonym, or "E-mail Address (Work)", "Company Website
    // Link") is read whatever its first cells hold: the file streams past the samples, and a
    // column left out loses every address or website further down, unseen.
    if (by === 'synonym' || (cell === 'email' && saysEmail(this.normalized[index] as string)) || (cell === 'domain' && WEBSITE_HEADER.test(this.normalized[index] as string))) {
      if (cell === 'domain' || cell === 'email') return !samplesForbid(cell, values);
      return values.length < 3 || !samplesContradict(field, values, 1 / 3);
    }
    return !samplesContradict(field, values, 0.5);
  }

  /** The non-empty sample values of a column, worked out once: every field asks. */
  private values(index: number): string[] {
    let values = this.sampled.get(index);
    if (values === undefined) {
      values = sampleValues(this.samples, index);
      this.sampled.set(index, values);
    }
    return values;
  }

  private assign(field: ImportField, index: number): void {
    this.mapping[field] = index;
    this.used.add(index);
  }

  private unmapped(): ImportField[] {
    return IMPORT_FIELDS.filter((field) => this.mapping[field] === null);
  }

  /** A yes/no column whose header says what yes means ("Churned?", "Active customer"): the status. */
  byYesNoStatus(): void {
    const index = this.headers.findIndex((h, i) => {
      const values = this.values(i);
      return values.length > 0 && values.every((v) => YES_NO.test(v)) && yesNoMeaning(h) !== null;
    });
    if (index >= 0) this.assign('status', index);
  }

  /** The share of the sampled rows with a value in a column (1 without samples: nothing to say). */
  private fill(index: number): number {
    return this.samples.length === 0 ? 1 : this.values(index).length / this.samples.length;
  }

  /**
   * The status column (SPEC §7): a header that names a status, stage or type — never geography
   * (`State` VIC/NSW once fuzzy-matched "stage") nor another thing's status (`Lead Status`, `Email
   * Status`, `Record Type`) — whose values read as statuses (see below). A column with no values is no status (Close's blank `custom.Status` beside its
   * own `status_label`), and a mostly empty one loses to a filled one. Exact synonyms first.
   */
  byStatusColumn(): void {
    if (this.mapping.status !== null) return;
    const candidates: Array<{ index: number; rank: number; filled: boolean; read: number; recordState: boolean }> = [];
    this.normalized.forEach((h, index) => {
      if (this.used.has(index) || !STATUS_HEADER.test(h) || NOT_STATUS_HEADER.test(h)) return;
      const synonym = SYNONYMS.status.indexOf(h);
      const values = [...new Set(this.values(index))];
      let read = 1;
      if (values.length === 0) {
        // No samples at all: the header alone, when it is a synonym. An empty column is no status.
        if (this.samples.length > 0 || synonym < 0) return;
      } else {
        // A header that is a status synonym (`Status`, `Type`) needs one value read (a custom
        // picklist value beside it is asked for, proposed as active); a header that merely holds
        // the word (`Contact Type`, `status_label`) needs half of its values read.
        read = share(values, (v) => classifyStatus(v, this.headers[index]) !== null);
        if (read === 0 || (synonym < 0 && read < 0.5)) return;
      }
      const recordState = values.length > 0 && values.every((v) => RECORD_STATE.test(v));
      candidates.push({ index, rank: synonym < 0 ? SYNONYMS.status.length + index : synonym, filled: this.fill(index) >= 0.5, read, recordState });
    });
    // Filled first, then one that says more than a record's Active/Inactive (Dynamics 365 and
    // Salesforce accounts: the Relationship Type or Type, not the Status of a deactivated record),
    // then the better read (Freshsales' Lifecycle stage over its Status of New/Contacted/Won/Lost),
    // then the better synonym.
    candidates.sort(
      (a, b) => Number(b.filled) - Number(a.filled) || Number(a.recordState) - Number(b.recordState) || b.read - a.read || a.rank - b.rank,
    );
    const best = candidates[0];
    if (best) this.assign('status', best.index);
  }

  /**
   * The company name: the organisation, not the person. A plain `Name` beside a first/given name
   * column is a person's (Google and Outlook contacts, Pipedrive persons); Xero's `ContactName`
   * beside FirstName/LastName is the business. A mostly empty column (Xero's `LegalName`) never
   * wins over a filled one; among the filled, the best-ranked synonym.
   */
  byCompanyName(): void {
    const names = this.personColumns ? [...SYNONYMS.company_name, 'contactname'] : SYNONYMS.company_name;
    const candidates: Array<{ index: number; fill: number }> = [];
    for (const name of names) {
      this.normalized.forEach((h, index) => {
        if (h === name && this.fits('company_name', index, 'synonym') && !candidates.some((c) => c.index === index)) candidates.push({ index, fill: this.fill(index) });
      });
    }
    const best = candidates.find((c) => c.fill >= 0.5) ?? [...candidates].sort((a, b) => b.fill - a.fill)[0];
    if (best) this.assign('company_name', best.index);
  }

  /** Exact synonyms, best-ranked synonym first for each field, fields in table order. */
  bySynonyms(): void {
    for (const field of this.unmapped()) {
      // Chosen by byStatusColumn and byCompanyName.
      if (field === 'status' || field === 'company_name') continue;
      for (const synonym of SYNONYMS[field]) {
        const index = this.normalized.findIndex((h, i) => h === synonym && this.fits(field, i, 'synonym'));
        if (index >= 0) {
          this.assign(field, index);
          break;
        }
      }
    }
  }

  /** Keywords contained in the header. */
  byKeywords(): void {
    for (const [field, pattern] of KEYWORDS) {
      if (this.mapping[field] !== null) continue;
      const index = this.normalized.findIndex((h, i) => h !== '' && pattern.test(h) && this.fits(field, i));
      if (index >= 0) this.assign(field, index);
    }
  }

  /** A typo of a synonym ("Compnay", "Emial Adress"): the closest header, if close enough. */
  byFuzzyMatch(): void {
    // The status is chosen by its header's words and its values only (byStatusColumn).
    for (const field of this.unmapped().filter((f) => f !== 'status')) {
      let best: { index: number; score: number } | undefined;
      this.normalized.forEach((h, i) => {
        if (h.length < 4 || !this.fits(field, i)) return;
        for (const synonym of SYNONYMS[field]) {
          if (synonym.length < 4) continue;
          const score = fuzzySimilarity(h, synonym);
          if (score >= 0.8 && (!best || score > best.score)) best = { index: i, score };
        }
      });
      if (best) this.assign(field, best.index);
    }
  }

  /**
   * Columns of a customer's further domains: a header that says "domains" (Insightly's `Email
   * Domains`, "Other domains", "Additional domains", "Alternate domain"), read before the keyword
   * /domain/ takes one as the website column, where its list would not parse. A column of pages
   * (LinkedIn) is none.
   */
  moreDomains(): void {
    this.normalized.forEach((h, i) => {
      if (this.used.has(i) || !MORE_DOMAINS_HEADER.test(h)) return;
      if (samplesForbid('domain', this.values(i))) return;
      this.mapping.moreDomains.push(i);
      this.used.add(i);
    });
  }

  /** Other website/domain columns, in synonym order, tried when the first gives no domain. */
  domainFallbacks(): void {
    if (this.mapping.domain === null) return;
    for (const synonym of SYNONYMS.domain) {
      if (this.mapping.domainFallbacks.length + 1 >= MAX_DOMAIN_COLUMNS) break;
      const index = this.normalized.findIndex((h, i) => h === synonym && this.fits('domain', i, 'synonym'));
      if (index >= 0) {
        this.mapping.domainFallbacks.push(index);
        this.used.add(index);
      }
    }
  }

  /**
   * Every other column of addresses (Personal Email, `E-mail 2 - Value`, Close's
   * `primary_contact_other_emails`, Freshsales' `Emails`): a customer is suppressed on each of its
   * addresses, so each email column is read. A header that says email and values that are
   * addresses (any of the sample) make one; a column that is only sometimes filled still counts.
   */
  moreEmails(): void {
    this.normalized.forEach((h, i) => {
      if (this.used.has(i) || !saysEmail(h)) return;
      // The header says so: a cell that holds no address only loses that cell (with a warning),
      // while a column left out loses every address in it unseen, also past the samples. Only
      // dates or yes/no flags in the samples say it holds none.
      if (samplesForbid('email', this.values(i))) return;
      this.addEmailColumn(i);
    });
    // A header it cannot read ("Accounts Email", "CC", "Main contact", "Courriel", "Correo
    // electrónico", "E-Mail-Adresse") over values that are (nearly) all addresses is a column of
    // the customer's addresses too: left out, every address in it stays allowed. Not the agency's
    // own people (an owner's or rep's column).
    this.normalized.forEach((h, i) => {
      if (this.used.has(i) || NOT_THE_CUSTOMERS.test(h)) return;
      const values = this.values(i);
      if (values.length > 0 && share(values, isEmailAddressValue) >= 0.9) this.addEmailColumn(i);
    });
  }

  private addEmailColumn(i: number): void {
    if (this.mapping.contact_email === null) this.assign('contact_email', i);
    else {
      this.mapping.moreEmails.push(i);
      this.used.add(i);
    }
  }
}

const isEmailAddressValue = (v: string) => {
  if (!v.includes('@')) return false;
  const p = parseTarget(v);
  return p.ok && p.target.kind === 'email';
};

// A header of addresses: "Email", "Work Email", "E-mail 2 - Value", "Emails", "other_emails",
// Agile CRM's "Email(default)" (its primary address), "Email (Primary)", "Email - Alternate".
// The agency's own people (HubSpot's "Contact owner email", "Sales Rep Email") are no customer's
// addresses, and a flag about an address ("Invalid email address", yes/no) holds none.
const NOT_THE_CUSTOMERS = /owner|salesrep|accountmanager|assigned|createdby|modifiedby|updatedby|user|agent|^rep|invalid|quarantin|verified|validat|^is|^has/;
// HubSpot's `Email Domain` (one, the contact address's own, often gmail.com) is none of them.
const MORE_DOMAINS_HEADER =
  /^(?:(?:e?mail|company|all|known)?domains|(?:other|additional|alternate|alternative|secondary|extra|more)(?:domains?|domainnames?|websites?))$/;
const EMAIL_HEADER = /e?mails?\d*(?:value|address(?:es)?)?(?:work|home|personal|other|default|primary|main|business|private|office|alt|alternate|alternative|secondary|additional|\d)?$/;
/** A header of the customer's addresses (EMAIL_HEADER), not the agency's people's nor a flag. */
const saysEmail = (h: string) => EMAIL_HEADER.test(h) && !NOT_THE_CUSTOMERS.test(h) && !(NEVER.contact_email?.test(h) ?? false);
// A header of the company's website: "Company Website Link", "Website (main)", "Website 1 - Value".
// Ends with it: Google's `Website 1 - Type` beside the value holds "Work", no website.
const WEBSITE_HEADER = /(?:website|webaddress|homepage|companydomain)\d*(?:value|url|link|address|main|primary|work|business|company)?$/;

/**
 * Proposes a mapping for a header row, confirmed by the first rows' values; each header feeds at
 * most one field. Further website/domain columns become the domain's fallbacks.
 */
export function autoMapColumns(headers: readonly string[], samples: readonly (readonly string[])[] = []): ColumnMapping {
  const matcher = new ColumnMatcher(headers, samples);
  matcher.byYesNoStatus();
  matcher.byStatusColumn();
  matcher.byCompanyName();
  matcher.bySynonyms();
  matcher.moreDomains();
  matcher.byKeywords();
  matcher.byFuzzyMatch();
  matcher.domainFallbacks();
  matcher.moreEmails();
  return matcher.mapping;
}

/**
 * A column whose header names the status outright (`Status`, `Type`, `Stage`) left unmapped because
 * none of its sampled values reads as one (a German `Kunde`, a custom picklist): every row then
 * takes the default status, which ops should hear about. Null when the status is mapped.
 */
export function unreadStatusColumn(headers: readonly string[], samples: readonly (readonly string[])[], mapping: ColumnMapping): { column: string; values: string[] } | null {
  if (mapping.status !== null) return null;
  for (const [index, header] of headers.entries()) {
    if (!SYNONYMS.status.includes(normalizeHeader(header)) || fieldOfColumn(mapping, index) !== null) continue;
    const values = [...new Set(sampleValues(samples, index))];
    if (values.length > 0) return { column: header, values: values.slice(0, 5) };
  }
  return null;
}

// Columns that may say what a row is, besides the status: Pipedrive's `Organization - Labels`,
// tags, categories, segments, relationships, and the same words in other languages (Statut,
// Stato, Typ, Kundenart, Etikett). Only a customer is read from them, which at worst suppresses
// more: any column but those holding who the customer is (NOT_WITNESS_FIELDS) may serve.
const WITNESS_HEADER = /status|stage|type|lifecycle|label|tag|categor|kategor|segment|relationship|classif|statut|stato|estado|typ|tipo|art$|etiquet|etikett|gruppe|group|phase|etape|étape|fase|stadium|tier|kind|klasse|beziehung|pipeline/;
// A prospect's or a lead's own status says what the prospect is (Zendesk Sell's prospect_status
// of `current` is a current prospect): there only a customer noun counts (`Lead Status: Customer`).
const LEAD_HEADER = /prospect|lead/;
// Columns that hold who the customer is, never what it is.
const NOT_WITNESS_FIELDS: ReadonlySet<ImportField> = new Set(['company_name', 'domain', 'contact_email', 'contact_name', 'contact_title', 'external_id']);

/**
 * The columns other than the status whose header names a status, stage, type, label or the like
 * (WITNESS_HEADER), and that hold no name, website or email: a row the status column skips is
 * still a customer when one of them says so (customer-row.ts, customerWitness); a lead's or
 * prospect's column (`nounsOnly`) only by a customer noun.
 */
export function statusWitnessColumns(headers: readonly string[], mapping: ColumnMapping): Array<{ index: number; header: string; nounsOnly: boolean }> {
  const out: Array<{ index: number; header: string; nounsOnly: boolean }> = [];
  for (const [index, header] of headers.entries()) {
    const h = normalizeHeader(header);
    // A column another field took may say it too (`Business Type` read as the industry).
    const field = fieldOfColumn(mapping, index);
    if (index === mapping.status || (field !== null && NOT_WITNESS_FIELDS.has(field))) continue;
    if (WITNESS_HEADER.test(h)) out.push({ index, header, nounsOnly: LEAD_HEADER.test(h) });
  }
  return out;
}

/** Finds a header by name for --map and remembered mappings: exact, then normalized. */
export function findHeader(headers: readonly string[], name: string): number {
  const exact = headers.findIndex((h) => h.trim() === name.trim());
  if (exact >= 0) return exact;
  const wanted = normalizeHeader(name);
  return wanted === '' ? -1 : headers.findIndex((h) => normalizeHeader(h) === wanted);
}

/**
 * The key under which a confirmed mapping is remembered: SHA-256 of the normalized header set
 * (sorted, distinct), so a 300-column export fits an index entry.
 */
export function headerKey(headers: readonly string[]): string {
  const set = [...new Set(headers.map(normalizeHeader))].sort();
  return createHash('sha256').update(set.join('\u001f')).digest('hex');
}

/** A mapping is usable when it can name a company: a company name or a domain column. */
export function missingRequired(mapping: ColumnMapping): ImportField[] {
  return CUSTOMER_FIELDS.filter((f) => f.requiredUnless !== undefined && mapping[f.name] === null && mapping[f.requiredUnless] === null).map((f) => f.name);
}

/** field → header name (the domain and email: a list of names when several), for storage and display. */
export type MappingByName = Partial<Record<ImportField, string | string[]>> & { other_domains?: string[] };

export function mappingByName(mapping: ColumnMapping, headers: readonly string[]): MappingByName {
  const out: MappingByName = {};
  for (const field of IMPORT_FIELDS) {
    const indexes = columnsOf(mapping, field);
    if (indexes.length === 1) out[field] = headers[indexes[0] as number] as string;
    else if (indexes.length > 1) out[field] = indexes.map((i) => headers[i] as string);
  }
  if (mapping.moreDomains.length > 0) out.other_domains = mapping.moreDomains.map((i) => headers[i] as string);
  return out;
}
