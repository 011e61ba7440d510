// SuppressionService: the safety-critical lookup (SPEC §2, §6) and the audited manual changes (§5).
import type { Database, Queryable } from '../db/database.js';
import { legacyQueryable } from '../db/database.js';
import { isoTimestamp } from '../db/database.js';
import { OPT_OUT_REASONS, SUPPRESSION_REASONS, type SuppressionReason } from '../db/schema-constants.js';
import { decideLead, isLeadInvalid, leadTargets, type LeadCells } from '../domain/lead-policy.js';
import { checkExpiry } from '../domain/expiry.js';
import { MAX_COUNT } from '../domain/numbers.js';
import { didYouMean } from '../domain/suggest.js';
import { coveringDomains, parseTarget, printable, type Target, type TargetKind, type TargetResult } from '../domain/targets.js';
import { AosError } from '../errors.js';
import { ClientService, type ClientRef } from './client-service.js';

/** The §6 JSON shape of one checked target. */
export interface CheckResult {
  input: string;
  target: string;
  kind: TargetKind;
  suppressed: boolean;
  reason: SuppressionReason | null;
  match: string | null;
  expires_at: string | null;
  /** Present (true) only when the matching entry is on the agency-wide list. */
  all_clients?: true;
}
export interface InvalidTarget {
  input: string;
  error: string;
}
export type CheckOutcome = CheckResult | InvalidTarget;

export const isInvalid = (o: CheckOutcome): o is InvalidTarget => 'error' in o;

export interface TargetInput {
  value: string;
  /** Where it came from, for error messages (a line number of a file). */
  line?: number;
}

export interface SuppressionEntryView {
  kind: TargetKind;
  target: string;
  reason: SuppressionReason;
  source: string | null;
  notes: string | null;
  expires_at: string | null;
  company_name: string | null;
  customer_id: string | null;
  created_by: string | null;
  created_at: string | null;
  updated_at: string | null;
}

export interface SuppressionEventView {
  id: number;
  at: string | null;
  action: 'add' | 'update' | 'remove';
  kind: TargetKind;
  target: string;
  reason_before: string | null;
  reason_after: string | null;
  expires_at: string | null;
  notes: string | null;
  actor: string;
  source: 'manual' | 'import' | 'undo';
}

export interface AddResult {
  client: string;
  added: number;
  updated: number;
  unchanged: number;
  targets: string[];
  /** Domains of mail providers that are also companies: their customers' mailboxes are suppressed too. */
  mail_provider_domains: string[];
}

export interface RemoveResult {
  client: string;
  removed: SuppressionEntryView[];
  not_found: string[];
  /** Removed entries that came from an imported customer: the next import brings them back. */
  from_import: string[];
  /** Removed targets that a remaining entry (a parent domain) still suppresses. */
  still_suppressed: CheckResult[];
}

export interface SuppressionServiceOptions {
  db: Database;
  now?: () => Date;
  actor?: string;
  /** Largest client list checkStream reads whole for a large input (default PRELOAD_MAX_ENTRIES). */
  preloadMaxEntries?: number;
}

/** Targets looked up per round trip: one query per batch, never one per target. */
export const CHECK_BATCH_SIZE = 10_000;

/** A client list up to this size is read whole for a large streamed check (~15 MB of memory). */
export const PRELOAD_MAX_ENTRIES = 250_000;

const MAX_LISTED_ERRORS = 20;

export function parseReason(text: string): SuppressionReason {
  if (typeof text !== 'string') throw new AosError('usage', 'no reason given', `reasons: ${SUPPRESSION_REASONS.join(', ')}`);
  const reason = text.trim().toLowerCase().replace(/[\s-]+/g, '_');
  if ((SUPPRESSION_REASONS as readonly string[]).includes(reason)) return reason as SuppressionReason;
  const suggestion = didYouMean(reason, SUPPRESSION_REASONS);
  throw new AosError('usage', `invalid reason "${printable(text)}"`, `${suggestion ? `did you mean ${suggestion}? ` : ''}reasons: ${SUPPRESSION_REASONS.join(', ')}`);
}

