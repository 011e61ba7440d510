// Streaming CSV records with their line number and, on request, their exact original bytes
// (so `check --filter` can pass allowed rows through untouched).
import { CsvError, Parser, type Options as CsvParseOptions } from 'csv-parse';
import { once } from 'node:events';
import { AosError } from '../errors.js';
import type { TextChunks } from './decode.js';
import { detectDelimiter } from './delimiter.js';

export interface CsvRecord {
  fields: string[];
  /** Line of the input where the record ends (1-based). */
  line: number;
  /** The record's original text as UTF-8, with its line ending; only with keepRaw. */
  raw?: Buffer;
}

export interface ReadCsvOptions {
  delimiter?: string | undefined;
  keepRaw?: boolean;
  /** Longest record accepted, in characters (protects memory from a file with no line breaks). */
  maxRecordSize?: number;
}

export interface CsvStream {
  delimiter: string;
  records: AsyncGenerator<CsvRecord>;
}

const SNIFF_CHARS = 16 * 1024;
export const MAX_RECORD_SIZE = 4 * 1024 * 1024;

function csvError(e: unknown): AosError {
  if (e instanceof AosError) return e;
  const err = e as CsvError & { lines?: number };
  if (err.code === 'CSV_MAX_RECORD_SIZE') {
    return new AosError('input', `malformed CSV: a record near line ${err.lines ?? '?'} is longer than ${MAX_RECORD_SIZE / 1024 / 1024} MB`, 'is this really a CSV file? check its line endings and quotes');
  }
  if (e instanceof CsvError) {
    return new AosError('input', `malformed CSV: ${err.message}`, 'fix the quoting on that line, or pass --delimiter if the columns are split wrongly');
  }
  return new AosError('input', `cannot read CSV: ${(e as Error).message ?? String(e)}`);
}

export function parseDelimiterOption(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const named: Record<string, string> = { tab: '\t', '\\t': '\t', comma: ',', semicolon: ';', pipe: '|' };
  const d = named[value.toLowerCase()] ?? value;
  if (d.length !== 1 || /["\r\n]/.test(d)) {
    throw new AosError('usage', `invalid --delimiter "${value}": use one character, or tab/comma/semicolon/pipe`);
  }
  return d;
}

/** Text chunks → CSV records, detecting the delimiter from the first 16 KB unless given. */
export async function readCsv(chunks: TextChunks, options: ReadCsvOptions = {}): Promise<CsvStream> {
  const iterator = chunks[Symbol.asyncIterator]();
  const head: string[] = [];
  let headLength = 0;
  let ended = false;
  try {
    while (headLength < SNIFF_CHARS) {
      const next = await iterator.next();
      if (next.done) {
        ended = true;
        break;
      }
      head.push(next.value);
      headLength += next.value.length;
    }
  } catch (e) {
    throw csvError(e);
  }
  const delimiter = options.delimiter ?? detectDelimiter(head.join(''));
  const keepRaw = options.keepRaw ?? false;

  // Raw text: the bytes fed to the parser, kept until the record that ends in them is out.
  const window: Buffer[] = [];
  let windowStart = 0;
  let previousEnd = 0;
  const takeRaw = (end: number): Buffer => {
    const parts: Buffer[] = [];
    let offset = windowStart;
    for (const chunk of window) {
      const chunkEnd = offset + chunk.length;
      const from = Math.max(previousEnd, offset);
      const to = Math.min(end, chunkEnd);
      if (to > from) parts.push(chunk.subarray(from - offset, to - offset));
      offset = chunkEnd;
    }
    while (window.length > 0 && windowStart + (window[0]?.length ?? 0) <= end) windowStart += window.shift()?.length ?? 0;
    previousEnd = end;
    return parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
  };

  const parseOptions: CsvParseOptions = {
    delimiter,
    relax_column_count: true,
    // A stray quote inside an unquoted field (Bob "The Builder" Ltd) is kept as text, as
    // spreadsheets do; an unclosed quoted field is still an error.
    relax_quotes: true,
    skip_empty_lines: true,
    max_record_size: options.maxRecordSize ?? MAX_RECORD_SIZE,
  };
  // csv-parse pushes each record the moment it ends, when its public `info` (lines, bytes) is
  // exactly at that record. Reading it there costs nothing, where an on_record context copies
  // the whole info object per record and halves the parser's speed.
  class LocatedRecords extends Parser {
    override push(chunk: unknown, encoding?: BufferEncoding): boolean {
      if (chunk === null) return super.push(chunk, encoding);
      const record: CsvRecord = { fields: chunk as string[], line: this.info.lines };
      if (keepRaw) record.raw = takeRaw(this.info.bytes);
      return super.push(record, encoding);
    }
  }
  const parser = new LocatedRecords(parseOptions);

  const feed = async () => {
    const write = async (text: string) => {
      const buffer = Buffer.from(text, 'utf8');
      if (keepRaw) window.push(buffer);
      if (!parser.write(buffer)) await once(parser, 'drain');
    };
    for (const text of head) await write(text);
    if (!ended) {
      for (;;) {
        const next = await iterator.next();
        if (next.done) break;
        await write(next.value);
      }
    }
    parser.end();
  };

  async function* records(): AsyncGenerator<CsvRecord> {
    let failure: unknown;
    const feeding = feed().catch((e: unknown) => {
      failure = e;
      parser.destroy(e as Error);
    });
    try {
      for await (const record of parser) yield record as CsvRecord;
    } catch (e) {
      throw csvError(failure ?? e);
    } finally {
      if (!parser.destroyed) parser.destroy();
      await feeding;
    }
    if (failure) throw csvError(failure);
  }

  return { delimiter, records: records() };
}
