// `aos check TARGET --explain`: why a target is suppressed (the entry, how it covers the target,
// where it came from, its history) or, when it is allowed, which entries are near it. The verdict
// itself comes from SuppressionService.checkMany, the same lookup `check` runs: explain only adds
// what ops need to trust (or challenge) it.
import { and, asc, eq, sql } from 'drizzle-orm';
import { isoTimestamp, rowsOf, type Database } from '../db/database.js';
import { agencySuppressionList, importRunChanges, importRuns, suppressionList } from '../db/schema.js';
import { mailboxAddress, parseTarget, type Target, type TargetKind } from '../domain/targets.js';
import { eventsOf } from './suppression/audit-trail.js';
import { agencyList, auditClientId, clientList, inList, targetColumn, type EntryList } from './suppression/entry-lists.js';
import { entryFields } from './suppression/entry-view.js';
import { isInvalid, SuppressionService, type CheckOutcome, type CheckResult } from './suppression-service.js';
import { Service, type ServiceOptions } from './service-base.js';

export type Coverage = 'exact' | 'canonical_email' | 'email_domain' | 'parent_domain';

export interface EntryOrigin {
  type: 'import' | 'manual' | 'unknown';
  actor: string | null;
  at: string | null;
  note: string | null;
  /** The import run that put the entry there (when its change log has it). */
  run_id: string | null;
  file_name: string | null;
  customer: string | null;
}

export interface ExplainedEntry {
  target: string;
  kind: TargetKind;
  scope: 'client' | 'all_clients';
  covers: Coverage;
  reason: string;
  expires_at: string | null;
  origin: EntryOrigin;
}

export interface NearbyEntry {
  target: string;
  kind: TargetKind;
  scope: 'client' | 'all_clients';
  reason: string;
  expires_at: string | null;
  why: 'expired' | 'subdomain' | 'sibling_subdomain' | 'same_domain_email';
}

export interface ExplainHistoryEvent {
  at: string | null;
  action: string;
  reason_before: string | null;
  reason_after: string | null;
  expires_at: string | null;
  actor: string;
  source: string;
  notes: string | null;
}

export interface Explanation {
  entry: ExplainedEntry | null;
  history: ExplainHistoryEvent[];
  nearby: NearbyEntry[];
}

export type ExplainedOutcome = CheckOutcome | (CheckResult & { explain: Explanation });

const NEARBY_MAX = 20;

function coverage(t: Target, match: string, kind: TargetKind): Coverage {
  if (kind === 'email') return mailboxAddress(t.input).toLowerCase().replace(/^mailto:/, '') === t.value ? 'exact' : 'canonical_email';
  if (t.kind === 'email') return 'email_domain';
  return match === t.value ? 'exact' : 'parent_domain';
}

/** The entry behind a match, with the import run that put it there when its change log has it. */
async function entryOrigin(db: Database, list: EntryList, kind: TargetKind, match: string): Promise<EntryOrigin> {
  const [row] = await db.run((orm) =>
    orm
      .select({ id: list.table.id, ...entryFields(list) })
      .from(list.table)
      .where(and(inList(list), eq(targetColumn(list, kind), match))),
  );
  const run = row?.source === 'import' && list.clientId !== null ? await importRunOf(db, list.clientId, row.id) : undefined;
  return {
    type: row?.source === 'import' ? 'import' : row?.source === 'manual' ? 'manual' : 'unknown',
    actor: run?.actor ?? row?.created_by ?? null,
    at: isoTimestamp(run?.finished_at ?? row?.created_at),
    note: row?.notes ?? null,
    run_id: run?.id ?? null,
    file_name: run?.file_name ?? null,
    customer: row?.company_name ?? null,
  };
}

/** The first run of this client whose change log holds the entry: the one that put it there. */
async function importRunOf(db: Database, clientId: string, entryId: string) {
  const [run] = await db.run((orm) =>
    orm
      .select({ id: importRuns.id, file_name: importRuns.fileName, finished_at: importRuns.finishedAt, actor: importRuns.actor })
      .from(importRuns)
      .innerJoin(
        importRunChanges,
        and(
          eq(importRunChanges.clientId, importRuns.clientId),
          eq(importRunChanges.changeSet, importRuns.changeSet),
          eq(importRunChanges.tableName, 'suppression_list'),
          sql`${entryId}::uuid = any(${importRunChanges.rowIds})`,
        ),
      )
      .where(eq(importRuns.clientId, clientId))
      .orderBy(asc(importRuns.finishedAt))
      .limit(1),
  );
  return run;
}

async function entryHistory(db: Database, list: EntryList, match: string): Promise<ExplainHistoryEvent[]> {
  const events = await eventsOf(db, auditClientId(list), match, 100);
  return events.map((e) => ({
    at: e.at,
    action: e.action,
    reason_before: e.reason_before,
    reason_after: e.reason_after,
    expires_at: e.expires_at,
    actor: e.actor,
    source: e.source,
    notes: e.notes,
  }));
}