function describeLine(item: TargetInput): string {
  return item.line !== undefined ? `line ${item.line}: ` : '';
}

/** Parses every input first: one invalid target fails the whole call, naming each bad line. */
export function parseAllTargets(items: readonly TargetInput[]): Target[] {
  const targets: Target[] = [];
  const errors: string[] = [];
  for (const item of items) {
    const result = parseTarget(item.value);
    if (result.ok) targets.push(result.target);
    else errors.push(`${describeLine(item)}"${printable(result.input)}": ${result.error}`);
  }
  if (errors.length > 0) {
    const shown = errors.slice(0, MAX_LISTED_ERRORS).join('; ');
    const more = errors.length > MAX_LISTED_ERRORS ? ` (and ${errors.length - MAX_LISTED_ERRORS} more)` : '';
    throw new AosError('input', `${errors.length} invalid target${errors.length === 1 ? '' : 's'}, nothing written: ${shown}${more}`);
  }
  return targets;
}

interface EntryRow {
  domain: string | null;
  email: string | null;
  reason: SuppressionReason;
  expires_at: unknown;
  /** From the agency-wide list (agency_suppression_list). */
  all_clients?: boolean;
}

/** Live entries by domain and by email. */
interface EntryLookup {
  byDomain: Map<string, EntryRow>;
  byEmail: Map<string, EntryRow>;
}

function entryLookup(rows: readonly EntryRow[]): EntryLookup {
  const byDomain = new Map<string, EntryRow>();
  const byEmail = new Map<string, EntryRow>();
  // Where the client and the agency-wide list both hold a target, the agency-wide entry is the
  // one reported: it is the one no client can remove.
  for (const row of rows) {
    if (row.domain !== null && (row.all_clients || !byDomain.has(row.domain))) byDomain.set(row.domain, row);
    if (row.email !== null && (row.all_clients || !byEmail.has(row.email))) byEmail.set(row.email, row);
  }
  return { byDomain, byEmail };
}

/**
 * The one lookup of live entries (SPEC §2 matching): a client's unexpired entries, all of them
 * (`only` null: a list read whole) or those equal to one of the given domains or emails.
 */
async function liveEntries(db: Queryable, clientId: string, now: Date, only: { domains: Set<string>; emails: Set<string> } | null): Promise<EntryRow[]> {
  // The agency-wide list is one more branch of the same statement: no extra round trip.
  const branch = (table: string, scope: string, mine: string) => `select domain, email, reason, expires_at, ${mine} as all_clients from ${table}
    where ${scope}(expires_at is null or expires_at > $2::timestamptz)${only === null ? '' : ` and (domain = any(string_to_array($3, E'\\n')) or email = any(string_to_array($4, E'\\n')))`}`;
  const sql = `${branch('suppression_list', 'client_id = $1 and ', 'false')} union all ${branch('agency_suppression_list', '', 'true')}`;
  if (only === null) return db.query<EntryRow>(sql, [clientId, now.toISOString()]);
  if (only.domains.size === 0 && only.emails.size === 0) return [];
  // Normalized domains and emails hold no newline: one joined string each is far cheaper for
  // the driver to send than a text[] of thousands of escaped elements.
  return db.query<EntryRow>(sql, [clientId, now.toISOString(), [...only.domains].join('\n'), [...only.emails].join('\n')]);
}

/** Targets with their covering domains (computed once: they build the query and then the match). */
interface Lookups {
  targets: Target[];
  covering: string[][];
}

function lookups(targets: Target[]): Lookups {
  return { targets, covering: targets.map(coveringDomains) };
}

function wanted({ targets, covering }: Lookups): { domains: Set<string>; emails: Set<string> } {
  const domains = new Set<string>();
  const emails = new Set<string>();
  for (let i = 0; i < targets.length; i++) {
    for (const d of covering[i] as string[]) domains.add(d);
    const t = targets[i] as Target;
    if (t.kind === 'email') emails.add(t.value);
  }
  return { domains, emails };
}

