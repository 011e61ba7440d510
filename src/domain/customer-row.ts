// One CSV row → one clean customer record (SPEC §7). A customer is never lost to a bad cell: an
// optional value that does not parse is dropped with a warning; only a row with no usable target
// and no company name is a ValueError (a reject).
import type { CustomerStatus } from '../db/schema-constants.js';
import { domainColumns, emailColumns, isRecordId, type ColumnMapping } from './column-mapping.js';
import { CUSTOMER_FIELDS, type CustomerField, type CustomerFieldValues, type ImportField } from './customer-fields.js';
import { mailboxAddress, parseTarget, printable, type Target } from './targets.js';
import { isSiteBuilder } from './platforms.js';
import { classifyStatus, namesCustomer, witnessSaysCustomer, isNoWebsite, isPlaceholder, normalizeCompanyName, parseBoolean, parseDealValue, parseServices, ValueError, type DateParser, type StatusClass } from './values.js';

/** A customer as the import stages it: every field of customer-fields.ts under its schema property. */
export interface CustomerRecord extends CustomerFieldValues {
  naturalKey: string;
  /** The normalized company name when the row has one: finds the customer stored by name alone. */
  nameKey: string | null;
  /**
   * The canonical addresses of the row that need an entry of their own: the domain entry does not
   * cover them (webmail, another company's domain) or there is no domain. Null when none.
   */
  emailEntries: string[] | null;
  /**
   * The row's further company domains (Insightly's `Email Domains`), each needing a domain entry
   * of its own: not the company domain, not covered by it. Null when none.
   */
  domainEntries: string[] | null;
  /** The row's addresses after the contact email (every email column, every address of a cell), or null. */
  otherEmails: string[] | null;
  /**
   * The company name was derived from the domain or address (the file gave none): it names a new
   * customer but never renames a stored one.
   */
  nameDerived: boolean;
}

export interface RowContext {
  parseDate: DateParser;
  /** --status, applied when the row has no status of its own. */
  defaultStatus: CustomerStatus | null;
  /** What a status cell says: the value mapping, then known words; null when unknown. */
  statusOf?: (value: string) => StatusClass | null;
  /** The status column is a customer status (Zendesk Sell's `customer_status`): its "none" is no customer. */
  noneIsNoCustomer?: boolean;
  /** The company name column is QuickBooks' `Customer full name`: `Parent:Child` names the parent. */
  subCustomerNames?: boolean;
  /** domainColumns(mapping), worked out once for a whole import. */
  domainColumns?: readonly number[];
  /** emailColumns(mapping), worked out once for a whole import. */
  emailColumns?: readonly number[];
  /** The header's cell count: a row with filled cells past it was split wrong (see spilledTargets). */
  headerWidth?: number;
  /**
   * Other columns that name a status, stage, type or label (statusWitnessColumns): a row the status
   * column skips is a customer when one of them says "Customer" (HubSpot's `Type` of Prospect beside
   * a `Lifecycle Stage` of Customer, Pipedrive's `Organization - Label` beside a lost deal).
   */
  statusWitnesses?: ReadonlyArray<{ index: number; header: string; nounsOnly?: boolean }>;
}

export type RowOutcome =
  /** A customer; `warnings` name the optional values dropped from it. */
  | { kind: 'customer'; record: CustomerRecord; warnings: string[] }
  /** Not a customer (a prospect, an open or lost deal): its status maps to skip. */
  | { kind: 'skip'; status: string }
  /** A status value nobody mapped yet. */
  | { kind: 'unknown_status'; status: string };

const MAX_TEXT = 1000;


const short = (text: string) => printable(text, 60);

/** Reads one row's cells, collecting what had to be dropped. */
class RowReader {
  readonly warnings: string[] = [];

  constructor(
    private readonly fields: readonly string[],
    private readonly mapping: ColumnMapping,
  ) {}

  at(index: number, field: string, max = MAX_TEXT): string | null {
    const value = (this.fields[index] ?? '').trim();
    if (value === '' || isPlaceholder(value)) return null;
    if (value.includes('\u0000')) return this.drop(`${field} contains a NUL character`);
    if (value.length > max) return this.drop(`${field} is longer than ${max} characters`);
    return value;
  }

