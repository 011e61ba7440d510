// CustomerImportService: a client's customers from a CSV into client_customers, the suppression
// list and the platform signals, all-or-nothing (SPEC §7). The import runs as named steps in one
// transaction — stage, merge, upsert customers, upsert entries, diff and sync, refresh signals,
// record the run — each returning its counts; the summary is assembled from them. A dry run is
// the same transaction, rolled back by the database layer once the steps have returned.
import { sql } from 'drizzle-orm';
import { AuditedService, type ServiceOptions } from '../service-base.js';
import type { Orm } from '../../db/database.js';
import type { CustomerStatus } from '../../db/schema-constants.js';
import { clientCustomers } from '../../db/schema.js';
import { bare } from '../../db/sql.js';
import { openCsvSource, type CsvSource } from '../../csv/csv-source.js';
import type { CsvRecord } from '../../csv/records.js';
import { betterDelimiter, delimiterName } from '../../csv/delimiter.js';
import { domainColumns, emailColumns, headerKey, isDealsExport, mappingByName, missingRequired, normalizeHeader, type ColumnMapping } from '../../domain/column-mapping.js';
import type { RowContext } from '../../domain/customer-row.js';
import { headerRowIndex, isBlankRow, isFooterRow, isRepeatedHeader } from '../../domain/report-furniture.js';
import { printable } from '../../domain/targets.js';
import { classifyStatus, makeDateParser, statusKey, type DateParser, type StatusClass } from '../../domain/values.js';
import { AosError } from '../../errors.js';
import { BuyerSignalService } from '../buyer-signal-service.js';
import { ClientService, type ClientRef } from '../client-service.js';
import { lockClientWrites } from '../client-lock.js';
import { beginImportChangeLog, endImportChangeLog, recordImportReads } from './change-log.js';
import { MERGED_CUSTOMERS, mergeRows, upsertCustomers, type CustomerCounts, type MergeCounts } from './customer-writes.js';
import { upsertEntries, type EntryCounts } from './entry-writes.js';
import { recordRun, rememberedInputOverrides, rememberedMapping, type RememberedMapping } from './remembered-mapping.js';
import { proposeMapping } from './mapping-proposal.js';
import { RecordReading, type RecordsRead } from './record-reading.js';
import { stageRows } from './staging.js';
import { diffAndSync, type ImportDiff } from './sync.js';
import type { ImportRequest, ImportSettings, ImportSummary, MappingProposal, UnknownStatus } from './types.js';

export type { ImportReject, ReadCounts, UnknownStatus } from './types.js';
export type { RememberedMapping } from './remembered-mapping.js';
export type { ImportRequest, ImportSettings, ImportSummary, MappingOrigin, MappingProposal } from './types.js';
export { importInteractively, type ImportPrompts, type ImportRunner, type InteractiveImportDeps, type WriteAnswer } from './interactive.js';

export type ImportServiceOptions = ServiceOptions;

/** Rows sent to the staging table per statement (one JSON parameter per batch). */
export const IMPORT_BATCH_SIZE = 10_000;
// Rows read ahead to confirm the mapping: a column's first cells may all be empty or junk while
// addresses and websites come further down (a CRM sorts by name, a sheet fills in over the years);
// a few hundred rows see past that, and a column whose header says email or website is read
// whatever its samples (column-mapping.ts), since the rest of the file streams unseen.
const SAMPLE_ROWS = 500;
/** Title lines a report may put above its header. */
const HEADER_SEARCH_ROWS = 12;

/** The header row and the rows read after it so far; records above the header are furniture. */
interface Head {
  headers: string[];
  aboveHeader: number;
  buffered: CsvRecord[];
  samples: string[][];
}

/** What import() settles before reading any record. */
interface ImportSetup {
  started: number;
  startedAt: Date;
  client: ClientRef;
  defaultStatus: CustomerStatus | null;
  sourceName: string;
}

/** What import() settles before its transaction: the input, the mapping, the settings. */
interface ImportPlan extends ImportSetup {
  request: ImportRequest;
  csv: CsvSource;
  head: Head;
  mapping: ColumnMapping;
  settings: ImportSettings;
  statusHeader: string;
  reading: RecordReading;
  checkAbort: () => void;
}

/** What the steps of one import counted. */
interface StepCounts {
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

export class CustomerImportService extends AuditedService {
  /**
   * The mapping and settings confirmed by the last import of this client (its slug or id, resolved
   * first: an unknown one is a usage error) with the same header set.
   */
  async rememberedMapping(client: string, headers: readonly string[]): Promise<RememberedMapping | null> {
    return this.db.run(async (orm) => rememberedMapping(orm, (await new ClientService(this.db).resolve(client, orm)).id, headers));
  }

