// Parsing of imported cell values. Each parser returns the clean value or throws a ValueError
// whose message becomes the row's `_error`.
import type { CustomerStatus } from '../db/schema-constants.js';
import { likelyDateFormat } from './date-formats.js';

/** How a dropped date value without a date format is described (the CLI then suggests --date-format). */
export const NOT_ISO_DATE = 'is not ISO 8601 (YYYY-MM-DD)';

/** The dates a dropped-value warning names as not ISO 8601 (what a date format is proposed from). */
export const datesNotIso = (warning: string): string[] => [...warning.matchAll(/date "([^"]*)" is not ISO 8601/g)].map((m) => m[1] ?? '');

/**
 * A value that does not parse. Its message may name a library option as `{option}` (errors.js):
 * a caller that shows it wraps it in AosError, which spells the option for its reader.
 */
export class ValueError extends Error {}

const CURRENCY = /(?:[A-Z]{3}|[$€£¥₹₩₽₪₫฿₱₦]|A\$|AU\$|C\$|CA\$|NZ\$|US\$|S\$|HK\$|R\$|kr|Fr\.?|zł)/gi;
const MAX_DEAL = 9_999_999_999.99; // numeric(12,2)
const GROUPED_BY_COMMA = /^[1-9]\d{0,2}(,\d{3})+$/;
const GROUPED_BY_DOT = /^[1-9]\d{0,2}(\.\d{3})+$/;

/**
 * `$15,000.00`, `AUD 15000`, `15.000,00 €`, `EUR 15.000`, `15 000` → "15000.00" (a string,
 * exact for numeric(12,2)); null for an empty cell or `-`.
 */
