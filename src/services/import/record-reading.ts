// Reading an import's records: each one becomes a staged row (staging.ts) or is counted as
// report furniture, a skipped status, a reject or a status nobody mapped; dropped values are
// counted and reported as they pass.
import type { CsvReader, CsvRecord } from '../../csv/records.js';
import { holdsRows, holdsTargetRow, linesOf, STRAY_QUOTE_HINT } from '../../csv/swallowed-rows.js';
import { columnsOf, type ColumnMapping } from '../../domain/column-mapping.js';
import { IMPORT_FIELDS } from '../../domain/customer-fields.js';
import { stagingRow } from './staged-columns.js';
import { normalizeCustomerRow, type RowContext, type RowOutcome } from '../../domain/customer-row.js';
import { isBlankRow, isFooterRow, isLoneFirstCell, isRepeatedHeader } from '../../domain/report-furniture.js';
import { statusKey, ValueError } from '../../domain/values.js';
import { printable } from '../../domain/printable.js';
import { AosError } from '../../errors.js';
import type { ImportReject, ImportSkip, ReadCounts, UnknownStatus } from './types.js';

/** What reading the records found: the summary's counts of it, and what the merge needs to know. */
export interface RecordsRead extends ReadCounts {
  /** Rows with a name but no company domain: only then can one claim a stored customer's key. */
  namedWithoutDomain: boolean;
  /** Rows whose company name was derived from a domain or address: a stored customer keeps its own. */
  derivedNames: boolean;
  /** Rows with further company domains (Insightly's `Email Domains`), each needing its own entry. */
  furtherDomains: boolean;
}

export interface ReadingOptions {
  headers: string[];
  /** The file's delimiter, handed to onReject so a rejects file reads like its input. */
  delimiter: string;
  mapping: ColumnMapping;
  rowContext: RowContext;
  /** Records above the header row: read, and skipped. */
  aboveHeader: readonly CsvRecord[];
  /** The first bad row or value aborts the import. */
  strict: boolean;
  /** Rows sent to the staging table per statement. */
  batchSize: number;
  onReject?: ((reject: ImportReject, headers: string[], delimiter: string) => void | Promise<void>) | undefined;
  onSkip?: ((skip: ImportSkip, headers: string[], delimiter: string) => void | Promise<void>) | undefined;
  onProgress?: ((rowsRead: number) => void) | undefined;
  /** Throws when the import was interrupted. */
  checkAbort: () => void;
}

const FIRST_FEW = 5;

/** Sorts records into staged rows and counts; read its counts() once its batches are consumed. */
export class RecordReading {
  private rowsRead = 0;
  private skipped = 0;
  private rejected = 0;
  private valuesDropped = 0;
  private readonly firstRejects: ReadCounts['first_rejects'] = [];
  private readonly firstDropped: ReadCounts['first_dropped'] = [];
  private readonly firstFurniture: ReadCounts['first_furniture'] = [];
  private readonly firstSkipped: ReadCounts['first_skipped'] = [];
  private readonly unknownStatuses = new Map<string, UnknownStatus>();
  private namedWithoutDomain = false;
  private derivedNames = false;
  private furtherDomains = false;
  /** A lone first cell (and blank rows after it) waiting for the next row: a group title or a customer. */
  private readonly held: CsvRecord[] = [];

  constructor(private readonly o: ReadingOptions) {}

  /** The staged rows of the records read ahead (`buffered`) and of the rest, in batches. */
  async *stagedBatches(buffered: readonly CsvRecord[], reader: CsvReader): AsyncGenerator<unknown[][]> {
    let batch: unknown[][] = [];
    const flush = () => {
      this.o.checkAbort();
      this.o.onProgress?.(this.rowsRead);
      const out = batch;
      batch = [];
      return out;
    };
    for (const record of this.o.aboveHeader) {
      this.rowsRead++;
      const text = filledCells(record);
      await this.skip(record, text === '' ? 'a blank row above the header row' : `above the header row: "${printable(text, 60)}"`);
    }
    // sort() is synchronous but for a reported reject: no await per row of a million.
    for (const record of buffered) await this.take(record, batch);
    for await (const records of reader.batches()) {
      for (const record of records) {
        const reported = this.take(record, batch);
        if (reported) await reported;
      }
      if (batch.length >= this.o.batchSize) yield flush();
    }
    await this.release(this.held.splice(0), batch, false);
    if (batch.length > 0) yield flush();
    this.o.checkAbort();
  }

  counts(): RecordsRead {
    return {
      rows_read: this.rowsRead,
      skipped: this.skipped,
      rejected: this.rejected,
      values_dropped: this.valuesDropped,
      first_rejects: this.firstRejects,
      first_dropped: this.firstDropped,
      first_furniture: this.firstFurniture,
      first_skipped: this.firstSkipped,
      unknown_statuses: [...this.unknownStatuses.values()].sort((a, b) => b.rows - a.rows),
      namedWithoutDomain: this.namedWithoutDomain,
      derivedNames: this.derivedNames,
      furtherDomains: this.furtherDomains,
    };
  }

