// The statements of undoing an import run, from its row-change log (import_run_changes, written
// by the import's own statements; see change-log.ts). Each runs inside the undo's
// transaction and filters by the run's client, so on Citus each reaches that client's shard only.
// The rows it puts back are not new entries: they keep the expiry they had (no default expiry).
// The plan is a temp table (undoPlan, scratch-tables.ts) of the run's rows beside their images now.
import { getTableColumns, getTableName, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { rowsOf, type Orm } from '../../db/database.js';
import { clientCustomers, customerEvents, importRunChanges, importRunReads, importRuns, suppressionEvents, suppressionList } from '../../db/schema.js';
import { OPT_OUT_REASONS } from '../../db/schema-constants.js';
import { aliased, bare, columnList } from '../../db/sql.js';
import { sameHash } from './change-log-writes.js';
import { undoPlan } from './scratch-tables.js';

/** The run being undone, as the statements need it. */
export interface UndoTarget {
  id: string;
  client_id: string;
  change_set: string;
  file_name: string;
}

/** A row of the plan: a row the run wrote, its image before the run and its image now. */
export interface PlannedRow {
  table_name: string;
  row_id: string;
  /** Why a row the run wrote, unchanged since, is kept: a later run listed it, or its customer is kept. */
  kept_because: 'listed by a later run' | 'its customer is kept' | null;
  /** For a row the run inserted and something deleted since: its last image known elsewhere. */
  last_known: Record<string, unknown> | null;
  before: Record<string, unknown> | null;
  current: Record<string, unknown> | null;
  after_hash: string | null;
}

export interface UndoCounts {
  customers_removed: number;
  customers_restored: number;
  entries_removed: number;
  entries_restored: number;
}

const CUSTOMERS = getTableName(clientCustomers);
const ENTRIES = getTableName(suppressionList);
const ch = (column: AnyPgColumn) => aliased('ch', column);
/** A column of a row image (jsonb) as text: the image's keys are the table's column names. */
const field = (image: string, column: AnyPgColumn) => sql.raw(`${image}->>'${column.name}'`);
const optOutList = sql.raw(OPT_OUT_REASONS.map((r) => `'${r}'`).join(', '));
/** Plan rows the undo writes back: unchanged since the run, no opt-out kept, and something to do. */
const RESTORED = sql.raw(`clean and not opt_out_kept and not (before is null and current is null)`);

/**
 * Each log row's rows, its arrays zipped: id, hash after, image before (null for an insert). The
 * images are read by jsonb_array_elements, once a log row: `befores -> i` per row read the whole
 * (toasted) array again for each of its rows, which made undoing a 50k sync run for minutes.
 */
function loggedRows(withHashes: boolean): SQL {
  const hashes = withHashes ? sql`, unnest(${ch(importRunChanges.afterHashes)})` : sql``;
  const names = withHashes ? 'row_id, after_hash, before' : 'row_id, before';
  return sql`cross join lateral rows from (unnest(${ch(importRunChanges.rowIds)})${hashes}, jsonb_array_elements(${ch(importRunChanges.befores)})) as x(${sql.raw(names)})`;
}

/**
 * The rows a change set wrote, one per row: its image before the run (from the first statement
 * that wrote it; null when the run inserted it) and its hash after (from the last; null when the
 * run deleted it). The log holds one row per statement with aligned arrays (see schema.ts).
 */
export function rowChanges(clientId: string, changeSet: string): SQL {
  return sql`
    select distinct on (table_name, row_id) table_name, row_id,
           first_value(before) over w as before, last_value(after_hash) over w as after_hash
      from (select ${ch(importRunChanges.tableName)} as table_name, x.row_id, ${ch(importRunChanges.seq)} as seq, x.before, x.after_hash
              from ${importRunChanges} ch ${loggedRows(true)}
             where ${ch(importRunChanges.clientId)} = ${clientId} and ${ch(importRunChanges.changeSet)} = ${changeSet}) i
    window w as (partition by table_name, row_id order by seq rows between unbounded preceding and unbounded following)`;
}

/**
 * The run's changes beside each row's current image. `clean` says the row is still exactly what
 * the run left (the same hash its log took), so restoring it loses no later change. A logged
 * before-image may be compact (only the columns its statement changed, and the row's identity:
 * change-log-writes.ts): it is merged over the current image, which for a clean row is the row as
 * the run left it, so every reader of the plan sees the whole row as it was. A whole image merges
 * to itself, so logs of either kind (a database upgraded mid-history holds both) undo alike.
 */
export async function planUndo(tx: Orm, run: UndoTarget): Promise<void> {
  const c = clientCustomers;
  const s = suppressionList;
  await tx.execute(sql`
    create temp table ${undoPlan} on commit drop as
    select ch.table_name, ch.row_id, coalesce(cur.image, '{}'::jsonb) || ch.before as before, ch.after_hash, cur.image as current,
           case when ch.after_hash is null then cur.image is null
                else cur.image is not null and ${sameHash(sql.raw('ch.after_hash'), sql.raw('cur.text'), sql.raw('cur.image'))} end as clean,
           false as opt_out_kept, null::text as kept_because, null::jsonb as last_known
      from (${rowChanges(run.client_id, run.change_set)}) ch
      left join lateral (
        select to_jsonb(c) as image, c::text as text from ${c} c
         where ch.table_name = ${CUSTOMERS} and ${aliased('c', c.clientId)} = ${run.client_id} and ${aliased('c', c.id)} = ch.row_id
        union all
        select to_jsonb(s), s::text from ${s} s
         where ch.table_name = ${ENTRIES} and ${aliased('s', s.clientId)} = ${run.client_id} and ${aliased('s', s.id)} = ch.row_id
      ) cur on true`);
}

/**
 * A later run that read a customer (listed it in its file, changed or not) still holds it as a
 * customer: the undo must not unsuppress it. Such customers, and then every entry of a customer
 * that is kept for any reason, leave the plan's clean rows (kept as they are now). Runs that
 * were undone since read nothing that still stands.
 */
export async function keepWhatLaterRunsRead(tx: Orm, run: UndoTarget): Promise<void> {
  const r = importRuns;
  const rd = importRunReads;
  await tx.execute(sql`
    update ${undoPlan} u set clean = false, kept_because = 'listed by a later run'
      from (select distinct k.natural_key
              from ${rd} join ${r} on ${r.clientId} = ${rd.clientId} and ${r.changeSet} = ${rd.changeSet}
             cross join lateral unnest(${rd.naturalKeys}) as k(natural_key)
             where ${rd.clientId} = ${run.client_id} and ${r.clientId} = ${run.client_id} and ${r.id} <> ${run.id} and ${r.status} <> 'undone'
               and ${r.finishedAt} > (select ${aliased('x', r.finishedAt)} from ${r} x where ${aliased('x', r.clientId)} = ${run.client_id} and ${aliased('x', r.id)} = ${run.id})) later
     where u.table_name = ${CUSTOMERS} and u.clean and u.current is not null
       and ${field('u.current', clientCustomers.naturalKey)} = later.natural_key`);
  // A customer kept keeps its entries: removing them would leave it suppressed by nothing.
  await tx.execute(sql`
    update ${undoPlan} e set clean = false, kept_because = 'its customer is kept'
      from ${undoPlan} c
     where e.table_name = ${ENTRIES} and e.clean and c.table_name = ${CUSTOMERS} and not c.clean and c.current is not null
       and ${field('coalesce(e.current, e.before)', suppressionList.customerId)} = c.row_id::text`);
}

/**
 * A row the run inserted and something deleted since has neither image in the plan: its name comes
 * from the statement that deleted it (a later import's log keeps the image it deleted) or, for a
 * customer removed by hand, from the removal's customer_events row. Only such rows are looked up,
 * set-based (a lookup per row read every other log whole for each).
 */
export async function nameVanishedRows(tx: Orm, run: UndoTarget): Promise<void> {
  const ce = customerEvents;
  const vanished = sql.raw('not u.clean and u.before is null and u.current is null');
  await tx.execute(sql`
    update ${undoPlan} u set last_known = l.before
      from (select distinct on (${ch(importRunChanges.tableName)}, x.row_id) ${ch(importRunChanges.tableName)} as table_name, x.row_id, x.before
              from ${importRunChanges} ch ${loggedRows(false)}
             where ${ch(importRunChanges.clientId)} = ${run.client_id} and ${ch(importRunChanges.changeSet)} <> ${run.change_set} and ${ch(importRunChanges.befores)} is not null
               and (${ch(importRunChanges.tableName)}, x.row_id) in (select table_name, row_id from ${undoPlan} u where ${vanished})
             order by ${ch(importRunChanges.tableName)}, x.row_id, ${ch(importRunChanges.seq)} desc) l
     where ${vanished} and l.table_name = u.table_name and l.row_id = u.row_id`);
  await tx.execute(sql`
    update ${undoPlan} u set last_known = e.before
      from (select distinct on (${ce.customerId}) ${ce.customerId} as customer_id, ${ce.before} as before from ${ce}
             where ${ce.clientId} = ${run.client_id} and ${ce.before} is not null
               and ${ce.customerId} in (select row_id from ${undoPlan} u where u.table_name = ${CUSTOMERS} and ${vanished} and u.last_known is null)
             order by ${ce.customerId}, ${ce.at} desc) e
     where ${vanished} and u.table_name = ${CUSTOMERS} and u.last_known is null and u.row_id = e.customer_id`);
  await nameEntriesRemovedByHand(tx, run);
}

/**
 * An entry the run inserted and someone removed by hand since has no image anywhere: the removal's
 * audit (suppression_events) names its target but not its id. Its name is read from the audit as
 * a set: the targets the run added (its 'add' events, stamped with the run's clock, which is the
 * created_at of every row it inserted: not import_runs' times, the database's clock), removed by
 * hand after that, and held by none of the run's rows still there. Paired with the unnamed rows in
 * order: each is an entry the run inserted and a manual removal deleted, so the names listed are
 * those entries' (which row has which name does not matter; neither is shown). A run none of whose
 * inserted rows is left to date it keeps the ids.
 */
async function nameEntriesRemovedByHand(tx: Orm, run: UndoTarget): Promise<void> {
  const e = (alias: string, column: AnyPgColumn) => aliased(alias, column);
  const se = suppressionEvents;
  await tx.execute(sql`
    with unnamed as (
      select row_id, row_number() over (order by row_id) as n from ${undoPlan}
       where table_name = ${ENTRIES} and not clean and before is null and current is null and last_known is null),
    run_clock as (
      select min((coalesce(current, last_known)->>'created_at')::timestamptz) as at from ${undoPlan}
       where before is null and coalesce(current, last_known)->>'created_at' is not null and exists (select 1 from unnamed)),
    held as (
      select v.target from ${undoPlan} p
       cross join lateral (values (p.current->>'domain'), (p.current->>'email'), (p.before->>'domain'), (p.before->>'email')) v(target)
       where p.table_name = ${ENTRIES} and v.target is not null and exists (select 1 from unnamed)),
    removed as (
      select target, kind, row_number() over (order by target) as n from (
        select distinct ${e('a', se.target)} as target, ${e('a', se.kind)} as kind from ${se} a, run_clock r
         where ${e('a', se.clientId)} = ${run.client_id} and ${e('a', se.source)} = 'import' and ${e('a', se.action)} = 'add' and ${e('a', se.at)} = r.at
           and exists (select 1 from ${se} m where ${e('m', se.clientId)} = ${run.client_id} and ${e('m', se.target)} = ${e('a', se.target)}
                          and ${e('m', se.source)} = 'manual' and ${e('m', se.action)} = 'remove' and ${e('m', se.at)} >= ${e('a', se.at)})
           and not exists (select 1 from held h where h.target = ${e('a', se.target)})) t)
    update ${undoPlan} u set last_known = jsonb_build_object(removed.kind, removed.target)
      from unnamed, removed
     where unnamed.n = removed.n and u.table_name = ${ENTRIES} and u.row_id = unnamed.row_id`);
}

/** Rows of the run that a later run or a manual change touched since, or that stay for them. */
export function touchedSince(tx: Orm): Promise<PlannedRow[]> {
  return rowsOf<PlannedRow>(tx, sql`select table_name, row_id, kept_because, last_known, before, current, after_hash from ${undoPlan} where not clean
    order by table_name, coalesce(current->>'domain', before->>'domain', current->>'email', before->>'email', current->>'company_name', before->>'company_name'), row_id`);
}

/**
 * An opt-out now in place is never removed or weakened by an undo: not replaced by a non-opt-out
 * reason, not given an expiry it does not have or an earlier one. Returns the opt-outs kept.
 */
export async function keepOptOuts(tx: Orm): Promise<Array<Record<string, unknown>>> {
  const reason = (image: string) => field(image, suppressionList.reason);
  const expires = (image: string) => field(image, suppressionList.expiresAt);
  await tx.execute(sql`
    update ${undoPlan} set opt_out_kept = true
     where table_name = ${ENTRIES} and clean and current is not null
       and ${reason('current')} in (${optOutList})
       and (before is null
            or ${reason('before')} not in (${optOutList})
            or (${expires('before')} is not null
                and (${expires('current')} is null or (${expires('before')})::timestamptz < (${expires('current')})::timestamptz)))`);
  const kept = await rowsOf<{ current: Record<string, unknown> }>(tx, sql`select current from ${undoPlan} where opt_out_kept`);
  return kept.map((r) => r.current);
}

/** The customers' domains before and now: their signals are recomputed after the undo. */
export async function domainsTouched(tx: Orm): Promise<string[]> {
  const domain = (image: string) => field(image, clientCustomers.domain);
  const [row] = await rowsOf<{ domains: string[] | null }>(
    tx,
    sql`select array_agg(distinct d) as domains from (
          select ${domain('before')} as d from ${undoPlan} where table_name = ${CUSTOMERS} and clean
          union select ${domain('current')} from ${undoPlan} where table_name = ${CUSTOMERS} and clean) x where d is not null`,
  );
  return row?.domains ?? [];
}

export async function undoCounts(tx: Orm): Promise<UndoCounts> {
  const [counts] = await rowsOf<UndoCounts>(
    tx,
    sql`select count(*) filter (where table_name = ${CUSTOMERS} and before is null and current is not null)::int as customers_removed,
               count(*) filter (where table_name = ${CUSTOMERS} and before is not null)::int as customers_restored,
               count(*) filter (where table_name = ${ENTRIES} and before is null and current is not null)::int as entries_removed,
               count(*) filter (where table_name = ${ENTRIES} and before is not null)::int as entries_restored
          from ${undoPlan} where ${RESTORED}`,
  );
  return counts ?? { customers_removed: 0, customers_restored: 0, entries_removed: 0, entries_restored: 0 };
}

/** The audit first, from the plan: what each row was (current) and becomes (before). */
export async function auditUndo(tx: Orm, run: UndoTarget, actor: string, now: string): Promise<void> {
  const e = suppressionEvents;
  const s = suppressionList;
  const action = sql.raw(`case when before is null then 'remove' when current is null then 'add' else 'update' end`);
  await tx.execute(sql`
    insert into ${e} (${columnList([e.clientId, e.target, e.kind, e.action, e.reasonBefore, e.reasonAfter, e.expiresAt, e.notes, e.actor, e.source, e.at])})
    select ${run.client_id}, coalesce(${field('i', s.domain)}, ${field('i', s.email)}),
           case when ${field('i', s.domain)} is not null then 'domain' else 'email' end,
           ${action}, ${field('current', s.reason)}, ${field('before', s.reason)}, (${field('before', s.expiresAt)})::timestamptz,
           ${`undo of import run ${run.id} (${run.file_name})`}, ${actor}, 'undo', ${now}::timestamptz
      from (select *, coalesce(before, current) as i from ${undoPlan} where table_name = ${ENTRIES} and ${RESTORED}) u
     where before is distinct from current`);
  const ce = customerEvents;
  await tx.execute(sql`
    insert into ${ce} (${columnList([ce.clientId, ce.customerId, ce.naturalKey, ce.action, ce.before, ce.importRunId, ce.actor, ce.source, ce.at])})
    select ${run.client_id}, row_id, coalesce(before, current)->>${sql.raw(`'${clientCustomers.naturalKey.name}'`)},
           ${action}, current, ${run.id}, ${actor}, 'undo', ${now}::timestamptz
      from ${undoPlan} where table_name = ${CUSTOMERS} and clean and not (before is null and current is null)`);
}

/** An entry the undo settled for its customer, active again: its target and reason now. */
export interface SettledEntry {
  target: string;
  reason: string;
}

/**
 * A customer the undo makes active again (its active before-image restored) may keep entries that
 * were changed since the run (by hand, or by a later run) and that a forced undo leaves as they are
 * now: the sync's `past_customer`, an expiry given by hand. An active customer's entry never
 * expires (SPEC §7), or once it lapsed a current customer would read as allowed. So each such kept
 * entry is settled as the import settles an active customer's: no expiry; the active reason where
 * the import would take the entry over (its own, or expired) or where it still says past_customer
 * (the churn being undone); a reason set by hand otherwise kept. An opt-out is never touched
 * (SPEC §5). The entries the undo puts back are as they were before the run and stay so (an undo
 * restores exactly). Each change audited as the undo; the old row read through a self-join.
 */
export async function settleRevivedEntries(tx: Orm, run: UndoTarget, actor: string, now: string): Promise<SettledEntry[]> {
  const s = suppressionList;
  const e = suppressionEvents;
  const at = sql`${now}::timestamptz`;
  const was = (column: AnyPgColumn) => aliased('o', column);
  const takeOver = sql`(${was(s.source)} = 'import' or ${was(s.reason)} = 'past_customer' or ${was(s.expiresAt)} <= ${at})`;
  return rowsOf<SettledEntry>(
    tx,
    sql`
    with revived as (
      select row_id from ${undoPlan}
       where table_name = ${CUSTOMERS} and clean and before is not null and ${field('before', clientCustomers.status)} = 'active'),
    settled as (
      update ${s} t set ${bare(s.expiresAt)} = null, ${bare(s.updatedAt)} = ${at},
             ${bare(s.reason)} = case when ${takeOver} then 'existing_customer' else ${was(s.reason)} end
        from ${s} o, revived r
       where ${aliased('t', s.clientId)} = ${run.client_id} and ${was(s.clientId)} = ${run.client_id} and ${was(s.id)} = ${aliased('t', s.id)}
         and ${was(s.customerId)} = r.row_id and ${was(s.reason)} not in (${optOutList})
         and exists (select 1 from ${undoPlan} k where k.table_name = ${ENTRIES} and not k.clean and k.row_id = ${was(s.id)})
         and (${was(s.expiresAt)} is not null or (${takeOver} and ${was(s.reason)} <> 'existing_customer'))
      returning ${was(s.domain)} as domain, ${was(s.email)} as email, ${was(s.reason)} as reason_before, ${aliased('t', s.reason)} as reason),
    events as (
      insert into ${e} (${columnList([e.clientId, e.target, e.kind, e.action, e.reasonBefore, e.reasonAfter, e.expiresAt, e.notes, e.actor, e.source, e.at])})
      select ${run.client_id}, coalesce(domain, email), case when domain is not null then 'domain' else 'email' end, 'update', reason_before, reason, null,
             ${`undo of import run ${run.id} (${run.file_name}): its customer is active again, and an active customer's entry never expires`}, ${actor}, 'undo', ${at}
        from settled
      returning 1)
    select coalesce(domain, email) as target, reason from settled order by 1`,
  );
}

/** Rows go back to their before images: the current row out, the before image in (by id). */
export async function restoreRows(tx: Orm, run: UndoTarget): Promise<void> {
  for (const table of [clientCustomers, suppressionList]) await restoreTable(tx, table, run.client_id);
}

async function restoreTable(tx: Orm, table: typeof clientCustomers | typeof suppressionList, clientId: string): Promise<void> {
  const name = getTableName(table);
  await tx.execute(sql`
    delete from ${table} t using ${undoPlan} u
     where u.table_name = ${name} and u.clean and not u.opt_out_kept and u.current is not null
       and ${aliased('t', table.clientId)} = ${clientId} and ${aliased('t', table.id)} = u.row_id`);
  // The before image's own client_id is this client's; naming it as a parameter keeps the insert
  // on the client's shard on Citus (an INSERT … SELECT whose rows name no client fans out).
  const others = Object.values(getTableColumns(table)).filter((c) => c.name !== table.clientId.name);
  await tx.execute(sql`
    insert into ${table} (${columnList([table.clientId, ...others])})
    select ${clientId}, ${sql.join(others.map((c) => aliased('b', c)), sql`, `)}
      from ${undoPlan} u cross join lateral jsonb_populate_record(null::${table}, u.before) b
     where u.table_name = ${name} and u.clean and not u.opt_out_kept and u.before is not null`);
}
