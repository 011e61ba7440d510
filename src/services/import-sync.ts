// What an import changes against what is stored (new, changed with which fields, unchanged) and,
// with --sync, the client's customers of the same source that the file no longer holds: churned
// (past_customer), never deleted. Runs inside the import's transaction after its upserts, while
// the change log is on, so the diff is read from the log and an undo puts the churn back too.
import type { Orm, Queryable } from '../db/database.js';
import { AosError } from '../errors.js';
import { BuyerSignalService } from './buyer-signal-service.js';

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
  /** The client's customers before the import. */
  customers_before: number;
  /** More than half of them churned: needs a second confirmation or --yes --force. */
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
  /** --yes --force: churning more than half needs no question. */
  allowMassChurn: boolean;
  /** Interactive: asked when more than half would churn; false cancels the import. */
  confirmMassChurn?: ((diff: ImportDiff) => Promise<boolean>) | undefined;
}

const LISTED = 20;
// Bookkeeping columns, not fields ops changed.
const IGNORED = `('id', 'client_id', 'created_at', 'updated_at', 'imported_at', 'natural_key')`;

export async function diffAndSync(tx: Queryable, orm: Orm, o: SyncOptions): Promise<ImportDiff> {
  // The changed customers' before images against their rows now: which fields moved. Only the
  // log's update statements are read: the inserted customers are counted, not unnested.
  await tx.query(
    `create temp table aos_import_diff on commit drop as
     select c.company_name,
            array(select b.key from jsonb_each(i.img) b where b.key not in ${IGNORED} and b.value is distinct from (to_jsonb(c) -> b.key) order by b.key) as fields
       from import_run_changes ch
      cross join lateral jsonb_array_elements(ch.befores) as i(img)
       join client_customers c on c.id = (i.img ->> 'id')::uuid
      where ch.change_set = $1 and ch.table_name = 'client_customers' and ch.befores is not null and ch.after_hashes is not null`,
    [o.changeSet],
  );
  const [counts] = await tx.query<{ new: number; changed: number; total: number; merged: number }>(
    `select (select coalesce(sum(cardinality(row_ids)), 0)::int from import_run_changes
              where change_set = $2 and table_name = 'client_customers' and befores is null) as new,
            (select count(*)::int from aos_import_diff) as changed,
            (select count(*)::int from client_customers where client_id = $1) as total,
            (select count(*)::int from aos_import_merged) as merged`,
    [o.clientId, o.changeSet],
  );
  const fieldRows = await tx.query<{ field: string; n: number }>(`select f as field, count(*)::int as n from aos_import_diff, unnest(fields) f group by f order by f`);
  const changes = await tx.query<{ customer: string; fields: string[] }>(`select company_name as customer, fields from aos_import_diff order by company_name limit ${LISTED}`);
  const inserted = counts?.new ?? 0;
  const changed = counts?.changed ?? 0;
  const customersBefore = (counts?.total ?? 0) - inserted;

  let churned: Array<{ company_name: string; domain: string | null }> = [];
  if (o.sync) {
    // Churned, never deleted: the customer stays, its entries move to past_customer.
    churned = await tx.query<{ company_name: string; domain: string | null }>(
      `with gone as (
         update client_customers c set status = 'churned', churned_at = coalesce(c.churned_at, ($3::timestamptz at time zone 'UTC')::date), updated_at = $3::timestamptz
          where c.client_id = $1 and c.source = $2 and c.status = 'active'
            and not exists (select 1 from aos_import_merged m where m.natural_key = c.natural_key)
          returning c.id, c.company_name, c.domain),
       moved as (
         update suppression_list s set reason = 'past_customer', updated_at = $3::timestamptz
           from gone g where s.client_id = $1 and s.customer_id = g.id and s.source = 'import' and s.reason = 'existing_customer'
          returning coalesce(s.domain, s.email) as target, case when s.domain is not null then 'domain' else 'email' end as kind),
       events as (
         insert into suppression_events (client_id, target, kind, action, reason_before, reason_after, notes, actor, source, at)
         select $1, target, kind, 'update', 'existing_customer', 'past_customer', $4, $5, 'import', $3::timestamptz from moved)
       select company_name, domain from gone order by company_name`,
      [o.clientId, o.sourceName, o.now, `--sync: missing from ${o.fileName}`, o.actor],
    );
    const domains = [...new Set(churned.map((c) => c.domain).filter((d): d is string => d !== null))];
    if (domains.length > 0) await BuyerSignalService.refresh(orm, { domains });
  }

  const diff: ImportDiff = {
    new: inserted,
    changed,
    unchanged: (counts?.merged ?? 0) - inserted - changed,
    changed_fields: Object.fromEntries(fieldRows.map((r) => [r.field, r.n])),
    changes,
    sync: o.sync,
    churned: churned.length,
    churned_customers: churned.slice(0, LISTED).map((c) => c.company_name),
    customers_before: customersBefore,
    mass_churn: churned.length > 0 && churned.length * 2 > customersBefore,
  };
  if (diff.mass_churn && !o.dryRun && !o.allowMassChurn) {
    const what = `--sync would churn ${diff.churned} of the ${diff.customers_before} customers of ${o.clientSlug} (source ${o.sourceName}), more than half`;
    if (!o.confirmMassChurn) {
      throw new AosError('input', `${what}: nothing written`, `is ${o.fileName} the complete export of source ${o.sourceName}? pass --yes --force to churn them anyway (try --dry-run --json to see the list)`);
    }
    if (!(await o.confirmMassChurn(diff))) throw new AosError('interrupted', 'import cancelled: nothing was written');
  }
  return diff;
}
