// Parsing of imported cell values. Each parser returns the clean value or throws a ValueError
// whose message becomes the row's `_error`.
import type { CustomerStatus } from '../db/schema-constants.js';

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
  const value = Number(normalized);
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
      if (!m) throw new ValueError(`date "${text}" is not ISO 8601 (YYYY-MM-DD); pass --date-format, e.g. DD/MM/YYYY`);
      return validDate(Number(m[1]), Number(m[2]), Number(m[3]), text);
    };
  }
  const order: Array<'Y' | 'M' | 'D'> = [];
  let pattern = '';
  const tokens = format.match(/YYYY|YY|MM|M|DD|D|[^YMD]+/g) ?? [];
  if (tokens.join('') !== format) throw new ValueError(`invalid --date-format "${format}"`);
  for (const token of tokens) {
    if (token === 'YYYY') (order.push('Y'), (pattern += '(\\d{4})'));
    else if (token === 'YY') (order.push('Y'), (pattern += '(\\d{2})'));
    else if (token === 'MM' || token === 'M') (order.push('M'), (pattern += '(\\d{1,2})'));
    else if (token === 'DD' || token === 'D') (order.push('D'), (pattern += '(\\d{1,2})'));
    else pattern += token.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  if (order.length !== 3 || new Set(order).size !== 3) throw new ValueError(`invalid --date-format "${format}": it needs YYYY (or YY), MM and DD`);
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
      throw new ValueError(`date "${text}" matches neither --date-format ${format} nor ISO 8601 (YYYY-MM-DD)`);
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

// 'evangelist' is HubSpot's lifecycle stage after 'customer': a customer who promotes you.
const ACTIVE_WORDS = new Set(['active', 'current', 'customer', 'won', 'closedwon', 'live', 'yes', 'paying', 'existing', 'existingcustomer', 'activecustomer', 'evangelist']);
const CHURNED_WORDS = new Set(['churned', 'former', 'past', 'cancelled', 'canceled', 'lost', 'closedlost', 'inactive', 'formercustomer', 'pastcustomer', 'ex', 'excustomer', 'ended', 'no']);

// CRM picklists put the status word in a phrase ("Customer - Direct", "Former Customer",
// "Closed Lost"): a churn word there wins over an active one; a negation makes it unreadable.
const CHURN_IN_PHRASE = new Set(['churned', 'former', 'past', 'cancelled', 'canceled', 'lost', 'inactive', 'ended', 'expired', 'terminated']);
const ACTIVE_IN_PHRASE = new Set(['active', 'current', 'customer', 'client', 'won', 'live', 'paying', 'existing']);
const NEGATIONS = new Set(['not', 'non', 'no', 'never']);

/** Status words → active/churned; null for an empty cell; anything else is an error. */
export function parseStatus(text: string): CustomerStatus | null {
  const lower = text.trim().toLowerCase();
  const word = lower.replace(/[^a-z]/g, '');
  if (word === '') return null;
  if (ACTIVE_WORDS.has(word)) return 'active';
  if (CHURNED_WORDS.has(word)) return 'churned';
  const words = lower.split(/[^a-z]+/).filter(Boolean);
  if (!words.some((w) => NEGATIONS.has(w))) {
    if (words.some((w) => CHURN_IN_PHRASE.has(w))) return 'churned';
    if (words.some((w) => ACTIVE_IN_PHRASE.has(w))) return 'active';
  }
  throw new ValueError(`status "${text}" is neither active (active, current, customer, won) nor churned (churned, former, past, cancelled, lost, inactive)`);
}

export function parseBoolean(text: string): boolean | null {
  const word = text.trim().toLowerCase();
  if (word === '') return null;
  if (['yes', 'y', 'true', 't', '1', 'x', 'approved'].includes(word)) return true;
  if (['no', 'n', 'false', 'f', '0'].includes(word)) return false;
  throw new ValueError(`"${text}" is not yes or no`);
}

/** `SEO; PPC` / `seo,ppc` / `Web Design|SEO` → ['ppc', 'seo'] (lowercase, deduplicated, sorted). */
export function parseServices(text: string | undefined | null): string[] {
  if (!text) return [];
  const items = text
    .split(/[,;|/]/)
    .map((s) => s.trim().toLowerCase().replace(/\s+/g, '-'))
    .filter((s) => s !== '');
  return [...new Set(items)].sort();
}

/** Company names compared for the natural key: case, spacing and punctuation ignored. */
export function normalizeCompanyName(name: string): string {
  return name
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}
