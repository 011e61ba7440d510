// SuppressionService: the safety-critical lookup (SPEC §2, §6) and the audited manual changes (§5).
// The work is done in src/services/suppression/, one job a module: the lookup statement
// (live-entries), matching (matching), batches and the list read whole (lookup), the streaming
// pipeline (check-stream), manual adds and removes (manual-add, manual-remove, over the shared
// statements of entry-writes), listing and the audit trail.
import type { Database, Orm } from '../db/database.js';
import type { LeadCells } from '../domain/lead-policy.js';
import { AosError } from '../errors.js';
import { printable } from '../domain/printable.js';
import { ClientService, clientLookupKey, type ClientRef } from './client-service.js';
import { Service, type ServiceOptions } from './service-base.js';
import { auditTrail } from './suppression/audit-trail.js';
import { lookUpWhileReading } from './suppression/check-stream.js';
import { clientRemoved, requireClientStillThere } from './suppression/client-still-there.js';
import { clientList } from './suppression/entry-lists.js';
import { listEntries } from './suppression/listing.js';
import type { ClientKey } from './suppression/live-entries.js';
import { checkInputs, checkLeads, preloadEntries } from './suppression/lookup.js';
import { addToList, mailProviderDomains, refuseWebmailDomains } from './suppression/manual-add.js';
import { notFound, removeManualEntries } from './suppression/manual-remove.js';
import { isInvalid, type AddOptions, type AddResult, type CheckOutcome, type CheckResult, type RemoveResult, type SuppressionEntryView, type SuppressionEventView, type TargetInput } from './suppression/results.js';
import { distinctTargets, parseReason, requireTargets } from './suppression/target-input.js';

export * from './suppression/results.js';
export { parseAllTargets, parseReason } from './suppression/target-input.js';
export { weakening } from './suppression/weakening.js';

export interface SuppressionServiceOptions extends ServiceOptions {
  /** Largest client list checkStream reads whole for a large input (default PRELOAD_MAX_ENTRIES). */
  preloadMaxEntries?: number;
}

/** Targets looked up per round trip: one query per batch, never one per target. */
export const CHECK_BATCH_SIZE = 10_000;

/** Slugs whose client id a service keeps at most (lookUp). */
const KEPT_CLIENT_IDS = 1_000;

/** A client list up to this size is read whole for a large streamed check (~15 MB of memory). */
export const PRELOAD_MAX_ENTRIES = 250_000;

export class SuppressionService extends Service {
  private readonly clients: ClientService;
  private readonly preloadMaxEntries: number;
  /** Slug → client id, as resolved; each check's statement confirms it (lookUp). */
  private readonly clientIds = new Map<string, string>();

  constructor(options: SuppressionServiceOptions) {
    super(options);
    this.clients = new ClientService(this.shared);
    this.preloadMaxEntries = options.preloadMaxEntries ?? PRELOAD_MAX_ENTRIES;
  }

  /**
   * Resolved afresh each time, never cached: a cached reference would go on answering for a client
   * removed or renamed since (a renamed slug could even name another client now).
   */
  async resolveClient(client: string): Promise<ClientRef> {
    return this.clients.resolve(client);
  }

  /**
   * One batch of inputs in one round trip on a warm service. A slug is resolved to its client's id
   * once and kept (the check's statement then names the client by id, `client_id = $n`, as a
   * Citus cluster needs to route it to one shard); the statement's marker row says whether a
   * client with that id and slug still exists. When it does not (removed or renamed since), the
   * kept id is dropped and the reference resolved again: an unknown client is an error, never
   * "allowed". An id needs no resolving: the marker says whether it exists.
   */
  private async lookUp(client: string, inputs: readonly string[], orm?: Orm): Promise<CheckOutcome[]> {
    const ask = (key: ClientKey) => checkInputs(orm ? { orm } : { db: this.db }, key, this.now(), inputs);
    const ref = clientLookupKey(client);
    const slug = ref?.by === 'slug' ? ref.value : null;
    const known = ref === null ? undefined : slug === null ? ref.value : this.clientIds.get(slug);
    if (known !== undefined) {
      const answers = await ask({ id: known, slug });
      if (answers !== null) return answers;
      if (slug !== null) this.clientIds.delete(slug);
    }
    // In the caller's transaction when there is one: the client as its snapshot sees it.
    const resolved = await this.clients.resolve(client, orm);
    if (slug !== null) this.keepClientId(slug, resolved.id);
    const again = await ask({ id: resolved.id, slug });
    if (again === null) throw goneClient(client);
    return again;
  }

  private keepClientId(slug: string, id: string): void {
    // An agency has tens or hundreds of clients; a caller cycling through more only costs resolves.
    if (this.clientIds.size >= KEPT_CLIENT_IDS) this.clientIds.clear();
    this.clientIds.set(slug, id);
  }

  /** Is one domain, URL or email suppressed for the client? Invalid input → `{ input, error }`. */
  async isSuppressed(client: string, target: string): Promise<CheckOutcome> {
    const [outcome] = await this.checkMany(client, [target]);
    return outcome as CheckOutcome;
  }