/** The most specific entry wins: the exact email, then the hostname, then each parent domain. */
function matchTargets({ targets, covering }: Lookups, { byDomain, byEmail }: EntryLookup): CheckResult[] {
  return targets.map((t, i): CheckResult => {
    let entry: EntryRow | undefined;
    let match: string | null = null;
    if (t.kind === 'email' && byEmail.has(t.value)) {
      entry = byEmail.get(t.value);
      match = t.value;
    } else {
      for (const d of covering[i] as string[]) {
        entry = byDomain.get(d);
        if (entry) {
          match = d;
          break;
        }
      }
    }
    return {
      input: t.input,
      target: t.value,
      kind: t.kind,
      suppressed: entry !== undefined,
      reason: entry?.reason ?? null,
      match,
      expires_at: entry ? isoTimestamp(entry.expires_at) : null,
      ...(entry?.all_clients ? { all_clients: true as const } : {}),
    };
  });
}

/** One answer per input, in order: invalid inputs as `{ input, error }`, the rest matched. */
function answerInputs(parsed: readonly TargetResult[], matched: readonly CheckResult[]): CheckOutcome[] {
  let k = 0;
  return parsed.map((p) => (p.ok ? (matched[k++] as CheckResult) : { input: p.input, error: p.error }));
}

function entryView(r: Record<string, unknown>): SuppressionEntryView {
  const domain = r.domain as string | null;
  return {
    kind: domain !== null ? 'domain' : 'email',
    target: (domain ?? r.email) as string,
    reason: r.reason as SuppressionReason,
    source: r.source as string | null,
    notes: r.notes as string | null,
    expires_at: isoTimestamp(r.expires_at),
    company_name: (r.company_name as string | null) ?? null,
    customer_id: (r.customer_id as string | null) ?? null,
    created_by: r.created_by as string | null,
    created_at: isoTimestamp(r.created_at),
    updated_at: isoTimestamp(r.updated_at),
  };
}

const ENTRY_COLUMNS = 'domain, email, reason, source, notes, expires_at, company_name, customer_id, created_by, created_at, updated_at';

export class SuppressionService {
  private readonly db: Database;
  private readonly now: () => Date;
  private readonly actor: string;
  private readonly clients: ClientService;
  private readonly clientCache = new Map<string, ClientRef>();
  private readonly preloadMaxEntries: number;

  constructor(options: SuppressionServiceOptions) {
    this.db = options.db;
    this.now = options.now ?? (() => new Date());
    this.actor = options.actor ?? 'library';
    this.clients = new ClientService(options.db);
    this.preloadMaxEntries = options.preloadMaxEntries ?? PRELOAD_MAX_ENTRIES;
  }

  async resolveClient(client: string): Promise<ClientRef> {
    const cached = this.clientCache.get(client);
    if (cached) return cached;
    const ref = await this.clients.resolve(client);
    this.clientCache.set(client, ref);
    this.clientCache.set(ref.id, ref);
    return ref;
  }

  /** Is one domain, URL or email suppressed for the client? Invalid input → `{ input, error }`. */
  async isSuppressed(client: string, target: string): Promise<CheckOutcome> {
    const [outcome] = await this.checkMany(client, [target]);
    return outcome as CheckOutcome;
  }

  /** Checks many targets with one query per CHECK_BATCH_SIZE; results in input order. */
  async checkMany(client: string, inputs: readonly string[]): Promise<CheckOutcome[]> {
    const ref = await this.resolveClient(client);
    const out: CheckOutcome[] = [];
    for (let i = 0; i < inputs.length; i += CHECK_BATCH_SIZE) {
      out.push(...(await this.lookupBatch(ref.id, inputs.slice(i, i + CHECK_BATCH_SIZE), this.db)));
    }
    return out;
  }

