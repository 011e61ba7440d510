// A list's audit trail (suppression_events), oldest first: a client's, or the agency-wide list's
// (its events carry AGENCY_WIDE_CLIENT_ID).
import { and, asc, eq } from 'drizzle-orm';
import { isoTimestamp, type Database } from '../../db/database.js';
import { suppressionEvents } from '../../db/schema.js';
import { MAX_COUNT } from '../../domain/numbers.js';
import type { Target, TargetKind } from '../../domain/targets.js';
import { AosError } from '../../errors.js';
import type { SuppressionEventView } from './results.js';
import { parseAllTargets } from './target-input.js';

/**
 * The events of a list (of one target, when given, as stored: normalized), oldest first. Ordered
 * by the bigint id, which is the order they were written in.
 */
export async function eventsOf(db: Database, clientId: string, target: string | null, limit: number): Promise<SuppressionEventView[]> {
  const e = suppressionEvents;
  const rows = await db.run((orm) =>
    orm
      .select({
        id: e.id,
        at: e.at,
        action: e.action,
        kind: e.kind,
        target: e.target,
        reason_before: e.reasonBefore,
        reason_after: e.reasonAfter,
        expires_at: e.expiresAt,
        notes: e.notes,
        actor: e.actor,
        source: e.source,
      })
      .from(e)
      .where(and(eq(e.clientId, clientId), target === null ? undefined : eq(e.target, target)))
      .orderBy(asc(e.id))
      .limit(limit),
  );
  return rows.map((r) => ({
    ...r,
    id: Number(r.id),
    at: isoTimestamp(r.at),
    action: r.action as SuppressionEventView['action'],
    kind: r.kind as TargetKind,
    expires_at: isoTimestamp(r.expires_at),
    source: r.source as SuppressionEventView['source'],
  }));
}

/** `suppress history`: a list's events, of one target (as a person types it) when given. */
export async function auditTrail(db: Database, clientId: string, target: string | undefined, limit: number | undefined): Promise<SuppressionEventView[]> {
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > MAX_COUNT)) {
    throw new AosError('usage', `invalid limit ${String(limit)}: expected a whole number from 1 to ${MAX_COUNT}`);
  }
  const value = target !== undefined ? (parseAllTargets([{ value: target }])[0] as Target).value : null;
  return eventsOf(db, clientId, value, limit ?? 100_000);
}
