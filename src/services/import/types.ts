// The public shapes of an import: what is asked (ImportRequest), what is proposed before reading
// (MappingProposal) and what comes back (ImportSummary). CustomerImportService re-exports them.
import type { CustomerStatus } from '../../db/schema-constants.js';
import type { ColumnMapping, ImportField, MappingByName } from '../../domain/column-mapping.js';
import type { StatusClass } from '../../domain/values.js';
import type { ImportDiff } from './sync.js';

export interface ImportReject {
  line: number;
  fields: string[];
  /** Why the row was rejected (not imported)… */
  error?: string;
  /** …or which of its values were dropped (the row was imported without them). */
  warning?: string;
}

/** A row that is no customer (a status that says so, a blank row, report furniture), and why. */
export interface ImportSkip {
  line: number;
  fields: string[];
  why: string;
}

export interface UnknownStatus {
  value: string;
  rows: number;
}

/** What reading the file's records found: the summary's part of it. */
export interface ReadCounts {
  rows_read: number;
  rejected: number;
  /** Report furniture (title lines, blank rows, footers) and rows whose status maps to skip. */
  skipped: number;
  /** Optional values that did not parse, dropped from their (imported) rows. */
  values_dropped: number;
  /** The first rejected rows and dropped values, for the confirmation. */
  first_rejects: Array<{ line: number; error: string }>;
  first_dropped: Array<{ line: number; warning: string }>;
  /** The first report furniture lines skipped (footers, group titles, the header again): what they held. */
  first_furniture: Array<{ line: number; text: string; what: string }>;
  /** The first skipped rows of any kind (furniture, blank rows, a status that is no customer) and why. */
  first_skipped: Array<{ line: number; why: string }>;
  /** Status values nobody mapped (only when the request collects them instead of failing), most frequent first. */
  unknown_statuses: UnknownStatus[];
}

export type MappingOrigin = 'explicit' | 'remembered' | 'auto' | 'none';

/** What an import remembers beside the columns, and proposes again for the same header set. */
export interface ImportSettings {
  /** dateFormat (null: ISO 8601). */
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

/** What an import did; its reading counts (ReadCounts) are documented there. */
export interface ImportSummary extends ReadCounts {
  client: string;
  file: string;
  dry_run: boolean;
  encoding: string;
  delimiter: string;
  mapping: MappingByName;
  date_format: string | null;
  status_map: Record<string, StatusClass>;
  inserted: number;
  updated: number;
  unchanged: number;
  merged: number;
  suppressions_added: number;
  suppressions_updated: number;
  /** Customers with neither domain nor email: nothing to suppress them by. */
  without_target: number;
  signals_refreshed: number;
  import_run_id: string | null;
  seconds: number;
  /** Against what was stored: new, changed (which fields), unchanged, and with sync the churned. */
  diff: ImportDiff | null;
  /**
   * A column headed as the status (`Status`, `Type`) that was not read as one, none of its first
   * values being a status word (`Kunde`): every row took the default status. Null otherwise, or
   * when --map named the status (or skipped it).
   */
  status_column_unread: { column: string; values: string[] } | null;
}

export interface ImportRequest {
  client: string;
  input: AsyncIterable<Buffer | string>;
  fileName: string;
  /** Field → header name (several for the domain, in order), or null to skip the field. */
  mapOverrides?: Record<string, string | string[] | null>;
  delimiter?: string | undefined;
  encoding?: string | undefined;
  /** With an .xlsx input: the sheet to import (default: the first). */
  sheet?: string | undefined;
  /** The date format of date columns; null: ISO 8601, whatever was remembered. */
  dateFormat?: string | null | undefined;
  /** Status value → status, over the remembered and the known words. */
  statusMap?: Record<string, StatusClass> | undefined;
  /** The status of rows without one of their own. */
  defaultStatus?: CustomerStatus | undefined;
  sourceName?: string | undefined;
  /** Validate and count everything, record the run, then roll it all back. */
  dryRun?: boolean;
  /** The first rejected row or value that does not parse aborts the import. */
  strict?: boolean;
  /**
   * Interactive validation: report unknown status values in the summary instead of failing on
   * them; an import that finds some writes nothing and counts only what it read.
   */
  collectUnknownStatuses?: boolean;
  /** Use exactly this mapping (an interactive import's confirmed one), not a proposal… */
  mapping?: ColumnMapping | undefined;
  /** …made for this header row. */
  expectHeaders?: readonly string[] | undefined;
  /** The input again from its start (a file; not stdin): lets a remembered delimiter/encoding apply. */
  reopenInput?: (() => AsyncIterable<Buffer | string>) | undefined;
  /** Each rejected row and dropped value; `delimiter`: the file's, so a rejects file reads like its input. */
  onReject?: (reject: ImportReject, headers: string[], delimiter: string) => void | Promise<void>;
  /** Each skipped row (not those above the header row, which are only counted). */
  onSkip?: (skip: ImportSkip, headers: string[], delimiter: string) => void | Promise<void>;
  /** The file's header row and delimiter, once read: a rejects file has its header even when no row is rejected. */
  onHeader?: (headers: string[], delimiter: string) => void | Promise<void>;
  onProgress?: (rowsRead: number) => void;
  signal?: AbortSignal;
  /** The file is the complete list of its source: stored customers missing from it become churned. */
  sync?: boolean;
  /**
   * A sync may churn more than half of the client's customers. Decided before the import, never
   * asked inside it (its transaction would stay open while a person reads the question): the
   * interactive import asks after its dry run and passes this.
   */
  allowMassChurn?: boolean;
}
