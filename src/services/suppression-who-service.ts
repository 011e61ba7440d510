// Ops only: which clients' lists suppress a target, across every client. The library's client-
// scoped calls never reach this (it is not exported from src/index.ts): a client's list is private
// to that client, and only ops answering a complaint ask the question across clients.
import type { Database } from '../db/database.js';
import { isoTimestamp } from '../db/database.js';
import { coveringDomains, parseTarget, printable, type TargetKind } from '../domain/targets.js';
import { AosError } from '../errors.js';
import { ALL_CLIENTS } from './agency-list-service.js';

export interface WhoMatch {
  client: string;
  client_name: string;
  /** The entry that matches: the exact email, the hostname or a parent domain. */
  match: string;
  kind: TargetKind;
  /** How it covers the target. */
  covers: 'exact' | 'parent_domain' | 'email_domain';
  reason: string;
  source: string | null;
  company_name: string | null;
  notes: string | null;
  created_by: string | null;
  created_at: string | null;
  expires_at: string | null;
  expired: boolean;
}

export interface WhoResult {
  input: string;
  target: string;
  kind: TargetKind;
  clients: WhoMatch[];
}

export async function whoSuppresses(db: Database, input: string, options: { now?: Date; includeExpired?: boolean } = {}): Promise<WhoResult> {
  const parsed = parseTarget(input);
  if (!parsed.ok) throw new AosError('input', `invalid target "${printable(input)}": ${parsed.error}`);
  const t = parsed.target;
  const domains = coveringDomains(t);
  const now = (options.now ?? new Date()).toISOString();
  // Every client's entries at once (no client filter: that is the point of the question). The
  // per-client unique indexes lead with client_id, so this scans the list: fine for an ops query.
  const rows = await db.query<Record<string, unknown>>(
    `select slug, name, domain, email, reason, source, company_name, notes, created_by, created_at, expires_at,
            (expires_at is not null and expires_at <= $3::timestamptz) as expired
       from (select c.slug, c.name, s.domain, s.email, s.reason, s.source, s.company_name, s.notes, s.created_by, s.created_at, s.expires_at, 1 as ord
               from suppression_list s join clients c on c.id = s.client_id
              where s.domain = any($1::text[]) or s.email = $2
             union all
             -- The agency-wide list holds for every client: listed first, as such.
             select '${ALL_CLIENTS}', 'every client', a.domain, a.email, a.reason, a.source, null, a.notes, a.created_by, a.created_at, a.expires_at, 0
               from agency_suppression_list a
              where a.domain = any($1::text[]) or a.email = $2) x
      where $4::boolean or expires_at is null or expires_at > $3::timestamptz
      order by ord, slug, email nulls last, length(domain) desc`,
    [domains, t.kind === 'email' ? t.value : null, now, options.includeExpired ?? false],
  );
  return {
    input,
    target: t.value,
    kind: t.kind,
    clients: rows.map((r) => {
      const domain = r.domain as string | null;
      return {
        client: r.slug as string,
        client_name: r.name as string,
        match: (domain ?? r.email) as string,
        kind: domain !== null ? 'domain' : 'email',
        covers: domain === null || domain === t.value ? 'exact' : t.kind === 'email' ? 'email_domain' : 'parent_domain',
        reason: r.reason as string,
        source: (r.source as string | null) ?? null,
        company_name: (r.company_name as string | null) ?? null,
        notes: (r.notes as string | null) ?? null,
        created_by: (r.created_by as string | null) ?? null,
        created_at: isoTimestamp(r.created_at),
        expires_at: isoTimestamp(r.expires_at),
        expired: Boolean(r.expired),
      };
    }),
  };
}