  /**
   * Streams a check of leads (given in chunks of any size), yielding them in batches of
   * CHECK_BATCH_SIZE with one answer each; memory stays flat. A lead is a row's cells by the lead
   * policy (src/domain/lead-policy.ts: `cells` must all be targets, `loose` count where they are
   * targets): it is suppressed when any of its targets is, invalid when a cell cannot be read or
   * it has no target, and allowed only otherwise. Each batch is looked up in one query, run while
   * the next is read. With `large: true` (a caller that knows a big input is coming) and a client
   * list of at most PRELOAD_MAX_ENTRIES, the live entries are read once at the start instead: a
   * million targets then cost the server one scan, not a hundred.
   */
  async *checkStream<T extends LeadCells>(
    client: string,
    rows: AsyncIterable<T[]>,
    options: { signal?: AbortSignal | undefined; large?: boolean } = {},
  ): AsyncGenerator<{ rows: T[]; outcomes: CheckOutcome[] }> {
    const ref = await this.resolveClient(client);
    const preloaded = options.large ? await this.preloadEntries(ref.id) : null;
    const lookup = (batch: T[]) => {
      options.signal?.throwIfAborted();
      const pending = this.checkLeads(ref.id, batch, preloaded).then((outcomes) => ({ rows: batch, outcomes }));
      pending.catch(() => {}); // awaited, and thrown, when its turn comes
      return pending;
    };
    let inflight: ReturnType<typeof lookup> | undefined;
    let batch: T[] = [];
    for await (const chunk of rows) {
      for (const row of chunk) batch.push(row);
      if (batch.length >= CHECK_BATCH_SIZE) {
        const next = lookup(batch);
        batch = [];
        if (inflight) yield await inflight;
        inflight = next;
      }
    }
    const last = batch.length > 0 ? lookup(batch) : undefined;
    if (inflight) yield await inflight;
    if (last) yield await last;
  }

  /** One batch of leads: every target of every lead looked up at once, then each lead decided. */
  private async checkLeads(clientId: string, batch: readonly LeadCells[], preloaded: EntryLookup | null): Promise<CheckOutcome[]> {
    const leads = batch.map((row) => leadTargets(row.cells, row.loose));
    const targets: Target[] = [];
    for (const lead of leads) if (!isLeadInvalid(lead)) for (const t of lead) targets.push(t);
    const l = lookups(targets);
    const entries = preloaded ?? entryLookup(await liveEntries(this.db, clientId, this.now(), wanted(l)));
    const matched = matchTargets(l, entries);
    let k = 0;
    return leads.map((lead) => {
      const outcome = decideLead(lead, matched, k);
      if (!isLeadInvalid(lead)) k += lead.length;
      return outcome;
    });
  }

  /** All live entries of a client, when there are at most preloadMaxEntries; else null. */
  private async preloadEntries(clientId: string): Promise<EntryLookup | null> {
    return this.db.transaction(async (orm) => {
      const tx = legacyQueryable(orm);
      // One snapshot for the count and the rows (repeatable read): no entry slips in between.
      await tx.query('set transaction isolation level repeatable read, read only');
      const [count] = await tx.query<{ n: number }>(
        'select ((select count(*) from suppression_list where client_id = $1) + (select count(*) from agency_suppression_list))::int as n',
        [clientId],
      );
      if ((count?.n ?? 0) > this.preloadMaxEntries) return null;
      return entryLookup(await liveEntries(tx, clientId, this.now(), null));
    });
  }

  /**
   * One round trip for a batch of raw inputs (one answer each), against a given executor (for
   * consistent reads). The client is a slug or id like everywhere else: an unknown one throws,
   * never answers "allowed".
   */
  async checkBatch(client: string, inputs: readonly string[], db: Queryable = this.db): Promise<CheckOutcome[]> {
    const ref = await this.resolveClient(client);
    return this.lookupBatch(ref.id, inputs, db);
  }

  private async lookupBatch(clientId: string, inputs: readonly string[], db: Queryable): Promise<CheckOutcome[]> {
    const parsed = inputs.map((input) => parseTarget(input));
    const l = lookups(parsed.flatMap((p) => (p.ok ? [p.target] : [])));
    const entries = entryLookup(await liveEntries(db, clientId, this.now(), wanted(l)));
    return answerInputs(parsed, matchTargets(l, entries));
  }

