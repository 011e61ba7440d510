// Checking a batch: every target of the batch looked up in one statement (or against a list read
// whole beforehand), then matched in memory.
import { sql } from 'drizzle-orm';
import type { Database, Orm } from '../../db/database.js';
import { decideLead, isLeadInvalid, leadTargets, type LeadCells } from '../../domain/lead-policy.js';
import { parseTarget, type Target } from '../../domain/targets.js';
import { clientGone, entryCount, liveEntries } from './live-entries.js';
import { answerInputs, entryLookup, lookups, matchTargets, wanted, type EntryLookup } from './matching.js';
import type { CheckOutcome } from './results.js';

/** One round trip for a batch of raw inputs: one answer each, invalid ones as `{ input, error }`. */
export async function checkInputs(orm: Orm, clientId: string, now: Date, inputs: readonly string[]): Promise<CheckOutcome[]> {
  const parsed = inputs.map((input) => parseTarget(input));
  const l = lookups(parsed.flatMap((p) => (p.ok ? [p.target] : [])));
  const entries = entryLookup(await liveEntries(orm, clientId, now, wanted(l)));
  return answerInputs(parsed, matchTargets(l, entries));
}

/**
 * One batch of leads (src/domain/lead-policy.ts): every target of every lead looked up at once,
 * against `preloaded` when the list was read whole, then each lead decided. `clientGone` is
 * thrown when the lookup finds the client removed since it was resolved (a stream may run for
 * hours): its entries are gone with it, and its leads would read as allowed.
 */
export async function checkLeads(
  db: Database,
  clientId: string,
  now: Date,
  batch: readonly LeadCells[],
  preloaded: EntryLookup | null,
  removed: () => Error,
): Promise<CheckOutcome[]> {
  const leads = batch.map((row) => leadTargets(row.cells, row.loose));
  const targets: Target[] = [];
  for (const lead of leads) if (!isLeadInvalid(lead)) for (const t of lead) targets.push(t);
  const l = lookups(targets);
  let entries = preloaded;
  if (!entries) {
    const found = await db.run((orm) => liveEntries(orm, clientId, now, wanted(l), { clientMustExist: true }));
    if (clientGone(found)) throw removed();
    entries = entryLookup(found);
  }
  const matched = matchTargets(l, entries);
  let k = 0;
  return leads.map((lead) => {
    const outcome = decideLead(lead, matched, k);
    if (!isLeadInvalid(lead)) k += lead.length;
    return outcome;
  });
}

/** All live entries of a client and the agency-wide list, when there are at most `max`; else null. */
export async function preloadEntries(db: Database, clientId: string, now: Date, max: number): Promise<EntryLookup | null> {
  return db.transaction(async (tx) => {
    // One snapshot for the count and the rows (repeatable read): no entry slips in between.
    await tx.execute(sql`set transaction isolation level repeatable read, read only`);
    if ((await entryCount(tx, clientId)) > max) return null;
    return entryLookup(await liveEntries(tx, clientId, now, null));
  });
}