  /**
   * The proposed mapping of a header row for a client: a reference, or a ClientRef (read again by
   * its id, so a ClientRef made up by a caller proposes nothing of another client's).
   */
  async proposeMapping(
    client: ClientRef | string,
    headers: string[],
    samples: string[][],
    overrides: Record<string, string | string[] | null> = {},
    given: Partial<ImportSettings> = {},
  ): Promise<MappingProposal> {
    const remembered = await this.rememberedMapping(typeof client === 'string' ? client : client.id, headers);
    return proposeMapping({ headers, samples, remembered, overrides, given });
  }

  /**
   * Reads the header (below any title lines of a report) and the first rows, and proposes the
   * mapping and settings: the interactive import's first step.
   */
  async propose(request: ImportRequest): Promise<MappingProposal> {
    const client = await new ClientService(this.db).resolve(request.client);
    const opened = await this.openCsv(request, client);
    try {
      return await this.proposeMapping(client, opened.head.headers, opened.head.samples, request.mapOverrides, givenSettings(opened.request));
    } finally {
      await opened.csv.reader.close();
    }
  }

  async import(request: ImportRequest): Promise<ImportSummary> {
    const started = performance.now();
    const startedAt = this.now();
    const client = await new ClientService(this.db).resolve(request.client);
    const defaultStatus = parseStatusOption(request.defaultStatus);
    if (request.dateFormat) dateParserOf(request.dateFormat); // a bad format fails before any reading
    const sourceName = request.sourceName?.trim() || 'csv';
    // A sync replaces one source's customers: which one must be said, never the default 'csv'
    // (syncing one CRM's export under it churned customers other exports had brought).
    if (request.sync && !request.sourceName?.trim()) {
      throw new AosError('usage', '{sync} needs {sourceName}: the source whose customer list the file replaces; nothing written', "name it as its imports did (e.g. hubspot, or csv for imports without one); {command:customers list} shows each customer's source");
    }

    const opened = await this.openCsv(request, client);
    try {
      const plan = await this.plan(opened.request, opened.csv, opened.head, { started, startedAt, client, defaultStatus, sourceName });
      const counts = await this.db.transaction((tx) => this.runSteps(tx, plan), { rollback: Boolean(request.dryRun) });
      const summary = summaryOf(plan, counts.steps);
      return { ...summary, import_run_id: request.dryRun ? null : counts.runId, seconds: secondsSince(started) };
    } finally {
      await opened.csv.reader.close();
    }
  }

  /**
   * Opens the input as CSV and reads its head. A delimiter or encoding given by hand on an earlier
   * import of this header set is used again (the input is read anew with it) when the request
   * names none and the input can be reopened (a file, not stdin).
   */
  private async openCsv(request: ImportRequest, client: ClientRef): Promise<{ csv: CsvSource; head: Head; request: ImportRequest }> {
    const csv = await openCsvSource(request.input, { encoding: request.encoding, delimiter: request.delimiter, sheet: request.sheet, name: request.fileName });
    let head: Head;
    try {
      head = await readHead(request, csv);
    } catch (e) {
      await csv.reader.close();
      throw e;
    }
    if (request.delimiter !== undefined || request.encoding !== undefined || !request.reopenInput) return { csv, head, request };
    const candidates = await this.db.run((orm) => rememberedInputOverrides(orm, client.id, head.headers, csv));
    for (const candidate of candidates) {
      const again = await openCsvSource(request.reopenInput(), { ...candidate.override, sheet: request.sheet, name: request.fileName });
      try {
        const againHead = await readHead(request, again);
        if (headerKey(againHead.headers) === candidate.headerKey) {
          await csv.reader.close();
          return { csv: again, head: againHead, request: { ...request, ...candidate.override } };
        }
      } catch {
        // Unreadable with that override: keep what detection found.
      }
      await again.reader.close();
    }
    return { csv, head, request };
  }