interface NearbyRow {
  domain: string | null;
  email: string | null;
  reason: string;
  expires_at: unknown;
  expired: boolean;
  all_clients: boolean;
}

/** Entries of the client's list and the agency-wide one at the registrable domain, its subdomains, or addresses at the hostname. */
async function entriesAround(db: Database, clientId: string, t: Target, now: string): Promise<NearbyRow[]> {
  const near = (l: typeof suppressionList | typeof agencySuppressionList) =>
    sql`(${l.domain} = ${t.registrableDomain} or right(${l.domain}, length(${t.registrableDomain}) + 1) = '.' || ${t.registrableDomain}
        or right(${l.email}, length(${t.hostname}) + 1) = '@' || ${t.hostname})`;
  const branch = (list: EntryList, allClients: boolean) => {
    const l = list.table;
    return sql`select ${l.domain} as domain, ${l.email} as email, ${l.reason} as reason, ${l.expiresAt} as expires_at,
        ${sql.raw(String(allClients))} as all_clients from ${l} where ${inList(list)} and ${near(l)}`;
  };
  return db.run((orm) =>
    rowsOf<NearbyRow>(
      orm,
      sql`select domain, email, reason, expires_at, (expires_at is not null and expires_at <= ${now}::timestamptz) as expired, all_clients
        from (${branch(clientList(clientId), false)} union all ${branch(agencyList, true)}) x
        order by domain nulls last, email limit 200`,
    ),
  );
}

/** Why a nearby entry does not (or no longer) cover the target; null when it is not near in a way worth showing. */
function whyNear(t: Target, covering: ReadonlySet<string>, r: NearbyRow): NearbyEntry['why'] | null {
  // At a free-mail provider the neighbours are strangers: only the address itself is near.
  if (t.kind === 'email' && t.freeMail && r.email !== t.value) return null;
  if (r.domain !== null) {
    const covers = (t.kind === 'domain' || !t.freeMail) && covering.has(r.domain);
    if (covers) return r.expired ? 'expired' : null;
    return r.domain.endsWith(`.${t.hostname}`) ? 'subdomain' : 'sibling_subdomain';
  }
  if (r.email === t.value) return r.expired ? 'expired' : null;
  return t.kind === 'email' ? 'same_domain_email' : null;
}

/** The hostname and each parent domain up to the registrable one: the domains that cover the target. */
function coveringUpToRegistrable(t: Target): Set<string> {
  const covering = new Set<string>();
  for (let h = t.hostname; ; h = h.slice(h.indexOf('.') + 1)) {
    covering.add(h);
    if (h === t.registrableDomain || !h.includes('.')) break;
  }
  return covering;
}

export class ExplainService extends Service {
  private readonly check: SuppressionService;

  constructor(options: ServiceOptions) {
    super(options);
    this.check = new SuppressionService(this.shared);
  }

  async explain(client: string, inputs: readonly string[]): Promise<ExplainedOutcome[]> {
    const ref = await this.check.resolveClient(client);
    const outcomes = await this.check.checkMany(ref.id, inputs);
    const out: ExplainedOutcome[] = [];
    for (const o of outcomes) {
      const parsed = isInvalid(o) ? null : parseTarget(o.input);
      if (isInvalid(o) || !parsed?.ok) out.push(o);
      else out.push({ ...o, explain: await this.explainOne(ref.id, parsed.target, o) });
    }
    return out;
  }

  private async explainOne(clientId: string, t: Target, o: CheckResult): Promise<Explanation> {
    const now = this.now().toISOString();
    const nearby = await this.nearby(clientId, t, o.match, now);
    if (!o.suppressed || o.match === null) return { entry: null, history: [], nearby };
    const kind: TargetKind = o.match.includes('@') ? 'email' : 'domain';
    const list = o.all_clients ? agencyList : clientList(clientId);
    const entry: ExplainedEntry = {
      target: o.match,
      kind,
      scope: o.all_clients ? 'all_clients' : 'client',
      covers: coverage(t, o.match, kind),
      reason: o.reason as string,
      expires_at: o.expires_at,
      origin: await entryOrigin(this.db, list, kind, o.match),
    };
    return { entry, history: await entryHistory(this.db, list, o.match), nearby };
  }

  /** Entries near the target that do not (or no longer) cover it: expired ones, other subdomains, other addresses at its domain. */
  private async nearby(clientId: string, t: Target, match: string | null, now: string): Promise<NearbyEntry[]> {
    const covering = coveringUpToRegistrable(t);
    const out: NearbyEntry[] = [];
    for (const r of await entriesAround(this.db, clientId, t, now)) {
      const target = (r.domain ?? r.email) as string;
      const why = target === match ? null : whyNear(t, covering, r);
      if (why === null) continue;
      out.push({ target, kind: r.domain !== null ? 'domain' : 'email', scope: r.all_clients ? 'all_clients' : 'client', reason: r.reason, expires_at: isoTimestamp(r.expires_at), why });
      if (out.length >= NEARBY_MAX) break;
    }
    return out;
  }
}
