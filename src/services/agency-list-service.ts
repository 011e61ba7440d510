// The agency-wide list: entries that hold for every client (a complaint, a legal request that
// must never be emailed from any client). `check` matches them in the same statement as the
// client's own entries (suppression-service checkBatch); here they are added, removed and listed,
// with the same rules as a client's manual entries and audited in suppression_events with no
// client (client_id AGENCY_WIDE_CLIENT_ID).
import { AuditedService } from './service-base.js';
import { isoTimestamp } from '../db/database.js';
import { legacyQueryable } from '../db/database.js';
import { AGENCY_WIDE_CLIENT_ID, OPT_OUT_REASONS } from '../db/schema-constants.js';
import type { TargetKind } from '../domain/targets.js';
import { AosError } from '../errors.js';
import { auditTrail, parseAllTargets, parseReason, type SuppressionEntryView, type SuppressionEventView, type TargetInput } from './suppression-service.js';

export const ALL_CLIENTS = '(all clients)';

export interface AgencyChangeResult {
  client: typeof ALL_CLIENTS;
  added: number;
  updated: number;
  unchanged: number;
  targets: string[];
}

const COLUMNS = 'domain, email, reason, source, notes, expires_at, created_by, created_at, updated_at';

function view(r: Record<string, unknown>): SuppressionEntryView & { all_clients: true } {
  const domain = r.domain as string | null;
  return {
    kind: domain !== null ? 'domain' : 'email',
    target: (domain ?? r.email) as string,
    reason: r.reason as SuppressionEntryView['reason'],
    source: (r.source as string | null) ?? null,
    notes: (r.notes as string | null) ?? null,
    expires_at: isoTimestamp(r.expires_at),
    company_name: null,
    customer_id: null,
    created_by: (r.created_by as string | null) ?? null,
    created_at: isoTimestamp(r.created_at),
    updated_at: isoTimestamp(r.updated_at),
    all_clients: true,
  };
}

function upsertSql(kind: TargetKind): string {
  return `
    with input(value) as (select distinct unnest($1::text[])),
    before as (select a.${kind} as value, a.reason from agency_suppression_list a where a.${kind} = any($1::text[])),
    upserted as (
      insert into agency_suppression_list as a (${kind}, reason, source, notes, expires_at, created_by, created_at, updated_at)
      select value, $2, 'manual', $3, $4::timestamptz, $5, $6::timestamptz, $6::timestamptz from input
      on conflict (${kind}) do update
         set reason = excluded.reason, expires_at = excluded.expires_at, notes = coalesce(excluded.notes, a.notes), updated_at = excluded.updated_at
       where (a.reason, a.expires_at) is distinct from (excluded.reason, excluded.expires_at)
          or (excluded.notes is not null and excluded.notes is distinct from a.notes)
      returning a.${kind} as value),
    events as (
      insert into suppression_events (client_id, target, kind, action, reason_before, reason_after, expires_at, notes, actor, source, at)
      select '${AGENCY_WIDE_CLIENT_ID}'::uuid, u.value, '${kind}', case when b.value is null then 'add' else 'update' end, b.reason, $2, $4::timestamptz, $3, $5, 'manual', $6::timestamptz
        from upserted u left join before b on b.value = u.value
      returning action)
    select action, count(*)::int as n from events group by action`;
}

export class AgencyListService extends AuditedService {

  async add(options: { targets: readonly TargetInput[]; reason: string; expiresAt?: Date | null | undefined; note?: string | undefined; force?: boolean | undefined }): Promise<AgencyChangeResult> {
    const reason = parseReason(options.reason);
    if (options.targets.length === 0) throw new AosError('usage', 'no targets given', 'pass domains, URLs or emails, or --file PATH');
    const targets = parseAllTargets(options.targets);
    const freeMail = [...new Set(targets.filter((t) => t.kind === 'domain' && t.freeMail).map((t) => t.value))];
    if (freeMail.length > 0 && !options.force) {
      throw new AosError('input', `refusing to suppress free-mail domain${freeMail.length === 1 ? '' : 's'} ${freeMail.join(', ')} as a whole for every client`, "suppress the person's email address instead, or pass --force");
    }
    const byKind = (kind: TargetKind) => [...new Set(targets.filter((t) => t.kind === kind).map((t) => t.value))];
    const expiresAt = options.expiresAt ? options.expiresAt.toISOString() : null;
    const now = this.now().toISOString();
    const note = options.note?.trim() || null;
    const counts = await this.db.transaction(async (orm) => {
      const tx = legacyQueryable(orm);
      // Never weakened silently: an opt-out's reason changed, or an expiry given or brought forward.
      const existing = await tx.query<{ target: string; reason: string; expires_at: unknown }>(
        `select coalesce(domain, email) as target, reason, expires_at from agency_suppression_list
          where domain = any($1::text[]) or email = any($2::text[]) for update`,
        [byKind('domain'), byKind('email')],
      );
      const weakened = existing.flatMap((e) => {
        const was = isoTimestamp(e.expires_at);
        const changes: string[] = [];
        if ((OPT_OUT_REASONS as readonly string[]).includes(e.reason) && e.reason !== reason) changes.push(`reason ${e.reason} → ${reason}`);
        if (expiresAt !== null && (was === null || Date.parse(expiresAt) < Date.parse(was))) changes.push(`expiry ${was ?? 'never'} → ${expiresAt}`);
        return changes.length ? [`${e.target} (${changes.join(', ')})`] : [];
      });
      if (weakened.length > 0 && !options.force) {
        throw new AosError('input', `refusing to weaken agency-wide entr${weakened.length === 1 ? 'y' : 'ies'} ${weakened.join('; ')}; nothing written`, 'pass --force if that is really meant');
      }
      let added = 0;
      let updated = 0;
      for (const kind of ['domain', 'email'] as const) {
        const values = byKind(kind);
        if (values.length === 0) continue;
        for (const r of await tx.query<{ action: string; n: number }>(upsertSql(kind), [values, reason, note, expiresAt, this.actor, now])) {
          if (r.action === 'add') added += r.n;
          else updated += r.n;
        }
      }
      return { added, updated };
    });
    const all = [...byKind('domain'), ...byKind('email')];
    return { client: ALL_CLIENTS, ...counts, unchanged: all.length - counts.added - counts.updated, targets: all };
  }

