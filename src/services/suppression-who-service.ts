// Ops only: which clients' lists suppress a target, across every client. The library's client-
// scoped calls never reach this (it is not exported from src/index.ts): a client's list is private
// to that client, and only ops answering a complaint ask the question across clients.
import { sql, type SQL } from 'drizzle-orm';
import { isoTimestamp, rowsOf, type Database } from '../db/database.js';
import { agencySuppressionList, clients, suppressionList } from '../db/schema.js';
import { arrayParam } from '../db/sql.js';
import { coveringDomains, parseTarget, printable, type Target, type TargetKind } from '../domain/targets.js';
import { AosError } from '../errors.js';
import type { EntryRow } from './suppression/entry-view.js';
import { ALL_CLIENTS } from './agency-list-service.js';
import { crossShard } from '../db/cross-shard.js';

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

interface WhoRow extends Pick<EntryRow, 'domain' | 'email' | 'reason' | 'source' | 'company_name' | 'notes' | 'created_by'> {
  slug: string;
  name: string;
  created_at: unknown;
  expires_at: unknown;
  expired: boolean;
}

/**
 * Every client's entries that cover the target, and the agency-wide list's first (it holds for
 * every client). No client filter: that is the point of the question. The per-client unique
 * indexes lead with client_id, so this scans the list: fine for an ops query.
 */
function coveringEntries(domains: readonly string[], email: string | null, now: string, includeExpired: boolean): SQL {
  const s = suppressionList;
  const a = agencySuppressionList;
  const covers = (t: typeof s | typeof a) => sql`(${t.domain} = any(${arrayParam(domains, 'text')}) or ${t.email} = ${email})`;
  return sql`${crossShard('suppress-who')}select slug, name, domain, email, reason, source, company_name, notes, created_by, created_at, expires_at,
        (expires_at is not null and expires_at <= ${now}::timestamptz) as expired
      from (select ${clients.slug} as slug, ${clients.name} as name, ${s.domain} as domain, ${s.email} as email, ${s.reason} as reason,
                   ${s.source} as source, ${s.companyName} as company_name, ${s.notes} as notes, ${s.createdBy} as created_by,
                   ${s.createdAt} as created_at, ${s.expiresAt} as expires_at, 1 as ord
              from ${s} join ${clients} on ${clients.id} = ${s.clientId}
             where ${covers(s)}
            union all
            select ${ALL_CLIENTS}::text, 'every client', ${a.domain}, ${a.email}, ${a.reason}, ${a.source}, null, ${a.notes}, ${a.createdBy},
                   ${a.createdAt}, ${a.expiresAt}, 0
              from ${a}
             where ${covers(a)}) x
     where ${includeExpired}::boolean or expires_at is null or expires_at > ${now}::timestamptz
     order by ord, slug, email nulls last, length(domain) desc`;
}

function whoMatch(t: Target, r: WhoRow): WhoMatch {
  return {
    client: r.slug,
    client_name: r.name,
    match: (r.domain ?? r.email) as string,
    kind: r.domain !== null ? 'domain' : 'email',
    covers: r.domain === null || r.domain === t.value ? 'exact' : t.kind === 'email' ? 'email_domain' : 'parent_domain',
    reason: r.reason,
    source: r.source ?? null,
    company_name: r.company_name ?? null,
    notes: r.notes ?? null,
    created_by: r.created_by ?? null,
    created_at: isoTimestamp(r.created_at),
    expires_at: isoTimestamp(r.expires_at),
    expired: Boolean(r.expired),
  };
}

export async function whoSuppresses(db: Database, input: string, options: { now?: Date; includeExpired?: boolean } = {}): Promise<WhoResult> {
  const parsed = parseTarget(input);
  if (!parsed.ok) throw new AosError('input', `invalid target "${printable(input)}": ${parsed.error}`);
  const t = parsed.target;
  const now = (options.now ?? new Date()).toISOString();
  const statement = coveringEntries(coveringDomains(t), t.kind === 'email' ? t.value : null, now, options.includeExpired ?? false);
  const rows = await db.run((orm) => rowsOf<WhoRow>(orm, statement));
  return { input, target: t.value, kind: t.kind, clients: rows.map((r) => whoMatch(t, r)) };
}
