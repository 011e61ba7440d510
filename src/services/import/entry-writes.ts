// The import's suppression step: the entries of the customers it touched (touchedCustomers, one
// per target), set-based, each change audited in suppression_events.
import { and, eq, gt, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { rowsOf, type Orm } from '../../db/database.js';
import { clientCustomers as cc, suppressionEvents as se, suppressionList as sl } from '../../db/schema.js';
import { aliased, bare, columnList, hasRow } from '../../db/sql.js';
import { LIST_SEPARATOR } from './staged-columns.js';
import { stagedRows as staged, touchedCustomers as touched } from './scratch-tables.js';
import { loggedColumns, logWrites, type ImportChangeLog } from './change-log-writes.js';
import { defaultExpiryJoin, expiryOrDefault } from '../default-expiry.js';

export interface EntryCounts {
  added: number;
  /** Entries whose reason, owner or customer changed, and active customers' expiries cleared. */
  updated: number;
}

type EntryKind = 'domain' | 'email';

/** What one import writes and who it says did it. */
export interface EntryWrite {
  clientId: string;
  /** The import's change log: every entry written is logged for undo. */
  log: ImportChangeLog;
  actor: string;
  now: Date;
  /** Rows gave further domains (domain_entries): only then is the domain step more than the customers' own. */
  furtherDomains?: boolean;
}

/** Both kinds of entries of the customers this import touched. */
export async function upsertEntries(tx: Orm, o: EntryWrite): Promise<EntryCounts> {
  // A pass over the import: most clients have no expiring entry for it to find.
  const expiring = await hasExpiringEntries(tx, o);
  const counts: EntryCounts = { added: 0, updated: 0 };
  for (const kind of ['domain', 'email'] as const) {
    const targets = kind === 'domain' && o.furtherDomains ? ENTRY_TARGETS.furtherDomains : ENTRY_TARGETS[kind];
    const cleared = expiring ? await clearActiveExpiries(tx, kind, targets, o) : 0;
    const [written] = await rowsOf<{ added: number; updated: number }>(tx, upsertStatement(kind, targets, o));
    counts.added += written?.added ?? 0;
    counts.updated += (written?.updated ?? 0) + cleared;
  }
  return counts;
}

function hasExpiringEntries(tx: Orm, o: EntryWrite): Promise<boolean> {
  return hasRow(tx, sl, and(eq(sl.clientId, o.clientId), gt(sl.expiresAt, o.now)));
}

const key = bare(cc.naturalKey);

// The entries of this import's customers, one per target. By domain: each customer with a company
// domain, and (furtherDomains) every further domain of its rows (Insightly's `Email Domains`; a
// customer's own company domain stays that customer's). By email: every contact address its
// domain entry does not cover (webmail, another company's domain) of every email column, and the
// addresses of a customer without a domain; an address on rows of several customers goes to the
// first row's.
const OWN_DOMAINS = sql`select id, ${bare(cc.companyName)}, ${bare(cc.status)}, substr(${key}, 3) as target from ${touched} where ${key} like 'd:%'`;
const ENTRY_TARGETS: Record<EntryKind | 'furtherDomains', SQL> = {
  domain: OWN_DOMAINS,
  furtherDomains: sql`select distinct on (target) id, ${bare(cc.companyName)}, ${bare(cc.status)}, target from (
                select id, ${bare(cc.companyName)}, ${bare(cc.status)}, substr(${key}, 3) as target, 0 as further, 0 as line from ${touched} where ${key} like 'd:%'
                union all
                select c.id, ${aliased('c', cc.companyName)}, ${aliased('c', cc.status)}, d.target, 1, ${aliased('r', staged.line)}
                  from ${staged} r cross join lateral unnest(string_to_array(${aliased('r', staged.domainEntries)}, ${LIST_SEPARATOR})) as d(target)
                  join ${touched} c on c.${key} = r.${key}
                 where ${aliased('r', staged.domainEntries)} is not null) t
              order by target, further, line`,
  email: sql`select distinct on (e.target) c.id, ${aliased('c', cc.companyName)}, ${aliased('c', cc.status)}, e.target
               from ${staged} r cross join lateral unnest(string_to_array(${aliased('r', staged.emailEntries)}, ${LIST_SEPARATOR})) as e(target)
               join ${touched} c on c.${key} = r.${key}
              where ${aliased('r', staged.emailEntries)} is not null order by e.target, ${aliased('r', staged.line)}`,
};

const REASON_OF_STATUS = sql`case ${bare(cc.status)} when 'churned' then 'past_customer' when 'partner' then 'partner' when 'competitor' then 'competitor' else 'existing_customer' end`;

const EVENT_COLUMNS = columnList([se.clientId, se.target, se.kind, se.action, se.reasonBefore, se.reasonAfter, se.expiresAt, se.notes, se.actor, se.source, se.at]);

/**
 * An active customer's entry never expires (SPEC §7): a live expiry on the entry of one is
 * cleared, its reason kept, and audited. (An expired entry is taken over by the upsert.)
 */
async function clearActiveExpiries(tx: Orm, kind: EntryKind, targets: SQL, o: EntryWrite): Promise<number> {
  const now = sql`${o.now.toISOString()}::timestamptz`;
  const [row] = await rowsOf<{ cleared: number }>(
    tx,
    sql`
      with cust as (${targets}),
      cleared as (
        update ${sl} s set ${bare(sl.expiresAt)} = null, ${bare(sl.updatedAt)} = ${now}
          from cust
         where ${aliased('s', sl.clientId)} = ${o.clientId} and ${aliased('s', sl[kind])} = cust.target and cust.${bare(cc.status)} = 'active'
           and ${aliased('s', sl.expiresAt)} is not null and ${aliased('s', sl.expiresAt)} > ${now}
        returning ${aliased('s', sl[kind])} as value, ${aliased('s', sl.reason)} as reason, ${loggedColumns('s', sql`false`)}),
      logged as (${logWrites(o.log, sl, sql.raw('cleared'))}),
      events as (
        insert into ${se} (${EVENT_COLUMNS})
        select ${o.clientId}, value, ${kind}, 'update', reason, reason, null, 'expiry cleared: an active customer never expires', ${o.actor}, 'import', ${now}
          from cleared
        returning 1)
      select count(*)::int as cleared from events`,
  );
  return row?.cleared ?? 0;
}

/**
 * Each customer's entries (see ENTRY_TARGETS), and an event for each one added or whose reason
 * changed. A manual entry keeps its reason, unless it has expired: then the import takes it over,
 * because a customer must stay suppressed.
 */
function upsertStatement(kind: EntryKind, targets: SQL, o: EntryWrite): SQL {
  const now = sql`${o.now.toISOString()}::timestamptz`;
  const s = (column: AnyPgColumn) => aliased('s', column);
  const excluded = (column: AnyPgColumn) => aliased('excluded', column);
  const takeOver = sql`(${s(sl.source)} = 'import' or (${s(sl.expiresAt)} is not null and ${s(sl.expiresAt)} <= ${now}))`;
  return sql`
    with cust as (
      select id, ${bare(cc.companyName)}, target, ${REASON_OF_STATUS} as reason from (${targets}) t),
    before as (
      select ${s(sl[kind])} as value, ${s(sl.reason)} as reason from ${sl} s
       where ${s(sl.clientId)} = ${o.clientId} and ${s(sl[kind])} in (select target from cust)),
    up as (
      insert into ${sl} as s (${columnList([sl.clientId, sl[kind], sl.companyName, sl.reason, sl.source, sl.customerId, sl.expiresAt, sl.createdBy, sl.createdAt, sl.updatedAt])})
      select ${o.clientId}, cust.target, cust.${bare(cc.companyName)}, cust.reason, 'import', cust.id, ${expiryOrDefault('d', sql`null::timestamptz`, now)}, ${o.actor}, ${now}, ${now}
        from cust ${defaultExpiryJoin('d', o.clientId, sql`cust.reason`)}
      on conflict (${columnList([sl.clientId, sl[kind]])}) do update set
        ${bare(sl.reason)} = case when ${takeOver} then ${excluded(sl.reason)} else ${s(sl.reason)} end,
        ${bare(sl.source)} = case when ${takeOver} then 'import' else ${s(sl.source)} end,
        ${bare(sl.expiresAt)} = case when ${takeOver} then null else ${s(sl.expiresAt)} end,
        ${bare(sl.customerId)} = ${excluded(sl.customerId)},
        ${bare(sl.companyName)} = coalesce(${s(sl.companyName)}, ${excluded(sl.companyName)}),
        ${bare(sl.updatedAt)} = ${excluded(sl.updatedAt)}
      where (${takeOver} and (${s(sl.reason)}, ${s(sl.source)}) is distinct from (${excluded(sl.reason)}, 'import'))
         or (${takeOver} and ${s(sl.expiresAt)} is not null)
         or ${s(sl.customerId)} is distinct from ${excluded(sl.customerId)}
      returning ${s(sl[kind])} as value, ${s(sl.reason)} as reason, ${loggedColumns('s', sql`(xmax = 0)`)}),
    logged as (${logWrites(o.log, sl, sql.raw('up'))}),
    events as (
      insert into ${se} (${EVENT_COLUMNS})
      select ${o.clientId}, u.value, ${kind}, case when b.value is null then 'add' else 'update' end, b.reason, u.reason, null, null, ${o.actor}, 'import', ${now}
        from up u left join before b on b.value = u.value
       where b.value is null or b.reason is distinct from u.reason
      returning ${bare(se.action)} as action)
    select count(*) filter (where action = 'add')::int as added, count(*) filter (where action = 'update')::int as updated from events`;
}