  async add(options: {
    client: string;
    targets: readonly TargetInput[];
    reason: string;
    expiresAt?: Date | null | undefined;
    note?: string | undefined;
    force?: boolean | undefined;
  }): Promise<AddResult> {
    const reason = parseReason(options.reason);
    const ref = await this.resolveClient(options.client);
    if (options.targets.length === 0) throw new AosError('usage', 'no targets given', 'pass domains, URLs or emails, or --file PATH');
    const targets = parseAllTargets(options.targets);
    const pages = targets.filter((t) => t.platformPage).map((t) => t.input);
    if (pages.length > 0) {
      throw new AosError(
        'input',
        `refusing to suppress ${pages.slice(0, MAX_LISTED_ERRORS).map((p) => `"${printable(p)}"`).join(', ')}: a page on a platform names a page, not a company; nothing written`,
        'suppress the company\'s own domain (its website) or its email address instead',
      );
    }
    const freeMail = targets.filter((t) => t.kind === 'domain' && t.webmail).map((t) => t.value);
    if (freeMail.length > 0 && !options.force) {
      throw new AosError(
        'input',
        `refusing to suppress free-mail domain${freeMail.length === 1 ? '' : 's'} ${[...new Set(freeMail)].join(', ')} as a whole: that would block every person who uses it`,
        'suppress the person\'s email address instead, or pass --force if you really mean the whole domain',
      );
    }
    const note = options.note?.trim() || null;
    const nowDate = this.now();
    // A library caller's Date may be invalid or past year 9999: a usage error, not a crash or exit 3.
    if (options.expiresAt) checkExpiry(options.expiresAt, `expiry ${String(options.expiresAt)}`);
    if (options.expiresAt && options.expiresAt.getTime() <= nowDate.getTime()) {
      // An entry that has already expired never matches: it would be a removal in disguise.
      throw new AosError('usage', `expiry ${options.expiresAt.toISOString()} is not in the future`, 'give a future date, or use `aos suppress remove`');
    }
    const expiresAt = options.expiresAt ? options.expiresAt.toISOString() : null;
    const now = nowDate.toISOString();
    const force = Boolean(options.force);
    const byKind = (kind: TargetKind) => [...new Set(targets.filter((t) => t.kind === kind).map((t) => t.value))];
    const counts = await this.db.transaction(async (orm) => {
      const tx = legacyQueryable(orm);
      // Every existing entry is read (and locked) first: one weakening refuses the whole call.
      if (!force) {
        const existing = await tx.query<{ target: string; reason: SuppressionReason; expires_at: unknown }>(
          `select coalesce(domain, email) as target, reason, expires_at from suppression_list
            where client_id = $1 and (domain = any($2::text[]) or email = any($3::text[])) for update`,
          [ref.id, byKind('domain'), byKind('email')],
        );
        const weakened = existing.map((e) => weakening(e, reason, expiresAt, nowDate)).filter((w): w is string => w !== null);
        if (weakened.length > 0) {
          const shown = weakened.slice(0, MAX_LISTED_ERRORS).join('; ');
          const more = weakened.length > MAX_LISTED_ERRORS ? ` (and ${weakened.length - MAX_LISTED_ERRORS} more)` : '';
          throw new AosError(
            'input',
            `refusing to weaken ${weakened.length} existing entr${weakened.length === 1 ? 'y' : 'ies'}, nothing written: ${shown}${more}`,
            'an opt-out keeps its reason and an entry keeps its expiry (or none); pass --force only if you mean to weaken it',
          );
        }
      }
      let added = 0;
      let updated = 0;
      for (const kind of ['domain', 'email'] as const) {
        const values = byKind(kind);
        if (values.length === 0) continue;
        const rows = await tx.query<{ action: string; n: number }>(upsertManualSql(kind), [ref.id, values, reason, note, expiresAt, this.actor, now, force]);
        for (const r of rows) {
          if (r.action === 'add') added += r.n;
          else updated += r.n;
        }
      }
      return { added, updated };
    });
    const distinct = byKind('domain').length + byKind('email').length;
    const providers = [...new Set(targets.filter((t) => t.kind === 'domain' && t.freeMail && !t.webmail).map((t) => t.value))];
    return {
      client: ref.slug, ...counts, unchanged: distinct - counts.added - counts.updated, targets: [...byKind('domain'), ...byKind('email')],
      mail_provider_domains: providers,
    };
  }

