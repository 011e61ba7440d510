// Manual removes, on a client's list or the agency-wide one: an opt-out stays unless the caller
// passes force, and only the entries read and checked are deleted, audited in the same statement.
import type { Database } from '../../db/database.js';
import { OPT_OUT_REASONS } from '../../db/schema-constants.js';
import { displayTarget } from '../../domain/display.js';
import { AosError } from '../../errors.js';
import { lockClientWrites } from '../client-lock.js';
import type { EntryList } from './entry-lists.js';
import { deleteWithAudit, lockEntries } from './entry-writes.js';
import type { SuppressionEntryView } from './results.js';
import type { DistinctTargets } from './target-input.js';

function refuseOptOutRemoval(list: EntryList, entries: readonly SuppressionEntryView[]): void {
  const optOuts = entries.filter((e) => OPT_OUT_REASONS.includes(e.reason));
  if (optOuts.length === 0) return;
  const named = optOuts.map((e) => `${displayTarget(e.target)} (${e.reason})`).join(', ');
  const plural = optOuts.length === 1 ? '' : 's';
  if (list.clientId === null) {
    throw new AosError('input', `refusing to remove legal opt-out${plural} from the agency-wide list: ${named}; nothing removed`, 'pass {force} only if that request was withdrawn');
  }
  throw new AosError(
    'input',
    `refusing to remove opt-out${plural}: ${named}; nothing removed`,
    'a person asked not to be contacted, or their address bounced; pass {force} only if that no longer holds',
  );
}

/** Removes the list's entries for these targets and returns them; none when one is an opt-out and force is not given. */
export async function removeManualEntries(
  db: Database,
  list: EntryList,
  targets: DistinctTargets,
  change: { force: boolean; note?: string | undefined; actor: string; now: () => Date },
): Promise<SuppressionEntryView[]> {
  return db.transaction(async (tx) => {
    // Never between an undo's plan and its deletes (client-lock.ts); the agency-wide list has no undo.
    if (list.clientId !== null) await lockClientWrites(tx, list.clientId);
    const entries = await lockEntries(tx, list, targets);
    if (!change.force) refuseOptOutRemoval(list, entries);
    // Timed once the lock is held, as an add is (manual-add.ts).
    await deleteWithAudit(tx, list, entries, { actor: change.actor, now: change.now().toISOString(), note: change.note?.trim() || null });
    return entries;
  });
}

/** The targets asked for that were not on the list. */
export function notFound(targets: DistinctTargets, removed: readonly SuppressionEntryView[]): string[] {
  const found = new Set(removed.map((e) => e.target));
  return [...targets.domains, ...targets.emails].filter((t) => !found.has(t));
}
