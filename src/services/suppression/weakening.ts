// Nothing weakens an entry silently (SPEC §5): an opt-out keeps its reason, a permanent entry stays
// permanent and a live expiry only moves later, unless the caller passes force.
import { isoTimestamp } from '../../db/database.js';
import { OPT_OUT_REASONS, type SuppressionReason } from '../../db/schema-constants.js';
import { checkExpiry } from '../../domain/expiry.js';
import { AosError } from '../../errors.js';

/**
 * What re-adding an existing entry with this reason and expiry would weaken, in words; null when
 * nothing. A weakening: an opt-out's reason changed, a permanent entry given an expiry, or a live
 * expiry moved earlier. An entry that has already expired is revived by any future expiry.
 */
export function weakening(
  existing: { target: string; reason: SuppressionReason; expires_at: unknown },
  reason: SuppressionReason,
  expiresAt: string | null,
  now: Date,
): string | null {
  const changes: string[] = [];
  if (OPT_OUT_REASONS.includes(existing.reason) && existing.reason !== reason) changes.push(`reason ${existing.reason} → ${reason} (${existing.reason} is an opt-out)`);
  const before = isoTimestamp(existing.expires_at);
  if (expiresAt !== null) {
    if (before === null) changes.push(`expiry never → ${expiresAt}`);
    else if (new Date(before).getTime() > now.getTime() && new Date(expiresAt).getTime() < new Date(before).getTime()) changes.push(`expiry ${before} → ${expiresAt} (earlier)`);
  }
  return changes.length > 0 ? `${existing.target}: ${changes.join(', ')}` : null;
}

/** The weakenings re-adding these entries would make, one line each. */
export function weakenings(
  existing: readonly { target: string; reason: SuppressionReason; expires_at: unknown }[],
  reason: SuppressionReason,
  expiresAt: string | null,
  now: Date,
): string[] {
  return existing.map((e) => weakening(e, reason, expiresAt, now)).filter((w): w is string => w !== null);
}

/**
 * A new entry's expiry as stored (ISO), or null for none. A library caller's Date may be invalid or
 * past year 9999 (a usage error, not a crash), and an expiry that has already passed would never
 * match: a removal in disguise.
 */
export function newExpiry(expiresAt: Date | null | undefined, now: Date): string | null {
  if (!expiresAt) return null;
  checkExpiry(expiresAt, `expiry ${String(expiresAt)}`);
  if (expiresAt.getTime() <= now.getTime()) {
    throw new AosError('usage', `expiry ${expiresAt.toISOString()} is not in the future`, 'give a future date, or use {command:suppress remove}');
  }
  return expiresAt.toISOString();
}
