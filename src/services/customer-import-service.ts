// CustomerImportService: a client's customers from a CSV into client_customers, the suppression
// list and the platform signals, all-or-nothing (SPEC §7).
import { AuditedService, type ServiceOptions } from './service-base.js';
import type { Orm, Queryable } from '../db/database.js';
import { legacyQueryable } from '../db/database.js';
import type { CustomerStatus } from '../db/schema-constants.js';
import { openCsvSource, type CsvSource } from '../csv/csv-source.js';
import type { CsvRecord } from '../csv/records.js';
import { betterDelimiter, delimiterName } from '../csv/delimiter.js';
import {
  autoMapColumns,
  domainColumns,
  findHeader,
  headerKey,
  IMPORT_FIELDS,
  isImportField,
  mappingByName,
  missingRequired,
  setDomainColumns,
  type ColumnMapping,
  type ImportField,
  type MappingByName,
} from '../domain/column-mapping.js';
import { normalizeCustomerRow, type CustomerRecord, type RowContext, type RowOutcome } from '../domain/customer-row.js';
import { headerRowIndex, isBlankRow, isFooterRow, isRepeatedHeader } from '../domain/report-furniture.js';
import { printable } from '../domain/targets.js';
import { classifyStatus, makeDateParser, statusKey, ValueError, type DateParser, type StatusClass } from '../domain/values.js';
import { AosError } from '../errors.js';
import { BuyerSignalService } from './buyer-signal-service.js';
import { ClientService, type ClientRef } from './client-service.js';
import { beginImportChangeLog, endImportChangeLog } from './import-change-log.js';
import { diffAndSync, type ImportDiff } from './import-sync.js';

export type MappingOrigin = 'explicit' | 'remembered' | 'auto' | 'none';

/** What an import remembers beside the columns, and proposes again for the same header set. */
export interface ImportSettings {
  /** --date-format (null: ISO 8601). */
  dateFormat: string | null;
  /** status value (statusKey) → what it makes of a row. */
  statusMap: Record<string, StatusClass>;
  /** Delimiter and encoding given by hand (null: detected). */
  delimiter: string | null;
  encoding: string | null;
}

export interface MappingProposal {
  headers: string[];
  mapping: ColumnMapping;
  origin: Record<ImportField, MappingOrigin>;
  /** The first data rows, for showing sample values next to each column. */
  samples: string[][];
  remembered: boolean;
  /** The settings in effect: the request's over the remembered ones. */
  settings: ImportSettings;
}

export interface ImportReject {
  line: number;
  fields: string[];
  /** Why the row was rejected (not imported)… */
  error?: string;
  /** …or which of its values were dropped (the row was imported without them). */
  warning?: string;
}

export interface UnknownStatus {
  value: string;
  rows: number;
}

export interface ImportSummary {
  client: string;
  file: string;
  dry_run: boolean;
  encoding: string;
  delimiter: string;
  mapping: MappingByName;
  date_format: string | null;
  status_map: Record<string, StatusClass>;
  rows_read: number;
  inserted: number;
  updated: number;
  unchanged: number;
  merged: number;
  rejected: number;
  /** Report furniture (title lines, blank rows, footers) and rows whose status maps to skip. */
  skipped: number;
  /** Optional values that did not parse, dropped from their (imported) rows. */
  values_dropped: number;
  suppressions_added: number;
  suppressions_updated: number;
  /** Customers with neither domain nor email: nothing to suppress them by. */
  without_target: number;
  signals_refreshed: number;
  /** The first rejected rows and dropped values, for the confirmation. */
  first_rejects: Array<{ line: number; error: string }>;
  first_dropped: Array<{ line: number; warning: string }>;
  /** Status values nobody mapped (only when the request collects them instead of failing). */
  unknown_statuses: UnknownStatus[];
  import_run_id: string | null;
  seconds: number;
  /** Against what was stored: new, changed (which fields), unchanged, and with sync the churned. */
  diff: ImportDiff | null;
}

export interface ImportRequest {
  client: string;
  input: AsyncIterable<Buffer | string>;
  fileName: string;
  /** --map / --mapping-file: field → header name (several for the domain, in order), or null to skip the field. */
  mapOverrides?: Record<string, string | string[] | null>;
  delimiter?: string | undefined;
  encoding?: string | undefined;
  /** --date-format; null: ISO 8601, whatever was remembered. */
  dateFormat?: string | null | undefined;
  /** --status-map: status value → status, over the remembered and the known words. */
  statusMap?: Record<string, StatusClass> | undefined;
  defaultStatus?: CustomerStatus | undefined;
  sourceName?: string | undefined;
  dryRun?: boolean;
  strict?: boolean;
  /**
   * Interactive validation: report unknown status values in the summary (a dry run) instead of
   * failing on them.
   */
  collectUnknownStatuses?: boolean;
  /** Use exactly this mapping (an interactive import's confirmed one), not a proposal… */
  mapping?: ColumnMapping | undefined;
  /** …made for this header row. */
  expectHeaders?: readonly string[] | undefined;
  /** The input again from its start (a file; not stdin): lets a remembered delimiter/encoding apply. */
  reopenInput?: (() => AsyncIterable<Buffer | string>) | undefined;
  /** `delimiter`: the file's, so a rejects file reads like its input. */
  onReject?: (reject: ImportReject, headers: string[], delimiter: string) => void | Promise<void>;
  onProgress?: (rowsRead: number) => void;
  signal?: AbortSignal;
  /** --sync: the file is the complete list of its source; missing customers become churned. */
  sync?: boolean;
  /** --yes --force: a sync may churn more than half of the client's customers. */
  allowMassChurn?: boolean;
  /** Interactive: asked again when a sync would churn more than half. */
  confirmMassChurn?: (diff: ImportDiff) => Promise<boolean>;
}

