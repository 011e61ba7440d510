// A client's default expiry per reason (`aos clients set C --expire past_customer=24m`): parsed
// here, applied by the database to each new entry of that reason (drizzle/…_default_expiry.sql).
import { SUPPRESSION_REASONS, type SuppressionReason } from '../db/schema-constants.js';
import { AosError } from '../errors.js';
import { addDuration, checkExpiry } from './expiry.js';

/** Reasons that may get a default expiry. Opt-outs never do (a person's request does not lapse),
 * nor existing_customer (an active customer's entry never expires, SPEC §7). */
export const EXPIRABLE_REASONS: readonly SuppressionReason[] = ['past_customer', 'competitor', 'partner'];

const UNITS: Record<string, string> = { h: 'hours', d: 'days', w: 'weeks', m: 'months', y: 'years' };

export interface ExpirySetting {
  reason: SuppressionReason;
  /** As the user wrote it, normalized (24m), or null to drop the default. */
  period: string | null;
  /** The PostgreSQL interval (24 months). */
  interval: string | null;
}

/**
 * The latest day a default is checked from. A default is applied for as long as it stays set, to
 * entries added years later: `7973y` set in 2026 ended within the year 9999, and an entry added
 * in 2027 got an expiry of year 10000. A period that ends after the year 9999 from any day up to the
 * end of 2100 (or from now, once later) is refused, so no entry of this century gets one.
 */
const APPLIED_UNTIL = new Date('2100-12-31T23:59:59.999Z');

/**
 * `past_customer=24m` → the setting; `past_customer=none` drops it. A period that ends after the
 * year 9999 is refused by the rule `--for` follows (checkExpiry), from the end of 2100
 * (APPLIED_UNTIL): `9999y` would give entries of year 12025, which JavaScript writes as `+012025-…`.
 */
export function parseExpirySetting(text: string, now: Date = new Date()): ExpirySetting {
  const m = /^\s*([a-z_ -]+?)\s*=\s*(\S+)\s*$/i.exec(text);
  if (!m) throw new AosError('usage', `invalid {expire} "${text}": expected REASON=DURATION`, 'for example {expire} past_customer=24m (units h, d, w, m, y), or past_customer=none to drop it');
  const reason = (m[1] as string).toLowerCase().replace(/[\s-]+/g, '_');
  if (!(SUPPRESSION_REASONS as readonly string[]).includes(reason)) {
    throw new AosError('usage', `invalid reason "${m[1]}" in {expire}`, `reasons with a default expiry: ${EXPIRABLE_REASONS.join(', ')}`);
  }
  if (!EXPIRABLE_REASONS.includes(reason as SuppressionReason)) {
    const why = reason === 'existing_customer' ? 'an active customer is never contactable' : 'an opt-out never lapses by default';
    throw new AosError('input', `${reason} entries never get a default expiry: ${why}`, `reasons with a default expiry: ${EXPIRABLE_REASONS.join(', ')}`);
  }
  const value = (m[2] as string).toLowerCase();
  if (value === 'none' || value === 'off') return { reason: reason as SuppressionReason, period: null, interval: null };
  const d = /^(\d{1,4})([hdwmy])$/.exec(value);
  if (!d || Number(d[1]) === 0) {
    throw new AosError('usage', `invalid duration "${m[2]}" in {expire}`, 'a number and a unit: 36h, 90d, 12w, 24m, 2y (or none to drop the default)');
  }
  const period = `${Number(d[1])}${d[2]}`;
  const from = now.getTime() > APPLIED_UNTIL.getTime() ? now : APPLIED_UNTIL;
  checkExpiry(addDuration(from, Number(d[1]), d[2] as string), `{expire} "${m[2]}" (entries it gives until the end of 2100 must end by the year 9999)`);
  return { reason: reason as SuppressionReason, period, interval: `${Number(d[1])} ${UNITS[d[2] as string]}` };
}
