// CustomerImportService: a client's customers from a CSV into client_customers, the suppression
// list and the platform signals, all-or-nothing (SPEC §7).
import type { Database, Queryable } from '../db/database.js';
import type { CustomerStatus } from '../db/schema-constants.js';
import { openCsvSource, type CsvSource } from '../csv/csv-source.js';
import type { CsvRecord } from '../csv/records.js';
import { betterDelimiter, delimiterName } from '../csv/delimiter.js';
import {
  autoMapColumns,
  findHeader,
  headerKey,
  IMPORT_FIELDS,
  isImportField,
  mappingByName,
  missingRequired,
  type ColumnMapping,
  type ImportField,
} from '../domain/column-mapping.js';
import { normalizeCustomerRow, type CustomerRecord } from '../domain/customer-row.js';
import { printable } from '../domain/targets.js';
import { makeDateParser, ValueError, type DateParser } from '../domain/values.js';
import { AosError } from '../errors.js';
import { BuyerSignalService } from './buyer-signal-service.js';
import { ClientService, type ClientRef } from './client-service.js';

export type MappingOrigin = 'explicit' | 'remembered' | 'auto' | 'none';

export interface MappingProposal {
  headers: string[];
  mapping: ColumnMapping;
  origin: Record<ImportField, MappingOrigin>;
  /** The first data rows, for showing sample values next to each column. */
  samples: string[][];
  remembered: boolean;
}

export interface ImportReject {
  line: number;
  fields: string[];
  error: string;
}

export interface ImportSummary {
  client: string;
  file: string;
  dry_run: boolean;
  encoding: string;
  delimiter: string;
  mapping: Partial<Record<ImportField, string>>;
  rows_read: number;
  inserted: number;
  updated: number;
  unchanged: number;
  merged: number;
  rejected: number;
  suppressions_added: number;
  suppressions_updated: number;
  /** Customers with neither domain nor email: nothing to suppress them by. */
  without_target: number;
  signals_refreshed: number;
  import_run_id: string | null;
  seconds: number;
}

export interface ImportRequest {
  client: string;
  input: AsyncIterable<Buffer | string>;
  fileName: string;
  /** --map / --mapping-file: field → header name, or null to skip the field. */
  mapOverrides?: Record<string, string | null>;
  delimiter?: string | undefined;
  encoding?: string | undefined;
  dateFormat?: string | undefined;
  defaultStatus?: CustomerStatus | undefined;
  sourceName?: string | undefined;
  dryRun?: boolean;
  strict?: boolean;
  /** `delimiter`: the file's, so a rejects file reads like its input. */
  onReject?: (reject: ImportReject, headers: string[], delimiter: string) => void | Promise<void>;
  /** Interactive: shown the proposal, returns the mapping to use. */
  confirmMapping?: (proposal: MappingProposal) => Promise<ColumnMapping>;
  /** Interactive: shown the would-be summary before commit; false rolls back. */
  confirmWrite?: (preview: ImportSummary) => Promise<boolean>;
  onProgress?: (rowsRead: number) => void;
  signal?: AbortSignal;
}

export interface ImportServiceOptions {
  db: Database;
  actor?: string;
  now?: () => Date;
}

/** Rows sent to the staging table per statement (one array parameter per column). */
export const IMPORT_BATCH_SIZE = 10_000;
const SAMPLE_ROWS = 5;