  /**
   * A record, with one row of look-ahead for a board's group titles: a row of one filled first
   * cell is held (with the blank rows after it) until the next row shows whether the header
   * follows it — then it was a group title (Monday's "Churned"), furniture — or data, a customer.
   */
  private take(record: CsvRecord, batch: unknown[][]): Promise<void> | undefined {
    if (this.held.length > 0) {
      if (isBlankRow(record.fields)) {
        this.held.push(record);
        return undefined;
      }
      const held = this.held.splice(0);
      const released = this.release(held, batch, isRepeatedHeader(record.fields, this.o.headers));
      const next = this.take(record, batch);
      return released || next ? Promise.all([released, next]).then(() => undefined) : undefined;
    }
    if (isLoneFirstCell(record.fields, this.o.headers)) {
      this.held.push(record);
      return undefined;
    }
    return this.sort(record, batch);
  }

  /** Held records: the first a group title when the header follows (counted as skipped), else all sorted as rows. */
  private release(held: CsvRecord[], batch: unknown[][], groupTitle: boolean): Promise<void> | undefined {
    const reports: Promise<void>[] = [];
    for (const [i, record] of held.entries()) {
      if (i === 0 && groupTitle) {
        this.rowsRead++;
        const reported = this.furniture(record, 'a group title (the header row follows it)');
        if (reported) reports.push(reported);
        continue;
      }
      const reported = this.sort(record, batch);
      if (reported) reports.push(reported);
    }
    return reports.length > 0 ? Promise.all(reports).then(() => undefined) : undefined;
  }

  /**
   * One record → a staged row in batch, or counted as skipped, rejected or of unknown status.
   * Returns the report of a reject or dropped value (onReject), when there is one to wait for.
   */
  private sort(record: CsvRecord, batch: unknown[][]): Promise<void> | undefined {
    this.rowsRead++;
    if (isBlankRow(record.fields)) return this.skip(record, 'a blank row');
    if (isFooterRow(record.fields)) return this.furniture(record, 'a report footer');
    if (isRepeatedHeader(record.fields, this.o.headers)) return this.furniture(record, 'the header row again');
    // A row with cells past the header is imported on what its columns hold, with a warning (counted,
    // in --rejects), and every domain and address in any of its cells is suppressed with it
    // (spilledTargets): a customer is never lost to a bad cell (SPEC §7), nor a shifted website.
    const misfit = this.misfit(record);
    // A byte the decoder could not read is never imported as a value it does not hold: a cell
    // with one is dropped (a warning, like any bad value), and the row is imported on what it
    // still holds (a customer is never lost to a bad cell, SPEC §7), rejected only when nothing is
    // left. A status cell keeps its bytes: read as an unknown status, it stops the import. A
    // domain or email cell with one stops the import: the target it holds cannot be read, and
    // importing the customer without it would leave that target allowed.
    const unreadable = record.undecodable ? this.unreadableCells(record) : null;
    let outcome: RowOutcome;
    try {
      outcome = normalizeCustomerRow(unreadable?.fields ?? record.fields, this.o.mapping, this.o.rowContext);
    } catch (e) {
      if (!(e instanceof ValueError)) throw e;
      return this.rejectedRow(record, unreadable ? `the row holds bytes that are not valid UTF-8 (shown as \uFFFD): ${e.message}` : e.message);
    }
    if (unreadable && outcome.kind === 'customer') outcome.warnings.unshift(...unreadable.warnings);
    if (misfit !== null && outcome.kind === 'customer') outcome.warnings.unshift(misfit);
    if (outcome.kind === 'skip') return this.skip(record, `status "${printable(outcome.status, 40)}" is not a customer`);
    if (outcome.kind === 'unknown_status') {
      this.countUnknown(outcome.status);
      return undefined;
    }
    const reported = outcome.warnings.length > 0 ? this.dropped(record, outcome.warnings.join('; '), outcome.warnings.length) : undefined;
    if (outcome.record.nameKey !== null && outcome.record.domain === null) this.namedWithoutDomain = true;
    if (outcome.record.nameDerived) this.derivedNames = true;
    if (outcome.record.domainEntries !== null) this.furtherDomains = true;
    batch.push(stagingRow(record.line, outcome.record));
    return reported;
  }

  /**
   * Why a record does not fit its header, or null. Filled cells beyond the header's are a row
   * that was split wrong (a comma left unquoted): a warning, never dropped in silence. A line break
   * inside a record that does not fit, or inside a cell holding what reads as whole rows of the
   * file, is rows read as one (a lone CR in a CRLF file, a stray quote in a Notes cell): the
   * import stops, since the rows swallowed would be lost without a word.
   */
  private misfit(record: CsvRecord): string | null {
    const { fields } = record;
    const width = this.o.headers.length;
    let beyond = false;
    for (let i = width; i < fields.length; i++) if ((fields[i] as string).trim() !== '') beyond = true;
    let swallowed = false;
    for (const cell of fields) {
      if (!cell.includes('\n') && !cell.includes('\r')) continue;
      if (beyond || holdsRows(cell, this.o.delimiter, width) || holdsTargetRow(cell, this.o.delimiter, 'import')) swallowed = true;
    }
    if (swallowed) {
      throw new AosError(
        'input',
        `${linesOf(record)}: a cell holds a line break and what reads as further rows of the file (${beyond ? `the row has ${fields.length} cells where the header has ${width}` : 'a quoted cell spans whole rows'}); stopped rather than lose rows, nothing written`,
        beyond
          ? 'the file mixes line endings (a lone CR inside CRLF lines): open it in a spreadsheet and save it again as "CSV UTF-8", or fix the line it names'
          : STRAY_QUOTE_HINT,
      );
    }
    return beyond ? `the row has ${fields.length} cells where the header has ${width}: cells beyond the header are filled (an unquoted ${this.o.delimiter === ',' ? 'comma' : 'delimiter'} in a value?): imported on its columns, every domain and address in its cells suppressed` : null;
  }