  /** The mapping and settings for this file, checked; the reading of its records, ready. */
  private async plan(request: ImportRequest, csv: CsvSource, head: Head, setup: ImportSetup): Promise<ImportPlan> {
    const { headers } = head;
    const wrongDelimiter = (e: unknown) => (e instanceof AosError ? withDelimiterHint(e, headers, csv.delimiter) : e);
    const proposal = await this.proposeMapping(setup.client, headers, head.samples, request.mapOverrides, givenSettings(request)).catch((e: unknown) => {
      throw wrongDelimiter(e);
    });
    const mapping = request.mapping ?? proposal.mapping;
    // A confirmed mapping holds column positions: the file read again must have the same header.
    if (request.mapping && request.expectHeaders && request.expectHeaders.join('\u001f') !== headers.join('\u001f')) {
      throw new AosError('input', `${request.fileName} changed while the import was being confirmed (its header is not the one mapped)`, 'run the import again');
    }
    if (missingRequired(mapping).length > 0) throw wrongDelimiter(noRequiredColumn(headers));
    const settings = proposal.settings;
    const statusHeader = mapping.status === null ? '' : (headers[mapping.status] ?? '');
    const checkAbort = () => {
      if (request.signal?.aborted) throw new AosError('interrupted', 'import interrupted: rolled back, nothing was written');
    };
    const reading = new RecordReading({
      headers,
      delimiter: csv.delimiter,
      mapping,
      rowContext: rowContextOf(mapping, headers, settings, statusHeader, setup.defaultStatus),
      aboveHeader: head.aboveHeader,
      strict: Boolean(request.strict),
      batchSize: IMPORT_BATCH_SIZE,
      onReject: request.onReject,
      onProgress: request.onProgress,
      checkAbort,
    });
    await request.onHeader?.(headers, csv.delimiter);
    return { ...setup, request, csv, head, mapping, settings, statusHeader, reading, checkAbort };
  }