  text(field: ImportField, max = MAX_TEXT): string | null {
    const index = this.mapping[field];
    return index === null ? null : this.at(index, field, max);
  }

  /** An optional value through its parser; one that does not parse is dropped with a warning. */
  parsed<T>(field: ImportField, parse: (text: string) => T | null): T | null {
    const text = this.text(field);
    if (text === null) return null;
    try {
      return parse(text);
    } catch (e) {
      if (!(e instanceof ValueError)) throw e;
      return this.drop(`${field}: ${e.message}`);
    }
  }

  drop(warning: string): null {
    this.warnings.push(warning);
    return null;
  }
}

/**
 * The company domain of a domain cell, or null: a website at gmail.com, a page on facebook.com or
 * an address at a mail provider says nothing of the company's own domain, so the row falls back
 * to its next domain column or its email. (facebook.com itself, without a page, is Facebook, and
 * telstra.com, a provider that is also a company, is Telstra's website.)
 */
// Sheets exported with their formulas as text: =HYPERLINK("url","label") names its url (the label
// is for people), ="text" (Excel's way to keep a value as text) its text.
const FORMULA_HYPERLINK = /^=\s*hyperlink\(\s*"([^"]*)"\s*(?:[,;]\s*"[^"]*"\s*)?\)$/i;
const FORMULA_TEXT = /^=\s*"([^"]*)"$/;
function formulaValue(text: string): string {
  if (!text.startsWith('=')) return text;
  return (FORMULA_HYPERLINK.exec(text) ?? FORMULA_TEXT.exec(text))?.[1]?.trim() || text;
}

function companyDomain(row: RowReader, cell: string, field: string, companyName: string | null): string | null {
  const text = formulaValue(cell);
  // "TBC", "no website": the row has no website (its next column or its email may name the company).
  if (isNoWebsite(text)) return null;
  const p = parseTarget(text);
  if (!p.ok) return row.drop(`${field} "${short(text)}": ${p.error}`);
  if (p.target.kind === 'email') return p.target.freeMail ? null : p.target.registrableDomain;
  if (p.target.platformPage) return null;
  // SPEC §2: webmail is never a company, and a sole trader's "website" at their ISP
  // (www.bigpond.com, optusnet.com.au) is their mailbox's provider: a domain entry for it would
  // suppress every mailbox there. A provider is the company only when the row's name says so
  // (Telstra's own website is telstra.com).
  if (p.target.webmail || (p.target.freeMail && !namesProvider(companyName, p.target.registrableDomain))) {
    return row.drop(`${field} "${short(text)}" is a mail provider (${p.target.registrableDomain}), not the company's website: no domain entry for it`);
  }
  // A site on a website builder (acme.wordpress.com) is the customer's own: its full hostname,
  // never the builder, whose domain covers every other site there.
  if (p.target.hostname !== p.target.registrableDomain && isSiteBuilder(p.target.registrableDomain)) return p.target.hostname;
  return p.target.registrableDomain;
}

// What a provider's own name may carry besides its name: "Telstra Corporation", "Rogers
// Communications Inc", "AT&T" (at t).
const PROVIDER_NAME_EXTRAS = new Set([
  'corporation', 'corp', 'inc', 'incorporated', 'ltd', 'limited', 'pty', 'plc', 'llc', 'co', 'company', 'group', 'holdings',
  'communications', 'communication', 'telecom', 'telecommunications', 'internet', 'broadband', 'mobile', 'networks', 'network',
  'uk', 'us', 'usa', 'au', 'australia', 'nz', 'ca', 'canada', 'ie', 'ireland', 'de', 'deutschland', 'fr', 'france', 'it', 'italia', 'es', 'espana', 'nl',
  'sa', 'sas', 'sarl', 'srl', 'spa', 'ag', 'gmbh', 'nv', 'bv', 'ab', 'as', 'the', 'and',
]);

/**
 * Whether a company name is the provider of a domain itself: "Telstra Corporation" for telstra.com,
 * "AT&T" for att.net — the name, less corporate words, is the domain's first label. A customer
 * whose name merely holds it ("Matt's Plumbing" att, "Rogers & Sons" rogers, "Skyline Roofing"
 * sky) is not the provider: its website there is a mailbox's provider, never a company domain.
 */
