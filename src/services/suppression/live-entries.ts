// The one lookup of live entries (SPEC §2 matching) every check runs: a client's unexpired entries
// and the agency-wide list's, in one statement (the agency-wide list is one more `union all`
// branch, not another round trip). The check's lookup also says whether its client still exists
// (a marker row), so a warm service that keeps a client's id checks in one round trip and never
// answers for a client that is gone. A few targets (the library's lead-at-a-time call) go as a
// named statement, parsed once per connection and planned once; a batch as an unnamed one.
// test/service/warm-check.test.ts compares the two.
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

/**
 * A client's unexpired entries and the agency-wide list's: all of them (`only` null, a list read
 * whole), or those equal to one of the given domains or emails.
 */
export async function liveEntries(orm: Orm, clientId: string, now: Date, only: WantedTargets | null): Promise<LiveEntry[]> {
  if (only !== null && only.domains.size === 0 && only.emails.size === 0) return [];
  const at = now.toISOString();
  const s = suppressionList;
  const a = agencySuppressionList;
  const filter = only === null ? () => sql`` : wantedOf(joined(only));
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

/**
 * The client a check's statement answers for: its id, resolved once by the service and kept, and
 * the slug it was named by (null when named by id). The statement's marker row says whether a
 * client with that id (and slug) still exists, in the snapshot the entries are read in.
 */
export interface ClientKey {
  id: string;
  slug: string | null;
}

/** Up to this many wanted domains and emails, a check's statement is a named one (prepared). */
export const FEW_TARGETS = 64;

/** The wanted domains and emails: one newline-joined parameter each. */
type Wanted = { joined: { domains: SQL | string; emails: SQL | string } };

// Normalized domains and emails hold no newline: one joined string each is far cheaper for the
// driver to send than a text[] of thousands of escaped elements.
function joined(only: WantedTargets): Wanted {
  return { joined: { domains: [...only.domains].join('\n'), emails: [...only.emails].join('\n') } };
}

/** `and (domain … or email …)` of each branch, the wanted values given once for both. */
function wantedOf(w: Wanted): (t: ListTable) => SQL {
  const { domains, emails } = w.joined;
  return (t) => sql` and (${t.domain} = any(string_to_array(${domains}, E'\\n')) or ${t.email} = any(string_to_array(${emails}, E'\\n')))`;
}

/**
 * The function's meaning as one statement: the client's row as a marker row (`client` true) when
 * a client with that id (and slug) exists, and the live entries equal to the wanted domains or
 * emails. Every reference to the client-scoped table is `client_id = $n` (a Citus cluster routes
 * it to one shard: test/service/statement-routing.test.ts); a client removed or renamed since its
 * id was resolved leaves no marker row, and the caller resolves it again.
 */
function clientLookup(client: { id: SQL | string; slug: SQL | string | null }, now: SQL | string, wanted: Wanted): SQL {
  const c = clients;
  const s = suppressionList;
  const a = agencySuppressionList;
  const filter = wantedOf(wanted);
  const slug = client.slug === null ? sql`` : sql` and ${c.slug} = ${client.slug}`;
  return sql`select null::text as domain, null::text as email, null::text as reason, null::timestamptz as expires_at, false as all_clients, true as client
      from ${c} where ${c.id} = ${client.id}::uuid${slug}
    union all ${liveBranch(s, sql`${s.clientId} = ${client.id}::uuid and`, false, now, filter(s))}
    union all ${liveBranch(a, sql``, true, now, filter(a))}`;
}

// The named statement's text is the same for every check (one by id, one by id and slug): built
// once, so a check costs the driver its parameters only. Tried and left (BENCHMARKS.md, issue
// 24.1): fixed-arity scalar slots, which made the server keep a generic plan after five checks
// (1.69x a bare statement at p50), but with them postgres.js never settled the next check after a
// migration changed a column's type and the connection was then killed (warm-check.test.ts).
const texts = new Map<boolean, { sql: string; params: unknown[] }>();
function lookupText(bySlug: boolean) {
  let built = texts.get(bySlug);
  if (!built) {
    const p = (name: string) => sql.placeholder(name) as unknown as SQL;
    const wanted = { joined: { domains: p('domains'), emails: p('emails') } };
    built = new PgDialect().sqlToQuery(clientLookup({ id: p('id'), slug: bySlug ? p('slug') : null }, p('now'), wanted));
    texts.set(bySlug, built);
  }
  return built;
}

type Marked = LiveEntry & { client: boolean };

/**
 * One round trip: the live entries of the client `key` names that equal a wanted domain or email,
 * or null when no such client exists (any more). A few targets through `db` go as the named
 * statement where the server allows it; a batch, or a check in a transaction (`orm`), unnamed.
 */
export async function clientEntries(via: { db: Database } | { orm: Orm }, key: ClientKey, now: Date, only: WantedTargets): Promise<LiveEntry[] | null> {
  const at = now.toISOString();
  let rows: Marked[];
  if ('db' in via && only.domains.size + only.emails.size <= FEW_TARGETS) {
    const text = lookupText(key.slug !== null);
    const values = { id: key.id, slug: key.slug, now: at, domains: [...only.domains].join('\n'), emails: [...only.emails].join('\n') };
    rows = await via.db.queryPrepared<Marked>(text.sql, fillPlaceholders(text.params, values));
  } else {
    const statement = clientLookup(key, at, joined(only));
    rows = 'db' in via ? await via.db.run((orm) => rowsOf<Marked>(orm, statement)) : await rowsOf<Marked>(via.orm, statement);
  }
  let found = false;
  const entries: LiveEntry[] = [];
  for (const row of rows) {
    if (row.client === true) found = true;
    else entries.push(row);
  }
  return found ? entries : null;
}
