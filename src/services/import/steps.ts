// The steps of one import, in its transaction: stage, merge, upsert customers, upsert entries,
// diff and sync, refresh signals, record the run — each returning its counts; the summary is
// assembled from them. The plan (plan.ts) settled everything these steps need beforehand.
import { sql } from 'drizzle-orm';
import type { Orm } from '../../db/database.js';
import { clientCustomers } from '../../db/schema.js';
import { bare } from '../../db/sql.js';
import { mappingByName, unreadStatusColumn } from '../../domain/column-mapping.js';
import { printable } from '../../domain/targets.js';
import { AosError } from '../../errors.js';
import { BuyerSignalService } from '../buyer-signal-service.js';
import { lockClientWrites } from '../client-lock.js';
import { secondsSince } from '../elapsed.js';
import { beginImportChangeLog, endImportChangeLog, recordImportReads } from './change-log.js';
import { mergeRows, upsertCustomers, type CustomerCounts, type MergeCounts } from './customer-writes.js';
import { mergedCustomers } from './scratch-tables.js';
import { upsertEntries, type EntryCounts } from './entry-writes.js';
import type { ImportPlan } from './plan.js';
import type { RecordsRead } from './record-reading.js';
import { recordRun, type RememberedMapping } from './remembered-mapping.js';
import { stageRows } from './staging.js';
import { diffAndSync, type ImportDiff } from './sync.js';
import type { ImportSummary, UnknownStatus } from './types.js';

/** Who runs the steps, and their clock: the service's actor and now(). */
export interface StepContext {
  actor: string;
  now: () => Date;
}

/** What the steps of one import counted. */
export interface StepCounts {
  read: RecordsRead;
  merged: MergeCounts;
  customers: CustomerCounts;
  entries: EntryCounts;
  diff: ImportDiff | null;
  signalsRefreshed: number;
}

/** An import that stopped at unknown status values writes nothing. */
const NOTHING_WRITTEN = {
  merged: { customers: 0, merged: 0, withoutTarget: 0 },
  customers: { inserted: 0, updated: 0, unchanged: 0 },
  entries: { added: 0, updated: 0 },
  diff: null,
  signalsRefreshed: 0,
} satisfies Omit<StepCounts, 'read'>;

/** The import's steps, in its transaction: what each counted, and the run recorded. */
export async function runImportSteps(tx: Orm, plan: ImportPlan, by: StepContext): Promise<{ steps: StepCounts; runId: string | null }> {
  const { client, request } = plan;
  await lockClientWrites(tx, client.id);
  // Every row this import writes is logged for undo, by the statement that writes it (change-log.ts).
  const log = await beginImportChangeLog(tx, client.id);
  // The merge and the signal aggregates sort and hash whole files: keep that in memory.
  await tx.execute(sql`set local work_mem = '64MB'`);
  await stageRows(tx, plan.reading.stagedBatches(plan.head.buffered, plan.csv.reader));
  plan.checkAbort();
  const read = plan.reading.counts();
  // Unknown status values: nothing is written until each has its meaning.
  if (read.unknown_statuses.length > 0) {
    if (!request.collectUnknownStatuses) throw unknownStatusesError(read.unknown_statuses, plan.statusHeader);
    return { steps: { read, ...NOTHING_WRITTEN }, runId: null };
  }
  const now = by.now();
  const merged = await mergeRows(tx, client.id, read.namedWithoutDomain, read.derivedNames);
  const customers = await upsertCustomers(tx, { log, sourceName: plan.sourceName, now, customers: merged.customers });
  await recordImportReads(tx, log);
  const entries = await upsertEntries(tx, { clientId: client.id, log, actor: by.actor, now, furtherDomains: read.furtherDomains });
  // The diff against what was stored and, with sync, the churn (sync.ts).
  const diff = await diffAndSync(tx, {
    clientId: client.id, clientSlug: client.slug, sourceName: plan.sourceName, fileName: request.fileName, changeSet: log.changeSet, now: now.toISOString(), actor: by.actor,
    sync: Boolean(request.sync), dryRun: Boolean(request.dryRun), allowMassChurn: Boolean(request.allowMassChurn),
  });
  const signalsRefreshed = await refreshImportSignals(tx);
  plan.checkAbort();
  const steps: StepCounts = { read, merged, customers, entries, diff, signalsRefreshed };
  const run = await recordRun(tx, {
    clientId: client.id, fileName: request.fileName, sha256: plan.csv.sha256(), headers: plan.head.headers, remembered: rememberedOf(plan),
    counts: runCounts(summaryOf(plan, steps)), actor: by.actor, startedAt: plan.startedAt,
  });
  await endImportChangeLog(tx, { clientId: client.id, id: run.id }, log);
  return { steps, runId: run.id };
}