export function namesProvider(companyName: string | null, registrable: string): boolean {
  if (companyName === null) return false;
  const label = registrable.slice(0, registrable.indexOf('.')).replaceAll('-', '');
  if (label.length < 2) return false;
  const words = normalizeCompanyName(companyName).split(' ').filter((w) => w !== '');
  const core = words.filter((w) => !PROVIDER_NAME_EXTRAS.has(w));
  return core.length > 0 && (core.join('') === label || words.join('') === label);
}

// Between the domains of a list cell: "acme.com; acme.com.au", "acme.com, acme.co.nz", " ::: ".
const DOMAIN_LIST = /\s*(?::::|[;,|\s])\s*/;

const HAS_LIST = /[\s;,|<]|:::/;
const ONLY_PUNCTUATION = /^[/\\&+\-–—]+$/;

/**
 * The company domains of one cell, each through companyDomain (a bad one is dropped with a
 * warning): a list ("a6.com, a6.net", "x.com.au;x.com", "www.x.com.au / www.x.co.nz") gives each,
 * a mail client's `<https://x.com>` its inside.
 */
function cellDomains(row: RowReader, cell: string, field: string, companyName: string | null, found: string[]): void {
  const text = formulaValue(cell);
  if (isNoWebsite(text)) return;
  let pieces = [text];
  // A list only when two of its pieces read as names (a dot each): "not a domain!" is one value.
  if (HAS_LIST.test(text)) {
    const split = text.split(DOMAIN_LIST);
    if (split.filter((p) => p.includes('.')).length >= 2) pieces = split;
  }
  for (let piece of pieces) {
    if (piece.startsWith('<') && piece.endsWith('>')) piece = piece.slice(1, -1).trim();
    if (piece === '' || ONLY_PUNCTUATION.test(piece) || isNoWebsite(piece)) continue;
    const domain = companyDomain(row, piece, field, companyName);
    if (domain !== null && !found.includes(domain)) found.push(domain);
  }
}

/** The company domains of the further domain columns. */
function moreDomains(row: RowReader, columns: readonly number[], companyName: string | null, found: string[]): void {
  for (const index of columns) {
    const text = row.at(index, 'other_domains');
    if (text !== null) cellDomains(row, text, 'other_domains', companyName, found);
  }
}

interface ContactEmail {
  address: string;
  target: Target;
}

/** An address as a cell gives it (a display name around it and a mailto: are fine), or null. */
function oneAddress(text: string): ContactEmail | null {
  // A mailto: link (pasted from a web page) is stored as its address, so `customers show` finds it.
  const address = mailboxAddress(text).replace(/^mailto:/i, '');
  const p = parseTarget(address);
  return p.ok && p.target.kind === 'email' ? { address: address.toLowerCase(), target: p.target } : null;
}