  /** The import's steps, in its transaction: what each counted, and the run recorded. */
  private async runSteps(tx: Orm, plan: ImportPlan): Promise<{ steps: StepCounts; runId: string | null }> {
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
    const now = this.now();
    const merged = await mergeRows(tx, client.id, read.namedWithoutDomain, read.derivedNames);
    const customers = await upsertCustomers(tx, { log, sourceName: plan.sourceName, now, customers: merged.customers });
    await recordImportReads(tx, log);
    const entries = await upsertEntries(tx, { clientId: client.id, log, actor: this.actor, now, furtherDomains: read.furtherDomains });
    // The diff against what was stored and, with sync, the churn (sync.ts).
    const diff = await diffAndSync(tx, {
      clientId: client.id, clientSlug: client.slug, sourceName: plan.sourceName, fileName: request.fileName, changeSet: log.changeSet, now: now.toISOString(), actor: this.actor,
      sync: Boolean(request.sync), dryRun: Boolean(request.dryRun), allowMassChurn: Boolean(request.allowMassChurn), confirmMassChurn: request.confirmMassChurn,
    });
    const signalsRefreshed = await refreshImportSignals(tx);
    plan.checkAbort();
    const steps: StepCounts = { read, merged, customers, entries, diff, signalsRefreshed };
    const run = await recordRun(tx, {
      clientId: client.id, fileName: request.fileName, sha256: plan.csv.sha256(), headers: plan.head.headers, remembered: rememberedOf(plan),
      counts: runCounts(summaryOf(plan, steps)), actor: this.actor, startedAt: plan.startedAt,
    });
    await endImportChangeLog(tx, { clientId: client.id, id: run.id }, log);
    return { steps, runId: run.id };
  }
}

/** The signals of the file's domains, read from the merged customers so a million domains never travel. */
async function refreshImportSignals(tx: Orm): Promise<number> {
  const domain = bare(clientCustomers.domain);
  return (await BuyerSignalService.refresh(tx, { query: sql`select ${domain} from ${MERGED_CUSTOMERS} where ${domain} is not null` })).changed;
}

function summaryOf(plan: ImportPlan, s: StepCounts): ImportSummary {
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
    suppressions_updated: s.entries.updated,
    without_target: s.merged.withoutTarget,
    signals_refreshed: s.signalsRefreshed,
    first_rejects: s.read.first_rejects,
    first_dropped: s.read.first_dropped,
    first_furniture: s.read.first_furniture,
    unknown_statuses: s.read.unknown_statuses,
    import_run_id: null,
    seconds: secondsSince(plan.started),
    diff: s.diff,
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

const secondsSince = (started: number) => Number(((performance.now() - started) / 1000).toFixed(3));

/** How one row is read: its dates, its status (each distinct status value classified once), its domain columns. */
function rowContextOf(mapping: ColumnMapping, headers: readonly string[], settings: ImportSettings, statusHeader: string, defaultStatus: CustomerStatus | null): RowContext {
  // A deals export's plain `Status` (ActiveCampaign: Open/Won/Lost) is read as the deal's: a lost
  // deal is no customer, never a past one.
  const readAs = isDealsExport(headers) && !/deal|opportunit/i.test(statusHeader) ? `deal ${statusHeader}` : statusHeader;
  // A status column holds a handful of distinct values over a million rows: each is read once.
  const statusMemo = new Map<string, StatusClass | null>();
  const statusOf = (value: string): StatusClass | null => {
    let status = statusMemo.get(value);
    if (status === undefined) {
      status = settings.statusMap[statusKey(value)] ?? classifyStatus(value, readAs);
      if (statusMemo.size < 10_000) statusMemo.set(value, status);
    }
    return status;
  };
  return { parseDate: dateParserOf(settings.dateFormat), defaultStatus, statusOf, domainColumns: domainColumns(mapping), emailColumns: emailColumns(mapping), subCustomerNames: isSubCustomerColumn(mapping, headers), noneIsNoCustomer: NONE_IS_NO_CUSTOMER.test(normalizeHeader(statusHeader)) };
}

// Zendesk Sell's `customer_status` is none/current/past: its "none" says the contact is no customer
// (a lead), while an empty cell or Zoho's `-None-` says nothing.
const NONE_IS_NO_CUSTOMER = /^(?:customer|client)status$/;

/** QuickBooks Online's customer column (`Customer full name`, older reports `Customer`), whose sub-customers read `Parent:Child`. */
function isSubCustomerColumn(mapping: ColumnMapping, headers: readonly string[]): boolean {
  const header = mapping.company_name === null ? '' : normalizeHeader(headers[mapping.company_name] ?? '');
  return header === 'customerfullname' || header === 'customer' || header === 'fullyqualifiedname';
}

function givenSettings(request: ImportRequest): Partial<ImportSettings> {
  const given: Partial<ImportSettings> = {};
  if (request.dateFormat !== undefined) given.dateFormat = request.dateFormat;
  if (request.statusMap) given.statusMap = request.statusMap;
  if (request.delimiter) given.delimiter = request.delimiter;
  if (request.encoding) given.encoding = request.encoding;
  return given;
}

/** The header row and the rows after it read so far; records above the header are furniture. */
async function readHead(request: ImportRequest, csv: CsvSource): Promise<Head> {
  const first = await csv.reader.take(HEADER_SEARCH_ROWS);
  if (first.length === 0) throw new AosError('input', `${request.fileName} is empty: expected a header row and customer rows`);
  const at = headerRowIndex(first.map((r) => r.fields));
  const headers = (first[at] as CsvRecord).fields.map((h) => h.trim());
  const buffered = [...first.slice(at + 1), ...(await csv.reader.take(SAMPLE_ROWS))];
  const samples = buffered.filter((r) => !isBlankRow(r.fields) && !isFooterRow(r.fields) && !isRepeatedHeader(r.fields, headers)).map((r) => r.fields);
  return { headers, aboveHeader: at, buffered, samples };
}

function parseStatusOption(value: string | undefined): CustomerStatus | null {
  if (value === undefined) return null;
  const v = value.trim().toLowerCase();
  if (v === 'active' || v === 'churned') return v;
  throw new AosError('usage', `invalid {defaultStatus} "${value}": use active or churned`);
}

function dateParserOf(format: string | null): DateParser {
  try {
    return makeDateParser(format ?? undefined);
  } catch (e) {
    throw new AosError('usage', (e as Error).message, 'use tokens YYYY, YY, MM, M, DD, D, e.g. {dateFormat} DD/MM/YYYY');
  }
}

function noRequiredColumn(headers: readonly string[]): AosError {
  return new AosError(
    'input',
    `no column is mapped to company_name or domain (one is required); the file's columns are: ${headers.map((h) => `"${printable(h, 40)}"`).join(', ')}`,
    'map one with {mapOverrides} company_name="Column Name" (or {mapOverrides} domain="Website"), or give a whole mapping ({mapping})',
  );
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

/** A header read as one long column usually means the wrong delimiter: say which one splits it. */
function withDelimiterHint(e: AosError, headers: readonly string[], delimiter: string): AosError {
  const split = headers.length === 1 ? betterDelimiter(headers[0] ?? '', delimiter) : null;
  if (!split) return e;
  return new AosError(
    e.code,
    `${e.template.message} — the delimiter "${delimiterName(delimiter)}" looks wrong: the header is one column`,
    `{delimiter} "${delimiterName(split.delimiter)}" would split it into ${split.columns} columns`,
  );
}
