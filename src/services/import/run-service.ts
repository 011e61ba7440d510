// ImportRunService: the import runs of a client, and undoing one from its row-change log
// (import_run_changes, written by the import's own statements; see change-log.ts).
import { and, asc, desc, eq, getTableName, sql, type SQL } from 'drizzle-orm';
import { Service, type ServiceOptions } from '../service-base.js';
import { isoTimestamp, rowsOf, type Orm } from '../../db/database.js';
import { clients, importRunChanges, importRunReads, importRuns } from '../../db/schema.js';
import { AosError } from '../../errors.js';
import { isUuid } from '../../domain/uuid.js';
import { displayTarget } from '../../domain/display.js';
import { lockClientWrites } from '../client-lock.js';
import { ClientService } from '../client-service.js';
import { auditUndo, domainsTouched, keepOptOuts, keepWhatLaterRunsRead, nameVanishedRows, planUndo, restoreRows, rowChanges, settleRevivedEntries, touchedSince, undoCounts, type PlannedRow, type SettledEntry, type UndoCounts, type UndoTarget } from './undo.js';
import { refreshSignals } from '../signal-refresh.js';
import { renderRowsAsLogged } from './change-log.js';
import { crossShard } from '../../db/cross-shard.js';

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
  /** Changed, removed or recreated since the run; or unchanged but kept for a later run. */
  change: 'changed' | 'removed' | 'recreated' | 'listed by a later run' | 'its customer is kept';
}

export interface UndoResult extends UndoCounts {
  run: string;
  client: string;
  file_name: string;
  dry_run: boolean;
  forced: boolean;
  /** Rows left as they are now: touched after the run (only with force). */
  conflicts_kept: UndoConflict[];
  /** Opt-out entries left untouched: an undo never removes or weakens an opt-out. */
  opt_outs_kept: string[];
  /** Entries of customers the undo made active again, left without expiry (an active customer's never expires). */
  entries_settled: SettledEntry[];
  signals_refreshed: number;
}

export type ImportRunServiceOptions = ServiceOptions;

/** A run as resolve() finds it: its view, its change set and its client's id. */
export type ResolvedImportRun = ImportRunView & { change_set: string | null; client_id: string };

const MAX_NAMED = 20;
const ID_PREFIX = /^[0-9a-f]{6,}(-[0-9a-f-]*)?$/;
const LIST_RUNS_HINT = 'list runs with {command:imports list} {client}';

const r = importRuns;
const RUN_COLUMNS = {
  id: r.id,
  client: clients.slug,
  file_name: r.fileName,
  sha256: r.sha256,
  counts: r.counts,
  mapping: r.mapping,
  actor: r.actor,
  started_at: r.startedAt,
  finished_at: r.finishedAt,
  status: r.status,
  undone_at: r.undoneAt,
  undone_by: r.undoneBy,
  change_set: r.changeSet,
  client_id: r.clientId,
};

/** The runs with their client's slug, filtered by `where`. */
function selectRuns(orm: Orm, where: SQL | undefined) {
  return orm.select(RUN_COLUMNS).from(r).innerJoin(clients, eq(clients.id, r.clientId)).where(where);
}

type RunRow = Awaited<ReturnType<typeof selectRuns>>[number];