/** The signals of the file's domains, read from the merged customers so a million domains never travel. */
async function refreshImportSignals(tx: Orm): Promise<number> {
  const domain = bare(clientCustomers.domain);
  return (await BuyerSignalService.refresh(tx, { query: sql`select ${domain} from ${mergedCustomers} where ${domain} is not null` })).changed;
}

export function summaryOf(plan: ImportPlan, s: StepCounts): ImportSummary {
  return {
    client: plan.client.slug,
    file: plan.request.fileName,
    dry_run: Boolean(plan.request.dryRun),
    encoding: plan.csv.encoding,
    delimiter: plan.csv.delimiter,
    mapping: mappingByName(plan.mapping, plan.head.headers),
    date_format: plan.settings.dateFormat,
    status_map: plan.settings.statusMap,
    rows_read: s.read.rows_read,
    inserted: s.customers.inserted,
    updated: s.customers.updated,
    unchanged: s.customers.unchanged,
    merged: s.merged.merged,
    rejected: s.read.rejected,
    skipped: s.read.skipped,
    values_dropped: s.read.values_dropped,
    suppressions_added: s.entries.added,
    // A sync's churn moves entries to past_customer after the entry upserts: updates too.
    suppressions_updated: s.entries.updated + (s.diff?.churned_entries ?? 0),
    without_target: s.merged.withoutTarget,
    signals_refreshed: s.signalsRefreshed,
    first_rejects: s.read.first_rejects,
    first_dropped: s.read.first_dropped,
    first_furniture: s.read.first_furniture,
    first_skipped: s.read.first_skipped,
    unknown_statuses: s.read.unknown_statuses,
    import_run_id: null,
    seconds: secondsSince(plan.started),
    diff: s.diff,
    status_column_unread: plan.request.mapOverrides && 'status' in plan.request.mapOverrides ? null : unreadStatusColumn(plan.head.headers, plan.head.samples, plan.mapping),
  };
}

/** The counts an import run's row keeps. */
function runCounts(s: ImportSummary): Record<string, number> {
  return {
    rows_read: s.rows_read,
    inserted: s.inserted,
    updated: s.updated,
    unchanged: s.unchanged,
    merged: s.merged,
    rejected: s.rejected,
    skipped: s.skipped,
    values_dropped: s.values_dropped,
    suppressions_added: s.suppressions_added,
    suppressions_updated: s.suppressions_updated,
    signals_refreshed: s.signals_refreshed,
  };
}

function rememberedOf(plan: ImportPlan): RememberedMapping {
  const { settings } = plan;
  return {
    fields: mappingByName(plan.mapping, plan.head.headers),
    date_format: settings.dateFormat,
    status_map: settings.statusMap,
    delimiter: settings.delimiter,
    encoding: settings.encoding,
  };
}

function unknownStatusesError(unknown: readonly UnknownStatus[], statusHeader: string): AosError {
  // Every value, however many: a hint that leaves one out makes its rows the next surprise.
  const list = unknown.map((u) => `"${printable(u.value, 40)}" (${u.rows} row${u.rows === 1 ? '' : 's'})`);
  return new AosError(
    'input',
    `${unknown.length} value(s) of the status column "${printable(statusHeader, 40)}" have no meaning yet: ${list.join(', ')}; nothing was written`,
    statusMapHint(unknown),
  );
}

/**
 * The statusMap list of a set of unknown status values, as a hint to copy from: every value, each
 * proposed as `active`. A value the tool could not read is proposed as a customer (suppressed),
 * never as `skip`: people paste hints, and a pasted `=skip` once left 8 of 9 customers allowed.
 */
export function statusMapHint(unknown: readonly UnknownStatus[]): string {
  const items = unknown.map((u) => `${u.value.replace(/[,=']/g, ' ').trim()}=active`);
  return (
    `values it cannot read are proposed as active (customers, suppressed); change to churned, partner, competitor or skip (not a customer) ` +
    `what you know better: {statusMap} '${items.join(',')}'`
  );
}