  /** Checks many targets with one query per CHECK_BATCH_SIZE; results in input order. */
  async checkMany(client: string, inputs: readonly string[]): Promise<CheckOutcome[]> {
    if (inputs.length <= CHECK_BATCH_SIZE) return this.lookUp(client, inputs);
    // Later batches by id: every batch answers for the one client the first one found.
    const ref = await this.resolveClient(client);
    const out: CheckOutcome[] = [];
    for (let i = 0; i < inputs.length; i += CHECK_BATCH_SIZE) out.push(...(await this.lookUp(ref.id, inputs.slice(i, i + CHECK_BATCH_SIZE))));
    return out;
  }

  /**
   * Streams a check of leads (given in chunks of any size), yielding them in batches of
   * CHECK_BATCH_SIZE with one answer each; memory stays flat. A lead is a row's cells by the lead
   * policy (src/domain/lead-policy.ts: `cells` must all be targets, `loose` count where they are
   * targets): it is suppressed when any of its targets is, invalid when a cell cannot be read or
   * it has no target, and allowed only otherwise. Each batch is looked up in one query, run while
   * the next is read; an empty chunk (the input paused: a co-process waits for its answer) has
   * everything read so far looked up and yielded at once. A failed lookup yields every row not
   * yet answered with an error outcome, then throws. With `large: true` (a caller that knows a big input is coming) and a client
   * list of at most PRELOAD_MAX_ENTRIES, the live entries are read once at the start instead: a
   * million targets then cost the server one scan, not a hundred.
   */
  async *checkStream<T extends LeadCells>(
    client: string,
    rows: AsyncIterable<T[]>,
    options: { signal?: AbortSignal | undefined; large?: boolean } = {},
  ): AsyncGenerator<{ rows: T[]; outcomes: CheckOutcome[] }> {
    const ref = await this.resolveClient(client);
    const preloaded = options.large ? await preloadEntries(this.db, ref.id, this.now(), this.preloadMaxEntries) : null;
    // A stream may run for hours (a co-process): every batch makes sure its client is still there,
    // in its lookup statement, or after matching against the list read whole.
    const lookup = async (batch: T[]) => {
      const outcomes = await checkLeads(this.db, ref.id, this.now(), batch, preloaded);
      if (outcomes === null) throw clientRemoved(ref);
      if (preloaded) await requireClientStillThere(this.db, ref);
      return outcomes;
    };
    yield* lookUpWhileReading(rows, CHECK_BATCH_SIZE, lookup, options.signal);
  }

  /**
   * One round trip for a batch of raw inputs (one answer each), inside a given transaction of
   * this.db when one is passed (for consistent reads). The client is a slug or id like everywhere
   * else: an unknown one throws, never answers "allowed".
   */
  async checkBatch(client: string, inputs: readonly string[], orm?: Orm): Promise<CheckOutcome[]> {
    return this.lookUp(client, inputs, orm);
  }

  async add(options: AddOptions & { client: string }): Promise<AddResult> {
    const reason = parseReason(options.reason);
    const ref = await this.resolveClient(options.client);
    const targets = requireTargets(options.targets, { toAdd: true });
    const force = Boolean(options.force);
    refuseWebmailDomains(targets, force);
    const request = { reason, note: options.note, expiresAt: options.expiresAt, force, actor: this.actor, now: this.now };
    const counts = await addToList(this.db, clientList(ref.id), targets, request);
    return { client: ref.slug, ...counts, mail_provider_domains: mailProviderDomains(targets) };
  }

  /** `note`: why, for the audit trail (the removal's event holds it, as an add's holds its note). */
  async remove(options: { client: string; targets: readonly TargetInput[]; force?: boolean | undefined; note?: string | undefined }): Promise<RemoveResult> {
    const ref = await this.resolveClient(options.client);
    const targets = distinctTargets(requireTargets(options.targets));
    const change = { force: Boolean(options.force), note: options.note, actor: this.actor, now: this.now };
    const removed = await removeManualEntries(this.db, clientList(ref.id), targets, change);
    const stillSuppressed = removed.length ? await this.checkMany(ref.id, removed.map((e) => e.target)) : [];
    return {
      client: ref.slug,
      removed,
      not_found: notFound(targets, removed),
      from_import: removed.filter((e) => e.source === 'import' || e.customer_id !== null).map((e) => e.target),
      still_suppressed: stillSuppressed.filter((o): o is CheckResult => !isInvalid(o) && o.suppressed),
    };
  }

  /** Entries of a client, streamed in pages (keyset pagination keeps memory flat). */
  async *list(options: { client: string; reason?: string | undefined; includeExpired?: boolean }): AsyncGenerator<SuppressionEntryView> {
    const ref = await this.resolveClient(options.client);
    const reason = options.reason !== undefined ? parseReason(options.reason) : null;
    yield* listEntries(this.db, clientList(ref.id), { reason, includeExpired: options.includeExpired ?? false, now: this.now() });
  }

  async history(options: { client: string; target?: string | undefined; limit?: number }): Promise<SuppressionEventView[]> {
    const ref = await this.resolveClient(options.client);
    return auditTrail(this.db, ref.id, options.target, options.limit);
  }
}

/** A client that resolved, then was gone when its entries were read: removed meanwhile. */
function goneClient(client: string): AosError {
  return new AosError('usage', `unknown client "${printable(client)}": it was removed while it was being checked`, 'list clients with {command:clients list}');
}