export function parseDealValue(text: string): string | null {
  let s = text.trim();
  if (s === '' || s === '-') return null;
  // Plain digits (most cells of most files) read the same through every rule below: skip them.
  if (PLAIN_DIGITS.test(s)) return dealOf(Number(s), text);
  s = s.replace(CURRENCY, '').replace(/[\s\u00a0\u202f']/g, '');
  if (s.startsWith('-') || (s.startsWith('(') && s.endsWith(')'))) throw new ValueError(`deal value "${text}" is negative`);
  if (!/^[0-9.,]+$/.test(s) || !/[0-9]/.test(s)) throw new ValueError(`deal value "${text}" is not a number`);
  const lastDot = s.lastIndexOf('.');
  const lastComma = s.lastIndexOf(',');
  let normalized: string;
  if (lastDot >= 0 && lastComma >= 0) {
    // Both present: the later one is the decimal separator.
    const decimal = lastDot > lastComma ? '.' : ',';
    const thousands = decimal === '.' ? ',' : '.';
    normalized = s.split(thousands).join('').replace(decimal, '.');
  } else {
    // One kind of separator: groups of three after a non-zero lead are thousands, for ',' and '.'
    // alike (15,000 and 15.000 are fifteen thousand: money has two decimals, and "EUR 1.200" in a
    // European export is 1200, not 1.20); anything else is a decimal point (15,5 and 15.50).
    const [sep, grouped] = lastComma >= 0 ? [',', GROUPED_BY_COMMA] : ['.', GROUPED_BY_DOT];
    normalized = grouped.test(s) ? s.replaceAll(sep, '') : s.replace(sep, '.');
  }
  if (!/^\d+(\.\d+)?$/.test(normalized)) throw new ValueError(`deal value "${text}" is not a number`);
  return dealOf(Number(normalized), text);
}

const PLAIN_DIGITS = /^\d{1,15}$/;

function dealOf(value: number, text: string): string {
  if (!Number.isFinite(value) || value > MAX_DEAL) throw new ValueError(`deal value "${text}" is too large`);
  return value.toFixed(2);
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ][0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/;

function validDate(y: number, m: number, d: number, text: string): string {
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d || y < 1900 || y > 2200) {
    throw new ValueError(`"${text}" is not a valid date`);
  }
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

export type DateParser = (text: string) => string | null;

// Excel stores a date as days since 1899-12-30 and a CSV saved from a sheet whose column is not
// formatted as a date holds that number (44927 is 2023-01-01). Five digits cover 1927-2173.
const EXCEL_SERIAL = /^\d{5}(?:\.\d+)?$/;
const EXCEL_EPOCH = Date.UTC(1899, 11, 30);

function excelSerialDate(s: string): string | null {
  if (!EXCEL_SERIAL.test(s)) return null;
  const date = new Date(EXCEL_EPOCH + Math.floor(Number(s)) * 86_400_000);
  return validDate(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), s);
}

/**
 * ISO 8601 by default; with a format like `DD/MM/YYYY`, `MM/DD/YY` or `D.M.YYYY`, that format
 * and ISO 8601.
 * Two-digit years are 2000-2069 / 1970-1999.
 */
export function makeDateParser(format?: string): DateParser {
  if (!format) {
    return (text) => {
      const s = text.trim();
      if (s === '') return null;
      const m = ISO_DATE.exec(s);
      if (!m) {
        const serial = excelSerialDate(s);
        if (serial) return serial;
      }
      if (!m) throw new ValueError(`date "${text}" ${NOT_ISO_DATE}; set the date format of the file, e.g. ${likelyDateFormat([text])}`);
      return validDate(Number(m[1]), Number(m[2]), Number(m[3]), text);
    };
  }
  const order: Array<'Y' | 'M' | 'D'> = [];
  let pattern = '';
  const tokens = format.match(/YYYY|YY|MM|M|DD|D|[^YMD]+/g) ?? [];
  if (tokens.join('') !== format) throw new ValueError(`invalid {dateFormat} "${format}"`);
  for (const token of tokens) {
    if (token === 'YYYY') (order.push('Y'), (pattern += '(\\d{4})'));
    else if (token === 'YY') (order.push('Y'), (pattern += '(\\d{2})'));
    else if (token === 'MM' || token === 'M') (order.push('M'), (pattern += '(\\d{1,2})'));
    else if (token === 'DD' || token === 'D') (order.push('D'), (pattern += '(\\d{1,2})'));
    else pattern += token.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  if (order.length !== 3 || new Set(order).size !== 3) throw new ValueError(`invalid {dateFormat} "${format}": it needs YYYY (or YY), MM and DD`);
  const regex = new RegExp(`^${pattern}(?:[T ].*)?$`);
  return (text) => {
    const s = text.trim();
    if (s === '') return null;
    const m = regex.exec(s);
    if (!m) {
      // ISO 8601 cannot be mistaken for another order, and CRMs mix it into other formats'
      // columns (a date typed by hand beside system timestamps): it stays accepted.
      const iso = ISO_DATE.exec(s);
      if (iso) return validDate(Number(iso[1]), Number(iso[2]), Number(iso[3]), text);
      const serial = excelSerialDate(s);
      if (serial) return serial;
      throw new ValueError(`date "${text}" matches neither the date format ${format} nor ISO 8601 (YYYY-MM-DD)`);
    }
    const parts: Record<string, number> = {};
    order.forEach((k, i) => {
      parts[k] = Number(m[i + 1]);
    });
    let y = parts.Y as number;
    if (y < 100) y += y < 70 ? 2000 : 1900;
    return validDate(y, parts.M as number, parts.D as number, text);
  };
}

// What CRM exports and spreadsheets put in an empty cell: N/A, none, -, TBC, Zoho's -None- for an
// unset picklist, Excel's #N/A. Read as empty, so "Website: N/A" beside a valid email is a customer
// suppressed by that email (not a dropped "unknown public suffix .n"), and "-None-" is never
// stored as an industry.
const PLACEHOLDER = /^(?:-+|—|–|n\/?a|n\.a\.?|#n\/a|-?none-?|null|nil|unknown|tb[ad]|\?+|not (?:available|applicable|known)|\((?:blank|none|empty)\))$/i;
const PLACEHOLDER_STARTS = new Set(['-', '—', '–', 'n', 'N', '#', 'u', 'U', 't', 'T', '?', '(']);

/** Whether a (trimmed) cell is a placeholder for no value; most cells are ruled out by length or first character. */
export const isPlaceholder = (value: string): boolean => value.length <= 14 && PLACEHOLDER_STARTS.has(value[0] as string) && PLACEHOLDER.test(value);

// Said in a website or domain cell, these also mean "no website": a deal value of TBC is dropped
// with a warning (SPEC §7), but a website of TBC is none yet, not the unknown suffix ".tbc".
const NO_WEBSITE = /^(?:tb[acd]\.?|to be (?:confirmed|advised|determined)|coming soon|no (?:website|site|web ?site|domain)|none yet|not yet)$/i;

const NO_WEBSITE_STARTS = new Set(['t', 'T', 'c', 'C', 'n', 'N']);

/** Whether a website/domain cell says there is no website (a placeholder, TBC, "no website"). */
export const isNoWebsite = (value: string): boolean =>
  isPlaceholder(value) || (value.length <= 20 && NO_WEBSITE_STARTS.has(value[0] as string) && NO_WEBSITE.test(value));

/** What a status value makes of a row (SPEC §7): a customer of some kind, or not one at all. */
export const STATUS_CLASSES = ['active', 'churned', 'partner', 'competitor', 'skip'] as const;
export type StatusClass = (typeof STATUS_CLASSES)[number];

/**
 * The key a status value is mapped by: trimmed, lowercase, inner spaces collapsed; a comma, an
 * '=' or a quote reads as a space, as the --status-map hint writes them (a list item cannot hold
 * them), so a pasted hint maps "Done, paid" too.
 */
export function statusKey(text: string): string {
  return text.replace(/[,=']/g, ' ').trim().toLowerCase().replace(/\s+/g, ' ');
}

// 'evangelist' is HubSpot's lifecycle stage after 'customer': a customer who promotes you.
const ACTIVE_WORDS = new Set([
  'active', 'current', 'customer', 'won', 'closedwon', 'live', 'paying', 'existing', 'existingcustomer', 'activecustomer', 'evangelist',
  'client', 'activeclient', 'currentclient', 'currentcustomer', 'existingclient', 'customerdirect', 'customerchannel', 'signed',
  'contracted', 'retained',
]);
const CHURNED_WORDS = new Set([
  'churned', 'former', 'past', 'cancelled', 'canceled', 'inactive', 'formercustomer', 'pastcustomer', 'ex', 'excustomer', 'ended',
  'expired', 'terminated', 'formerclient', 'pastclient', 'exclient', 'lapsed',
]);
// Not a customer: HubSpot lifecycle stages before 'customer', Salesforce's 'Prospect', Close's
// 'Potential' and 'Bad Fit', Copper's 'Potential Customer', leads and open deals, and the
// agency's own vendors and suppliers (Zoho's Account Type, Xero's supplier contacts). A lost
// deal is no customer either (and so never downgrades one).
const SKIP_WORDS = new Set([
  'prospect', 'lead', 'subscriber', 'marketingqualifiedlead', 'salesqualifiedlead', 'mql', 'sql', 'opportunity',
  'open', 'lost', 'closedlost', 'deleted', 'qualified', 'unqualified', 'disqualified', 'suspect', 'potential', 'prospective',
  'badfit', 'vendor', 'supplier', 'noncustomer', 'notacustomer', 'nonclient', 'notaclient',
]);
const PARTNER_WORDS = new Set(['partner', 'reseller', 'channelpartner', 'channelpartnerreseller', 'installationpartner', 'technologypartner', 'referralpartner', 'agencypartner', 'affiliate']);
const COMPETITOR_WORDS = new Set(['competitor', 'competition', 'rival']);

// CRM picklists put the status word in a phrase ("Customer - Direct", "Former Customer",
// "Channel Partner / Reseller"): a churn word there wins over an active one; a negation makes it
// unreadable (asked for rather than guessed). A word that says the customer is yet to come
// ("Potential Customer", "Prospective client", "Lead customer") wins over all of them: a customer
// word is in the phrase, but no customer is.
const CHURN_IN_PHRASE = new Set(['churned', 'former', 'past', 'cancelled', 'canceled', 'inactive', 'ended', 'expired', 'terminated', 'ex', 'lapsed']);
const ACTIVE_IN_PHRASE = new Set(['active', 'current', 'customer', 'customers', 'client', 'clients', 'won', 'live', 'paying', 'existing', 'signed']);
const NOT_YET_IN_PHRASE = new Set(['potential', 'prospective', 'prospect', 'prospects', 'lead', 'leads', 'opportunity', 'possible', 'future', 'target']);
// Words said only of a customer one has: a phrase with one of them is about a customer.
const EXISTING_IN_PHRASE = new Set(['churn', 'churning', 'risk', 'renewal', 'renew', 'renewing', 'upsell', 'upgrade', 'converted', 'expansion', 'retention']);
const CUSTOMER_NOUNS = new Set(['customer', 'customers', 'client', 'clients']);
// Words that say customer without reading as one by themselves ("Paid" alone is asked for; the
// German, Spanish, Portuguese, Dutch and Scandinavian nouns): beside a not-customer word
// ("Subscriber - paid", "Kunde (Lead)") they make the phrase unreadable, never a skip.
const CUSTOMER_HINT_IN_PHRASE = new Set([
  'paid', 'kunde', 'kunden', 'kundin', 'kundinnen', 'bestandskunde', 'cliente', 'clientes', 'klant', 'klanten', 'klient', 'klienten', 'kund', 'kunder',
]);
// The whole of a not-yet phrase: one not-yet adjective, a space, one customer noun, nothing else.
// Only adjectives: a noun before the customer noun ("Prospect client", "Lead customer" — a lead
// customer is also a key one, "Target client") may be a list without its separator, so is asked for.
const NOT_YET_CUSTOMER = /^(?:potential|prospective|possible|future) (?:customer|client)s?$/;
const PARTNER_IN_PHRASE = new Set(['partner', 'reseller', 'affiliate']);
const NEGATIONS = new Set(['not', 'non', 'no', 'never']);
const YES = new Set(['yes', 'y', 'true', 't', '1', 'x']);
const NO = new Set(['no', 'n', 'false', 'f', '0']);

/**
 * What a yes/no status column says, from its header: `Churned?` yes = churned (no = active),
 * `Active?` yes = active (no = churned), `Is Customer` / `IsClient` yes = active and no = skip —
 * "not a customer" says nothing of a past one (Xero's suppliers are IsCustomer FALSE); null when
 * the header says neither.
 */
export function yesNoMeaning(header: string): { yes: StatusClass; no: StatusClass } | null {
  const h = header.toLowerCase();
  if (/churn|cancel|former|inactive|lost|ended|terminated/.test(h)) return { yes: 'churned', no: 'active' };
  if (/active|current|paying|live/.test(h)) return { yes: 'active', no: 'churned' };
  if (/customer|client/.test(h)) return { yes: 'active', no: 'skip' };
  return null;
}

/** A deal's status column (Pipedrive `Deal - Status`): its `lost` and `open` deals are no customers. */
const isDealHeader = (header: string) => /deal|opportunit/i.test(header);

/**
 * The status a value maps itself to, read with its column's header; null when it is not a known
 * word (the import asks for it, or names it with the --status-map syntax).
 */
export function classifyStatus(text: string, header = ''): StatusClass | null {
  const lower = statusKey(text);
  // Spreadsheets write booleans as 1/0, which have no letter to read a word from.
  if (lower === '1' || lower === '0') {
    const meaning = yesNoMeaning(header);
    return meaning ? meaning[lower === '1' ? 'yes' : 'no'] : null;
  }
  const word = lower.replace(/[^a-z]/g, '');
  if (word === '') return null;
  if (YES.has(word) || NO.has(word)) {
    const meaning = yesNoMeaning(header);
    return meaning ? meaning[YES.has(word) ? 'yes' : 'no'] : null;
  }
  // "Lost" in a deal column is a lost deal (no customer); in a customer status column it is a
  // lost customer, a past one (also in a `Customer Stage`).
  const lostIsDeal = isDealHeader(header) || (/stage/i.test(header) && !/customer|client/i.test(header));
  if (word === 'lost' || word === 'closedlost') return lostIsDeal ? 'skip' : 'churned';
  if (ACTIVE_WORDS.has(word)) return 'active';
  if (CHURNED_WORDS.has(word)) return 'churned';
  if (SKIP_WORDS.has(word)) return 'skip';
  if (PARTNER_WORDS.has(word)) return 'partner';
  if (COMPETITOR_WORDS.has(word)) return 'competitor';
  const words = lower.split(/[^a-z]+/).filter(Boolean);
  if (words.some((w) => NEGATIONS.has(w))) return null;
  if (words.some((w) => COMPETITOR_WORDS.has(w))) return 'competitor';
  if (words.some((w) => PARTNER_IN_PHRASE.has(w))) return 'partner';
  if (words.some((w) => NOT_YET_IN_PHRASE.has(w))) {
    // The not-yet word must be what the phrase says of the customer ("Potential Customer"): a
    // customer word it does not qualify ("Won - converted lead", "Customer (was lead)", "Active
    // (target upsell)") or a word only a customer has ("Possible churn", "Renewal opportunity")
    // makes the phrase unreadable — asked for, and proposed as a customer, never skipped.
    // A phrase that also holds a customer word is skipped only when it wholly is a not-yet phrase
    // ("Potential Customer", "Prospective clients"): word order, a list or a step between
    // words ("Lead;Customer", "Prospect / Client", "Lead > Customer", "Opportunity Won") once
    // skipped customers. A won outcome is a customer; anything else is asked for (fail closed).
    if (!words.some(isCustomerWord)) return 'skip';
    // The text itself, not its key: the key reads "Lead, Customer" (a list) as "lead customer".
    if (NOT_YET_CUSTOMER.test(text.trim().toLowerCase().replace(/\s+/g, ' '))) return 'skip';
    if (words.at(-1) === 'won' && !words.some((w) => CHURN_IN_PHRASE.has(w))) return 'active';
    return null;
  }
  if (words.some((w) => CHURN_IN_PHRASE.has(w))) return 'churned';
  if (words.includes('lost')) return lostIsDeal && !words.some((w) => CUSTOMER_NOUNS.has(w)) ? 'skip' : 'churned';
  if (words.some((w) => ACTIVE_IN_PHRASE.has(w))) return 'active';
  // A not-customer word beside a customer one ("Subscriber - paid", "Kunde (Lead)") is no skip.
  if (words.some((w) => SKIP_WORDS.has(w))) return words.some(isCustomerWord) ? null : 'skip';
  return null;
}

// German, Dutch, Polish and Scandinavian compounds end in the customer noun (Bestandskunde, Stammkundin, Vaste klant).
const CUSTOMER_NOUN_ENDING = /(?:kunde|kunden|kundin|klant|klient|klientka|kund|clienti|cliente|clientes|zákazník|zakaznik|asiakas|asiakkaat|клиент|клиенты|клієнт|клієнти|顧客|顾客|客户|客戶)$/;
// Negations of the languages whose customer nouns count above ("Kein Kunde", "Geen klant", "Nie klient").
const NEGATIONS_ABROAD = new Set(['kein', 'keine', 'nicht', 'geen', 'niet', 'nie', 'sin', 'ikke', 'inte', 'ej', 'ei', 'nao', 'não']);
const ARTICLES = new Set(['a', 'an', 'the', 'ein', 'eine', 'een', 'un', 'une', 'una', 'uno']);
/** A status phrase's words, in any script ("Kein Kunde" → kein, kunde). */
const statusWords = (text: string) => statusKey(text).split(/[^\p{L}]+/u).filter(Boolean);
const isCustomerNoun = (w: string | undefined) => w !== undefined && (CUSTOMER_NOUNS.has(w) || CUSTOMER_NOUN_ENDING.test(w) || w === 'paid');

/**
 * What another status-like column (a witness: HubSpot's `Lifecycle Stage` beside the `Type` read
 * as the status) says of a row its status column skips: a current or past customer, or null. A
 * customer word the status column would ask about (`Kunde`, `cliente`, `Paid`) counts here: the
 * question is whether anything in the row says customer, and a skip must not win over it.
 */
export function witnessSaysCustomer(text: string, header: string): 'active' | 'churned' | 'partner' | 'competitor' | null {
  const status = classifyStatus(text, header);
  if (status === 'active' || status === 'churned') return status;
  if (status === 'skip') return null;
  const words = statusWords(text);
  // Only a negation of the customer word itself ("Not a customer", "Kein Kunde") says no: in
  // "Non-Profit Customer" or "Customer, No Newsletter" it negates something else.
  const negated = words.some((w, i) => (NEGATIONS.has(w) || NEGATIONS_ABROAD.has(w)) && isCustomerNoun(ARTICLES.has(words[i + 1] ?? '') ? words[i + 2] : words[i + 1]));
  if (negated) return null;
  // "Customer / Partner", "Customer; Competitor": a customer first; a partner or competitor alone
  // is suppressed as one (the status column would have read it so).
  if (words.some((w) => isCustomerWord(w) || CUSTOMER_NOUN_ENDING.test(w))) return 'active';
  return status;
}

/** Whether a value names a customer by its noun (`Customer`, `Kunde`, `Ex-client`), not by a state word (`current`). */
export function namesCustomer(text: string): boolean {
  return statusWords(text).some((w) => isCustomerNoun(w));
}

/** Whether a word of a status phrase says the row is (or was) a customer. */
const isCustomerWord = (w: string): boolean =>
  ACTIVE_IN_PHRASE.has(w) || CHURN_IN_PHRASE.has(w) || EXISTING_IN_PHRASE.has(w) || CUSTOMER_HINT_IN_PHRASE.has(w);

/**
 * `--status-map 'Other=skip,Vendor=partner'` → { other: 'skip', vendor: 'partner' } (keys by
 * statusKey). Items split on commas; the last '=' of an item separates value and status.
 */
export function parseStatusMap(text: string): Record<string, StatusClass> {
  const out: Record<string, StatusClass> = {};
  for (const item of text.split(',')) {
    if (item.trim() === '') continue;
    const eq = item.lastIndexOf('=');
    const value = eq > 0 ? statusKey(item.slice(0, eq)) : '';
    const status = eq > 0 ? item.slice(eq + 1).trim().toLowerCase() : '';
    if (value === '' || !(STATUS_CLASSES as readonly string[]).includes(status)) {
      throw new ValueError(`invalid {statusMap} item "${item.trim()}": expected VALUE=${STATUS_CLASSES.join('|')}`);
    }
    out[value] = status as StatusClass;
  }
  return out;
}

export function parseBoolean(text: string): boolean | null {
  const word = text.trim().toLowerCase();
  if (word === '') return null;
  if (['yes', 'y', 'true', 't', '1', 'x', 'approved'].includes(word)) return true;
  if (['no', 'n', 'false', 'f', '0'].includes(word)) return false;
  throw new ValueError(`"${text}" is not yes or no`);
}

/**
 * `SEO; PPC` / `seo,ppc` / `Web Design|SEO` → ['ppc', 'seo'] (lowercase, deduplicated, sorted).
 * A control character separates too: the import stages a list joined by one (\x1f, customer-
 * staging.ts), so a cell "x\x1fx\x1fx" was stored as three services "x", which the signals
 * counted as three clients (a single client's marker shown at k).
 */
// eslint-disable-next-line no-control-regex
const SERVICE_SEPARATORS = /[,;|/\x00-\x08\x0e-\x1f\x7f-\x9f]/;
const INNER_SPACES = /\s+/g;

export function parseServices(text: string | undefined | null): string[] {
  if (!text) return [];
  // A services cell on every row of an import: one pass, no intermediate arrays.
  const items: string[] = [];
  for (const piece of text.split(SERVICE_SEPARATORS)) {
    const trimmed = piece.trim();
    if (trimmed === '') continue;
    const item = trimmed.toLowerCase().replace(INNER_SPACES, '-');
    if (!items.includes(item)) items.push(item);
  }
  return items.length > 1 ? items.sort() : items;
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** Company names compared for the natural key: case, spacing and punctuation ignored. */
export function normalizeCompanyName(name: string): string {
  // Printable ASCII (most names): NFKC changes nothing and letters/digits are [a-z0-9]. Every row
  // with a name passes here, so the Unicode path is kept for the names that need it.
  if (PRINTABLE_ASCII.test(name)) return name.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();
  return name
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}