// Between the addresses of one cell: Google Contacts' " ::: ", a list's ';' or ',', a line break.
const ADDRESS_LIST = /\s*(?::::|[;,|\n\r])\s*/;
// Around one address in a cell: brackets, quotes, a list's punctuation.
const AROUND_ADDRESS = /^[<(["']+|[>)\]"',.;:]+$/g;

/**
 * The addresses of an email cell: one, or each of a list (Google's `a@x.com ::: b@y.com`,
 * Freshsales' `a@x.com, b@y.com`, `a@x.com; b@y.com`, or separated by spaces): every one is the
 * customer's, so each is kept; a piece that is no address is dropped with a warning. A domain
 * typed there is no address (it may still name the company).
 */
function contactEmails(row: RowReader, cell: string, companyName: string | null): { emails: ContactEmail[]; typedDomain: string | null } {
  const raw = formulaValue(cell);
  const whole = oneAddress(raw);
  if (whole) return { emails: [whole], typedDomain: null };
  // One address beside a note ("jo@gmail.com (personal)", "Work: jo@acme.com"): the address is
  // the customer's, the note no address.
  if (raw.split('@').length === 2) {
    for (const piece of raw.split(/[\s|]+/)) {
      const found = piece.includes('@') ? oneAddress(piece.replace(AROUND_ADDRESS, '')) : null;
      if (found) return { emails: [found], typedDomain: null };
    }
  }
  if (raw.split('@').length > 2) {
    const emails: ContactEmail[] = [];
    for (const part of raw.split(ADDRESS_LIST)) {
      if (!part.includes('@')) continue; // a display name's "Smith," or an empty piece
      const email = oneAddress(part);
      if (email) {
        emails.push(email);
        continue;
      }
      // Addresses separated by spaces, or a display name without brackets ("Jo Smith jo@x.com").
      for (const piece of part.split(/\s+/).filter((w) => w.includes('@'))) {
        const found = oneAddress(piece.replace(AROUND_ADDRESS, ''));
        if (found) emails.push(found);
        else row.drop(`contact_email "${short(raw)}": "${short(piece)}" is not a valid email address`);
      }
    }
    if (emails.length > 0) return { emails, typedDomain: null };
  }
  const p = parseTarget(raw);
  if (p.ok && p.target.kind === 'domain') {
    row.drop(`contact_email "${short(raw)}" is a domain, not an email address`);
    return { emails: [], typedDomain: companyDomain(row, raw, 'contact_email', companyName) };
  }
  // The parser's reason, unless it only says the same again.
  const why = p.ok || p.error === 'not a valid email address' ? '' : ` (${p.error})`;
  row.drop(`contact_email "${short(raw)}" is not a valid email address${why}`);
  return { emails: [], typedDomain: null };
}

/** Whether a row has filled cells past the header: it was split wrong (an unquoted comma). */
function splitWrong(fields: readonly string[], ctx: RowContext): boolean {
  const width = ctx.headerWidth;
  return width !== undefined && fields.length > width && fields.some((cell, i) => i >= width && cell.trim() !== '');
}

/**
 * Every company domain and address in the cells of a row that was split wrong (filled cells past
 * the header: an unquoted comma shifted its values), or null for a row that fits. Its columns no
 * longer say which cell is the website, so any cell that reads as one suppresses it: read quietly
 * (a shifted " Inc" is no warning of its own), through the rules of a domain or an email cell.
 */
function spilledTargets(fields: readonly string[], mapping: ColumnMapping, ctx: RowContext, companyName: string | null): { domains: string[]; emails: ContactEmail[] } | null {
  if (!splitWrong(fields, ctx)) return null;
  const quiet = new RowReader(fields, mapping);
  const found = { domains: [] as string[], emails: [] as ContactEmail[] };
  for (let i = 0; i < fields.length; i++) {
    const text = quiet.at(i, 'cell');
    if (text === null) continue;
    if (text.includes('@')) found.emails.push(...contactEmails(quiet, text, companyName).emails);
    else cellDomains(quiet, text, 'cell', companyName, found.domains);
  }
  return found;
}

// The fields read by one parser each; company name, domain, email and status make the customer.
type PlainCell = 'text' | 'date' | 'money' | 'boolean' | 'list';
type PlainField = CustomerField & { cell: PlainCell };
type PlainValues = Omit<CustomerFieldValues, 'companyName' | 'domain' | 'contactEmail' | 'status'>;
const PLAIN_CELLS: readonly string[] = ['text', 'date', 'money', 'boolean', 'list'] satisfies PlainCell[];
const PLAIN_FIELDS = CUSTOMER_FIELDS.filter((f): f is PlainField => PLAIN_CELLS.includes(f.cell));

function plainValue(row: RowReader, field: PlainField, ctx: RowContext): PlainValues[keyof PlainValues] {
  switch (field.cell) {
    case 'text':
      return row.text(field.name, field.maxLength ?? MAX_TEXT);
    case 'date':
      return row.parsed(field.name, ctx.parseDate);
    case 'money':
      return row.parsed(field.name, parseDealValue);
    case 'boolean':
      return row.parsed(field.name, parseBoolean);
    case 'list':
      return row.parsed(field.name, parseServices);
  }
}

/** Every plain field's value (or null), in table order, so warnings come in that order too. */
function plainValues(row: RowReader, ctx: RowContext): PlainValues {
  const values: Record<string, unknown> = {};
  for (const field of PLAIN_FIELDS) values[field.column] = plainValue(row, field, ctx);
  return values as PlainValues;
}

/**
 * The company name of a row. A record id is no name (Zoho exports a contact's `Account Name` as
 * `zcrm_4150868000000224005`): dropped with a warning, so the row is named by its domain or email.
 * QuickBooks writes a sub-customer as `Parent:Child` (`Acme Pty Ltd:Website rebuild`, a job or a
 * site of Acme): the organisation — the customer an agency must not cold-email — is the parent.
 */
function companyName(row: RowReader, ctx: RowContext): string | null {
  const text = row.text('company_name');
  if (text === null) return null;
  if (isRecordId(text)) return row.drop(`company_name "${short(text)}" is a record id, not a name`);
  if (ctx.subCustomerNames) {
    const colon = text.indexOf(':');
    // No space either side of the colon: "Re: Build Co" is a name.
    const parent = colon > 0 && text[colon - 1] !== ' ' && text[colon + 1] !== ' ' ? text.slice(0, colon).trim() : '';
    if (parent !== '') return parent;
  }
  return text;
}

/** The row's status, or the outcome of a row that is no customer (or whose status nobody mapped). */
function rowStatus(row: RowReader, fields: readonly string[], mapping: ColumnMapping, ctx: RowContext): { status: CustomerStatus | null } | { outcome: RowOutcome } {
  // A row whose status says it is no customer is skipped, whatever else it holds.
  const statusCell = row.text('status');
  if (statusCell === null && ctx.noneIsNoCustomer && mapping.status !== null) {
    const raw = (fields[mapping.status] ?? '').trim();
    if (raw.toLowerCase() === 'none') return witnessedStatus(row, raw, customerWitness(fields, ctx)) ?? { outcome: { kind: 'skip', status: raw } };
  }
  if (statusCell === null) return { status: null };
  const mapped = (ctx.statusOf ?? classifyStatus)(statusCell);
  if (mapped !== null && mapped !== 'skip') return { status: mapped };
  // A row split wrong may hold a shifted cell in its status column: it neither skips the row nor
  // stops the import to be mapped; the row is a customer (fail closed).
  if (splitWrong(fields, ctx)) {
    row.drop(`status "${short(statusCell)}" read from a row that does not fit the header: imported as a customer`);
    return { status: null };
  }
  if (mapped === 'skip') {
    const witnessed = witnessedStatus(row, statusCell, customerWitness(fields, ctx));
    if (witnessed) return witnessed;
  }
  return { outcome: mapped === null ? { kind: 'unknown_status', status: statusCell } : { kind: 'skip', status: statusCell } };
}

/** A skipping status overruled by a witness: the witness's status, the overruled value named among the dropped ones. */
function witnessedStatus(row: RowReader, overruled: string, witness: ReturnType<typeof customerWitness>): { status: CustomerStatus } | null {
  if (!witness) return null;
  const as = witness.status === 'churned' ? 'a past customer' : witness.status === 'active' ? 'a customer' : `a ${witness.status}`;
  row.drop(`status "${short(overruled)}" says no customer, but ${short(witness.header)} says "${short(witness.value)}": imported as ${as}`);
  return { status: witness.status };
}

/** The first other status-like cell of the row that says customer (witnessSaysCustomer), if any. */
function customerWitness(fields: readonly string[], ctx: RowContext): { header: string; value: string; status: CustomerStatus } | null {
  for (const { index, header, nounsOnly } of ctx.statusWitnesses ?? []) {
    const value = (fields[index] ?? '').trim();
    const status = value === '' || (nounsOnly && !namesCustomer(value)) ? null : witnessSaysCustomer(value, header);
    if (status) return { header, value, status };
  }
  return null;
}

/**
 * The row's domains, the company's first. The first domain column with a company domain names
 * it; every other domain of its cell (a list) and of the further domain columns is the
 * customer's too, and names the company when no domain column does.
 */
function rowDomains(row: RowReader, mapping: ColumnMapping, ctx: RowContext, rawName: string | null): string[] {
  const domains: string[] = [];
  for (const index of ctx.domainColumns ?? domainColumns(mapping)) {
    const text = row.at(index, 'domain');
    if (text === null) continue;
    cellDomains(row, text, 'domain', rawName, domains);
    if (domains.length > 0) break;
  }
  if (mapping.moreDomains.length > 0) moreDomains(row, mapping.moreDomains, rawName, domains);
  return domains;
}

/** Every address of every email column is the customer's; the first is its contact email. */
function rowEmails(row: RowReader, mapping: ColumnMapping, ctx: RowContext, rawName: string | null): { emails: ContactEmail[]; typedDomain: string | null } {
  const emails: ContactEmail[] = [];
  let typedDomain: string | null = null;
  for (const index of ctx.emailColumns ?? emailColumns(mapping)) {
    const text = row.at(index, 'contact_email');
    if (text === null) continue;
    const cell = contactEmails(row, text, rawName);
    for (const e of cell.emails) if (!emails.some((x) => x.target.value === e.target.value)) emails.push(e);
    typedDomain ??= cell.typedDomain;
  }
  return { emails, typedDomain };
}

/** The key a customer is known by across imports: its domain, else its email, else its name. */
function naturalKeyOf(domain: string | null, email: ContactEmail | null, name: string): string {
  if (domain !== null) return `d:${domain}`;
  if (email !== null) return `e:${email.target.value}`;
  const key = normalizeCompanyName(name);
  if (key === '') throw new ValueError(`company name "${short(name)}" has no letters or digits, and the row has no domain or email`);
  return `n:${key}`;
}

/**
 * The addresses that need an entry of their own, and the addresses after the contact email. The
 * domain entry covers an address at the domain (or under it), a provider's too; webmail and other
 * companies' addresses need their own entry.
 */
function emailEntries(emails: readonly ContactEmail[], domain: string | null, domainEntries: readonly string[]): { entries: string[]; others: string[] } {
  const entries: string[] = [];
  const others: string[] = [];
  for (let i = 0; i < emails.length; i++) {
    const e = emails[i] as ContactEmail;
    const covered = !e.target.webmail && (e.target.registrableDomain === domain || domainEntries.includes(e.target.registrableDomain));
    if (!covered) entries.push(e.target.value);
    if (i > 0) others.push(e.address);
  }
  return { entries, others };
}

export function normalizeCustomerRow(fields: readonly string[], mapping: ColumnMapping, ctx: RowContext): RowOutcome {
  const row = new RowReader(fields, mapping);
  const statusOrOutcome = rowStatus(row, fields, mapping, ctx);
  if ('outcome' in statusOrOutcome) return statusOrOutcome.outcome;
  const { status } = statusOrOutcome;
  const rawName = companyName(row, ctx);
  const extraDomains = rowDomains(row, mapping, ctx, rawName);
  const spilled = spilledTargets(fields, mapping, ctx, rawName);
  for (const d of spilled?.domains ?? []) if (!extraDomains.includes(d)) extraDomains.push(d);
  const { emails, typedDomain } = rowEmails(row, mapping, ctx, rawName);
  for (const e of spilled?.emails ?? []) if (!emails.some((x) => x.target.value === e.target.value)) emails.push(e);
  const email = emails[0] ?? null;
  // Domain from the domain column(s), else from an address unless at a mail provider.
  const domain = extraDomains[0] ?? emails.find((e) => !e.target.freeMail)?.target.registrableDomain ?? typedDomain;
  if (rawName === null && domain === null && email === null) {
    throw new ValueError(`no company name, domain or email${row.warnings.length ? ` (${row.warnings.join('; ')})` : ''}`);
  }
  const name = rawName ?? domain ?? email?.address ?? '';
  const nameKey = rawName === null ? null : normalizeCompanyName(rawName) || null;
  const naturalKey = naturalKeyOf(domain, email, name);
  const domainEntries = extraDomains.length === 0 ? extraDomains : extraDomains.filter((d) => d !== domain);
  const { entries, others } = emailEntries(emails, domain, domainEntries);
  const values = plainValues(row, ctx);
  return {
    kind: 'customer',
    warnings: row.warnings,
    record: {
      naturalKey,
      nameKey,
      companyName: name,
      domain,
      contactEmail: email?.address ?? null,
      emailEntries: entries.length > 0 ? entries : null,
      domainEntries: domainEntries.length > 0 ? domainEntries : null,
      otherEmails: others.length > 0 ? others : null,
      nameDerived: rawName === null,
      status: status ?? ctx.defaultStatus ?? (values.churnedAt ? 'churned' : 'active'),
      ...values,
    },
  };
}