/** What import() settles before reading any record. */
interface ImportSetup {
  started: number;
  startedAt: Date;
  client: ClientRef;
  defaultStatus: CustomerStatus | null;
  parseDate: DateParser;
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
  ['company_name', 'text'],
  ['domain', 'text'],
  ['industry', 'text'],
  ['employee_count_range', 'text'],
  ['contact_email', 'text'],
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
    line, r.naturalKey, r.companyName, r.domain, r.industry, r.employeeCountRange, r.contactEmail, r.contactName,
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
const MERGED_FIELDS = STAGING_COLUMNS.map(([c]) => c).filter((c) => c !== 'line' && c !== 'natural_key');
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

const UNCHANGED_CUSTOMERS_SQL = `
  insert into aos_import_customers
  select c.id, c.natural_key, c.status, c.company_name, null
    from aos_import_merged m join client_customers c on c.client_id = $1 and c.natural_key = m.natural_key
   where not exists (select 1 from aos_import_customers x where x.natural_key = m.natural_key)`;

/**
 * Each customer of the import gets a suppression entry by its domain (or, without one, its
 * email). A manual entry keeps its reason, unless it has expired: then the import takes it over,
 * because a customer must stay suppressed. An active customer's entry never expires (SPEC §7):
 * a live manual expiry on it is cleared, with an audit event, even though its reason stays.
 */
function upsertCustomerSuppressionsSql(kind: 'domain' | 'email'): string {
  const col = kind;
  const prefix = kind === 'domain' ? 'd:' : 'e:';
  const takeOver = `(s.source = 'import' or (s.expires_at is not null and s.expires_at <= $3::timestamptz))`;
  const clearExpiry = `(${takeOver} or excluded.reason = 'existing_customer')`;
  return `
    with cust as (
      select id, company_name, substr(natural_key, 3) as target,
             case when status = 'churned' then 'past_customer' else 'existing_customer' end as reason
        from aos_import_customers where natural_key like '${prefix}%'),
    before as (
      select s.${col} as value, s.reason, s.expires_at from suppression_list s
       where s.client_id = $1 and s.${col} in (select target from cust)),
    up as (
      insert into suppression_list as s (client_id, ${col}, company_name, reason, source, customer_id, created_by, created_at, updated_at)
      select $1, target, company_name, reason, 'import', id, $2, $3::timestamptz, $3::timestamptz from cust
      on conflict (client_id, ${col}) do update set
        reason = case when ${takeOver} then excluded.reason else s.reason end,
        source = case when ${takeOver} then 'import' else s.source end,
        expires_at = case when ${clearExpiry} then null else s.expires_at end,
        customer_id = excluded.customer_id,
        company_name = coalesce(s.company_name, excluded.company_name),
        updated_at = excluded.updated_at
      where (${takeOver} and (s.reason, s.source) is distinct from (excluded.reason, 'import'))
         or (${clearExpiry} and s.expires_at is not null)
         or s.customer_id is distinct from excluded.customer_id
      returning s.${col} as value, s.reason, s.expires_at),
    events as (
      insert into suppression_events (client_id, target, kind, action, reason_before, reason_after, expires_at, notes, actor, source, at)
      select $1, u.value, '${kind}', case when b.value is null then 'add' else 'update' end, b.reason, u.reason, u.expires_at,
             case when b.expires_at is not null and u.expires_at is null then 'expiry cleared: a customer''s entry never expires' end,
             $2, 'import', $3::timestamptz
        from up u left join before b on b.value = u.value
       where b.value is null or b.reason is distinct from u.reason or b.expires_at is distinct from u.expires_at
      returning action)
    select count(*) filter (where action = 'add')::int as added, count(*) filter (where action = 'update')::int as updated from events`;
}

function parseStatusOption(value: string | undefined): CustomerStatus | null {
  if (value === undefined) return null;
  const v = value.trim().toLowerCase();
  if (v === 'active' || v === 'churned') return v;
  throw new AosError('usage', `invalid --status "${value}": use active or churned`);
}

export class CustomerImportService {
  private readonly db: Database;
  private readonly actor: string;
  private readonly now: () => Date;

  constructor(options: ImportServiceOptions) {
    this.db = options.db;
    this.actor = options.actor ?? 'library';
    this.now = options.now ?? (() => new Date());
  }

  /** The mapping confirmed by the last import of this client with the same header set. */
  async rememberedMapping(clientId: string, headers: readonly string[]): Promise<Partial<Record<ImportField, string>> | null> {
    const rows = await this.db.query<{ mapping: Record<string, string> }>(
      `select mapping from import_runs where client_id = $1 and header_key = $2 and status = 'completed' order by finished_at desc limit 1`,
      [clientId, headerKey(headers)],
    );
    const mapping = rows[0]?.mapping;
    // Rows written before text-cast parameters held a JSON string inside the jsonb.
    return typeof mapping === 'string' ? (JSON.parse(mapping) as Record<string, string>) : (mapping ?? null);
  }

  async proposeMapping(client: ClientRef, headers: string[], samples: string[][], overrides: Record<string, string | null> = {}): Promise<MappingProposal> {
    const mapping = autoMapColumns(headers);
    const origin = Object.fromEntries(IMPORT_FIELDS.map((f) => [f, mapping[f] === null ? 'none' : 'auto'])) as Record<ImportField, MappingOrigin>;
    const remembered = await this.rememberedMapping(client.id, headers);
    if (remembered) {
      for (const field of IMPORT_FIELDS) {
        const name = remembered[field];
        const index = name === undefined ? -1 : findHeader(headers, name);
        mapping[field] = index >= 0 ? index : null;
        origin[field] = index >= 0 ? 'remembered' : 'none';
      }
    }
    for (const [field, header] of Object.entries(overrides)) {
      if (!isImportField(field)) {
        throw new AosError('usage', `unknown field "${printable(field)}" in the mapping`, `fields: ${IMPORT_FIELDS.join(', ')}`);
      }
      if (header === null || header === '') {
        mapping[field] = null;
        origin[field] = 'explicit';
        continue;
      }
      const index = findHeader(headers, header);
      if (index < 0) {
        throw new AosError('usage', `the file has no column "${printable(header)}" (for ${field})`, `its columns are: ${headers.map((h) => printable(h, 40)).join(', ')}`);
      }
      // A header feeds one field: an explicit choice takes it away from any other field.
      for (const other of IMPORT_FIELDS) if (mapping[other] === index && origin[other] !== 'explicit') mapping[other] = null;
      mapping[field] = index;
      origin[field] = 'explicit';
    }
    return { headers, mapping, origin, samples, remembered: remembered !== null };
  }