export type ImportServiceOptions = ServiceOptions;

/** Rows sent to the staging table per statement (one array parameter per column). */
export const IMPORT_BATCH_SIZE = 10_000;
const SAMPLE_ROWS = 5;
/** Title lines a report may put above its header. */
const HEADER_SEARCH_ROWS = 12;
const FIRST_FEW = 5;

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

class Rollback extends Error {
  constructor(readonly summary: ImportSummary) {
    super('rollback');
  }
}

const STAGING_COLUMNS: Array<[string, string]> = [
  ['line', 'int'],
  ['natural_key', 'text'],
  ['name_key', 'text'],
  ['company_name', 'text'],
  ['domain', 'text'],
  ['industry', 'text'],
  ['employee_count_range', 'text'],
  ['contact_email', 'text'],
  ['email_entry', 'text'],
  ['contact_name', 'text'],
  ['contact_title', 'text'],
  ['status', 'text'],
  ['customer_since', 'date'],
  ['churned_at', 'date'],
  ['deal_value', 'numeric(12,2)'],
  ['services', 'text'],
  ['external_id', 'text'],
  ['can_use_as_reference', 'boolean'],
  ['case_study_url', 'text'],
  ['testimonial', 'text'],
  ['logo_approved', 'boolean'],
];

function stagingRow(line: number, r: CustomerRecord): unknown[] {
  return [
    line, r.naturalKey, r.nameKey, r.companyName, r.domain, r.industry, r.employeeCountRange, r.contactEmail, r.emailEntry, r.contactName,
    r.contactTitle, r.status, r.customerSince, r.churnedAt, r.dealValue,
    // Services stay one text value while staged: joined by U+001F, split when the customer is written.
    r.services === null ? null : r.services.join('\u001f'),
    r.externalId, r.canUseAsReference === null ? null : String(r.canUseAsReference), r.caseStudyUrl, r.testimonial,
    r.logoApproved === null ? null : String(r.logoApproved),
  ];
}

// A batch travels as one JSON array of row arrays: JSON.stringify is native, where the driver's
// text[] encoding escapes every value in JavaScript (~2 s of the main thread per million rows).
const STAGING_INSERT = `insert into aos_import_rows (${STAGING_COLUMNS.map(([c]) => c).join(', ')})
  select ${STAGING_COLUMNS.map(([, t], i) => (t === 'text' ? `r->>${i}` : `(r->>${i})::${t}`)).join(', ')}
    from jsonb_array_elements(($1::text)::jsonb) as r`;

// Rows of one natural key merge into one customer: the first non-empty value of each field.
// Most keys occur once and are copied as they are; only repeated keys pay for the aggregation.
// email_entry stays per row: every off-domain address of a customer's rows gets its entry.
const MERGED_FIELDS = STAGING_COLUMNS.map(([c]) => c).filter((c) => c !== 'line' && c !== 'natural_key' && c !== 'email_entry');
const MERGE_SQL = `
  create temp table aos_import_merged on commit drop as
  with repeated as materialized (
    select natural_key from aos_import_rows group by natural_key having count(*) > 1)
  select natural_key, 1 as rows_merged, ${MERGED_FIELDS.join(', ')}
    from aos_import_rows r where not exists (select 1 from repeated d where d.natural_key = r.natural_key)
  union all
  select natural_key, count(*)::int as rows_merged,
         ${MERGED_FIELDS.map((c) => `(array_agg(${c} order by line) filter (where ${c} is not null))[1] as ${c}`).join(',\n         ')}
    from aos_import_rows where natural_key in (select natural_key from repeated)
   group by natural_key`;

// New values win where the file has them; fields the file lacks keep what is stored.
const KEPT_IF_MISSING = ['industry', 'employee_count_range', 'contact_email', 'contact_name', 'contact_title', 'customer_since', 'churned_at', 'deal_value', 'services', 'external_id', 'can_use_as_reference', 'case_study_url', 'testimonial', 'logo_approved'];
const REPLACED = ['company_name', 'domain', 'status', 'source'];
// The customers this import touches land in aos_import_customers with their ids: the changed ones
// from RETURNING, the unchanged ones looked up after (none on a first import).
const UPSERT_CUSTOMERS_SQL = `
  with up as (
    insert into client_customers as c (client_id, natural_key, ${[...REPLACED, ...KEPT_IF_MISSING].join(', ')}, imported_at, created_at, updated_at)
    select $1, natural_key, company_name, domain, status, $2, ${KEPT_IF_MISSING.map((c) => (c === 'services' ? `string_to_array(services, chr(31))` : c)).join(', ')}, $3::timestamptz, $3::timestamptz, $3::timestamptz
      from aos_import_merged
    on conflict (client_id, natural_key) do update set
      ${REPLACED.map((c) => `${c} = excluded.${c}`).join(', ')},
      ${KEPT_IF_MISSING.map((c) => `${c} = coalesce(excluded.${c}, c.${c})`).join(', ')},
      imported_at = excluded.imported_at, updated_at = excluded.updated_at
    where (${[...REPLACED, ...KEPT_IF_MISSING].map((c) => `c.${c}`).join(', ')})
          is distinct from (${[...REPLACED.map((c) => `excluded.${c}`), ...KEPT_IF_MISSING.map((c) => `coalesce(excluded.${c}, c.${c})`)].join(', ')})
    returning c.id, c.natural_key, c.status, c.company_name, (xmax = 0) as inserted)
  insert into aos_import_customers select id, natural_key, status, company_name, inserted from up`;

