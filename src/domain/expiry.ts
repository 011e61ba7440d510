import { AosError } from '../errors.js';

const UNIT_MS: Record<string, number> = { h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

/**
 * The latest expiry an entry can have: the end of year 9999. Beyond it JavaScript writes a
 * six-digit year (`+102026-…`) that PostgreSQL refuses (`--for 99999y` exited 3 as a database error).
 */
export const MAX_EXPIRY = new Date('9999-12-31T23:59:59.999Z');

/** An expiry a caller (the CLI or the library) may store: a real date, not past year 9999. */
export function checkExpiry(at: Date, what: string): Date {
  if (!(at instanceof Date) || Number.isNaN(at.getTime())) throw new AosError('usage', `invalid ${what}: not a date`);
  if (at.getTime() > MAX_EXPIRY.getTime()) {
    throw new AosError('usage', `invalid ${what}: it ends after the year 9999`, 'give a shorter duration or an earlier date, or no expiry for a permanent entry');
  }
  return at;
}

/**
 * `--for 90d` / `12w` / `6m` / `1y` / `36h` → the moment it ends, from now. Months and years are
 * calendar months and years, not fixed day counts.
 */
export function expiryFromDuration(text: string, now: Date): Date {
  const m = /^\s*(\d{1,5})\s*([hdwmy])\s*$/i.exec(text);
  if (!m) throw new AosError('usage', `invalid {for} "${text}": expected a number and a unit, like 36h, 90d, 12w, 6m or 1y`);
  const n = Number(m[1]);
  const unit = (m[2] as string).toLowerCase();
  if (n === 0) throw new AosError('usage', `invalid {for} "${text}": the duration must be longer than zero`);
  return checkExpiry(addDuration(now, n, unit), `{for} "${text}"`);
}

/**
 * `from` plus n hours, days, weeks (fixed lengths, as in UTC) or calendar months and years. A day
 * the month does not have becomes its last day (31 January + 1 month = 28 or 29 February, 29 February
 * + 1 year = 28 February): PostgreSQL's interval arithmetic does the same, and the database gives a
 * client's default expiry (`clients set --expire`) that way, so an entry ends on one day whichever
 * wrote it. Date#setUTCMonth would roll over instead (3 March, 1 March).
 */
export function addDuration(from: Date, n: number, unit: string): Date {
  if (unit !== 'm' && unit !== 'y') return new Date(from.getTime() + n * (UNIT_MS[unit] as number));
  const months = from.getUTCFullYear() * 12 + from.getUTCMonth() + (unit === 'y' ? 12 * n : n);
  const year = Math.floor(months / 12);
  const month = months - year * 12;
  const lastDay = new Date(Date.UTC(2000, month + 1, 0)).getUTCDate() - (month === 1 && !isLeapYear(year) ? 1 : 0);
  const end = new Date(from);
  end.setUTCFullYear(year, month, Math.min(from.getUTCDate(), lastDay));
  return end;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** `--expires 2027-03-31` (end of that day, UTC) or a full ISO 8601 timestamp. Must be in the future. */
export function expiryFromDate(text: string, now: Date): Date {
  const trimmed = text.trim();
  let at: Date;
  if (/^\d{4}-\d{2}-\d{2}$/.test(trimmed)) {
    at = new Date(`${trimmed}T23:59:59.999Z`);
    // Month 13 is no date at all (toISOString would throw); Feb 30 rolls over to March: both invalid.
    if (Number.isNaN(at.getTime()) || at.toISOString().slice(0, 10) !== trimmed) at = new Date(Number.NaN);
  } else if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/.test(trimmed)) {
    at = new Date(trimmed.replace(' ', 'T'));
  } else {
    at = new Date(Number.NaN);
  }
  if (Number.isNaN(at.getTime())) {
    throw new AosError('usage', `invalid {expires} "${text}": expected a date like 2027-03-31 or an ISO 8601 timestamp`);
  }
  if (at.getTime() <= now.getTime()) {
    throw new AosError('usage', `{expires} ${text} is in the past`, 'an expired entry never matches; give a future date, or use {command:suppress remove}');
  }
  return at;
}

export function resolveExpiry(options: { expires?: string | undefined; for?: string | undefined }, now: Date): Date | null {
  if (options.expires !== undefined && options.for !== undefined) {
    throw new AosError('usage', 'give either {expires} or {for}, not both');
  }
  if (options.expires !== undefined) return expiryFromDate(options.expires, now);
  if (options.for !== undefined) return expiryFromDuration(options.for, now);
  return null;
}
