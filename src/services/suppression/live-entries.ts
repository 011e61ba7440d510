// The one lookup of live entries (SPEC §2 matching) every check runs: a client's unexpired entries
// and the agency-wide list's, in one statement (the agency-wide list is one more `union all`
// branch, not another round trip). The check's own statement resolves the client reference too,
// so a warm check is one round trip and still never answers for a client that is gone.
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

interface LookupValues {
  client: SQL | string;
  now: SQL | string;
  domains: SQL | string;
  emails: SQL | string;
}

/**
 * The client's row, as a marker row (`client` true) when it exists, and the live entries equal to
 * the wanted domains or emails (newline-joined), which only that client's id can reach: a client
 * removed or renamed leaves no marker row, never an empty list that would read as "allowed".
 */
function clientLookup(by: ClientKey['by'], v: LookupValues): SQL {
  const c = clients;
  const s = suppressionList;
  const a = agencySuppressionList;
  const match = by === 'id' ? sql`${c.id} = ${v.client}::uuid` : sql`${c.slug} = ${v.client}`;
  const filter = (t: ListTable) =>
    sql` and (${t.domain} = any(string_to_array(${v.domains}, E'\\n')) or ${t.email} = any(string_to_array(${v.emails}, E'\\n')))`;
  return sql`with client as (select ${c.id} as id from ${c} where ${match})
    select null::text as domain, null::text as email, null::text as reason, null::timestamptz as expires_at, false as all_clients, true as client
      from client
    union all ${liveBranch(s, sql`${s.clientId} = (select id from client) and`, false, v.now, filter(s))}
    union all ${liveBranch(a, sql`exists (select 1 from client) and`, true, v.now, filter(a))}`;
}

// The statement's text is the same for every check: built once (on first use), so a check costs
// the driver its parameters only, and the server can keep it prepared.
const texts = new Map<ClientKey['by'], { sql: string; params: unknown[] }>();
function lookupText(by: ClientKey['by']) {
  let built = texts.get(by);
  if (!built) {
    const p = (name: string) => sql.placeholder(name) as unknown as SQL;
    built = new PgDialect().sqlToQuery(clientLookup(by, { client: p('client'), now: p('now'), domains: p('domains'), emails: p('emails') }));
    texts.set(by, built);
  }
  return built;
}

type Marked = LiveEntry & { client: boolean };

/**
 * One round trip: the live entries of the client `key` names that equal a wanted domain or email,
 * or null when no such client exists. Through `db`, a prepared statement where the server allows
 * it; in a transaction (`orm`), that transaction's statement.
 */
export async function clientEntries(via: { db: Database } | { orm: Orm }, key: ClientKey, now: Date, only: WantedTargets): Promise<LiveEntry[] | null> {
  const values = { client: key.value, now: now.toISOString(), domains: [...only.domains].join('\n'), emails: [...only.emails].join('\n') };
  let rows: Marked[];
  if ('db' in via) {
    const text = lookupText(key.by);
    rows = await via.db.queryPrepared<Marked>(text.sql, fillPlaceholders(text.params, values));
  } else {
    rows = await rowsOf<Marked>(via.orm, clientLookup(key.by, values));
  }
  let found = false;
  const entries: LiveEntry[] = [];
  for (const row of rows) {
    if (row.client === true) found = true;
    else entries.push(row);
  }
  return found ? entries : null;
}