  /**
   * The fields with every cell holding an unreadable byte blanked (but the status), and a warning
   * per used cell; throws when such a cell is a domain or email cell.
   */
  private unreadableCells(record: CsvRecord): { fields: string[]; warnings: string[] } {
    const { mapping, rowContext, headers } = this.o;
    const status = mapping.status;
    const targets = new Set<number>([...(rowContext.domainColumns ?? []), ...(rowContext.emailColumns ?? []), ...mapping.moreDomains]);
    const used = new Set<number>([...IMPORT_FIELDS.flatMap((f) => columnsOf(mapping, f)), ...targets]);
    const unreadableTarget = record.fields.findIndex((cell, i) => targets.has(i) && cell.includes('\uFFFD'));
    if (unreadableTarget >= 0) {
      throw new AosError(
        'input',
        `${linesOf(record)}: the ${headers[unreadableTarget] ?? `column ${unreadableTarget + 1}`} cell holds bytes that are not valid UTF-8 ("${printable(record.fields[unreadableTarget] as string, 60)}"): the domain or address in it cannot be read, and the customer would stay allowed by it; nothing written`,
        'the file is UTF-8 but for bytes on that line: fix them (or save the file again as "CSV UTF-8"); if the whole file is in another encoding, name it with {encoding}',
      );
    }
    const warnings: string[] = [];
    const out = record.fields.map((cell, i) => {
      if (i === status || !cell.includes('\uFFFD')) return cell;
      if (used.has(i)) warnings.push(`${headers[i] ?? `column ${i + 1}`}: holds bytes that are not valid UTF-8 (shown as \uFFFD), dropped`);
      return '';
    });
    return { fields: out, warnings };
  }

  /** A furniture line: skipped, and the first few named, so a customer taken for one is seen. */
  private furniture(record: CsvRecord, what: string): Promise<void> | undefined {
    const text = filledCells(record);
    if (this.firstFurniture.length < FIRST_FEW) this.firstFurniture.push({ line: record.line, text, what });
    return this.skip(record, `${what}: "${printable(text, 60)}"`);
  }

  /**
   * A row that is no customer: counted, the first few named with why, so ops see which ones, and
   * every one sent to onSkip (--skipped). Returns that report, when there is one to wait for.
   */
  private skip(record: CsvRecord, why: string): Promise<void> | undefined {
    this.skipped++;
    if (this.firstSkipped.length < FIRST_FEW) this.firstSkipped.push({ line: record.line, why });
    const reported = this.o.onSkip?.({ line: record.line, fields: record.fields, why }, this.o.headers, this.o.delimiter);
    return reported ? Promise.resolve(reported) : undefined;
  }

  private rejectedRow(record: CsvRecord, error: string): Promise<void> | undefined {
    this.rejected++;
    if (this.o.strict) throw strictAbort(record.line, error);
    if (this.firstRejects.length < FIRST_FEW) this.firstRejects.push({ line: record.line, error });
    return this.report({ line: record.line, fields: record.fields, error });
  }

  private dropped(record: CsvRecord, warning: string, values: number): Promise<void> | undefined {
    if (this.o.strict) throw strictAbort(record.line, warning);
    this.valuesDropped += values;
    if (this.firstDropped.length < FIRST_FEW) this.firstDropped.push({ line: record.line, warning });
    return this.report({ line: record.line, fields: record.fields, warning });
  }

  private report(reject: ImportReject): Promise<void> | undefined {
    const reported = this.o.onReject?.(reject, this.o.headers, this.o.delimiter);
    return reported ? Promise.resolve(reported) : undefined;
  }

  private countUnknown(status: string): void {
    const key = statusKey(status);
    const known = this.unknownStatuses.get(key);
    if (known) known.rows++;
    else this.unknownStatuses.set(key, { value: status, rows: 1 });
  }
}

function strictAbort(line: number, problem: string): AosError {
  return new AosError('input', `line ${line}: ${problem}; {strict}: import aborted, nothing written`, 'fix that row, or drop {strict} to import without the bad values ({onReject} lists them)');
}

/** A record's filled cells, as one line: "Grand Totals (3 records) | 45000". */
const filledCells = (record: CsvRecord): string => record.fields.map((f) => f.trim()).filter((f) => f !== '').join(' | ');
