// The agency-wide list: entries that hold for every client (a complaint, a legal request that
// must never be emailed from any client). `check` matches them in the same statement as the
// client's own entries (suppression/live-entries.ts); here they are added, removed and listed with
// the same rules and statements as a client's manual entries, audited in suppression_events with
// no client (client_id AGENCY_WIDE_CLIENT_ID).
import { Service } from './service-base.js';
import { AGENCY_WIDE_CLIENT_ID } from '../db/schema-constants.js';
import type { Target } from '../domain/targets.js';
import { AosError } from '../errors.js';
import { auditTrail } from './suppression/audit-trail.js';
import { agencyList } from './suppression/entry-lists.js';
import { listEntries } from './suppression/listing.js';
import { addToList } from './suppression/manual-add.js';
import { notFound, removeManualEntries } from './suppression/manual-remove.js';
import type { AddCounts, AddOptions, SuppressionEntryView, SuppressionEventView, TargetInput } from './suppression/results.js';
import { distinctTargets, parseReason, requireTargets } from './suppression/target-input.js';

export const ALL_CLIENTS = '(all clients)';

export interface AgencyChangeResult extends AddCounts {
  client: typeof ALL_CLIENTS;
}

export type AgencyEntryView = SuppressionEntryView & { all_clients: true };

/**
 * Without force, no free-mail domain at all goes on the agency-wide list (a provider that is a
 * company too included): a client's list may suppress one, every client's list is too wide a net.
 */
function refuseFreeMailDomains(targets: readonly Target[], force: boolean): void {
  const freeMail = [...new Set(targets.filter((t) => t.kind === 'domain' && t.freeMail).map((t) => t.value))];
  if (freeMail.length === 0 || force) return;
  throw new AosError(
    'input',
    `refusing to suppress free-mail domain${freeMail.length === 1 ? '' : 's'} ${freeMail.join(', ')} as a whole for every client`,
    "suppress the person's email address instead, or pass {force}",
  );
}

const agencyWide = (e: SuppressionEntryView): AgencyEntryView => ({ ...e, all_clients: true });

export class AgencyListService extends Service {
  async add(options: AddOptions): Promise<AgencyChangeResult> {
    const reason = parseReason(options.reason);
    const targets = requireTargets(options.targets, { toAdd: true });
    const force = Boolean(options.force);
    refuseFreeMailDomains(targets, force);
    const request = { reason, note: options.note, expiresAt: options.expiresAt, force, actor: this.actor, now: this.now };
    return { client: ALL_CLIENTS, ...(await addToList(this.db, agencyList, targets, request)) };
  }

  async remove(options: { targets: readonly TargetInput[]; force?: boolean | undefined; note?: string | undefined }): Promise<{ client: typeof ALL_CLIENTS; removed: AgencyEntryView[]; not_found: string[] }> {
    const targets = distinctTargets(requireTargets(options.targets));
    const change = { force: Boolean(options.force), note: options.note, actor: this.actor, now: this.now };
    const removed = await removeManualEntries(this.db, agencyList, targets, change);
    return { client: ALL_CLIENTS, removed: removed.map(agencyWide), not_found: notFound(targets, removed) };
  }

  async *list(options: { reason?: string | undefined; includeExpired?: boolean } = {}): AsyncGenerator<AgencyEntryView> {
    const reason = options.reason !== undefined ? parseReason(options.reason) : null;
    for await (const e of listEntries(this.db, agencyList, { reason, includeExpired: options.includeExpired ?? false, now: this.now() })) yield agencyWide(e);
  }

  /** The agency-wide list's audit trail (events without a client). */
  async history(options: { target?: string | undefined; limit?: number } = {}): Promise<SuppressionEventView[]> {
    return auditTrail(this.db, AGENCY_WIDE_CLIENT_ID, options.target, options.limit);
  }
}