// A customer first imported by its name alone (no domain or email in the file, or the domain
// mapped to an empty column) that now comes with a domain or email is the same company: its row
// takes the new key, so a remapped import updates it instead of storing the company twice.
const REKEY_NAMED_CUSTOMERS_SQL = `
  with claims as (
    select distinct on (name_key) name_key, natural_key, domain
      from aos_import_merged where name_key is not null and natural_key not like 'n:%'
     order by name_key, natural_key)
  update client_customers c set natural_key = k.natural_key, domain = k.domain, updated_at = $2::timestamptz
    from claims k
   where c.client_id = $1 and c.natural_key = 'n:' || k.name_key
     and not exists (select 1 from client_customers x where x.client_id = $1 and x.natural_key = k.natural_key)
  returning c.natural_key`;

// The reverse: a row that comes with a name (and maybe a webmail contact) but no company domain —
// its website cell empty, "TBC", a page on Facebook — while the client has exactly one stored
// customer of that name with a domain or email key, is that customer: the row takes its key (and
// domain), so it is neither stored twice nor churned by --sync because one cell went bad.
// Stored names are compared in SQL only when printable ASCII, where lower + [^a-z0-9]+ → ' ' is
// exactly normalizeCompanyName; other names are left alone rather than matched wrongly.
const CLAIM_STORED_KEYS_SQL = `
  with weak as materialized (
    select distinct name_key from aos_import_rows where name_key is not null and natural_key not like 'd:%'),
  stored as (
    select k.name_key, min(k.natural_key) as natural_key, count(*) as n
      from (select natural_key, btrim(regexp_replace(lower(company_name), '[^a-z0-9]+', ' ', 'g')) as name_key
              from client_customers
             where client_id = $1 and natural_key not like 'n:%' and company_name ~ '^[ -~]*$') k
     where k.name_key in (select name_key from weak)
     group by k.name_key)
  update aos_import_rows r
     set natural_key = s.natural_key,
         domain = case when s.natural_key like 'd:%' then substr(s.natural_key, 3) else r.domain end
    from stored s
   where s.n = 1 and r.name_key = s.name_key and r.natural_key not like 'd:%'
     and r.natural_key <> s.natural_key
     and not exists (select 1 from client_customers x where x.client_id = $1 and x.natural_key = r.natural_key)`;

const UNCHANGED_CUSTOMERS_SQL = `
  insert into aos_import_customers
  select c.id, c.natural_key, c.status, c.company_name, null
    from aos_import_merged m join client_customers c on c.client_id = $1 and c.natural_key = m.natural_key
   where not exists (select 1 from aos_import_customers x where x.natural_key = m.natural_key)`;

// The entries of this import's customers, one per target. By domain: each customer with a company
// domain. By email: every contact address its domain entry does not cover (webmail, another
// company's domain), and the address of a customer without a domain; an address on rows of
// several customers goes to the first row's.
const REASON_OF_STATUS = `case status when 'churned' then 'past_customer' when 'partner' then 'partner' when 'competitor' then 'competitor' else 'existing_customer' end`;
const ENTRY_TARGETS: Record<'domain' | 'email', string> = {
  domain: `select id, company_name, status, substr(natural_key, 3) as target from aos_import_customers where natural_key like 'd:%'`,
  email: `select distinct on (r.email_entry) c.id, c.company_name, c.status, r.email_entry as target
            from aos_import_rows r join aos_import_customers c on c.natural_key = r.natural_key
           where r.email_entry is not null order by r.email_entry, r.line`,
};

/**
 * An active customer's entry never expires (SPEC §7): a live expiry on the entry of one is
 * cleared, its reason kept, and audited. (An expired entry is taken over by the upsert.)
 */
function clearExpirySql(kind: 'domain' | 'email'): string {
  return `
    with cust as (${ENTRY_TARGETS[kind]}),
    cleared as (
      update suppression_list s set expires_at = null, updated_at = $3::timestamptz
        from cust
       where s.client_id = $1 and s.${kind} = cust.target and cust.status = 'active'
         and s.expires_at is not null and s.expires_at > $3::timestamptz
      returning s.${kind} as value, s.reason),
    events as (
      insert into suppression_events (client_id, target, kind, action, reason_before, reason_after, expires_at, notes, actor, source, at)
      select $1, value, '${kind}', 'update', reason, reason, null, 'expiry cleared: an active customer never expires', $2, 'import', $3::timestamptz
        from cleared
      returning 1)
    select count(*)::int as cleared from events`;
}

/**
 * Each customer's entries (see ENTRY_TARGETS). A manual entry keeps its reason, unless it has
 * expired: then the import takes it over, because a customer must stay suppressed.
 */
function upsertCustomerSuppressionsSql(kind: 'domain' | 'email'): string {
  const col = kind;
  const takeOver = `(s.source = 'import' or (s.expires_at is not null and s.expires_at <= $3::timestamptz))`;
  return `
    with cust as (
      select id, company_name, target, ${REASON_OF_STATUS} as reason from (${ENTRY_TARGETS[kind]}) t),
    before as (
      select s.${col} as value, s.reason from suppression_list s
       where s.client_id = $1 and s.${col} in (select target from cust)),
    up as (
      insert into suppression_list as s (client_id, ${col}, company_name, reason, source, customer_id, created_by, created_at, updated_at)
      select $1, target, company_name, reason, 'import', id, $2, $3::timestamptz, $3::timestamptz from cust
      on conflict (client_id, ${col}) do update set
        reason = case when ${takeOver} then excluded.reason else s.reason end,
        source = case when ${takeOver} then 'import' else s.source end,
        expires_at = case when ${takeOver} then null else s.expires_at end,
        customer_id = excluded.customer_id,
        company_name = coalesce(s.company_name, excluded.company_name),
        updated_at = excluded.updated_at
      where (${takeOver} and (s.reason, s.source) is distinct from (excluded.reason, 'import'))
         or (${takeOver} and s.expires_at is not null)
         or s.customer_id is distinct from excluded.customer_id
      returning s.${col} as value, s.reason),
    events as (
      insert into suppression_events (client_id, target, kind, action, reason_before, reason_after, actor, source, at)
      select $1, u.value, '${kind}', case when b.value is null then 'add' else 'update' end, b.reason, u.reason, $2, 'import', $3::timestamptz
        from up u left join before b on b.value = u.value
       where b.value is null or b.reason is distinct from u.reason
      returning action)
    select count(*) filter (where action = 'add')::int as added, count(*) filter (where action = 'update')::int as updated from events`;
}