function jsonValue<T>(value: unknown): T {
  // Rows written before text-cast parameters held a JSON string inside the jsonb.
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

function runView(row: RunRow): ImportRunView {
  const counts = jsonValue<Record<string, number>>(row.counts) ?? {};
  return {
    id: row.id,
    client: row.client,
    file_name: row.file_name,
    sha256: row.sha256,
    rows: typeof counts.rows_read === 'number' ? counts.rows_read : null,
    counts,
    mapping: jsonValue<Record<string, string>>(row.mapping) ?? {},
    actor: row.actor,
    started_at: isoTimestamp(row.started_at),
    finished_at: isoTimestamp(row.finished_at),
    status: row.status,
    undone_at: isoTimestamp(row.undone_at),
    undone_by: row.undone_by ?? null,
    undoable: row.change_set !== null && row.change_set !== undefined,
  };
}

function resolvedRun(row: RunRow): ResolvedImportRun {
  return { ...runView(row), change_set: row.change_set ?? null, client_id: row.client_id };
}

function targetOf(table: string, image: Record<string, unknown> | null): string {
  if (!image) return '?';
  if (table === 'client_customers') {
    const key = String(image.natural_key ?? '');
    // A compact before-image (change-log-writes.ts) names its customer by the natural key only.
    return (image.domain as string | null) ?? (/^[de]:/.test(key) ? key.slice(2) : (image.company_name as string | null) ?? key);
  }
  return ((image.domain ?? image.email) as string | null) ?? '?';
}

function conflictOf(row: PlannedRow): UndoConflict {
  const image = row.current ?? row.before ?? row.last_known;
  return {
    table: row.table_name === 'client_customers' ? 'customer' : 'entry',
    // A row whose every image is gone (one the audit cannot name either) is named by its id, never '?'.
    target: image ? targetOf(row.table_name, image) : `id ${row.row_id}`,
    change: row.kept_because ?? (row.current === null ? 'removed' : row.after_hash === null ? 'recreated' : 'changed'),
  };
}

function refusal(run: ResolvedImportRun, conflicts: UndoConflict[]): AosError {
  const named = conflicts.slice(0, MAX_NAMED).map((c) => `${c.table} ${displayTarget(c.target)} (${c.change})`).join(', ');
  const more = conflicts.length > MAX_NAMED ? ` and ${conflicts.length - MAX_NAMED} more` : '';
  return new AosError(
    'input',
    `refusing to undo import run ${run.id} (${run.file_name}): ${conflicts.length === 1 ? '1 of its rows was' : `${conflicts.length} of its rows were`} changed since by a later import or by hand, or a later import still lists them: ${named}${more}; nothing changed`,
    "undo the later runs first, or pass {force} to undo this run's part only and keep those rows as they are now",
  );
}

/** What the run changed, per table and kind of change, from its log. */
async function changeCounts(orm: Orm, run: ResolvedImportRun): Promise<ImportRunChangeCounts> {
  const none = { customers_inserted: 0, customers_updated: 0, customers_deleted: 0, entries_inserted: 0, entries_updated: 0, entries_deleted: 0 };
  if (run.change_set === null) return none;
  const [counts] = await rowsOf<ImportRunChangeCounts>(
    orm,
    sql`select count(*) filter (where table_name = 'client_customers' and before is null and after_hash is not null)::int as customers_inserted,
               count(*) filter (where table_name = 'client_customers' and before is not null and after_hash is not null)::int as customers_updated,
               count(*) filter (where table_name = 'client_customers' and before is not null and after_hash is null)::int as customers_deleted,
               count(*) filter (where table_name = 'suppression_list' and before is null and after_hash is not null)::int as entries_inserted,
               count(*) filter (where table_name = 'suppression_list' and before is not null and after_hash is not null)::int as entries_updated,
               count(*) filter (where table_name = 'suppression_list' and before is not null and after_hash is null)::int as entries_deleted
          from (${rowChanges(run.client_id, run.change_set)}) ch`,
  );
  return counts ?? none;
}

export class ImportRunService extends Service {
  async list(options: { client: string; limit?: number }): Promise<ImportRunView[]> {
    const client = await new ClientService(this.shared).resolve(options.client);
    const rows = await this.db.run((orm) =>
      selectRuns(orm, eq(r.clientId, client.id))
        .orderBy(desc(r.finishedAt), asc(r.id))
        .limit(options.limit ?? 1000),
    );
    return rows.map(runView);
  }

  /**
   * A run by its id or an unambiguous prefix of it (as `imports list` shows). The one lookup not
   * by client: a run id names no client, so on Citus it asks every shard (a rare ops command).
   */
  async resolve(ref: string, orm?: Orm): Promise<ResolvedImportRun> {
    if (!orm) return this.db.run((o) => this.resolve(ref, o));
    const key = ref.trim().toLowerCase();
    if (!isUuid(key) && !ID_PREFIX.test(key)) {
      throw new AosError('usage', `invalid import run "${ref}": expected its id (or the first 8 characters of it)`, LIST_RUNS_HINT);
    }
    const byId = isUuid(key) ? eq(r.id, key) : sql`${r.id}::text like ${`${key}%`}`;
    const rows = await selectRuns(orm, sql`${crossShard('import-run-by-id')}${byId}`).limit(11);
    if (rows.length === 0) throw new AosError('input', `no import run ${ref}`, LIST_RUNS_HINT);
    if (rows.length > 1) {
      throw new AosError('input', `import run "${ref}" is ambiguous: ${rows.slice(0, 10).map((row) => row.id).join(', ')}`, 'give more characters of the id');
    }
    return resolvedRun(rows[0] as RunRow);
  }

  async show(ref: string): Promise<ImportRunDetail> {
    const run = await this.resolve(ref);
    const changes = await this.db.run((orm) => changeCounts(orm, run));
    const { change_set: _cs, client_id: _id, ...view } = run;
    return { ...view, changes };
  }

  /**
   * Puts every customer and entry the run inserted, updated or deleted back as it was before the
   * run, in one transaction, audited as an undo. Rows touched since (by a later run or by hand)
   * make it refuse, naming them; with force those rows are left as they are now and the rest is
   * undone. Opt-outs are never removed or weakened.
   */
  async undo(options: { run: string; dryRun?: boolean; force?: boolean }): Promise<UndoResult> {
    const found = await this.resolve(options.run);
    // The change log decides what is put back and what a later run still lists (and so is kept):
    // a page of it lost without an error would undo rows it should keep (embedded only).
    await this.db.verifyTables?.([getTableName(importRunChanges), getTableName(importRunReads)]);
    // A dry run does all of it and rolls back: the answer is what the undo would have done.
    return this.db.transaction(
      async (tx) => ({ ...(await this.undoIn(tx, found, Boolean(options.force))), dry_run: Boolean(options.dryRun) }),
      { rollback: Boolean(options.dryRun) },
    );
  }

  /** The run locked, re-read and checked: no import of its client runs while it is undone. */
  private async lockRun(tx: Orm, found: ResolvedImportRun): Promise<UndoTarget & ResolvedImportRun> {
    // The hash comparison renders rows as the import's log did (change-log.ts).
    await renderRowsAsLogged(tx);
    // The client's write lock (imports, manual adds and removes wait), then the run's row, by
    // client and id (one shard on Citus).
    await lockClientWrites(tx, found.client_id);
    const [row] = await selectRuns(tx, and(eq(r.clientId, found.client_id), eq(r.id, found.id))).for('update', { of: r });
    if (!row) throw new AosError('input', `no import run ${found.id}`, LIST_RUNS_HINT);
    const run = resolvedRun(row);
    if (run.status === 'undone' || run.status === 'partially_undone') {
      throw new AosError('input', `import run ${run.id} (${run.file_name}) was already undone at ${run.undone_at} by ${run.undone_by}`);
    }
    if (run.change_set === null) {
      throw new AosError('input', `import run ${run.id} (${run.file_name}) cannot be undone: it was imported before aos kept a change log`, 'remove its customers with {command:customers remove} instead');
    }
    return { ...run, change_set: run.change_set };
  }

  private async undoIn(tx: Orm, found: ResolvedImportRun, force: boolean): Promise<UndoResult> {
    const run = await this.lockRun(tx, found);
    // Timed once the client's lock is held (the history reads in the order things happened).
    const now = this.now().toISOString();
    await planUndo(tx, run);
    await keepWhatLaterRunsRead(tx, run);
    await nameVanishedRows(tx, run);
    const conflicts = (await touchedSince(tx)).map(conflictOf);
    if (conflicts.length > 0 && !force) throw refusal(run, conflicts);
    const optOuts = await keepOptOuts(tx);
    const domains = await domainsTouched(tx);
    const counts = await undoCounts(tx);
    await auditUndo(tx, run, this.actor, now);
    await restoreRows(tx, run);
    const settled = await settleRevivedEntries(tx, run, this.actor, now);
    const signals = domains.length > 0 ? (await refreshSignals(tx, { domains })).changed : 0;
    await tx
      .update(r)
      .set({ status: conflicts.length > 0 ? 'partially_undone' : 'undone', undoneAt: new Date(now), undoneBy: this.actor })
      .where(and(eq(r.clientId, run.client_id), eq(r.id, run.id)));
    return {
      run: run.id,
      client: run.client,
      file_name: run.file_name,
      dry_run: false,
      forced: force,
      ...counts,
      conflicts_kept: conflicts,
      opt_outs_kept: optOuts.map((image) => targetOf('suppression_list', image)),
      entries_settled: settled,
      signals_refreshed: signals,
    };
  }
}
