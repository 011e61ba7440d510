// Rows of targets from a list or a CSV. For `check`, readLeadRows: every row a lead, its cells
// sorted by the lead policy (src/domain/lead-policy.ts). For `suppress --file` and `signals boost
// --file`, readTargetRows: one target a row, from --column or the first column that holds
// emails or domains.
import { leadCells, planLeads, type LeadCells, type LeadLayout } from '../domain/lead-policy.js';
import { parseTarget, printable } from '../domain/targets.js';
import { AosError } from '../errors.js';
import { decodeStream } from './decode.js';
import { ByteWindow, readCsv, type CsvRecord } from './records.js';
import { linesOf, STRAY_QUOTE_HINT, swallowingCell } from './swallowed-rows.js';

/** A record whose cell swallowed rows (swallowed-rows.ts): reading stops there, never passes them on unread. */
function swallowedRowsError(record: CsvRecord, header: CsvRecord | null, cell: number): AosError {
  const column = header?.fields[cell];
  return new AosError(
    'input',
    `${linesOf(record)}: ${column ? `the ${printable(column, 40)} cell` : 'a quoted cell'} runs on over what reads as further rows (a stray quote?), which cannot be read one by one`,
    STRAY_QUOTE_HINT,
  );
}

const widthOf = (header: CsvRecord | null, sample: readonly CsvRecord[]) => header?.fields.length ?? Math.max(0, ...sample.map((r) => r.fields.length));

export interface TargetRow {
  value: string;
  line: number;
  fields: string[];
  raw?: Buffer;
}

export interface TargetRows {
  /** The header record, when the input has one. */
  header: CsvRecord | null;
  column: number;
  delimiter: string;
  /** The rows in batches (one await per batch). */
  rows: AsyncGenerator<TargetRow[]>;
}

export interface ReadTargetRowsOptions {
  column?: string | undefined;
  keepRaw?: boolean;
  encoding?: string | undefined;
  delimiter?: string | undefined;
  /** With an .xlsx input: the sheet to read (default: the first). */
  sheet?: string | undefined;
  /** For messages: the file name or "stdin". */
  name: string;
}

const SAMPLE_ROWS = 50;

const looksLikeTarget = (value: string | undefined) => value !== undefined && value.trim() !== '' && parseTarget(value).ok;

/** The columns where most sampled values pass the test, in order. */
function columnsWhere(sample: readonly string[][], test: (value: string) => boolean): number[] {
  const width = Math.max(0, ...sample.map((r) => r.length));
  const columns: number[] = [];
  for (let col = 0; col < width; col++) {
    const values = sample.map((r) => r[col]).filter((v): v is string => v !== undefined && v.trim() !== '');
    if (values.length === 0) continue;
    if (values.filter(test).length / values.length >= 0.5) columns.push(col);
  }
  return columns;
}

/** The first column where most sampled values are valid targets, or -1. */
export function pickTargetColumn(sample: readonly string[][]): number {
  return columnsWhere(sample, looksLikeTarget)[0] ?? -1;
}

/**
 * A file of targets read without --column holds them in one column only: with two (`E-Mail` and
 * `Alt-E-Mail`, or an email and a website), reading the first would leave the others out without
 * a word, and adding all would suppress a whole company for one person's opt-out.
 */
function onlyTargetColumn(columns: readonly number[], header: CsvRecord | null, name: string): void {
  if (columns.length < 2) return;
  const names = columns.map((c) => (header ? `"${printable(header.fields[c] ?? '', 40)}"` : `column ${c + 1}`));
  throw new AosError(
    'usage',
    `${columns.length} columns of ${name} hold emails or domains (${names.join(', ')}): which one to read is not guessed; nothing read`,
    'name it with {column} (a list of people: its email column; of companies: its website column), and run again for another column',
  );
}

/**
 * An email or a domain anywhere in a cell: alone, in a list (`a@x.com; b@y.com`), in brackets or
 * quotes (`Bob (bob@two.com)`, `[four.com]`), after a label (`email:bob@two.com`), escaped
 * (`bob%40two.com`) or full-width (`bob＠two.com`).
 */
