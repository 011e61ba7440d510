// The one lookup of live entries (SPEC §2 matching) every check runs: a client's unexpired entries
// and the agency-wide list's, in one statement (the agency-wide list is one more `union all`
// branch, not another round trip). The check's lookup resolves the client reference too, so a
// warm check is one round trip and still never answers for a client that is gone. A few targets
// (the library's lead-at-a-time call) go as a named statement, parsed once per connection; a batch
// as an unnamed one. test/service/warm-check.test.ts compares the two.
import { fillPlaceholders, sql, type SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { rowsOf, type Database, type Orm } from '../../db/database.js';
import type { SuppressionReason } from '../../db/schema-constants.js';
import { agencySuppressionList, clients, suppressionList } from '../../db/schema.js';

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

function liveBranch(t: ListTable, scope: SQL, allClients: boolean, now: SQL | string, wanted: SQL): SQL {
  return sql`select ${t.domain} as domain, ${t.email} as email, ${t.reason} as reason, ${t.expiresAt} as expires_at,
      ${sql.raw(String(allClients))} as all_clients, false as client
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

/** Up to this many wanted domains and emails, a check's statement is a named one (prepared). */
export const FEW_TARGETS = 64;

/**
 * The function's meaning as one statement: the client's row as a marker row (`client` true) when
 * it exists, and the live entries equal to the wanted domains or emails (newline-joined), which
 * only that client's id can reach: a client removed or renamed leaves no marker row.
 */
function clientLookup(key: { by: ClientKey['by']; value: SQL | string }, now: SQL | string, domains: SQL | string, emails: SQL | string): SQL {
  const c = clients;
  const s = suppressionList;
  const a = agencySuppressionList;
  const match = key.by === 'id' ? sql`${c.id} = ${key.value}::uuid` : sql`${c.slug} = ${key.value}`;
  const filter = (t: ListTable) =>
    sql` and (${t.domain} = any(string_to_array(${domains}, E'\\n')) or ${t.email} = any(string_to_array(${emails}, E'\\n')))`;
  return sql`with client as (select ${c.id} as id from ${c} where ${match})
    select null::text as domain, null::text as email, null::text as reason, null::timestamptz as expires_at, false as all_clients, true as client
      from client
    union all ${liveBranch(s, sql`${s.clientId} = (select id from client) and`, false, now, filter(s))}
    union all ${liveBranch(a, sql`exists (select 1 from client) and`, true, now, filter(a))}`;
}

// The named statement's text is the same for every check: built once (on first use), so a check
// costs the driver its parameters only.
const texts = new Map<ClientKey['by'], { sql: string; params: unknown[] }>();
function lookupText(by: ClientKey['by']) {
  let built = texts.get(by);
  if (!built) {
    const p = (name: string) => sql.placeholder(name) as unknown as SQL;
    built = new PgDialect().sqlToQuery(clientLookup({ by, value: p('client') }, p('now'), p('domains'), p('emails')));
    texts.set(by, built);
  }
  return built;
}

type Marked = LiveEntry & { client: boolean };

/**
 * One round trip: the live entries of the client `key` names that equal a wanted domain or email,
 * or null when no such client exists. A few targets through `db` go as a named statement where
 * the server allows it; a batch, or a check in a transaction (`orm`), unnamed.
 */
export async function clientEntries(via: { db: Database } | { orm: Orm }, key: ClientKey, now: Date, only: WantedTargets): Promise<LiveEntry[] | null> {
  const at = now.toISOString();
  const domains = [...only.domains].join('\n');
  const emails = [...only.emails].join('\n');
  const rows =
    'db' in via && only.domains.size + only.emails.size <= FEW_TARGETS
      ? await via.db.queryPrepared<Marked>(lookupText(key.by).sql, fillPlaceholders(lookupText(key.by).params, { client: key.value, now: at, domains, emails }))
      : 'db' in via
        ? await via.db.run((orm) => rowsOf<Marked>(orm, clientLookup(key, at, domains, emails)))
        : await rowsOf<Marked>(via.orm, clientLookup(key, at, domains, emails));
  let found = false;
  const entries: LiveEntry[] = [];
  for (const row of rows) {
    if (row.client === true) found = true;
    else entries.push(row);
  }
  return found ? entries : null;
}
