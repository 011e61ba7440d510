// `aos check TARGET --explain`: why a target is suppressed (the entry, how it covers the target,
// where it came from, its history) or, when it is allowed, which entries are near it. The verdict
// itself comes from SuppressionService.checkMany, the same lookup `check` runs: explain only adds
// what ops need to trust (or challenge) it.
import type { Database } from '../db/database.js';
import { AGENCY_WIDE_CLIENT_ID } from '../db/schema-constants.js';
import { isoTimestamp } from '../db/database.js';
import { mailboxAddress, parseTarget, type Target, type TargetKind } from '../domain/targets.js';
import { isInvalid, SuppressionService, type CheckOutcome, type CheckResult } from './suppression-service.js';

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

export class ExplainService {
  private readonly db: Database;
  private readonly now: () => Date;
  private readonly check: SuppressionService;

  constructor(options: { db: Database; now?: () => Date }) {
    this.db = options.db;
    this.now = options.now ?? (() => new Date());
    this.check = new SuppressionService({ db: options.db, now: this.now });
  }

  async explain(client: string, inputs: readonly string[]): Promise<ExplainedOutcome[]> {
    const ref = await this.check.resolveClient(client);
    const outcomes = await this.check.checkMany(ref.id, inputs);
    const out: ExplainedOutcome[] = [];
    for (const o of outcomes) {
      if (isInvalid(o)) {
        out.push(o);
        continue;
      }
      const parsed = parseTarget(o.input);
      if (!parsed.ok) {
        out.push(o);
        continue;
      }
      out.push({ ...o, explain: await this.explainOne(ref.id, parsed.target, o) });
    }
    return out;
  }

  private async explainOne(clientId: string, t: Target, o: CheckResult): Promise<Explanation> {
    const now = this.now().toISOString();
    let entry: ExplainedEntry | null = null;
    let history: ExplainHistoryEvent[] = [];
    if (o.suppressed && o.match !== null) {
      const kind: TargetKind = o.match.includes('@') ? 'email' : 'domain';
      const scope = o.all_clients ? 'all_clients' : 'client';
      const [row] = o.all_clients
        ? await this.db.query<Record<string, unknown>>(`select id, reason, source, notes, expires_at, created_by, created_at, null::text as company_name, null::uuid as customer_id from agency_suppression_list where ${kind} = $1`, [o.match])
        : await this.db.query<Record<string, unknown>>(`select id, reason, source, notes, expires_at, created_by, created_at, company_name, customer_id from suppression_list where client_id = $1 and ${kind} = $2`, [clientId, o.match]);
      let run: Record<string, unknown> | undefined;
      if (row && row.source === 'import' && !o.all_clients) {
        // The first run of this client whose change log holds the entry: the one that put it there.
        [run] = await this.db.query<Record<string, unknown>>(
          `select r.id, r.file_name, r.finished_at, r.actor from import_runs r
             join import_run_changes ch on ch.change_set = r.change_set and ch.table_name = 'suppression_list' and $2 = any(ch.row_ids)
            where r.client_id = $1 order by r.finished_at limit 1`,
          [clientId, row.id],
        );
      }
      entry = {
        target: o.match,
        kind,
        scope,
        covers: coverage(t, o.match, kind),
        reason: o.reason as string,
        expires_at: o.expires_at,
        origin: {
          type: row?.source === 'import' ? 'import' : row?.source === 'manual' ? 'manual' : 'unknown',
          actor: (run?.actor as string | undefined) ?? ((row?.created_by as string | null) ?? null),
          at: isoTimestamp(run?.finished_at ?? row?.created_at),
          note: (row?.notes as string | null) ?? null,
          run_id: (run?.id as string | undefined) ?? null,
          file_name: (run?.file_name as string | undefined) ?? null,
          customer: (row?.company_name as string | null) ?? null,
        },
      };
      const events = await this.db.query<Record<string, unknown>>(
        `select at, action, reason_before, reason_after, expires_at, actor, source, notes from suppression_events
          where ${o.all_clients ? `client_id = '${AGENCY_WIDE_CLIENT_ID}'` : 'client_id = $2'} and target = $1 order by id limit 100`,
        o.all_clients ? [o.match] : [o.match, clientId],
      );
      history = events.map((e) => ({
        at: isoTimestamp(e.at),
        action: e.action as string,
        reason_before: (e.reason_before as string | null) ?? null,
        reason_after: (e.reason_after as string | null) ?? null,
        expires_at: isoTimestamp(e.expires_at),
        actor: e.actor as string,
        source: e.source as string,
        notes: (e.notes as string | null) ?? null,
      }));
    }
    return { entry, history, nearby: await this.nearby(clientId, t, o.match, now) };
  }

  /** Entries near the target that do not (or no longer) cover it: expired ones, other subdomains, other addresses at its domain. */
  private async nearby(clientId: string, t: Target, match: string | null, now: string): Promise<NearbyEntry[]> {
    const reg = t.registrableDomain;
    const rows = await this.db.query<{ domain: string | null; email: string | null; reason: string; expires_at: unknown; expired: boolean; all_clients: boolean }>(
      `select domain, email, reason, expires_at, (expires_at is not null and expires_at <= $2::timestamptz) as expired, all_clients from (
         select domain, email, reason, expires_at, false as all_clients from suppression_list where client_id = $1
            and (domain = $3 or right(domain, length($3) + 1) = '.' || $3 or right(email, length($4) + 1) = '@' || $4)
         union all
         select domain, email, reason, expires_at, true from agency_suppression_list
          where domain = $3 or right(domain, length($3) + 1) = '.' || $3 or right(email, length($4) + 1) = '@' || $4) x
        order by domain nulls last, email limit 200`,
      [clientId, now, reg, t.hostname],
    );
    const covering = new Set<string>();
    for (let h = t.hostname; ; h = h.slice(h.indexOf('.') + 1)) {
      covering.add(h);
      if (h === reg || !h.includes('.')) break;
    }
    const out: NearbyEntry[] = [];
    for (const r of rows) {
      const target = (r.domain ?? r.email) as string;
      if (target === match) continue;
      // At a free-mail provider the neighbours are strangers: only the address itself is near.
      if (t.kind === 'email' && t.freeMail && r.email !== t.value) continue;
      let why: NearbyEntry['why'] | null = null;
      if (r.domain !== null) {
        const covers = (t.kind === 'domain' || !t.freeMail) && covering.has(r.domain);
        if (covers) why = r.expired ? 'expired' : null;
        else why = r.domain.endsWith(`.${t.hostname}`) ? 'subdomain' : 'sibling_subdomain';
      } else if (r.email === t.value) why = r.expired ? 'expired' : null;
      else if (t.kind === 'email') why = 'same_domain_email';
      else why = null;
      if (why === null) continue;
      out.push({ target, kind: r.domain !== null ? 'domain' : 'email', scope: r.all_clients ? 'all_clients' : 'client', reason: r.reason, expires_at: isoTimestamp(r.expires_at), why });
      if (out.length >= NEARBY_MAX) break;
    }
    return out;
  }
}