function holdsTarget(cell: string): boolean {
  if (cell.trim() === '') return false;
  let text = cell.normalize('NFKC');
  try {
    text = decodeURIComponent(text);
  } catch {
    // A lone % is no escape.
  }
  for (const token of text.split(/[^\p{L}\p{N}\p{M}@.\-_+%:/?=&#~]+/u)) {
    const bare = token.replace(/[.:?=&#/]+$/, '');
    if (bare === '') continue;
    if (looksLikeTarget(bare) || bare.split(/[:?]/).some((part) => part !== '' && looksLikeTarget(part.replace(/[.]+$/, '')))) return true;
  }
  return false;
}

/**
 * Every row, not only the sampled ones: a target in another column than the one read (a second
 * address filled from row 61 on, a list, a ragged row's extra cell) refuses the file, since
 * reading one column would leave it out without a word.
 */
function targetsOnlyIn(record: CsvRecord, column: number, header: CsvRecord | null, name: string): void {
  const other = record.fields.findIndex((cell, i) => i !== column && holdsTarget(cell));
  if (other < 0) return;
  const where = (c: number) => (header?.fields[c] !== undefined ? `"${printable(header.fields[c] as string, 40)}"` : `column ${c + 1}`);
  throw new AosError(
    'usage',
    `line ${record.line} of ${name} holds an email or domain in ${where(other)} ("${printable(record.fields[other] as string, 60)}") besides ${where(column)}: which column to read is not guessed; nothing read`,
    'name it with {column} (a list of people: its email column; of companies: its website column), and run again for another column',
  );
}

export async function readTargetRows(source: AsyncIterable<Buffer | string>, options: ReadTargetRowsOptions): Promise<TargetRows> {
  const decoded = await decodeStream(source, options.encoding, { sheet: options.sheet, name: options.name });
  const delimiter = decoded.workbook ? ',' : options.delimiter;
  const csv = await readCsv(decoded.text, { keepRaw: options.keepRaw ?? false, delimiter, badBytes: decoded.badBytes });
  const buffered: CsvRecord[] = await csv.reader.take(SAMPLE_ROWS, { holdFailure: true });
  const first = buffered[0];
  let header: CsvRecord | null = null;
  let column: number;
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
    column = first.fields.findIndex((f) => looksLikeTarget(f));
    onlyTargetColumn(columnsWhere(buffered.map((r) => r.fields), looksLikeTarget), null, options.name);
  } else {
    header = buffered.shift() ?? null;
    const sample = buffered.map((r) => r.fields);
    column = pickTargetColumn(sample);
    onlyTargetColumn(columnsWhere(sample, looksLikeTarget), header, options.name);
    if (column < 0 && buffered.length > 0) {
      throw new AosError(
        'input',
        `no column of ${options.name} holds emails or domains`,
        header ? `name the column with {column} (columns: ${header.fields.map((h) => printable(h, 40)).join(', ')})` : 'give one domain, URL or email a line',
      );
    }
    column = Math.max(column, 0);
  }

  const width = widthOf(header, buffered);
  async function* rows(): AsyncGenerator<TargetRow[]> {
    const toRow = (r: CsvRecord): TargetRow => {
      const row: TargetRow = { value: r.fields[column] ?? '', line: r.line, fields: r.fields };
      if (r.raw) row.raw = r.raw;
      return row;
    };
    const toRows = (records: readonly CsvRecord[]): TargetRow[] => {
      for (const r of records) {
        const cell = swallowingCell(r.fields, csv.delimiter, width);
        if (cell >= 0) throw swallowedRowsError(r, header, cell);
      }
      if (options.column === undefined) for (const r of records) targetsOnlyIn(r, column, header, options.name);
      return records.map(toRow);
    };
    if (buffered.length > 0) yield toRows(buffered);
    for await (const batch of csv.reader.batches()) yield toRows(batch);
  }
  return { header, column, delimiter: csv.delimiter, rows: rows() };
}

/** A lead: its line, its cells to check (LeadCells), its fields and, with keepRaw, its bytes. */
export interface LeadRow extends LeadCells {
  line: number;
  fields: string[];
  raw?: Buffer;
}

export interface LeadRows {
  layout: LeadLayout;
  /** The header record, when the input has one. */
  header: CsvRecord | null;
  delimiter: string;
  /** With keepRaw: the bytes before the first record that are no record (BOM, `sep=` line). */
  preamble: Buffer;
  /** The input began with a byte-order mark. */
  bom: boolean;
  /** Excel's `sep=` first line as it came, else null. */
  sepLine: string | null;
  /**
   * The leads in batches; blank rows (no content at all) are no leads and left out. With pauses,
   * an empty batch says the input paused: answer what came before it.
   */
  rows: AsyncGenerator<LeadRow[]>;
}

export interface ReadLeadRowsOptions {
  column?: string | undefined;
  /** Keep each row's bytes, in the input's own encoding (for --filter). */
  keepRaw?: boolean;
  encoding?: string | undefined;
  /** With an .xlsx input: the sheet to read (default: the first). */
  sheet?: string | undefined;
  /** For messages: the file name or "stdin". */
  name: string;
  /**
   * The input may pause (a co-process, src/csv/pauses.ts): the layout is planned from what came
   * before the first pause, and the rows come with an empty batch wherever the input paused.
   */
  pauses?: boolean | undefined;
}

/**
 * A row with bytes the decoder could not read is invalid as a whole, whichever cell holds them:
 * its one cell to check is the unreadable one, which no target parses (src/domain/targets.ts).
 */
function undecodableLead(fields: readonly string[]): LeadCells {
  return { cells: [fields.find((f) => f.includes('\uFFFD')) ?? '\uFFFD'] };
}

const isBlankRecord = (r: CsvRecord) => r.fields.every((f) => f.trim() === '');

/** A leads file or list as rows to check, by the lead policy (SPEC §6 "Fail closed on input"). */
export async function readLeadRows(source: AsyncIterable<Buffer | string>, options: ReadLeadRowsOptions): Promise<LeadRows> {
  const window = options.keepRaw ? new ByteWindow() : undefined;
  const decoded = await decodeStream(window ? window.tee(source) : source, options.encoding, { sheet: options.sheet, name: options.name });
  const original = window && { encoding: decoded.encoding, bom: decoded.bom, window };
  // A workbook's sheet is comma-separated UTF-8 text: --filter writes its rows as CSV.
  const csv = await readCsv(decoded.text, {
    keepRaw: options.keepRaw ?? false,
    original: decoded.workbook ? undefined : original,
    badBytes: decoded.badBytes,
    delimiter: decoded.workbook ? ',' : undefined,
    pauses: options.pauses,
  });
  const buffered = await csv.reader.take(SAMPLE_ROWS, { holdFailure: true });
  const sample = buffered.filter((r) => !isBlankRecord(r));
  const layout = planLeads(sample.map((r) => r.fields), { column: options.column, name: options.name });
  const titles = sample.slice(0, layout.titles ?? 0);
  const named = layout.header ? (sample[titles.length] as CsvRecord) : null;
  // Title lines above the header are no leads: --filter writes them with the header, as they came.
  const header: CsvRecord | null =
    named && titles.length > 0 && named.raw ? { ...named, raw: Buffer.concat([...titles.map((t) => t.raw ?? Buffer.alloc(0)), named.raw]) } : named;
  const skipped = new Set<CsvRecord>(named ? [...titles, named] : titles);

  const width = widthOf(header, sample);
  /** Set by toRows at a record that swallowed rows: thrown once the rows before it are out. */
  let stop: AosError | null = null;
  const toRows = (records: readonly CsvRecord[]): LeadRow[] => {
    const out: LeadRow[] = [];
    for (const r of records) {
      const cell = swallowingCell(r.fields, csv.delimiter, width);
      if (cell >= 0) {
        stop = swallowedRowsError(r, header, cell);
        break;
      }
      const row = (r.undecodable ? undecodableLead(r.fields) : leadCells(layout, r.fields)) as LeadRow | null;
      if (!row) continue; // a blank line or a row of delimiters: no lead
      row.line = r.line;
      row.fields = r.fields;
      if (r.raw) row.raw = r.raw;
      out.push(row);
    }
    return out;
  };
  async function* rows(): AsyncGenerator<LeadRow[]> {
    try {
      // The header and title lines are all in the sample: only its records are tested for them.
      const first = toRows(skipped.size > 0 ? buffered.filter((r) => !skipped.has(r)) : buffered);
      if (first.length > 0) yield first;
      if (stop) throw stop;
      for await (const batch of csv.reader.batches()) {
        const leads = toRows(batch);
        if (leads.length > 0 || batch.length === 0) yield leads;
        if (stop) throw stop;
      }
    } finally {
      await csv.reader.close();
    }
  }
  return { layout, header, delimiter: csv.delimiter, preamble: csv.preamble, bom: decoded.bom.length > 0, sepLine: csv.sepLine, rows: rows() };
}