  async remove(options: { client: string; targets: readonly TargetInput[]; force?: boolean | undefined }): Promise<RemoveResult> {
    const ref = await this.resolveClient(options.client);
    if (options.targets.length === 0) throw new AosError('usage', 'no targets given', 'pass domains, URLs or emails, or --file PATH');
    const targets = parseAllTargets(options.targets);
    const domains = [...new Set(targets.filter((t) => t.kind === 'domain').map((t) => t.value))];
    const emails = [...new Set(targets.filter((t) => t.kind === 'email').map((t) => t.value))];
    const now = this.now().toISOString();
    const removed = await this.db.transaction(async (orm) => {
      const tx = legacyQueryable(orm);
      const rows = await tx.query(
        `select ${ENTRY_COLUMNS} from suppression_list
          where client_id = $1 and (domain = any($2::text[]) or email = any($3::text[])) for update`,
        [ref.id, domains, emails],
      );
      const entries = rows.map(entryView);
      const optOuts = entries.filter((e) => OPT_OUT_REASONS.includes(e.reason));
      if (optOuts.length > 0 && !options.force) {
        throw new AosError(
          'input',
          `refusing to remove opt-out${optOuts.length === 1 ? '' : 's'}: ${optOuts.map((e) => `${e.target} (${e.reason})`).join(', ')}; nothing removed`,
          'a person asked not to be contacted, or their address bounced; pass --force only if that no longer holds',
        );
      }
      if (entries.length === 0) return entries;
      // Only the rows read and locked above: an entry another writer committed since (an opt-out,
      // say) was never checked, and the delete's fresh snapshot would otherwise take it too.
      const checked = (kind: TargetKind) => entries.filter((e) => e.kind === kind).map((e) => e.target);
      await tx.query(
        `with gone as (
           delete from suppression_list where client_id = $1 and (domain = any($2::text[]) or email = any($3::text[]))
           returning domain, email, reason, expires_at, notes)
         insert into suppression_events (client_id, target, kind, action, reason_before, reason_after, expires_at, notes, actor, source, at)
         select $1, coalesce(domain, email), case when domain is not null then 'domain' else 'email' end,
                'remove', reason, null, expires_at, notes, $4, 'manual', $5::timestamptz from gone`,
        [ref.id, checked('domain'), checked('email'), this.actor, now],
      );
      return entries;
    });
    const found = new Set(removed.map((e) => e.target));
    const still_suppressed = removed.length
      ? (await this.checkMany(ref.id, removed.map((e) => e.target))).filter((o): o is CheckResult => !isInvalid(o) && o.suppressed)
      : [];
    return {
      client: ref.slug,
      removed,
      not_found: [...domains, ...emails].filter((t) => !found.has(t)),
      from_import: removed.filter((e) => e.source === 'import' || e.customer_id !== null).map((e) => e.target),
      still_suppressed,
    };
  }

  /** Entries of a client, streamed in pages (keyset pagination keeps memory flat). */
  async *list(options: { client: string; reason?: string | undefined; includeExpired?: boolean }): AsyncGenerator<SuppressionEntryView> {
    const ref = await this.resolveClient(options.client);
    const reason = options.reason !== undefined ? parseReason(options.reason) : null;
    const now = this.now().toISOString();
    let after = '';
    for (;;) {
      const rows = await this.db.query<Record<string, unknown> & { sort_key: string }>(
        `select ${ENTRY_COLUMNS}, coalesce(domain, '') || chr(1) || coalesce(email, '') as sort_key
           from suppression_list
          where client_id = $1 and ($2::text is null or reason = $2)
            and ($3::boolean or expires_at is null or expires_at > $4::timestamptz)
            and coalesce(domain, '') || chr(1) || coalesce(email, '') > $5
          order by sort_key limit 5000`,
        [ref.id, reason, options.includeExpired ?? false, now, after],
      );
      for (const row of rows) yield entryView(row);
      if (rows.length < 5000) return;
      after = (rows[rows.length - 1] as { sort_key: string }).sort_key;
    }
  }

