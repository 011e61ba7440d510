// The plan of one import: what it will do, settled before its transaction — the header row (below
// any title lines of a report), the mapping and settings confirmed, and how each record is read.
// Nothing here writes; the steps (steps.ts) carry the plan out in one transaction.
import type { CustomerStatus } from '../../db/schema-constants.js';
import type { CsvSource } from '../../csv/csv-source.js';
import type { CsvRecord } from '../../csv/records.js';
import { betterDelimiter, delimiterName } from '../../csv/delimiter.js';
import { headerCellReadingAsData } from '../../domain/header-row.js';
import { domainColumns, emailColumns, isDealsExport, missingRequired, normalizeHeader, statusWitnessColumns, type ColumnMapping } from '../../domain/column-mapping.js';
import type { RowContext } from '../../domain/customer-row.js';
import { headerRowIndex, isBlankRow, isFooterRow, isRepeatedHeader } from '../../domain/report-furniture.js';
import { printable } from '../../domain/targets.js';
import { classifyStatus, makeDateParser, statusKey, type DateParser, type StatusClass } from '../../domain/values.js';
import { AosError } from '../../errors.js';
import type { ClientRef } from '../client-service.js';
import { RecordReading } from './record-reading.js';
import type { ImportRequest, ImportSettings, MappingProposal } from './types.js';

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
export interface Head {
  headers: string[];
  /** Records above the header row (a report's title lines): skipped. */
  aboveHeader: CsvRecord[];
  buffered: CsvRecord[];
  samples: string[][];
}

/** What import() settles before reading any record. */
export interface ImportSetup {
  started: number;
  startedAt: Date;
  client: ClientRef;
  defaultStatus: CustomerStatus | null;
  sourceName: string;
}

/** What import() settles before its transaction: the input, the mapping, the settings. */
export interface ImportPlan extends ImportSetup {
  request: ImportRequest;
  csv: CsvSource;
  head: Head;
  mapping: ColumnMapping;
  settings: ImportSettings;
  statusHeader: string;
  reading: RecordReading;
  checkAbort: () => void;
}

/** The mapping and settings for this file, checked; the reading of its records, ready. */
export async function planImport(
request: ImportRequest,
csv: CsvSource,
head: Head,
setup: ImportSetup,
propose: (given: Partial<ImportSettings>) => Promise<MappingProposal>,
): Promise<ImportPlan> {
  const { headers } = head;
  const wrongDelimiter = (e: unknown) => (e instanceof AosError ? withDelimiterHint(e, headers, csv.delimiter) : e);
  const proposal = await propose(givenSettings(request)).catch((e: unknown) => {
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
    onSkip: request.onSkip,
    onProgress: request.onProgress,
    checkAbort,
  });
  await request.onHeader?.(headers, csv.delimiter);
  return { ...setup, request, csv, head, mapping, settings, statusHeader, reading, checkAbort };
}

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
  return { parseDate: dateParserOf(settings.dateFormat), defaultStatus, statusOf, domainColumns: domainColumns(mapping), emailColumns: emailColumns(mapping), headerWidth: headers.length, statusWitnesses: mapping.status === null ? [] : statusWitnessColumns(headers, mapping), subCustomerNames: isSubCustomerColumn(mapping, headers), noneIsNoCustomer: NONE_IS_NO_CUSTOMER.test(normalizeHeader(statusHeader)) };
}

// Zendesk Sell's `customer_status` is none/current/past: its "none" says the contact is no customer
// (a lead), while an empty cell or Zoho's `-None-` says nothing.
const NONE_IS_NO_CUSTOMER = /^(?:customer|client)status$/;

/** QuickBooks Online's customer column (`Customer full name`, older reports `Customer`), whose sub-customers read `Parent:Child`. */
function isSubCustomerColumn(mapping: ColumnMapping, headers: readonly string[]): boolean {
  const header = mapping.company_name === null ? '' : normalizeHeader(headers[mapping.company_name] ?? '');
  return header === 'customerfullname' || header === 'customer' || header === 'fullyqualifiedname';
}

export function givenSettings(request: ImportRequest): Partial<ImportSettings> {
  const given: Partial<ImportSettings> = {};
  if (request.dateFormat !== undefined) given.dateFormat = request.dateFormat;
  if (request.statusMap) given.statusMap = request.statusMap;
  if (request.delimiter) given.delimiter = request.delimiter;
  if (request.encoding) given.encoding = request.encoding;
  return given;
}

/** The header row and the rows after it read so far; records above the header are furniture. */
export async function readHead(request: ImportRequest, csv: CsvSource): Promise<Head> {
  const first = await csv.reader.take(HEADER_SEARCH_ROWS);
  if (first.length === 0) throw new AosError('input', `${request.fileName} is empty: expected a header row and customer rows`);
  const at = headerRowIndex(first.map((r) => r.fields));
  const headers = (first[at] as CsvRecord).fields.map((h) => h.trim());
  const buffered = [...first.slice(at + 1), ...(await csv.reader.take(SAMPLE_ROWS))];
  const samples = buffered.filter((r) => !isBlankRow(r.fields) && !isFooterRow(r.fields) && !isRepeatedHeader(r.fields, headers)).map((r) => r.fields);
  const data = headerCellReadingAsData(headers, samples);
  if (data !== null) {
    throw new AosError(
      'input',
      `${request.fileName} has no header line: its line ${(first[at] as CsvRecord).line} reads as a customer ("${printable(data.cell, 60)}" is ${data.what}), and would not be imported; nothing written`,
      'add a first line naming the columns (for example Company,Website,Email) and import again',
    );
  }
  return { headers, aboveHeader: first.slice(0, at), buffered, samples };
}

export function parseStatusOption(value: string | undefined): CustomerStatus | null {
  if (value === undefined) return null;
  const v = value.trim().toLowerCase();
  if (v === 'active' || v === 'churned') return v;
  throw new AosError('usage', `invalid {defaultStatus} "${value}": use active or churned`);
}

export function dateParserOf(format: string | null): DateParser {
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