  async remove(options: { targets: readonly TargetInput[]; force?: boolean | undefined }): Promise<{ client: typeof ALL_CLIENTS; removed: SuppressionEntryView[]; not_found: string[] }> {
    if (options.targets.length === 0) throw new AosError('usage', 'no targets given', 'pass domains, URLs or emails, or --file PATH');
    const targets = parseAllTargets(options.targets);
    const domains = [...new Set(targets.filter((t) => t.kind === 'domain').map((t) => t.value))];
    const emails = [...new Set(targets.filter((t) => t.kind === 'email').map((t) => t.value))];
    const removed = await this.db.transaction(async (orm) => {
      const tx = legacyQueryable(orm);
      const rows = (await tx.query(`select ${COLUMNS} from agency_suppression_list where domain = any($1::text[]) or email = any($2::text[]) for update`, [domains, emails])).map(view);
      const optOuts = rows.filter((e) => OPT_OUT_REASONS.includes(e.reason));
      if (optOuts.length > 0 && !options.force) {
        throw new AosError('input', `refusing to remove legal opt-out${optOuts.length === 1 ? '' : 's'} from the agency-wide list: ${optOuts.map((e) => `${e.target} (${e.reason})`).join(', ')}; nothing removed`, 'pass --force only if that request was withdrawn');
      }
      await tx.query(
        `with gone as (delete from agency_suppression_list where domain = any($1::text[]) or email = any($2::text[]) returning domain, email, reason, expires_at, notes)
         insert into suppression_events (client_id, target, kind, action, reason_before, reason_after, expires_at, notes, actor, source, at)
         select '${AGENCY_WIDE_CLIENT_ID}'::uuid, coalesce(domain, email), case when domain is not null then 'domain' else 'email' end, 'remove', reason, null, expires_at, notes, $3, 'manual', $4::timestamptz from gone`,
        [domains, emails, this.actor, this.now().toISOString()],
      );
      return rows;
    });
    const found = new Set(removed.map((e) => e.target));
    return { client: ALL_CLIENTS, removed, not_found: [...domains, ...emails].filter((t) => !found.has(t)) };
  }

  async *list(options: { reason?: string | undefined; includeExpired?: boolean } = {}): AsyncGenerator<SuppressionEntryView & { all_clients: true }> {
    const reason = options.reason !== undefined ? parseReason(options.reason) : null;
    let after = '';
    for (;;) {
      const rows = await this.db.query<Record<string, unknown> & { sort_key: string }>(
        `select ${COLUMNS}, coalesce(domain, '') || chr(1) || coalesce(email, '') as sort_key from agency_suppression_list
          where ($1::text is null or reason = $1) and ($2::boolean or expires_at is null or expires_at > $3::timestamptz)
            and coalesce(domain, '') || chr(1) || coalesce(email, '') > $4
          order by sort_key limit 5000`,
        [reason, options.includeExpired ?? false, this.now().toISOString(), after],
      );
      for (const row of rows) yield view(row);
      if (rows.length < 5000) return;
      after = (rows[rows.length - 1] as { sort_key: string }).sort_key;
    }
  }

  /** The agency-wide list's audit trail (events without a client). */
  async history(options: { target?: string | undefined; limit?: number } = {}): Promise<SuppressionEventView[]> {
    return auditTrail(this.db, AGENCY_WIDE_CLIENT_ID, options.target, options.limit);
  }
}
