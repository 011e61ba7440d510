// Checking a batch: every target of the batch looked up in one statement (or against a list read
// whole beforehand), then matched in memory.
import { sql } from 'drizzle-orm';
import type { Database, Orm } from '../../db/database.js';
import { decideLead, isLeadInvalid, leadTargets, type LeadCells } from '../../domain/lead-policy.js';
import { parseTarget, type Target } from '../../domain/targets.js';
import { clientEntries, entryCount, liveEntries, type ClientKey } from './live-entries.js';
import { answerInputs, entryLookup, lookups, matchTargets, wanted, type EntryLookup } from './matching.js';
import type { CheckOutcome } from './results.js';

/**
 * One round trip for a batch of raw inputs: one answer each, invalid ones as `{ input, error }`;
 * null when the client `key` names does not exist (any more; the caller says why, never "allowed").
 */
export async function checkInputs(via: { db: Database } | { orm: Orm }, key: ClientKey, now: Date, inputs: readonly string[]): Promise<CheckOutcome[] | null> {
  const parsed = inputs.map((input) => parseTarget(input));
  const l = lookups(parsed.flatMap((p) => (p.ok ? [p.target] : [])));
  // Asked even when no input is valid: the client must exist for any answer at all.
  const live = await clientEntries(via, key, now, wanted(l));
  return live === null ? null : answerInputs(parsed, matchTargets(l, entryLookup(live)));
}

/**
 * One batch of leads (src/domain/lead-policy.ts): every target of every lead looked up at once,
 * against `preloaded` when the list was read whole, then each lead decided. Null when the lookup
 * finds the client removed since it was resolved (a stream may run for hours): its entries are
 * gone with it, and its leads would read as allowed.
 */
export async function checkLeads(db: Database, clientId: string, now: Date, batch: readonly LeadCells[], preloaded: EntryLookup | null): Promise<CheckOutcome[] | null> {
  const leads = batch.map((row) => leadTargets(row.cells, row.loose));
  const targets: Target[] = [];
  for (const lead of leads) if (!isLeadInvalid(lead)) for (const t of lead) targets.push(t);
  const l = lookups(targets);
  let entries = preloaded;
  if (entries === null) {
    // The client resolved when the stream began; removed since, it has no answers to give.
    const live = await clientEntries({ db }, { id: clientId, slug: null }, now, wanted(l));
    if (live === null) return null;
    entries = entryLookup(live);
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
