// The one lookup of live entries (SPEC §2 matching) every check runs: a client's unexpired entries
// and the agency-wide list's, in one statement (the agency-wide list is one more `union all`
// branch, not another round trip). The check's own lookup (aos_check_lookup, a function of the
// schema: drizzle/*_check_lookup_function.sql) resolves the client reference too, so a warm check
// is one round trip and still never answers for a client that is gone. The whole-list read below
// must keep to the same rules: test/service/suppression.test.ts compares the two.
import { sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Database, type Orm } from '../../db/database.js';
import type { SuppressionReason } from '../../db/schema-constants.js';
import { agencySuppressionList, suppressionList } from '../../db/schema.js';

export interface LiveEntry {
  domain: string | null;
  email: string | null;
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
 * whole), or those equal to one of the given domains or emails.
 */
export async function liveEntries(orm: Orm, clientId: string, now: Date, only: WantedTargets | null): Promise<LiveEntry[]> {
  if (only !== null && only.domains.size === 0 && only.emails.size === 0) return [];
  const at = now.toISOString();
  const s = suppressionList;
  const a = agencySuppressionList;
  const filter = only === null ? () => sql`` : wantedFilter(only);
  return rowsOf<LiveEntry>(
    orm,
    sql`${liveBranch(s, sql`${s.clientId} = ${clientId}::uuid and`, false, at, filter(s))}
      union all ${liveBranch(a, sql``, true, at, filter(a))}`,
  );
}

/** How many entries a client's check could read whole: its own and the agency-wide list's. */
export async function entryCount(orm: Orm, clientId: string): Promise<number> {
  const [row] = await rowsOf<{ n: number }>(
    orm,
    sql`select ((select count(*) from ${suppressionList} where ${suppressionList.clientId} = ${clientId}::uuid)
      + (select count(*) from ${agencySuppressionList}))::int as n`,
  );
  return row?.n ?? 0;
}

/** How the check's statement finds its client: by id, or by slug (client-service.ts clientLookupKey). */
export interface ClientKey {
  by: 'id' | 'slug';
  value: string;
}

/** The check's lookup, the function aos_check_lookup (its migration says why a function): by id or by slug, the other null. */
const LOOKUP = 'select domain, email, reason, expires_at, all_clients, client from aos_check_lookup($1::uuid, $2::text, $3::timestamptz, $4::text, $5::text)';

type Marked = LiveEntry & { client: boolean };

/**
 * One round trip: the live entries of the client `key` names that equal a wanted domain or email,
 * or null when no such client exists. Through `db`, a prepared statement where the server allows
 * it; in a transaction (`orm`), that transaction's statement.
 */
export async function clientEntries(via: { db: Database } | { orm: Orm }, key: ClientKey, now: Date, only: WantedTargets): Promise<LiveEntry[] | null> {
  const params = [key.by === 'id' ? key.value : null, key.by === 'slug' ? key.value : null, now.toISOString(), [...only.domains].join('\n'), [...only.emails].join('\n')];
  const rows =
    'db' in via
      ? await via.db.queryPrepared<Marked>(LOOKUP, params)
      : await rowsOf<Marked>(via.orm, sql`select domain, email, reason, expires_at, all_clients, client
          from aos_check_lookup(${params[0]}::uuid, ${params[1]}::text, ${params[2]}::timestamptz, ${params[3]}::text, ${params[4]}::text)`);
  let found = false;
  const entries: LiveEntry[] = [];
  for (const row of rows) {
    if (row.client === true) found = true;
    else entries.push(row);
  }
  return found ? entries : null;
}
