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
      ${sql.raw(String(allClients))} as all_clients, false as client, null::int as session
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

/**
 * Up to this many wanted domains and emails, a check's statement is the named one with a slot (a
 * scalar parameter) for each: enough for a lead of a website and an email (each with its
 * registrable domain). More go as an unnamed statement, planned for their values.
 */
export const DOMAIN_SLOTS = 4;
export const EMAIL_SLOTS = 2;

/** The wanted domains and emails: one newline-joined parameter each, or one parameter a slot. */
type Wanted = { joined: { domains: SQL | string; emails: SQL | string } } | { slots: { domains: Array<SQL | string | null>; emails: Array<SQL | string | null> } };

// Normalized domains and emails hold no newline: one joined string each is far cheaper for the
// driver to send than a text[] of thousands of escaped elements.
function joined(only: WantedTargets): Wanted {
  return { joined: { domains: [...only.domains].join('\n'), emails: [...only.emails].join('\n') } };
}

/** `and (domain … or email …)` of each branch, the wanted values given once for both. */
function wantedOf(w: Wanted): (t: ListTable) => SQL {
  if ('joined' in w) {
    const { domains, emails } = w.joined;
    return (t) => sql` and (${t.domain} = any(string_to_array(${domains}, E'\\n')) or ${t.email} = any(string_to_array(${emails}, E'\\n')))`;
  }
  const list = (values: Array<SQL | string | null>) => sql.join(values.map((v) => sql`${v}`), sql`, `);
  return (t) => sql` and (${t.domain} in (${list(w.slots.domains)}) or ${t.email} in (${list(w.slots.emails)}))`;
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
  return sql`select null::text as domain, null::text as email, null::text as reason, null::timestamptz as expires_at, false as all_clients, true as client,
      pg_backend_pid() as session
      from ${c} where ${c.id} = ${client.id}::uuid${slug}
    union all ${liveBranch(s, sql`${s.clientId} = ${client.id}::uuid and`, false, now, filter(s))}
    union all ${liveBranch(a, sql``, true, now, filter(a))}`;
}

// The named statement's text is the same for every check (one by id, one by id and slug): built
// once, so a check costs the driver its parameters only. Its parameters are scalars of a fixed
// number, unused slots '' (no entry has an empty domain or email: it equals nothing): the
// server's generic plan then costs what a custom one does, and after its first five executions
// the server keeps the generic plan instead of planning each check anew (planning cost more than
// the lookup: BENCHMARKS.md, issue 24). Left for a while (e51c7fd, 276d246) for a hang that was
// postgres.js's, not the slots' (open.ts max_pipeline; docs/reliability.md, known issues).
const texts = new Map<boolean, { sql: string; params: unknown[] }>();
function lookupText(bySlug: boolean) {
  let built = texts.get(bySlug);
  if (!built) {
    const p = (name: string) => sql.placeholder(name) as unknown as SQL;
    const slots = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => p(`${prefix}${i}`));
    const wanted = { slots: { domains: slots('d', DOMAIN_SLOTS), emails: slots('e', EMAIL_SLOTS) } };
    built = new PgDialect().sqlToQuery(clientLookup({ id: p('id'), slug: bySlug ? p('slug') : null }, p('now'), wanted));
    texts.set(bySlug, built);
  }
  return built;
}

function slotValues(prefix: string, n: number, values: ReadonlySet<string>): Record<string, string> {
  const list = [...values];
  const out: Record<string, string> = {};
  for (let i = 0; i < n; i++) out[`${prefix}${i}`] = list[i] ?? '';
  return out;
}

type Marked = LiveEntry & { client: boolean; session: number | null };

/** The server session the marker row was read in (open.ts tells a pooler by it). */
const sessionOf = (rows: Marked[]): number | null => rows.find((r) => r.client === true)?.session ?? null;

/**
 * One round trip: the live entries of the client `key` names that equal a wanted domain or email,
 * or null when no such client exists (any more). A few targets through `db` go as the named
 * statement where the server allows it; a batch, or a check in a transaction (`orm`), unnamed.
 */
export async function clientEntries(via: { db: Database } | { orm: Orm }, key: ClientKey, now: Date, only: WantedTargets): Promise<LiveEntry[] | null> {
  const at = now.toISOString();
  let rows: Marked[];
  if ('db' in via && only.domains.size <= DOMAIN_SLOTS && only.emails.size <= EMAIL_SLOTS) {
    const text = lookupText(key.slug !== null);
    const values = { id: key.id, slug: key.slug, now: at, ...slotValues('d', DOMAIN_SLOTS, only.domains), ...slotValues('e', EMAIL_SLOTS, only.emails) };
    rows = await via.db.queryPrepared<Marked>(text.sql, fillPlaceholders(text.params, values), sessionOf);
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