  async history(options: { client: string; target?: string | undefined; limit?: number }): Promise<SuppressionEventView[]> {
    const ref = await this.resolveClient(options.client);
    return auditTrail(this.db, ref.id, options.target, options.limit);
  }
}

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

/**
 * Upsert manual entries of one kind and write an audit event for each row that changed, in one
 * statement. `before` reads the snapshot the insert started from, so reason_before is exact.
 */
function upsertManualSql(kind: TargetKind): string {
  const col = kind === 'domain' ? 'domain' : 'email';
  return `
    with input(value) as (select distinct unnest($2::text[])),
    before as (
      select s.${col} as value, s.reason from suppression_list s
       where s.client_id = $1 and s.${col} = any($2::text[])),
    upserted as (
      insert into suppression_list as s (client_id, ${col}, reason, source, notes, expires_at, created_by, created_at, updated_at)
      select $1, value, $3, 'manual', $4, $5::timestamptz, $6, $7::timestamptz, $7::timestamptz from input
      on conflict (client_id, ${col}) do update
         set reason = excluded.reason, source = 'manual', expires_at = excluded.expires_at,
             notes = coalesce(excluded.notes, s.notes), updated_at = excluded.updated_at
       where ((s.reason, s.source, s.expires_at) is distinct from (excluded.reason, 'manual', excluded.expires_at)
          or (excluded.notes is not null and excluded.notes is distinct from s.notes))
         -- The pre-check refused every weakening it saw; an entry another writer committed since is
         -- left as it is rather than weakened unseen.
         and ($8::boolean or not (
               (s.reason in (${OPT_OUT_REASONS.map((r) => `'${r}'`).join(', ')}) and excluded.reason <> s.reason)
               or (excluded.expires_at is not null and (s.expires_at is null or (s.expires_at > $7::timestamptz and excluded.expires_at < s.expires_at)))))
      returning s.${col} as value),
    events as (
      insert into suppression_events (client_id, target, kind, action, reason_before, reason_after, expires_at, notes, actor, source, at)
      select $1, u.value, '${kind}', case when b.value is null then 'add' else 'update' end,
             b.reason, $3, $5::timestamptz, $4, $6, 'manual', $7::timestamptz
        from upserted u left join before b on b.value = u.value
      returning action)
    select action, count(*)::int as n from events group by action`;
}

/**
 * A list's audit trail, oldest first: a client's, or the agency-wide list's (its events carry
 * AGENCY_WIDE_CLIENT_ID). Ordered by the bigint id, not its text form (which put 10 before 2).
 */
export async function auditTrail(db: Queryable, clientId: string, target: string | undefined, limit: number | undefined): Promise<SuppressionEventView[]> {
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > MAX_COUNT)) {
    throw new AosError('usage', `invalid limit ${String(limit)}: expected a whole number from 1 to ${MAX_COUNT}`);
  }
  const value = target !== undefined ? (parseAllTargets([{ value: target }])[0] as Target).value : null;
  const rows = await db.query<Record<string, unknown>>(
    `select e.id::text as id, e.at, e.action, e.kind, e.target, e.reason_before, e.reason_after, e.expires_at, e.notes, e.actor, e.source
       from suppression_events e where e.client_id = $1 and ($2::text is null or e.target = $2)
      order by e.id limit $3`,
    [clientId, value, limit ?? 100_000],
  );
  return rows.map((r) => ({
    id: Number(r.id),
    at: isoTimestamp(r.at),
    action: r.action as SuppressionEventView['action'],
    kind: r.kind as TargetKind,
    target: r.target as string,
    reason_before: r.reason_before as string | null,
    reason_after: r.reason_after as string | null,
    expires_at: isoTimestamp(r.expires_at),
    notes: r.notes as string | null,
    actor: r.actor as string,
    source: r.source as SuppressionEventView['source'],
  }));
}