function parseStatusOption(value: string | undefined): CustomerStatus | null {
  if (value === undefined) return null;
  const v = value.trim().toLowerCase();
  if (v === 'active' || v === 'churned') return v;
  throw new AosError('usage', `invalid --status "${value}": use active or churned`);
}

function dateParserOf(format: string | null): DateParser {
  try {
    return makeDateParser(format ?? undefined);
  } catch (e) {
    throw new AosError('usage', (e as Error).message, 'use tokens YYYY, YY, MM, M, DD, D, e.g. --date-format DD/MM/YYYY');
  }
}

/** The import_runs.mapping document: the columns and the settings. */
interface RememberedMapping {
  fields: MappingByName;
  date_format?: string | null;
  status_map?: Record<string, StatusClass>;
  delimiter?: string | null;
  encoding?: string | null;
}

/** The `--status-map` list of a set of unknown status values, as a hint to copy from. */
export function statusMapHint(unknown: readonly UnknownStatus[]): string {
  const items = unknown.slice(0, 6).map((u) => `${u.value.replace(/[,=']/g, ' ').trim()}=skip`);
  return `map each to active, churned, partner, competitor or skip: --status-map '${items.join(',')}'`;
}

/** A header read as one long column usually means the wrong delimiter: say which one splits it. */
function withDelimiterHint(e: AosError, headers: readonly string[], delimiter: string): AosError {
  const split = headers.length === 1 ? betterDelimiter(headers[0] ?? '', delimiter) : null;
  if (!split) return e;
  return new AosError(
    e.code,
    `${e.message} — the delimiter "${delimiterName(delimiter)}" looks wrong: the header is one column`,
    `--delimiter "${delimiterName(split.delimiter)}" would split it into ${split.columns} columns`,
  );
}

export class CustomerImportService extends AuditedService {
  /** The mapping and settings confirmed by the last import of this client with the same header set. */
  async rememberedMapping(clientId: string, headers: readonly string[]): Promise<RememberedMapping | null> {
    const rows = await this.db.query<{ mapping: unknown }>(
      `select mapping from import_runs where client_id = $1 and header_key = $2 and status = 'completed' order by finished_at desc limit 1`,
      [clientId, headerKey(headers)],
    );
    let mapping = rows[0]?.mapping;
    if (typeof mapping === 'string') mapping = JSON.parse(mapping) as unknown;
    if (!mapping || typeof mapping !== 'object' || !('fields' in mapping)) return null;
    return mapping as RememberedMapping;
  }

  async proposeMapping(
    client: ClientRef,
    headers: string[],
    samples: string[][],
    overrides: Record<string, string | string[] | null> = {},
    given: Partial<ImportSettings> = {},
  ): Promise<MappingProposal> {
    const mapping = autoMapColumns(headers, samples);
    const origin = Object.fromEntries(IMPORT_FIELDS.map((f) => [f, mapping[f] === null ? 'none' : 'auto'])) as Record<ImportField, MappingOrigin>;
    const remembered = await this.rememberedMapping(client.id, headers);
    if (remembered) {
      for (const field of IMPORT_FIELDS) {
        const names = remembered.fields[field];
        const indexes = (names === undefined ? [] : Array.isArray(names) ? names : [names]).map((n) => findHeader(headers, n)).filter((i) => i >= 0);
        if (field === 'domain') setDomainColumns(mapping, indexes);
        else mapping[field] = indexes[0] ?? null;
        origin[field] = indexes.length > 0 ? 'remembered' : 'none';
      }
    }
    for (const [field, header] of Object.entries(overrides)) {
      if (!isImportField(field)) {
        throw new AosError('usage', `unknown field "${printable(field)}" in the mapping`, `fields: ${IMPORT_FIELDS.join(', ')}`);
      }
      const names = header === null ? [] : (Array.isArray(header) ? header : [header]).filter((h) => h !== '');
      if (names.length > 1 && field !== 'domain') {
        throw new AosError('usage', `only domain takes several columns (${field} was given ${names.length})`, 'for example: --map domain="Company Domain Name" --map domain="Website URL"');
      }
      const indexes = names.map((name) => {
        const index = findHeader(headers, name);
        if (index < 0) {
          throw new AosError('usage', `the file has no column "${printable(name)}" (for ${field})`, `its columns are: ${headers.map((h) => printable(h, 40)).join(', ')}`);
        }
        return index;
      });
      // A header feeds one field: an explicit choice takes it away from any other field.
      for (const index of indexes) {
        for (const other of IMPORT_FIELDS) if (mapping[other] === index && origin[other] !== 'explicit') mapping[other] = null;
        if (origin.domain !== 'explicit') mapping.domainFallbacks = mapping.domainFallbacks.filter((i) => i !== index);
      }
      if (field === 'domain') setDomainColumns(mapping, indexes);
      else mapping[field] = indexes[0] ?? null;
      origin[field] = 'explicit';
    }
    // A fallback promoted to primary by a removal above.
    if (mapping.domain === null && mapping.domainFallbacks.length > 0) setDomainColumns(mapping, mapping.domainFallbacks);
    const settings: ImportSettings = {
      dateFormat: given.dateFormat !== undefined ? given.dateFormat : (remembered?.date_format ?? null),
      statusMap: { ...(remembered?.status_map ?? {}), ...(given.statusMap ?? {}) },
      delimiter: given.delimiter ?? remembered?.delimiter ?? null,
      encoding: given.encoding ?? remembered?.encoding ?? null,
    };
    return { headers, mapping, origin, samples, remembered: remembered !== null, settings };
  }

