// ImportRunService: the import runs of a client, and undoing one from its row-change log
// (import_run_changes, written by triggers while the import ran; see import-change-log.ts).
import { AuditedService, type ServiceOptions } from './service-base.js';
import type { Queryable } from '../db/database.js';
import { legacyQueryable } from '../db/database.js';
import { isoTimestamp } from '../db/database.js';
import { OPT_OUT_REASONS } from '../db/schema-constants.js';
import { AosError } from '../errors.js';
import { BuyerSignalService } from './buyer-signal-service.js';
import { ClientService } from './client-service.js';

export interface ImportRunView {
  id: string;
  client: string;
  file_name: string;
  sha256: string;
  rows: number | null;
  counts: Record<string, number>;
  mapping: Record<string, string>;
  actor: string;
  started_at: string | null;
  finished_at: string | null;
  status: string;
  undone_at: string | null;
  undone_by: string | null;
  /** False for runs imported before the change log existed: those cannot be undone. */
  undoable: boolean;
}

export interface ImportRunChangeCounts {
  customers_inserted: number;
  customers_updated: number;
  customers_deleted: number;
  entries_inserted: number;
  entries_updated: number;
  entries_deleted: number;
}

export interface ImportRunDetail extends ImportRunView {
  changes: ImportRunChangeCounts;
}

/** A row of the run that a later run or a manual change has touched since. */
export interface UndoConflict {
  table: 'customer' | 'entry';
  target: string;
  change: 'changed' | 'removed' | 'recreated';
}

export interface UndoResult {
  run: string;
  client: string;
  file_name: string;
  dry_run: boolean;
  forced: boolean;
  customers_removed: number;
  customers_restored: number;
  entries_removed: number;
  entries_restored: number;
  /** Rows left as they are now: touched after the run (only with force). */
  conflicts_kept: UndoConflict[];
  /** Opt-out entries left untouched: an undo never removes or weakens an opt-out. */
  opt_outs_kept: string[];
  signals_refreshed: number;
}

export type ImportRunServiceOptions = ServiceOptions;

const MAX_NAMED = 20;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ID_PREFIX = /^[0-9a-f]{6,}(-[0-9a-f-]*)?$/;

class DryRunRollback extends Error {
  constructor(readonly result: UndoResult) {
    super('dry run');
  }
}

const RUN_COLUMNS = `r.id, c.slug as client, r.file_name, r.sha256, r.counts, r.mapping, r.actor, r.started_at, r.finished_at,
  r.status, r.undone_at, r.undone_by, r.change_set`;

