// Manual adds, on a client's list or the agency-wide one: which targets may be suppressed at all,
// the refusal to weaken what is there, and the audited upsert, all or nothing in one transaction.
import type { Database } from '../../db/database.js';
import type { SuppressionReason } from '../../db/schema-constants.js';
import type { Target } from '../../domain/targets.js';
import { AosError } from '../../errors.js';
import { lockClientWrites } from '../client-lock.js';
import type { EntryList } from './entry-lists.js';
import type { AddCounts } from './results.js';
import { lockEntries, upsertWithAudit, type ManualChange } from './entry-writes.js';
import { distinctTargets, listSome } from './target-input.js';
import { newExpiry, weakenings } from './weakening.js';

/** Without force, a client's list takes no whole webmail domain: that would block every person who uses it. */
export function refuseWebmailDomains(targets: readonly Target[], force: boolean): void {
  const webmail = [...new Set(targets.filter((t) => t.kind === 'domain' && t.webmail).map((t) => t.value))];
  if (webmail.length === 0 || force) return;
  throw new AosError(
    'input',
    `refusing to suppress free-mail domain${webmail.length === 1 ? '' : 's'} ${webmail.join(', ')} as a whole: that would block every person who uses it`,
    "suppress the person's email address instead, or pass {force} if you really mean the whole domain",
  );
}

/** Domains of mail providers that are companies too: suppressing one suppresses its customers' mailboxes. */
export function mailProviderDomains(targets: readonly Target[]): string[] {
  return [...new Set(targets.filter((t) => t.kind === 'domain' && t.freeMail && !t.webmail).map((t) => t.value))];
}

/**
 * Adds or updates manual entries. Without force every existing one is read (and locked) first, so
 * one weakening refuses the whole call.
 */
async function addManualEntries(db: Database, list: EntryList, targets: readonly Target[], changeNow: () => ManualChange): Promise<{ added: number; updated: number }> {
  const distinct = distinctTargets(targets);
  return db.transaction(async (tx) => {
    // Never between an undo's plan and its deletes (client-lock.ts); the agency-wide list has no undo.
    if (list.clientId !== null) await lockClientWrites(tx, list.clientId);
    // Timed once the lock is held: a change that waited for another writer is written, and
    // dated, after it (the history reads in the order things happened).
    const change = changeNow();
    if (!change.force) {
      const weakened = weakenings(await lockEntries(tx, list, distinct), change.reason, change.expiresAt, new Date(change.now));
      if (weakened.length > 0) {
        const entries = `existing ${list.clientId === null ? 'agency-wide ' : ''}entr${weakened.length === 1 ? 'y' : 'ies'}`;
        throw new AosError(
          'input',
          `refusing to weaken ${weakened.length} ${entries}, nothing written: ${listSome(weakened)}`,
          'an opt-out keeps its reason and an entry keeps its expiry (or none); pass {force} only if you mean to weaken it',
        );
      }
    }
    const none = { added: 0, updated: 0 };
    const domains = distinct.domains.length ? await upsertWithAudit(tx, list, 'domain', distinct.domains, change) : none;
    const emails = distinct.emails.length ? await upsertWithAudit(tx, list, 'email', distinct.emails, change) : none;
    return { added: domains.added + emails.added, updated: domains.updated + emails.updated };
  });
}

/** A manual add as a caller asks for it (the note as typed, the expiry as a Date). */
export interface AddRequest {
  reason: SuppressionReason;
  note: string | undefined;
  expiresAt: Date | null | undefined;
  force: boolean;
  actor: string;
  /** The clock, read when the change is made (after any wait for the client's lock). */
  now: () => Date;
}

export async function addToList(db: Database, list: EntryList, targets: readonly Target[], request: AddRequest): Promise<AddCounts> {
  const { reason, force, actor } = request;
  const changeAt = (now: Date): ManualChange => ({ reason, note: request.note?.trim() || null, expiresAt: newExpiry(request.expiresAt, now), actor, now: now.toISOString(), force });
  changeAt(request.now()); // a bad expiry is refused before any wait
  const counts = await addManualEntries(db, list, targets, () => changeAt(request.now()));
  const { domains, emails } = distinctTargets(targets);
  const all = [...domains, ...emails];
  return { ...counts, unchanged: all.length - counts.added - counts.updated, targets: all };
}
