// Rows of targets from a list or a CSV: one target a line, or a column of a CSV (named by
// --column, else the first column that holds emails or domains; with preferEmail, the first that
// holds emails if one does).
import { parseTarget, printable } from '../domain/targets.js';
import { AosError } from '../errors.js';
import { decodeStream } from './decode.js';
import { readCsv, type CsvRecord } from './records.js';

export interface TargetRow {
  value: string;
  /** The row's other targets (a lead's website beside its email), checked where value is allowed. */
  others?: string[];
  line: number;
  fields: string[];
  raw?: Buffer;
}

export interface TargetRows {
  /** The header record, when the input has one. */
  header: CsvRecord | null;
  column: number;
  /** Other columns that hold targets too, when the column was picked under a header. */
  otherColumns: number[];
  delimiter: string;
  /** The rows in batches (one await per batch). */
  rows: AsyncGenerator<TargetRow[]>;
}

export interface ReadTargetRowsOptions {
  column?: string | undefined;
  keepRaw?: boolean;
  encoding?: string | undefined;
  delimiter?: string | undefined;
  /** For messages: the file name or "stdin". */
  name: string;
  /**
   * For leads: pick an email column before a domain column (who a row reaches is its email, and
   * the email's domain is checked too), fall back to the next column that holds targets where the
   * picked cell is empty, and give each row its other targets (`others`) to check as well.
   */
  preferEmail?: boolean;
}

const SAMPLE_ROWS = 50;

const looksLikeTarget = (value: string | undefined) => value !== undefined && value.trim() !== '' && parseTarget(value).ok;
const looksLikeEmail = (value: string | undefined) => {
  if (value === undefined || value.trim() === '') return false;
  const p = parseTarget(value);
  return p.ok && p.target.kind === 'email';
};

/** The columns where most sampled values pass the test (and, with minFilled, that share of rows has a value), in order. */
function columnsWhere(sample: readonly string[][], test: (value: string) => boolean, minFilled = 0): number[] {
  const width = Math.max(0, ...sample.map((r) => r.length));
  const columns: number[] = [];
  for (let col = 0; col < width; col++) {
    const values = sample.map((r) => r[col]).filter((v): v is string => v !== undefined && v.trim() !== '');
    if (values.length === 0 || values.length < minFilled * sample.length) continue;
    if (values.filter(test).length / values.length >= 0.5) columns.push(col);
  }
  return columns;
}

/**
 * The first column where most sampled values are valid targets, or -1. With preferEmail, a column
 * of emails comes first, if most rows have one: a sparse "Email 2" column would leave most rows
 * with nothing to check.
 */
export function pickTargetColumn(sample: readonly string[][], preferEmail = false): number {
  return (preferEmail ? columnsWhere(sample, looksLikeEmail, 0.5)[0] : undefined) ?? columnsWhere(sample, looksLikeTarget)[0] ?? -1;
}

export async function readTargetRows(source: AsyncIterable<Buffer | string>, options: ReadTargetRowsOptions): Promise<TargetRows> {
  const decoded = await decodeStream(source, options.encoding);
  const csv = await readCsv(decoded.text, { keepRaw: options.keepRaw ?? false, delimiter: options.delimiter });
  const buffered: CsvRecord[] = await csv.reader.take(SAMPLE_ROWS);
  const first = buffered[0];
  let header: CsvRecord | null = null;
  let column: number;
  let otherColumns: number[] = [];
  if (options.column !== undefined) {
    if (!first) throw new AosError('input', `${options.name} is empty: there is no column "${options.column}"`);
    header = buffered.shift() as CsvRecord;
    const wanted = options.column.trim().toLowerCase();
    column = header.fields.findIndex((h) => h.trim().toLowerCase() === wanted);
    if (column < 0) {
      throw new AosError('usage', `${options.name} has no column "${printable(options.column)}"`, `its columns are: ${header.fields.map((h) => printable(h, 40)).join(', ')}`);
    }
  } else if (first && first.fields.some((f) => looksLikeTarget(f))) {
    // No header: data from line 1.
    const email = options.preferEmail ? first.fields.findIndex((f) => looksLikeEmail(f)) : -1;
    column = email >= 0 ? email : first.fields.findIndex((f) => looksLikeTarget(f));
  } else {
    header = buffered.shift() ?? null;
    const sample = buffered.map((r) => r.fields);
    column = pickTargetColumn(sample, options.preferEmail);
    otherColumns = columnsWhere(sample, looksLikeTarget).filter((c) => c !== column);
    if (column < 0 && buffered.length > 0) {
      throw new AosError(
        'input',
        `no column of ${options.name} holds emails or domains`,
        header ? `name the column with --column (columns: ${header.fields.map((h) => printable(h, 40)).join(', ')})` : 'give one domain, URL or email a line',
      );
    }
    column = Math.max(column, 0);
  }

  async function* rows(): AsyncGenerator<TargetRow[]> {
    // A lead is checked by every column that holds targets: its email, and its website where the
    // email is allowed (or, where the email cell is empty, by the website alone).
    const alsoChecked = options.preferEmail ? otherColumns : [];
    const valueOf = (fields: string[]): string => {
      const value = fields[column] ?? '';
      if (alsoChecked.length === 0 || value.trim() !== '') return value;
      for (const c of alsoChecked) if ((fields[c] ?? '').trim() !== '') return fields[c] as string;
      return value;
    };
    const othersOf = (fields: string[], value: string): string[] => {
      const out: string[] = [];
      for (const c of alsoChecked) {
        const v = fields[c] ?? '';
        if (v.trim() !== '' && v !== value) out.push(v);
      }
      return out;
    };
    const toRow = (r: CsvRecord): TargetRow => {
      const value = valueOf(r.fields);
      const row: TargetRow = { value, line: r.line, fields: r.fields };
      if (alsoChecked.length > 0) row.others = othersOf(r.fields, value);
      if (r.raw) row.raw = r.raw;
      return row;
    };
    if (buffered.length > 0) yield buffered.map(toRow);
    for await (const batch of csv.reader.batches()) yield batch.map(toRow);
  }
  return { header, column, otherColumns, delimiter: csv.delimiter, rows: rows() };
}