function jsonValue<T>(value: unknown): T {
  // Rows written before text-cast parameters held a JSON string inside the jsonb.
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

function runView(r: Record<string, unknown>): ImportRunView {
  const counts = jsonValue<Record<string, number>>(r.counts) ?? {};
  return {
    id: r.id as string,
    client: r.client as string,
    file_name: r.file_name as string,
    sha256: r.sha256 as string,
    rows: typeof counts.rows_read === 'number' ? counts.rows_read : null,
    counts,
    mapping: jsonValue<Record<string, string>>(r.mapping) ?? {},
    actor: r.actor as string,
    started_at: isoTimestamp(r.started_at),
    finished_at: isoTimestamp(r.finished_at),
    status: r.status as string,
    undone_at: isoTimestamp(r.undone_at),
    undone_by: (r.undone_by as string | null) ?? null,
    undoable: r.change_set !== null && r.change_set !== undefined,
  };
}

/**
 * The rows a change set wrote, one per row: its image before the run (from the first statement
 * that wrote it; null when the run inserted it) and its hash after (from the last; null when the
 * run deleted it). The log holds one row per statement with aligned arrays (see schema.ts).
 */
export const ROW_CHANGES_SQL = (param: string) => `
  select distinct on (table_name, row_id) table_name, row_id,
         first_value(before) over w as before, last_value(after_hash) over w as after_hash
    from (select ch.table_name, x.row_id, ch.seq, ch.befores -> (x.ord::int - 1) as before, x.after_hash
            from import_run_changes ch
            cross join lateral unnest(ch.row_ids, ch.after_hashes) with ordinality as x(row_id, after_hash, ord)
           where ch.change_set = ${param}) i
  window w as (partition by table_name, row_id order by seq rows between unbounded preceding and unbounded following)`;

// The run's changes beside each row's current image. `clean` says the row is still exactly what
// the run left (the same hash the trigger took), so restoring it loses no later change.
const UNDO_PLAN_SQL = `
  create temp table aos_undo on commit drop as
  select ch.table_name, ch.row_id, ch.before, ch.after_hash, cur.image as current,
         case when ch.after_hash is null then cur.image is null
              else cur.image is not null and md5(cur.image::text) = ch.after_hash end as clean,
         false as opt_out_kept
    from (${ROW_CHANGES_SQL('$1')}) ch
    left join lateral (
      select to_jsonb(c) as image from client_customers c where ch.table_name = 'client_customers' and c.id = ch.row_id
      union all
      select to_jsonb(s) from suppression_list s where ch.table_name = 'suppression_list' and s.id = ch.row_id
    ) cur on true
`;

const optOutList = OPT_OUT_REASONS.map((r) => `'${r}'`).join(', ');

// An opt-out now in place is never removed or weakened by an undo: not replaced by a non-opt-out
// reason, not given an expiry it does not have or an earlier one.
const MARK_OPT_OUTS_SQL = `
  update aos_undo set opt_out_kept = true
   where table_name = 'suppression_list' and clean and current is not null
     and current->>'reason' in (${optOutList})
     and (before is null
          or before->>'reason' not in (${optOutList})
          or (before->>'expires_at' is not null
              and (current->>'expires_at' is null or (before->>'expires_at')::timestamptz < (current->>'expires_at')::timestamptz)))`;

function targetOf(table: string, image: Record<string, unknown> | null): string {
  if (!image) return '?';
  if (table === 'client_customers') {
    const key = String(image.natural_key ?? '');
    return (image.domain as string | null) ?? (key.startsWith('e:') ? key.slice(2) : (image.company_name as string | null) ?? key);
  }
  return ((image.domain ?? image.email) as string | null) ?? '?';
}

export class ImportRunService extends AuditedService {
  async list(options: { client: string; limit?: number }): Promise<ImportRunView[]> {
    const client = await new ClientService(this.db).resolve(options.client);
    const rows = await this.db.query<Record<string, unknown>>(
      `select ${RUN_COLUMNS} from import_runs r join clients c on c.id = r.client_id
        where r.client_id = $1 order by r.finished_at desc, r.id limit $2`,
      [client.id, options.limit ?? 1000],
    );
    return rows.map(runView);
  }

  /** A run by its id or an unambiguous prefix of it (as `imports list` shows). */
  async resolve(ref: string, db: Queryable = this.db, lock = false): Promise<ImportRunView & { change_set: string | null; client_id: string }> {
    const key = ref.trim().toLowerCase();
    if (!UUID.test(key) && !ID_PREFIX.test(key)) {
      throw new AosError('usage', `invalid import run "${ref}": expected its id (or the first 8 characters of it)`, 'list runs with `aos imports list --client C`');
    }
    const rows = await db.query<Record<string, unknown>>(
      `select ${RUN_COLUMNS}, r.client_id from import_runs r join clients c on c.id = r.client_id
        where ${UUID.test(key) ? 'r.id = $1::uuid' : `r.id::text like $1 || '%'`} limit 11 ${lock ? 'for update of r' : ''}`,
      [key],
    );
    if (rows.length === 0) throw new AosError('input', `no import run ${ref}`, 'list runs with `aos imports list --client C`');
    if (rows.length > 1) {
      throw new AosError('input', `import run "${ref}" is ambiguous: ${rows.slice(0, 10).map((r) => r.id as string).join(', ')}`, 'give more characters of the id');
    }
    const row = rows[0] as Record<string, unknown>;
    return { ...runView(row), change_set: (row.change_set as string | null) ?? null, client_id: row.client_id as string };
  }

  async show(ref: string): Promise<ImportRunDetail> {
    const run = await this.resolve(ref);
    const [c] = await this.db.query<ImportRunChangeCounts>(
      `select count(*) filter (where table_name = 'client_customers' and before is null and after_hash is not null)::int as customers_inserted,
              count(*) filter (where table_name = 'client_customers' and before is not null and after_hash is not null)::int as customers_updated,
              count(*) filter (where table_name = 'client_customers' and before is not null and after_hash is null)::int as customers_deleted,
              count(*) filter (where table_name = 'suppression_list' and before is null and after_hash is not null)::int as entries_inserted,
              count(*) filter (where table_name = 'suppression_list' and before is not null and after_hash is not null)::int as entries_updated,
              count(*) filter (where table_name = 'suppression_list' and before is not null and after_hash is null)::int as entries_deleted
         from (${ROW_CHANGES_SQL('$1')}) ch`,
      [run.change_set],
    );
    const { change_set: _cs, client_id: _id, ...view } = run;
    return { ...view, changes: c as ImportRunChangeCounts };
  }

  /**
   * Puts every customer and entry the run inserted, updated or deleted back as it was before the
   * run, in one transaction, audited as an undo. Rows touched since (by a later run or by hand)
   * make it refuse, naming them; with force those rows are left as they are now and the rest is
   * undone. Opt-outs are never removed or weakened.
   */
  async undo(options: { run: string; dryRun?: boolean; force?: boolean }): Promise<UndoResult> {
    const now = this.now().toISOString();
    const force = Boolean(options.force);
    try {
      return await this.db.transaction(async (orm) => {
      const tx = legacyQueryable(orm);
        // The hash comparison renders timestamps as the logging trigger did: in UTC.
        await tx.query(`set local timezone to 'UTC'`);
        // The rows put back are not new entries: no default expiry for them (0007's trigger).
        await tx.query(`select set_config('aos.restoring', 'on', true)`);
        const run = await this.resolve(options.run, tx, true);
        // No import of this client runs while its run is undone (the import's own lock).
        await tx.query(`select pg_advisory_xact_lock(hashtext('aos:import:' || $1::text))`, [run.client_id]);
        if (run.status === 'undone' || run.status === 'partially_undone') {
          throw new AosError('input', `import run ${run.id} (${run.file_name}) was already undone at ${run.undone_at} by ${run.undone_by}`);
        }
        if (run.change_set === null) {
          throw new AosError('input', `import run ${run.id} (${run.file_name}) cannot be undone: it was imported before aos kept a change log`, 'remove its customers with `aos customers remove` instead');
        }
        await tx.query(UNDO_PLAN_SQL, [run.change_set]);
        const conflicts = (
          await tx.query<{ table_name: string; before: Record<string, unknown> | null; current: Record<string, unknown> | null; after_hash: string | null }>(
            `select table_name, before, current, after_hash from aos_undo where not clean order by table_name, row_id`,
          )
        ).map(
          (r): UndoConflict => ({
            table: r.table_name === 'client_customers' ? 'customer' : 'entry',
            target: targetOf(r.table_name, r.current ?? r.before),
            change: r.current === null ? 'removed' : r.after_hash === null ? 'recreated' : 'changed',
          }),
        );
        if (conflicts.length > 0 && !force) {
          const named = conflicts.slice(0, MAX_NAMED).map((c) => `${c.table} ${c.target} (${c.change})`).join(', ');
          const more = conflicts.length > MAX_NAMED ? ` and ${conflicts.length - MAX_NAMED} more` : '';
          throw new AosError(
            'input',
            `refusing to undo import run ${run.id} (${run.file_name}): ${conflicts.length} of its rows were changed since by a later import or by hand: ${named}${more}; nothing changed`,
            'undo the later runs first, or pass --force to undo this run\'s part only and keep those rows as they are now',
          );
        }
        await tx.query(MARK_OPT_OUTS_SQL);
        const optOuts = await tx.query<{ current: Record<string, unknown> }>(`select current from aos_undo where opt_out_kept`);

        // The customers' domains before and now: their signals are recomputed after.
        const [domains] = await tx.query<{ domains: string[] | null }>(
          `select array_agg(distinct d) as domains from (
             select before->>'domain' as d from aos_undo where table_name = 'client_customers' and clean
             union select current->>'domain' from aos_undo where table_name = 'client_customers' and clean) x where d is not null`,
        );

        const [counts] = await tx.query<Record<string, number>>(
          `select count(*) filter (where table_name = 'client_customers' and before is null and current is not null)::int as customers_removed,
                  count(*) filter (where table_name = 'client_customers' and before is not null)::int as customers_restored,
                  count(*) filter (where table_name = 'suppression_list' and before is null and current is not null)::int as entries_removed,
                  count(*) filter (where table_name = 'suppression_list' and before is not null)::int as entries_restored
             from aos_undo where clean and not opt_out_kept and not (before is null and current is null)`,
        );

        // The audit first, from the plan: what each row was (current) and becomes (before).
        await tx.query(
          `insert into suppression_events (client_id, target, kind, action, reason_before, reason_after, expires_at, notes, actor, source, at)
           select $1, coalesce(i->>'domain', i->>'email'), case when i->>'domain' is not null then 'domain' else 'email' end,
                  case when before is null then 'remove' when current is null then 'add' else 'update' end,
                  current->>'reason', before->>'reason', (before->>'expires_at')::timestamptz, $2, $3, 'undo', $4::timestamptz
             from (select *, coalesce(before, current) as i from aos_undo
                    where table_name = 'suppression_list' and clean and not opt_out_kept and not (before is null and current is null)) u
            where before is distinct from current`,
          [run.client_id, `undo of import run ${run.id} (${run.file_name})`, this.actor, now],
        );
        await tx.query(
          `insert into customer_events (client_id, customer_id, natural_key, action, before, import_run_id, actor, source, at)
           select $1, row_id, coalesce(before, current)->>'natural_key',
                  case when before is null then 'remove' when current is null then 'add' else 'update' end,
                  current, $2, $3, 'undo', $4::timestamptz
             from aos_undo where table_name = 'client_customers' and clean and not (before is null and current is null)`,
          [run.client_id, run.id, this.actor, now],
        );

        // Rows go back to their before images: the current row out, the before image in (by id).
        for (const table of ['client_customers', 'suppression_list']) {
          await tx.query(
            `delete from ${table} t using aos_undo u
              where u.table_name = '${table}' and u.clean and not u.opt_out_kept and u.current is not null and t.id = u.row_id`,
          );
          await tx.query(
            `insert into ${table} select (jsonb_populate_record(null::${table}, u.before)).*
               from aos_undo u where u.table_name = '${table}' and u.clean and not u.opt_out_kept and u.before is not null`,
          );
        }
        const signals = domains?.domains?.length ? (await BuyerSignalService.refresh(tx, { domains: domains.domains })).changed : 0;
        await tx.query(`update import_runs set status = $2, undone_at = $3::timestamptz, undone_by = $4 where id = $1`, [
          run.id,
          conflicts.length > 0 ? 'partially_undone' : 'undone',
          now,
          this.actor,
        ]);
        const result: UndoResult = {
          run: run.id,
          client: run.client,
          file_name: run.file_name,
          dry_run: Boolean(options.dryRun),
          forced: force,
          customers_removed: counts?.customers_removed ?? 0,
          customers_restored: counts?.customers_restored ?? 0,
          entries_removed: counts?.entries_removed ?? 0,
          entries_restored: counts?.entries_restored ?? 0,
          conflicts_kept: conflicts,
          opt_outs_kept: optOuts.map((r) => targetOf('suppression_list', r.current)),
          signals_refreshed: signals,
        };
        if (options.dryRun) throw new DryRunRollback(result);
        return result;
      });
    } catch (e) {
      if (e instanceof DryRunRollback) return e.result;
      throw e;
    }
  }
}
