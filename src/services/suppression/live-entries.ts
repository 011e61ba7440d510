// The one lookup of live entries (SPEC §2 matching) every check runs: a client's unexpired entries
// and the agency-wide list's, in one statement (the agency-wide list is one more `union all`
// branch, not another round trip).
import { sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Orm } from '../../db/database.js';
import type { SuppressionReason } from '../../db/schema-constants.js';
import { agencySuppressionList, clients, suppressionList } from '../../db/schema.js';

export interface LiveEntry {
  domain: string | null;
  email: string | null;
  /** Null only in the row that says the client is gone (see liveEntries' `clientMustExist`). */
  reason: SuppressionReason;
  expires_at: unknown;
  /** From the agency-wide list (agency_suppression_list). */
  all_clients: boolean;
}

/** The domains and emails a batch of targets could match (their covering domains included). */
export interface WantedTargets {
  domains: Set<string>;
  emails: Set<string>;
}

type ListTable = typeof suppressionList | typeof agencySuppressionList;

function liveBranch(t: ListTable, scope: SQL, allClients: boolean, now: string, wanted: SQL): SQL {
  return sql`select ${t.domain} as domain, ${t.email} as email, ${t.reason} as reason, ${t.expiresAt} as expires_at,
      ${sql.raw(String(allClients))} as all_clients
    from ${t} where ${scope} (${t.expiresAt} is null or ${t.expiresAt} > ${now}::timestamptz)${wanted}`;
}

/** `and (domain = any(…) or email = any(…))` of each branch, the lists joined once for both. */
function wantedFilter(only: WantedTargets): (t: ListTable) => SQL {
  // Normalized domains and emails hold no newline: one joined string each is far cheaper for the
  // driver to send than a text[] of thousands of escaped elements.
  const domains = [...only.domains].join('\n');
  const emails = [...only.emails].join('\n');
  return (t) => sql` and (${t.domain} = any(string_to_array(${domains}, E'\\n')) or ${t.email} = any(string_to_array(${emails}, E'\\n')))`;
}

/**
 * A client's unexpired entries and the agency-wide list's: all of them (`only` null, a list read
 * whole), or those equal to one of the given domains or emails. With `clientMustExist`, a client
 * removed since it was resolved adds one row whose reason is null (read it with `clientGone`): in
 * the same statement, so the entries and the answer to "is it still there" are one snapshot.
 */
export async function liveEntries(orm: Orm, clientId: string, now: Date, only: WantedTargets | null, options: { clientMustExist?: boolean } = {}): Promise<LiveEntry[]> {
  if (only !== null && only.domains.size === 0 && only.emails.size === 0) return [];
  const at = now.toISOString();
  const s = suppressionList;
  const a = agencySuppressionList;
  const filter = only === null ? () => sql`` : wantedFilter(only);
  const gone = options.clientMustExist
    ? sql` union all select null, null, null, null, false where not exists (select 1 from ${clients} where ${clients.id} = ${clientId}::uuid)`
    : sql``;
  return rowsOf<LiveEntry>(
    orm,
    sql`${liveBranch(s, sql`${s.clientId} = ${clientId}::uuid and`, false, at, filter(s))}
      union all ${liveBranch(a, sql``, true, at, filter(a))}${gone}`,
  );
}

/** The client was removed (liveEntries' `clientMustExist` row is among the entries). */
export const clientGone = (entries: readonly LiveEntry[]): boolean => entries.some((e) => e.reason === null);

/** How many entries a client's check could read whole: its own and the agency-wide list's. */
export async function entryCount(orm: Orm, clientId: string): Promise<number> {
  const [row] = await rowsOf<{ n: number }>(
    orm,
    sql`select ((select count(*) from ${suppressionList} where ${suppressionList.clientId} = ${clientId}::uuid)
      + (select count(*) from ${agencySuppressionList}))::int as n`,
  );
  return row?.n ?? 0;
}
