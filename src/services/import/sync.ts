// What an import changes against what is stored (new, changed with which fields, unchanged) and,
// with sync, the client's customers of the same source that the file no longer holds: churned
// (past_customer), never deleted. Runs inside the import's transaction after its upserts: the diff
// is read from the import's change log, and the churn logs itself there, so an undo puts it back too.
import { getTableName, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { rowsOf, type Orm } from '../../db/database.js';
import { clientCustomers as cc, clientExpiryDefaults as ed, importRunChanges as changes, suppressionEvents as se, suppressionList as sl } from '../../db/schema.js';
import { aliased, arrayParam, bare, columnList } from '../../db/sql.js';
import { AosError } from '../../errors.js';
import { BuyerSignalService } from '../buyer-signal-service.js';
import { importDiff, mergedCustomers as MERGED_CUSTOMERS } from './scratch-tables.js';
import { loggedColumns, logWrites } from './change-log-writes.js';

export interface ImportDiff {
  new: number;
  changed: number;
  unchanged: number;
  /** Field → how many stored customers the file changes it for. */
  changed_fields: Record<string, number>;
  /** The first changed customers, with the fields that changed. */
  changes: Array<{ customer: string; fields: string[] }>;
  sync: boolean;
  /** With sync: active customers of this source missing from the file, churned by the import. */
  churned: number;
  churned_customers: string[];
  /** With sync: the churned customers' entries moved to past_customer (suppressions_updated counts them too). */
  churned_entries: number;
  /** The client's customers before the import. */
  customers_before: number;
  /** The customers of the synced source before the import: what a sync replaces. */
  source_customers_before: number;
  /** More than half of the source's customers churned: needs a second confirmation or allowMassChurn. */
  mass_churn: boolean;
}

export interface SyncOptions {
  clientId: string;
  clientSlug: string;
  sourceName: string;
  fileName: string;
  changeSet: string;
  /** The import's timestamp (ISO). */
  now: string;
  actor: string;
  sync: boolean;
  dryRun: boolean;
  /** Churning more than half was agreed before the import (a flag, or the interactive question). */
  allowMassChurn: boolean;
}

const LISTED = 20;
// Bookkeeping columns, not fields ops changed.
const IGNORED = [cc.id, cc.clientId, cc.createdAt, cc.updatedAt, cc.importedAt, cc.naturalKey].map((c) => c.name);
const DIFF = importDiff;

/** The diff against what was stored and, with sync, the churn; refuses a mass churn not agreed beforehand. */
export async function diffAndSync(tx: Orm, o: SyncOptions): Promise<ImportDiff> {
  const stored = await diffAgainstStored(tx, o);
  const { churned, moved } = o.sync ? await churnMissing(tx, o) : { churned: [], moved: 0 };
  const diff: ImportDiff = {
    new: stored.new,
    changed: stored.changed,
    unchanged: stored.unchanged,
    changed_fields: stored.changed_fields,
    changes: stored.changes,
    sync: o.sync,
    churned: churned.length,
    churned_customers: churned.slice(0, LISTED).map((c) => c.company_name),
    churned_entries: moved,
    customers_before: stored.customers_before,
    source_customers_before: stored.source_customers_before,
    // Against the source's own customers: other sources' are never churned, so counting them
    // let a header-only file churn all of one source unasked.
    mass_churn: churned.length > 0 && churned.length * 2 > stored.source_customers_before,
  };
  if (diff.mass_churn && !o.dryRun && !o.allowMassChurn) throw massChurnRefused(diff, o);
  return diff;
}

/**
 * A customer's source is the sync's source whatever its case: people type `--source hubspot` for
 * the customers an earlier import stored as `HubSpot`, and an exact match found none of them, so
 * the sync churned nothing and said "0 of 0". Sources differing only in case are one source (the
 * stored spelling is the import's own name for it), so no other source's customer is churned.
 */
const sameSource = (column: SQL | AnyPgColumn, name: string): SQL => sql`lower(${column}) = lower(${name})`;

type StoredDiff = Pick<ImportDiff, 'new' | 'changed' | 'unchanged' | 'changed_fields' | 'changes' | 'customers_before' | 'source_customers_before'>;

/**
 * The changed customers' before images (from the change log) against their rows now: which
 * fields moved. Only the log's update statements are read: the inserted customers are counted,
 * not unnested.
 */
async function diffAgainstStored(tx: Orm, o: SyncOptions): Promise<StoredDiff> {
  const logged = sql`${changes.clientId} = ${o.clientId} and ${changes.changeSet} = ${o.changeSet} and ${changes.tableName} = ${getTableName(cc)}`;
  await tx.execute(sql`
    create temp table ${DIFF} on commit drop as
    select distinct on (${aliased('c', cc.id)}) ${aliased('c', cc.companyName)},
           array(select b.key from jsonb_each(i.img) b where b.key <> all(${arrayParam(IGNORED, 'text')}) and b.value is distinct from (to_jsonb(c) -> b.key) order by b.key) as fields
      from ${changes}
     cross join lateral jsonb_array_elements(${changes.befores}) as i(img)
      join ${cc} c on ${aliased('c', cc.clientId)} = ${o.clientId} and ${aliased('c', cc.id)} = (i.img ->> ${cc.id.name})::uuid
     where ${logged} and ${changes.befores} is not null and ${changes.afterHashes} is not null
     -- A customer two statements updated (a stored name-only customer re-keyed, then upserted)
     -- is one changed customer, compared from its first image: counted twice, unchanged went negative.
     order by ${aliased('c', cc.id)}, ${changes.seq}`);
  const [counts] = await rowsOf<{ new: number; changed: number; total: number; source_total: number; merged: number }>(
    tx,
    sql`select (select coalesce(sum(cardinality(${changes.rowIds})), 0)::int from ${changes} where ${logged} and ${changes.befores} is null) as new,
               (select count(*)::int from ${DIFF}) as changed,
               (select count(*)::int from ${cc} where ${cc.clientId} = ${o.clientId}) as total,
               (select count(*)::int from ${cc} where ${cc.clientId} = ${o.clientId} and ${sameSource(cc.source, o.sourceName)}) as source_total,
               (select count(*)::int from ${MERGED_CUSTOMERS}) as merged`,
  );
  const fields = await rowsOf<{ field: string; n: number }>(tx, sql`select f as field, count(*)::int as n from ${DIFF}, unnest(fields) f group by f order by f`);
  const listed = await rowsOf<{ customer: string; fields: string[] }>(
    tx,
    sql`select ${bare(cc.companyName)} as customer, fields from ${DIFF} order by ${bare(cc.companyName)} limit ${LISTED}`,
  );
  const inserted = counts?.new ?? 0;
  const changed = counts?.changed ?? 0;
  return {
    new: inserted,
    changed,
    unchanged: (counts?.merged ?? 0) - inserted - changed,
    changed_fields: Object.fromEntries(fields.map((r) => [r.field, r.n])),
    changes: listed,
    customers_before: (counts?.total ?? 0) - inserted,
    source_customers_before: (counts?.source_total ?? 0) - inserted,
  };
}

/**
 * The client's active customers of this source that the file no longer holds: churned, never
 * deleted; the customer stays, its entries move to past_customer, and their signals are refreshed.
 */
async function churnMissing(tx: Orm, o: SyncOptions): Promise<{ churned: Array<{ company_name: string; domain: string | null }>; moved: number }> {
  const now = sql`${o.now}::timestamptz`;
  const c = (column: AnyPgColumn) => aliased('c', column);
  const s = (column: AnyPgColumn) => aliased('s', column);
  const log = { clientId: o.clientId, changeSet: o.changeSet };
  // What the churn writes, column by column: the same lists name the only columns its log keeps
  // of each row's before-image (a compact image; the churn is the import's last write).
  const churn: Assignments = [
    [cc.status, sql`'churned'`],
    [cc.churnedAt, sql`coalesce(${c(cc.churnedAt)}, (${now} at time zone 'UTC')::date)`],
    [cc.updatedAt, now],
  ];
  const move: Assignments = [
    [sl.reason, sql`'past_customer'`],
    [sl.updatedAt, now],
    // A churned customer's entries become past_customer entries like any new one: the client's
    // default expiry for that reason applies (none without a default).
    [sl.expiresAt, sql`coalesce(${s(sl.expiresAt)}, ${now} + (select ${ed.periodInterval} from ${ed} where ${ed.clientId} = ${o.clientId} and ${ed.reason} = 'past_customer'))`],
  ];
  const churned = await withoutNestedLoops(tx, () => rowsOf<{ company_name: string; domain: string | null; moved: number }>(
    tx,
    sql`
      with gone as (
        update ${cc} c set ${setList(churn)}
         where ${c(cc.clientId)} = ${o.clientId} and ${sameSource(c(cc.source), o.sourceName)} and ${c(cc.status)} = 'active'
           and not exists (select 1 from ${MERGED_CUSTOMERS} m where m.${bare(cc.naturalKey)} = ${c(cc.naturalKey)})
         returning ${c(cc.companyName)} as company_name, ${c(cc.domain)} as domain, ${loggedColumns('c', sql`false`)}),
      gone_logged as (${logWrites(log, cc, sql.raw('gone'), churn.map(([column]) => column))}),
      moved as (
        update ${sl} s set ${setList(move)}
          from gone g where ${s(sl.clientId)} = ${o.clientId} and ${s(sl.customerId)} = g.id and ${s(sl.source)} = 'import' and ${s(sl.reason)} = 'existing_customer'
         returning coalesce(${s(sl.domain)}, ${s(sl.email)}) as target, case when ${s(sl.domain)} is not null then 'domain' else 'email' end as kind, ${s(sl.expiresAt)} as expires_at,
                   ${loggedColumns('s', sql`false`)}),
      moved_logged as (${logWrites(log, sl, sql.raw('moved'), move.map(([column]) => column))}),
      events as (
        insert into ${se} (${columnList([se.clientId, se.target, se.kind, se.action, se.reasonBefore, se.reasonAfter, se.expiresAt, se.notes, se.actor, se.source, se.at])})
        select ${o.clientId}, target, kind, 'update', 'existing_customer', 'past_customer', expires_at, ${`--sync: missing from ${o.fileName}`}, ${o.actor}, 'import', ${now} from moved)
      select company_name, domain, (select count(*) from moved)::int as moved from gone order by company_name`,
  ));
  const domains = [...new Set(churned.map((r) => r.domain).filter((d): d is string => d !== null))];
  if (domains.length > 0) await BuyerSignalService.refresh(tx, { domains });
  return { churned, moved: churned[0]?.moved ?? 0 };
}

/** An UPDATE's SET list as column/value pairs, so the columns it writes can be named elsewhere. */
type Assignments = Array<[AnyPgColumn, SQL]>;

function setList(assignments: Assignments): SQL {
  return sql.join(assignments.map(([column, value]) => sql`${bare(column)} = ${value}`), sql`, `);
}

/**
 * Runs one statement with hash joins only. Inside the import's transaction the planner sees the
 * client's rows as the statistics from before it (a first import: a handful) and the merged file
 * as an unanalyzed temp table, so it nested-looped the churn: 5k churned compared 37M pairs of
 * customers and 50M of entries (35 s; 50k never finished). Restored after, for the statements
 * that rightly probe an index per row.
 */
async function withoutNestedLoops<T>(tx: Orm, run: () => Promise<T>): Promise<T> {
  const [was] = await rowsOf<{ setting: string }>(tx, sql`select current_setting('enable_nestloop') as setting`);
  await tx.execute(sql`select set_config('enable_nestloop', 'off', true)`);
  const result = await run();
  await tx.execute(sql`select set_config('enable_nestloop', ${was?.setting ?? 'on'}, true)`);
  return result;
}

function massChurnRefused(diff: ImportDiff, o: SyncOptions): AosError {
  return new AosError(
    'input',
    `{sync} would churn ${diff.churned} of the ${diff.source_customers_before} customers of ${o.clientSlug} from source ${o.sourceName}, more than half: nothing written`,
    `is ${o.fileName} the complete export of source ${o.sourceName}? pass {allowMassChurn} to churn them anyway (a {dryRun} lists them)`,
  );
}