  async import(request: ImportRequest): Promise<ImportSummary> {
    const started = performance.now();
    const startedAt = this.now();
    const client = await new ClientService(this.db).resolve(request.client);
    const defaultStatus = parseStatusOption(request.defaultStatus);
    let parseDate: ReturnType<typeof makeDateParser>;
    try {
      parseDate = makeDateParser(request.dateFormat);
    } catch (e) {
      throw new AosError('usage', (e as Error).message, 'use tokens YYYY, YY, MM, M, DD, D, e.g. --date-format DD/MM/YYYY');
    }
    const sourceName = request.sourceName?.trim() || 'csv';

    const csv = await openCsvSource(request.input, { encoding: request.encoding, delimiter: request.delimiter });
    try {
      return await this.importRecords(request, csv, { started, startedAt, client, defaultStatus, parseDate, sourceName });
    } finally {
      await csv.reader.close();
    }
  }

  private async importRecords(request: ImportRequest, csv: CsvSource, setup: ImportSetup): Promise<ImportSummary> {
    const { started, startedAt, client, defaultStatus, parseDate, sourceName } = setup;
    const [first] = await csv.reader.take(1);
    if (!first) throw new AosError('input', `${request.fileName} is empty: expected a header row and customer rows`);
    const headers = first.fields.map((h) => h.trim());
    const buffered: CsvRecord[] = await csv.reader.take(SAMPLE_ROWS);

    // A header read as one long column usually means the wrong delimiter: say which one splits it.
    const split = headers.length === 1 ? betterDelimiter(first.fields[0] ?? '', csv.delimiter) : null;
    const wrongDelimiter = (e: AosError) =>
      split
        ? new AosError(
            e.code,
            `${e.message} — the delimiter "${delimiterName(csv.delimiter)}" looks wrong: the header is one column`,
            `--delimiter "${delimiterName(split.delimiter)}" would split it into ${split.columns} columns`,
          )
        : e;
    let proposal: MappingProposal;
    try {
      proposal = await this.proposeMapping(client, headers, buffered.map((r) => r.fields), request.mapOverrides);
    } catch (e) {
      throw e instanceof AosError ? wrongDelimiter(e) : e;
    }
    const mapping = request.confirmMapping ? await request.confirmMapping(proposal) : proposal.mapping;
    proposal = { ...proposal, mapping };
    if (missingRequired(mapping).length > 0) {
      throw wrongDelimiter(
        new AosError(
          'input',
          `no column is mapped to company_name or domain (one is required); the file's columns are: ${headers.map((h) => `"${printable(h, 40)}"`).join(', ')}`,
          'map one with --map company_name="Column Name" (or --map domain="Website"), or --mapping-file mapping.json',
        ),
      );
    }

    const summary: ImportSummary = {
      client: client.slug,
      file: request.fileName,
      dry_run: Boolean(request.dryRun),
      encoding: csv.encoding,
      delimiter: csv.delimiter,
      mapping: mappingByName(mapping, headers),
      rows_read: 0,
      inserted: 0,
      updated: 0,
      unchanged: 0,
      merged: 0,
      rejected: 0,
      suppressions_added: 0,
      suppressions_updated: 0,
      without_target: 0,
      signals_refreshed: 0,
      import_run_id: null,
      seconds: 0,
    };
    const checkAbort = () => {
      if (request.signal?.aborted) throw new AosError('interrupted', 'import interrupted: rolled back, nothing was written');
    };

    const run = async (tx: Queryable): Promise<ImportSummary> => {
      // Imports of one client run one after another; other clients' imports are not blocked.
      await tx.query(`select pg_advisory_xact_lock(hashtext('aos:import:' || $1::text))`, [client.id]);
      // The merge and the signal aggregates sort and hash whole files: keep that in memory.
      await tx.query(`set local work_mem = '64MB'`);
      await tx.query(`create temp table aos_import_rows (${STAGING_COLUMNS.map(([c, t]) => `${c} ${t}`).join(', ')}) on commit drop`);

      // Valid rows in batches; rejects are counted and reported as they pass.
      const parsedBatches = async function* (): AsyncGenerator<unknown[][]> {
        let batch: unknown[][] = [];
        const handle = async (record: CsvRecord) => {
          summary.rows_read++;
          try {
            batch.push(stagingRow(record.line, normalizeCustomerRow(record.fields, mapping, { parseDate, defaultStatus })));
          } catch (e) {
            if (!(e instanceof ValueError)) throw e;
            summary.rejected++;
            if (request.strict) {
              throw new AosError('input', `line ${record.line}: ${e.message}; --strict: import aborted, nothing written`, 'fix that row, or drop --strict to skip rejected rows (--rejects PATH keeps them)');
            }
            await request.onReject?.({ line: record.line, fields: record.fields, error: e.message }, headers, csv.delimiter);
          }
        };
        const flush = () => {
          checkAbort();
          request.onProgress?.(summary.rows_read);
          const out = batch;
          batch = [];
          return out;
        };
        for (const record of buffered) await handle(record);
        for await (const records of csv.reader.batches()) {
          for (const record of records) await handle(record);
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

      await tx.query(MERGE_SQL);
      const [keys] = await tx.query<{ customers: number; rows: number; without_target: number }>(
        `select count(*)::int as customers, coalesce(sum(rows_merged), 0)::int as rows,
                count(*) filter (where natural_key like 'n:%')::int as without_target from aos_import_merged`,
      );
      summary.merged = (keys?.rows ?? 0) - (keys?.customers ?? 0);
      summary.without_target = keys?.without_target ?? 0;
      const now = this.now().toISOString();
      await tx.query('create temp table aos_import_customers (id uuid, natural_key text, status text, company_name text, inserted boolean) on commit drop');
      await tx.query(UPSERT_CUSTOMERS_SQL, [client.id, sourceName, now]);
      const [written] = await tx.query<{ inserted: number; updated: number }>(
        'select count(*) filter (where inserted)::int as inserted, count(*) filter (where not inserted)::int as updated from aos_import_customers',
      );
      summary.inserted = written?.inserted ?? 0;
      summary.updated = written?.updated ?? 0;
      // Unchanged customers are not in RETURNING: look them up, unless every one was written.
      if (summary.inserted + summary.updated < (keys?.customers ?? 0)) await tx.query(UNCHANGED_CUSTOMERS_SQL, [client.id]);
      summary.unchanged = (keys?.customers ?? 0) - summary.inserted - summary.updated;
      for (const kind of ['domain', 'email'] as const) {
        const [s] = await tx.query<{ added: number; updated: number }>(upsertCustomerSuppressionsSql(kind), [client.id, this.actor, now]);
        summary.suppressions_added += s?.added ?? 0;
        summary.suppressions_updated += s?.updated ?? 0;
      }
      summary.signals_refreshed = (await BuyerSignalService.refresh(tx, { query: 'select domain from aos_import_merged where domain is not null' })).changed;
      summary.seconds = Number(((performance.now() - started) / 1000).toFixed(3));
      checkAbort();
      if (request.dryRun) throw new Rollback(summary);
      if (request.confirmWrite && !(await request.confirmWrite({ ...summary }))) {
        throw new AosError('interrupted', 'import cancelled: nothing was written');
      }
      checkAbort();
      const [runRow] = await tx.query<{ id: string }>(
        `insert into import_runs (client_id, file_name, sha256, header_key, mapping, counts, actor, status, started_at)
         values ($1, $2, $3, $4, ($5::text)::jsonb, ($6::text)::jsonb, $7, 'completed', $8::timestamptz) returning id`,
        [client.id, request.fileName, csv.sha256(), headerKey(headers), JSON.stringify(summary.mapping), JSON.stringify(countsOf(summary)), this.actor, startedAt.toISOString()],
      );
      summary.import_run_id = runRow?.id ?? null;
      return summary;
    };

    try {
      const result = await this.db.transaction(run);
      result.seconds = Number(((performance.now() - started) / 1000).toFixed(3));
      return result;
    } catch (e) {
      if (e instanceof Rollback) return { ...e.summary, seconds: Number(((performance.now() - started) / 1000).toFixed(3)) };
      throw e;
    }
  }
}

function countsOf(s: ImportSummary) {
  return {
    rows_read: s.rows_read,
    inserted: s.inserted,
    updated: s.updated,
    unchanged: s.unchanged,
    merged: s.merged,
    rejected: s.rejected,
    suppressions_added: s.suppressions_added,
    suppressions_updated: s.suppressions_updated,
    signals_refreshed: s.signals_refreshed,
  };
}