  /**
   * Reads the header (below any title lines of a report) and the first rows, and proposes the
   * mapping and settings: the interactive import's first step.
   */
  async propose(request: ImportRequest): Promise<MappingProposal> {
    const client = await new ClientService(this.db).resolve(request.client);
    const opened = await this.openCsv(request, client);
    try {
      return await this.proposeMapping(client, opened.head.headers, opened.head.samples, request.mapOverrides, this.givenSettings(opened.request));
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
    const csv = await openCsvSource(request.input, { encoding: request.encoding, delimiter: request.delimiter });
    let head: Head;
    try {
      head = await this.readHead(request, csv);
    } catch (e) {
      await csv.reader.close();
      throw e;
    }
    if (request.delimiter !== undefined || request.encoding !== undefined || !request.reopenInput) return { csv, head, request };
    for (const candidate of await this.rememberedInputOverrides(client.id, head.headers, csv)) {
      const again = await openCsvSource(request.reopenInput(), candidate.override);
      try {
        const againHead = await this.readHead(request, again);
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

  /**
   * Delimiter/encoding overrides remembered for this client that differ from what was detected:
   * the one of this header set's run first, else those of its last few runs with an override (a
   * wrong delimiter gives another header set, so the header key alone cannot find them).
   */
  private async rememberedInputOverrides(clientId: string, headers: readonly string[], csv: CsvSource) {
    const rows = await this.db.query<{ header_key: string; delimiter: string | null; encoding: string | null }>(
      `select header_key, mapping->>'delimiter' as delimiter, mapping->>'encoding' as encoding from import_runs
        where client_id = $1 and status = 'completed' and (header_key = $2 or mapping->>'delimiter' is not null or mapping->>'encoding' is not null)
        order by header_key = $2 desc, finished_at desc limit 5`,
      [clientId, headerKey(headers)],
    );
    const out: Array<{ headerKey: string; override: { delimiter?: string; encoding?: string } }> = [];
    const [own] = rows;
    if (own && own.header_key === headerKey(headers) && own.delimiter === null && own.encoding === null) return out;
    for (const r of rows) {
      if (r.delimiter === null && r.encoding === null) continue;
      if ((r.delimiter ?? csv.delimiter) === csv.delimiter && (r.encoding ?? csv.encoding) === csv.encoding) continue;
      const override: { delimiter?: string; encoding?: string } = {};
      if (r.delimiter !== null) override.delimiter = r.delimiter;
      if (r.encoding !== null) override.encoding = r.encoding;
      if (!out.some((o) => JSON.stringify(o.override) === JSON.stringify(override))) out.push({ headerKey: r.header_key, override });
    }
    return out.slice(0, 3);
  }

  private givenSettings(request: ImportRequest): Partial<ImportSettings> {
    const given: Partial<ImportSettings> = {};
    if (request.dateFormat !== undefined) given.dateFormat = request.dateFormat;
    if (request.statusMap) given.statusMap = request.statusMap;
    if (request.delimiter) given.delimiter = request.delimiter;
    if (request.encoding) given.encoding = request.encoding;
    return given;
  }

  /** The header row and the rows after it read so far; records above the header are furniture. */
  private async readHead(request: ImportRequest, csv: CsvSource): Promise<Head> {
    const first = await csv.reader.take(HEADER_SEARCH_ROWS);
    if (first.length === 0) throw new AosError('input', `${request.fileName} is empty: expected a header row and customer rows`);
    const at = headerRowIndex(first.map((r) => r.fields));
    const headers = (first[at] as CsvRecord).fields.map((h) => h.trim());
    const buffered = [...first.slice(at + 1), ...(await csv.reader.take(SAMPLE_ROWS))];
    const samples = buffered.filter((r) => !isBlankRow(r.fields) && !isFooterRow(r.fields) && !isRepeatedHeader(r.fields, headers)).map((r) => r.fields);
    return { headers, aboveHeader: at, buffered, samples };
  }

  async import(request: ImportRequest): Promise<ImportSummary> {
    const started = performance.now();
    const startedAt = this.now();
    const client = await new ClientService(this.db).resolve(request.client);
    const defaultStatus = parseStatusOption(request.defaultStatus);
    if (request.dateFormat) dateParserOf(request.dateFormat); // a bad format fails before any reading
    const sourceName = request.sourceName?.trim() || 'csv';

    const opened = await this.openCsv(request, client);
    try {
      return await this.importRecords(opened.request, opened.csv, opened.head, { started, startedAt, client, defaultStatus, sourceName });
    } finally {
      await opened.csv.reader.close();
    }
  }

  private async importRecords(request: ImportRequest, csv: CsvSource, head: Head, setup: ImportSetup): Promise<ImportSummary> {
    const { started, startedAt, client, defaultStatus, sourceName } = setup;
    const { headers, aboveHeader, buffered, samples } = head;
    const wrongDelimiter = (e: AosError) => withDelimiterHint(e, headers, csv.delimiter);
    let proposal: MappingProposal;
    try {
      proposal = await this.proposeMapping(client, headers, samples, request.mapOverrides, this.givenSettings(request));
    } catch (e) {
      throw e instanceof AosError ? wrongDelimiter(e) : e;
    }
    const mapping = request.mapping ?? proposal.mapping;
    // A confirmed mapping holds column positions: the file read again must have the same header.
    if (request.mapping && request.expectHeaders && request.expectHeaders.join('\u001f') !== headers.join('\u001f')) {
      throw new AosError('input', `${request.fileName} changed while the import was being confirmed (its header is not the one mapped)`, 'run the import again');
    }
    if (missingRequired(mapping).length > 0) {
      throw wrongDelimiter(
        new AosError(
          'input',
          `no column is mapped to company_name or domain (one is required); the file's columns are: ${headers.map((h) => `"${printable(h, 40)}"`).join(', ')}`,
          'map one with --map company_name="Column Name" (or --map domain="Website"), or --mapping-file mapping.json',
        ),
      );
    }
    const settings = proposal.settings;
    const parseDate = dateParserOf(settings.dateFormat);
    const statusHeader = mapping.status === null ? '' : (headers[mapping.status] ?? '');
    // A status column holds a handful of distinct values over a million rows: each is read once.
    const statusMemo = new Map<string, StatusClass | null>();
    const statusOf = (value: string): StatusClass | null => {
      let status = statusMemo.get(value);
      if (status === undefined) {
        status = settings.statusMap[statusKey(value)] ?? classifyStatus(value, statusHeader);
        if (statusMemo.size < 10_000) statusMemo.set(value, status);
      }
      return status;
    };
    const rowContext: RowContext = { parseDate, defaultStatus, statusOf, domainColumns: domainColumns(mapping) };

    const summary: ImportSummary = {
      client: client.slug,
      file: request.fileName,
      dry_run: Boolean(request.dryRun),
      encoding: csv.encoding,
      delimiter: csv.delimiter,
      mapping: mappingByName(mapping, headers),
      date_format: settings.dateFormat,
      status_map: settings.statusMap,
      rows_read: aboveHeader,
      inserted: 0,
      updated: 0,
      unchanged: 0,
      merged: 0,
      rejected: 0,
      skipped: aboveHeader,
      values_dropped: 0,
      suppressions_added: 0,
      suppressions_updated: 0,
      without_target: 0,
      signals_refreshed: 0,
      first_rejects: [],
      first_dropped: [],
      unknown_statuses: [],
      import_run_id: null,
      seconds: 0,
      diff: null,
    };
    const unknownStatuses = new Map<string, UnknownStatus>();
    // Rows with a name but no company domain: only then can one claim a stored customer's key.
    let namedWithoutDomain = false;
    const checkAbort = () => {
      if (request.signal?.aborted) throw new AosError('interrupted', 'import interrupted: rolled back, nothing was written');
    };
    const strictAbort = (line: number, problem: string) =>
      new AosError('input', `line ${line}: ${problem}; --strict: import aborted, nothing written`, 'fix that row, or drop --strict to import without the bad values (--rejects PATH lists them)');

    /** One record → a staged row, or counted as skipped, rejected or of unknown status. */
    const handle = async (record: CsvRecord, batch: unknown[][]) => {
      summary.rows_read++;
      if (isBlankRow(record.fields) || isFooterRow(record.fields) || isRepeatedHeader(record.fields, headers)) {
        summary.skipped++;
        return;
      }
      let outcome: RowOutcome;
      try {
        outcome = normalizeCustomerRow(record.fields, mapping, rowContext);
      } catch (e) {
        if (!(e instanceof ValueError)) throw e;
        summary.rejected++;
        if (request.strict) throw strictAbort(record.line, e.message);
        if (summary.first_rejects.length < FIRST_FEW) summary.first_rejects.push({ line: record.line, error: e.message });
        await request.onReject?.({ line: record.line, fields: record.fields, error: e.message }, headers, csv.delimiter);
        return;
      }
      if (outcome.kind === 'skip') {
        summary.skipped++;
        return;
      }
      if (outcome.kind === 'unknown_status') {
        const key = statusKey(outcome.status);
        const known = unknownStatuses.get(key);
        if (known) known.rows++;
        else unknownStatuses.set(key, { value: outcome.status, rows: 1 });
        return;
      }
      if (outcome.warnings.length > 0) {
        const warning = outcome.warnings.join('; ');
        if (request.strict) throw strictAbort(record.line, warning);
        summary.values_dropped += outcome.warnings.length;
        if (summary.first_dropped.length < FIRST_FEW) summary.first_dropped.push({ line: record.line, warning });
        await request.onReject?.({ line: record.line, fields: record.fields, warning }, headers, csv.delimiter);
      }
      if (outcome.record.nameKey !== null && outcome.record.domain === null) namedWithoutDomain = true;
      batch.push(stagingRow(record.line, outcome.record));
    };

    const run = async (tx: Queryable, orm: Orm): Promise<ImportSummary> => {
      // Imports of one client run one after another; other clients' imports are not blocked.
      await tx.query(`select pg_advisory_xact_lock(hashtext('aos:import:' || $1::text))`, [client.id]);
      // From here every row this import writes is logged for `aos imports undo` (import-change-log.ts).
      const changeSet = await beginImportChangeLog(tx);
      // The merge and the signal aggregates sort and hash whole files: keep that in memory.
      await tx.query(`set local work_mem = '64MB'`);
      await tx.query(`create temp table aos_import_rows (${STAGING_COLUMNS.map(([c, t]) => `${c} ${t}`).join(', ')}) on commit drop`);

      // Valid rows in batches; rejects and dropped values are counted and reported as they pass.
      const parsedBatches = async function* (): AsyncGenerator<unknown[][]> {
        let batch: unknown[][] = [];
        const flush = () => {
          checkAbort();
          request.onProgress?.(summary.rows_read);
          const out = batch;
          batch = [];
          return out;
        };
        for (const record of buffered) await handle(record, batch);
        for await (const records of csv.reader.batches()) {
          for (const record of records) await handle(record, batch);
          if (batch.length >= IMPORT_BATCH_SIZE) yield flush();
        }
        if (batch.length > 0) yield flush();
        checkAbort();
      };

      // One batch is written while the next is parsed: the server works while Node parses.
      let inflight: Promise<unknown> = Promise.resolve();
      for await (const rows of parsedBatches()) {
        await inflight;
        inflight = tx.query(STAGING_INSERT, [JSON.stringify(rows)]);
        inflight.catch(() => {}); // awaited, and thrown, at the next batch or just below
      }
      await inflight;
      checkAbort();

      // Unknown status values: nothing is written until each has its meaning.
      summary.unknown_statuses = [...unknownStatuses.values()].sort((a, b) => b.rows - a.rows);
      if (summary.unknown_statuses.length > 0 && !request.collectUnknownStatuses) {
        const list = summary.unknown_statuses.slice(0, 10).map((u) => `"${printable(u.value, 40)}" (${u.rows} row${u.rows === 1 ? '' : 's'})`);
        throw new AosError(
          'input',
          `${summary.unknown_statuses.length} value(s) of the status column "${printable(statusHeader, 40)}" have no meaning yet: ${list.join(', ')}${summary.unknown_statuses.length > 10 ? ', …' : ''}; nothing was written`,
          statusMapHint(summary.unknown_statuses),
        );
      }

      await this.writeCustomers(tx, client.id, sourceName, summary, namedWithoutDomain);
      // The diff against what was stored and, with --sync, the churn (import-sync.ts).
      summary.diff = await diffAndSync(tx, orm, {
        clientId: client.id, clientSlug: client.slug, sourceName, fileName: request.fileName, changeSet, now: this.now().toISOString(), actor: this.actor,
        sync: Boolean(request.sync), dryRun: Boolean(request.dryRun), allowMassChurn: Boolean(request.allowMassChurn), confirmMassChurn: request.confirmMassChurn,
      });
      summary.signals_refreshed = (await BuyerSignalService.refresh(orm, { query: 'select domain from aos_import_merged where domain is not null' })).changed;
      summary.seconds = Number(((performance.now() - started) / 1000).toFixed(3));
      checkAbort();
      // The run is recorded in a dry run too (then rolled back), so a dry run meets every check
      // the real one does.
      const remembered: RememberedMapping = { fields: summary.mapping, date_format: settings.dateFormat, status_map: settings.statusMap, delimiter: settings.delimiter, encoding: settings.encoding };
      const [runRow] = await tx.query<{ id: string }>(
        `insert into import_runs (client_id, file_name, sha256, header_key, mapping, counts, actor, status, started_at)
         values ($1, $2, $3, $4, ($5::text)::jsonb, ($6::text)::jsonb, $7, 'completed', $8::timestamptz) returning id`,
        [client.id, request.fileName, csv.sha256(), headerKey(headers), JSON.stringify(remembered), JSON.stringify(countsOf(summary)), this.actor, startedAt.toISOString()],
      );
      if (request.dryRun || summary.unknown_statuses.length > 0) throw new Rollback(summary);
      summary.import_run_id = runRow?.id ?? null;
      await endImportChangeLog(tx, summary.import_run_id, changeSet);
      return summary;
    };

    try {
      const result = await this.db.transaction((orm) => run(legacyQueryable(orm), orm));
      result.seconds = Number(((performance.now() - started) / 1000).toFixed(3));
      return result;
    } catch (e) {
      if (e instanceof Rollback) return { ...e.summary, seconds: Number(((performance.now() - started) / 1000).toFixed(3)) };
      throw e;
    }
  }

  /** Merge → customers → suppression entries → signals, from the staged rows. */
  private async writeCustomers(tx: Queryable, clientId: string, sourceName: string, summary: ImportSummary, namedWithoutDomain: boolean): Promise<void> {
    // A pass over the client's stored customers: only for files with rows that may need it.
    if (namedWithoutDomain) await tx.query(CLAIM_STORED_KEYS_SQL, [clientId]);
    await tx.query(MERGE_SQL);
    const [keys] = await tx.query<{ customers: number; rows: number; without_target: number }>(
      `select count(*)::int as customers, coalesce(sum(rows_merged), 0)::int as rows,
              count(*) filter (where natural_key like 'n:%')::int as without_target from aos_import_merged`,
    );
    summary.merged = (keys?.rows ?? 0) - (keys?.customers ?? 0);
    summary.without_target = keys?.without_target ?? 0;
    const now = this.now().toISOString();
    await tx.query('create temp table aos_import_customers (id uuid, natural_key text, status text, company_name text, inserted boolean) on commit drop');
    // Both look-ups below cost a pass over the import; most clients have nothing for them to find.
    const [present] = await tx.query<{ named: boolean; expiring: boolean }>(
      `select exists (select 1 from client_customers where client_id = $1 and natural_key >= 'n:' and natural_key < 'n;') as named,
              exists (select 1 from suppression_list where client_id = $1 and expires_at > $2::timestamptz) as expiring`,
      [clientId, now],
    );
    const rekeyed = present?.named ? await tx.query<{ natural_key: string }>(REKEY_NAMED_CUSTOMERS_SQL, [clientId, now]) : [];
    await tx.query(UPSERT_CUSTOMERS_SQL, [clientId, sourceName, now]);
    const [written] = await tx.query<{ inserted: number; updated: number }>(
      'select count(*) filter (where inserted)::int as inserted, count(*) filter (where not inserted)::int as updated from aos_import_customers',
    );
    // Unchanged customers are not in RETURNING: look them up, unless every one was written.
    if ((written?.inserted ?? 0) + (written?.updated ?? 0) < (keys?.customers ?? 0)) await tx.query(UNCHANGED_CUSTOMERS_SQL, [clientId]);
    // A customer that only took its new key is updated all the same.
    let counted = written;
    if (rekeyed.length > 0) {
      await tx.query(`update aos_import_customers set inserted = false where inserted is null and natural_key = any($1::text[])`, [rekeyed.map((r) => r.natural_key)]);
      [counted] = await tx.query<{ inserted: number; updated: number }>(
        'select count(*) filter (where inserted)::int as inserted, count(*) filter (where not inserted)::int as updated from aos_import_customers',
      );
    }
    summary.inserted = counted?.inserted ?? 0;
    summary.updated = counted?.updated ?? 0;
    summary.unchanged = (keys?.customers ?? 0) - summary.inserted - summary.updated;
    for (const kind of ['domain', 'email'] as const) {
      const [c] = present?.expiring ? await tx.query<{ cleared: number }>(clearExpirySql(kind), [clientId, this.actor, now]) : [];
      const [s] = await tx.query<{ added: number; updated: number }>(upsertCustomerSuppressionsSql(kind), [clientId, this.actor, now]);
      summary.suppressions_added += s?.added ?? 0;
      summary.suppressions_updated += (s?.updated ?? 0) + (c?.cleared ?? 0);
    }
  }
}

/** What the person at the terminal is asked, as plain functions (src/prompts/mapping.ts). */
export interface ImportPrompts {
  confirmMapping(proposal: MappingProposal): Promise<{ mapping: ColumnMapping; dateFormat: string | null }>;
  mapStatuses(unknown: readonly UnknownStatus[], header: string): Promise<Record<string, StatusClass>>;
  confirmWrite(preview: ImportSummary): Promise<WriteAnswer>;
  /** --sync churning more than half of the stored customers: asked a second time. */
  confirmMassChurn?(diff: ImportDiff): Promise<boolean>;
}

export type WriteAnswer = { action: 'write' } | { action: 'cancel' } | { action: 'date-format'; dateFormat: string | null };

export interface InteractiveImportDeps {
  /** Opens the database (taking the embedded database's lock) and returns the service over it. */
  open(): Promise<CustomerImportService>;
  /** Closes the database again, so nothing holds it while a person answers (SPEC §1). */
  release(): Promise<void>;
  /** The input from its start: an interactive import reads its file once per validation. */
  reopenInput(): AsyncIterable<Buffer | string>;
  prompts: ImportPrompts;
}

/**
 * An interactive import (SPEC §7): propose → confirm the mapping → validate (a dry run; unknown
 * status values are asked for, then validated again) → confirm the summary (or change the date
 * format and validate again) → write. The database is open only while the file is read or
 * written, never at a prompt; the write recomputes everything in its own transaction, so data
 * changed meanwhile is taken as it is then. Seconds leave out the time at the prompts.
 */
export async function importInteractively(deps: InteractiveImportDeps, request: Omit<ImportRequest, 'input' | 'mapping' | 'expectHeaders'>): Promise<ImportSummary> {
  const started = performance.now();
  let promptMs = 0;
  const prompt = async <T>(ask: () => Promise<T>): Promise<T> => {
    const at = performance.now();
    try {
      return await ask();
    } finally {
      promptMs += performance.now() - at;
    }
  };
  const withService = async <T>(work: (service: CustomerImportService) => Promise<T>): Promise<T> => {
    const service = await deps.open();
    try {
      return await work(service);
    } finally {
      await deps.release();
    }
  };

  const proposal = await withService((s) => s.propose({ ...request, input: deps.reopenInput(), reopenInput: deps.reopenInput }));
  const confirmed = await prompt(() => deps.prompts.confirmMapping(proposal));
  const mapping = confirmed.mapping;
  let dateFormat = confirmed.dateFormat;
  let statusMap = { ...proposal.settings.statusMap };
  const statusHeader = mapping.status === null ? '' : (proposal.headers[mapping.status] ?? '');
  const pass = (dryRun: boolean, validation: boolean) =>
    withService((s) =>
      s.import({
        ...request,
        delimiter: request.delimiter ?? proposal.settings.delimiter ?? undefined,
        encoding: request.encoding ?? proposal.settings.encoding ?? undefined,
        input: deps.reopenInput(),
        mapping,
        expectHeaders: proposal.headers,
        dateFormat,
        statusMap,
        dryRun,
        collectUnknownStatuses: validation,
        onReject: validation ? undefined : request.onReject,
      }),
    );
  for (;;) {
    const preview = await pass(true, true);
    if (preview.unknown_statuses.length > 0) {
      const answers = await prompt(() => deps.prompts.mapStatuses(preview.unknown_statuses, statusHeader));
      statusMap = { ...statusMap, ...answers };
      continue;
    }
    if (request.dryRun) break;
    const answer = await prompt(() => deps.prompts.confirmWrite(preview));
    if (answer.action === 'cancel') throw new AosError('interrupted', 'import cancelled: nothing was written');
    if (answer.action === 'write') {
      // Asked here, with the database released, not inside the write's transaction.
      if (preview.diff?.mass_churn) {
        const churn = deps.prompts.confirmMassChurn;
        if (!churn || !(await prompt(() => churn(preview.diff as ImportDiff)))) throw new AosError('interrupted', 'import cancelled: nothing was written');
        request = { ...request, allowMassChurn: true };
      }
      break;
    }
    dateFormat = answer.dateFormat;
  }
  const summary = await pass(Boolean(request.dryRun), false);
  return { ...summary, seconds: Number(((performance.now() - started - promptMs) / 1000).toFixed(3)) };
}

function countsOf(s: ImportSummary) {
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
