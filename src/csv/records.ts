// Streaming CSV records with their line number and, on request, their exact original bytes
// (so `check --filter` can pass allowed rows through untouched, in the input's own encoding).
import { CsvError, Parser, type Options as CsvParseOptions } from 'csv-parse';
import iconv from 'iconv-lite';
import { once } from 'node:events';
import { AosError } from '../errors.js';
import type { TextChunks } from './decode.js';
import { detectDelimiter } from './delimiter.js';
import { RecordEnds } from './record-ends.js';

export interface CsvRecord {
  fields: string[];
  /** Line of the input where the record ends (1-based). */
  line: number;
  /**
   * The record's original bytes, with its line ending (blank lines before it left out); only with
   * keepRaw. In the input's encoding when `original` was given, else as UTF-8.
   */
  raw?: Buffer;
  /** The record holds bytes the decoder could not read (U+FFFD in a field): it is invalid. */
  undecodable?: true;
}

/**
 * The input bytes as they arrive, kept until the records made of them are out: the decoder reads
 * them, this keeps them, so a record's raw bytes are the input's own (Windows-1252, UTF-16).
 */
export class ByteWindow {
  private chunks: Buffer[] = [];
  private start = 0;
  private end = 0;
  private holding = true;

  /** Passes the source through, keeping each chunk. */
  async *tee(source: AsyncIterable<Buffer | string>): AsyncGenerator<Buffer> {
    for await (const chunk of source) {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      this.push(buffer);
      yield buffer;
    }
  }

  /** Keeps the next bytes of the input. */
  push(buffer: Buffer): void {
    if (this.holding) this.chunks.push(buffer);
    this.end += buffer.length;
  }

  /** Not needed after all (UTF-8 records are their own bytes): keep nothing. */
  release(): void {
    this.holding = false;
    this.chunks = [];
  }

  /** Bytes [from, to) of the input; everything before `to` is released. */
  take(from: number, to: number): Buffer {
    if (from < this.start || to > this.end) throw new Error(`raw bytes ${from}-${to} are not held (held: ${this.start}-${this.end})`);
    const parts: Buffer[] = [];
    let offset = this.start;
    for (const chunk of this.chunks) {
      const chunkEnd = offset + chunk.length;
      const a = Math.max(from, offset);
      const b = Math.min(to, chunkEnd);
      if (b > a) parts.push(chunk.subarray(a - offset, b - offset));
      offset = chunkEnd;
      if (offset >= to) break;
    }
    while (this.chunks.length > 0 && this.start + (this.chunks[0] as Buffer).length <= to) this.start += (this.chunks.shift() as Buffer).length;
    return parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
  }
}

/** The input as bytes, for raw records in its own encoding. */
export interface OriginalBytes {
  /** The encoding the text was decoded from (decodeStream's answer). */
  encoding: string;
  /** The byte-order mark the decoder dropped (empty if none). */
  bom: Buffer;
  window: ByteWindow;
}

export interface ReadCsvOptions {
  delimiter?: string | undefined;
  keepRaw?: boolean;
  /** With keepRaw: give raw records (and the preamble) in the input's own bytes. */
  original?: OriginalBytes | undefined;
  /** Longest record accepted, in characters (protects memory from a file with no line breaks). */
  maxRecordSize?: number;
  /** The decoder's count of bad bytes (decodeStream's badBytes): records holding one are marked. */
  badBytes?: { count: number } | undefined;
  /**
   * The text may pause (an empty chunk, src/csv/pauses.ts): give every complete record read by
   * then, and an empty batch after them, instead of waiting for more.
   */
  pauses?: boolean | undefined;
}

/** In the parser's output: the input paused here (recordBatches yields an empty batch for it). */
const PAUSE: CsvRecord = Object.freeze({ fields: [], line: 0 }) as CsvRecord;

export interface CsvStream {
  delimiter: string;
  reader: CsvReader;
  /**
   * With keepRaw: what comes before the first record and is no record (the BOM, Excel's `sep=`
   * line), as bytes; `--filter` writes it first.
   */
  preamble: Buffer;
  /** Excel's `sep=` first line as it came (`sep=;` and its line break), else null. */
  sepLine: string | null;
}

/** Records in batches: one await per batch, not per record, on paths that see millions. */
export class CsvReader {
  private pending: CsvRecord[] = [];
  /** take() stopped at a pause of the input: batches() gives it after the records taken. */
  private pausedInTake = false;
  /** Reading failed in take() after some records: batches() throws it after them. */
  private failure: { error: unknown } | null = null;

  constructor(private readonly source: AsyncGenerator<CsvRecord[]>) {}

  /**
   * Up to n records from the front of what is left; fewer when the input pauses after some. With
   * `holdFailure`, reading that fails after at least one record gives the records read, and
   * batches() throws the failure after them: a check answers the rows before a stop even when
   * it comes within the sample (a failure before any record is thrown at once).
   */
  async take(n: number, options: { holdFailure?: boolean } = {}): Promise<CsvRecord[]> {
    while (this.pending.length < n) {
      let next: IteratorResult<CsvRecord[]>;
      try {
        next = await this.source.next();
      } catch (e) {
        if (!options.holdFailure || this.pending.length === 0) throw e;
        this.failure = { error: e };
        break;
      }
      if (next.done) break;
      if (next.value.length === 0) {
        if (this.pending.length === 0) continue;
        this.pausedInTake = true;
        break;
      }
      this.pending.push(...next.value);
    }
    return this.pending.splice(0, n);
  }

  /** Everything left, in batches of up to BATCH_RECORDS (an empty one where the input paused). */
  async *batches(): AsyncGenerator<CsvRecord[]> {
    if (this.pending.length > 0) {
      const first = this.pending;
      this.pending = [];
      yield first;
    }
    if (this.pausedInTake) {
      this.pausedInTake = false;
      yield [];
    }
    if (this.failure) throw this.failure.error;
    yield* this.source;
  }

  /** Stops the parser and releases the input, whether or not everything was read. */
  async close(): Promise<void> {
    this.pending = [];
    await this.source.return(undefined);
  }
}

const BATCH_RECORDS = 2000;

const SNIFF_CHARS = 16 * 1024;
const SEP_DIRECTIVE = /^sep=([^"\r\n])(?:\r\n|\n|\r)/i;
export const MAX_RECORD_SIZE = 4 * 1024 * 1024;

/** `lastLine`: where the last record read ended (0: none), so a quote never closed is dated where it opened. */
function csvError(e: unknown, lastLine = 0): AosError {
  if (e instanceof AosError) return e;
  const err = e as CsvError & { lines?: number };
  if (err.code === 'CSV_QUOTE_NOT_CLOSED') {
    // csv-parse names the line where the input ended, thousands of lines below the quote (and
    // counts a CRLF inside the open quote as two lines): the quote's own row is named instead.
    const where = lastLine > 0 ? `in the row after line ${lastLine}` : 'in the first row';
    return new AosError('input', `malformed CSV: a quote opened ${where} is never closed (the rest of the input would be one cell)`, 'close the quote on that line, or remove it');
  }
  if (err.code === 'CSV_MAX_RECORD_SIZE') {
    return new AosError('input', `malformed CSV: a record near line ${err.lines ?? '?'} is longer than ${MAX_RECORD_SIZE / 1024 / 1024} MB`, 'is this really a CSV file? check its line endings and quotes');
  }
  if (e instanceof CsvError) {
    return new AosError('input', `malformed CSV: ${err.message}`, 'fix the quoting on that line, or pass {delimiter} if the columns are split wrongly');
  }
  return new AosError('input', `cannot read CSV: ${(e as Error).message ?? String(e)}`);
}

export function parseDelimiterOption(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const named: Record<string, string> = { tab: '\t', '\\t': '\t', comma: ',', semicolon: ';', pipe: '|' };
  const d = named[value.toLowerCase()] ?? value;
  if (d.length !== 1 || /["\r\n]/.test(d)) {
    throw new AosError('usage', `invalid {delimiter} "${value}": use one character, or tab/comma/semicolon/pipe`);
  }
  return d;
}

/** Waits for 'drain' or 'close', whichever comes first, and leaves no listener behind. */
async function drainedOrClosed(stream: NodeJS.EventEmitter): Promise<void> {
  const stop = new AbortController();
  const wait = (event: string) => once(stream, event, { signal: stop.signal }).then(() => undefined, () => undefined);
  try {
    await Promise.race([wait('drain'), wait('close')]);
  } finally {
    stop.abort();
  }
}

/** Text chunks → CSV records, detecting the delimiter from the first 16 KB unless given. */
export async function readCsv(chunks: TextChunks, options: ReadCsvOptions = {}): Promise<CsvStream> {
  const iterator = chunks[Symbol.asyncIterator]();
  const sniffed = await sniffHead(iterator);
  const { text, directive } = withoutSepDirective(sniffed.text);
  const delimiter = options.delimiter ?? directive?.delimiter ?? detectDelimiter(text);
  const ending = firstLineEnding(text);
  const original = options.keepRaw ? rawMapper(options.original, directive?.line ?? '') : null;
  // The bytes fed to the parser, kept until the record that ends in them is out.
  const fed = original ? new ByteWindow() : null;
  let previousEnd = 0;
  const rawUpTo = (end: number): Buffer => {
    const bytes = (fed as ByteWindow).take(previousEnd, end);
    previousEnd = end;
    return (original as RawMapper).map(bytes);
  };
  const parseOptions = parseOptionsFor(delimiter, ending, options.maxRecordSize);
  const parser = locatedRecordParser(parseOptions, directive ? 1 : 0, fed && rawUpTo, options.badBytes, rowFit());
  const ends = options.pauses ? new RecordEnds(delimiter, ending === 'cr') : null;
  if (ends && directive) ends.feed(directive.line);
  const source: ParserSource = { head: text, ended: sniffed.ended, pausedInHead: sniffed.paused, headFailure: sniffed.failure, rest: iterator, fed, ends, crLines: ending === 'cr' };
  return { delimiter, reader: new CsvReader(recordBatches(parser, source)), preamble: original?.preamble ?? Buffer.alloc(0), sepLine: directive?.line ?? null };
}

/**
 * The first SNIFF_CHARS (or all) of the text, read ahead for sniffing; ended: nothing is left;
 * paused: the input paused before SNIFF_CHARS (what came is all a co-process sends before it
 * waits for an answer).
 */
async function sniffHead(iterator: AsyncIterator<string>): Promise<{ text: string; ended: boolean; paused: boolean; failure?: unknown }> {
  const head: string[] = [];
  let length = 0;
  try {
    while (length < SNIFF_CHARS) {
      const next = await iterator.next();
      if (next.done) return { text: head.join(''), ended: true, paused: false };
      if (next.value === '') {
        if (length === 0) continue;
        return { text: head.join(''), ended: false, paused: true };
      }
      head.push(next.value);
      length += next.value.length;
    }
  } catch (e) {
    // Text before the failure is parsed first (its rows are answered), then it is thrown.
    if (length === 0) throw csvError(e);
    return { text: head.join(''), ended: false, paused: false, failure: e };
  }
  return { text: head.join(''), ended: false, paused: false };
}

/** Excel's "sep=;" first line names the delimiter; it is not a row, so it is not parsed. */
function withoutSepDirective(head: string): { text: string; directive: { line: string; delimiter: string } | null } {
  const sep = SEP_DIRECTIVE.exec(head);
  if (!sep) return { text: head, directive: null };
  return { text: head.slice(sep[0].length), directive: { line: sep[0], delimiter: sep[1] as string } };
}

function parseOptionsFor(delimiter: string, ending: 'cr' | 'lf' | null, maxRecordSize: number | undefined): CsvParseOptions {
  const parseOptions: CsvParseOptions = {
    delimiter,
    relax_column_count: true,
    // A stray quote inside an unquoted field (Bob "The Builder" Ltd) is kept as text, as
    // spreadsheets do; an unclosed quoted field is still an error.
    relax_quotes: true,
    skip_empty_lines: true,
    max_record_size: maxRecordSize ?? MAX_RECORD_SIZE,
  };
  // csv-parse takes the first line ending it sees for every record, so a CRLF header on LF rows
  // (`cat` of a Windows header and a Unix body) was one record of the whole file: after a LF both
  // endings end a record (CRLF first, so it is one ending). The first line break *outside quotes*
  // decides: Excel for Mac ends lines with CR alone and writes a cell's line break as LF inside
  // quotes, and reading that file by its first LF made all its rows one garbage record.
  if (ending === 'cr') parseOptions.record_delimiter = ['\r'];
  else if (ending === 'lf') parseOptions.record_delimiter = ['\r\n', '\n'];
  return parseOptions;
}

/** The first line ending outside a quoted field: CR alone, or LF (with or without a CR before it). */
export function firstLineEnding(head: string): 'cr' | 'lf' | null {
  let inQuotes = false;
  for (let i = 0; i < head.length; i++) {
    const c = head.charCodeAt(i);
    if (c === 0x22) inQuotes = !inQuotes;
    else if (inQuotes) continue;
    else if (c === 0x0a) return 'lf';
    else if (c === 0x0d) return head.charCodeAt(i + 1) === 0x0a ? 'lf' : i + 1 < head.length ? 'cr' : null;
  }
  return null;
}

/**
 * How records must fit their header, whatever made them not fit (mixed line endings, a line
 * ending misread): a record of many times the header's cells is several rows read as one, and
 * those rows would be lost silently, so the parse stops with an error. One comparison a record.
 */
interface RowFit {
  /** Throws when this record (its number, fields, line) shows that rows do not fit the header. */
  check(index: number, fields: readonly string[], line: number): void;
}

/** Records read before the widest of them is taken as the header's width (title rows come first). */
const FIT_SAMPLE = 10;

function rowFit(): RowFit {
  let width = 0;
  return {
    check(index, fields, line) {
      if (index < FIT_SAMPLE) {
        width = Math.max(width, fields.length);
        return;
      }
      if (fields.length > 3 * width && fields.length >= width + 5) {
        throw misfit(`line ${line} has ${fields.length} cells where the header has ${width}: several rows were read as one`);
      }
    },
  };
}

function misfit(what: string): AosError {
  return new AosError(
    'input',
    `the rows do not fit the header (${what}); stopped rather than lose rows`,
    'the file mixes line endings or has an unclosed quote: open it in a spreadsheet and save it again as "CSV UTF-8", or fix the line it names',
  );
}

/**
 * A csv-parse Parser that pushes CsvRecords: each with the line it ends on and, given rawUpTo,
 * its raw bytes. csv-parse pushes each record the moment it ends, when its public `info` (lines,
 * bytes) is exactly at that record. Reading it there costs nothing, where an on_record context
 * copies the whole info object per record and halves the parser's speed.
 */
function locatedRecordParser(
  options: CsvParseOptions,
  skippedLines: number,
  rawUpTo: ((end: number) => Buffer) | null,
  badBytes: { count: number } | undefined,
  fit: RowFit,
): PausableParser {
  // csv-parse counts a CRLF inside a quoted field as two lines: `overcount` takes them back.
  let overcount = 0;
  let records = 0;
  // Line breaks written at pauses (PausableParser.inputPaused): a line and a byte each, taken back too.
  let injected = 0;
  class LocatedRecords extends Parser implements PausableParser {
    private readonly pauses = new WeakSet<Buffer>();

    inputPaused(blankLines: string | null): void {
      const marker = Buffer.from(blankLines ?? '', 'utf8');
      this.pauses.add(marker);
      this.write(marker);
    }

    // The parser's own _transform is synchronous: the records a pause's line breaks let out are
    // pushed by the time it calls back, so PAUSE follows them.
    override _transform(buffer: Buffer, encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
      if (!this.pauses.has(buffer)) return (Parser.prototype as unknown as Transformer)._transform.call(this, buffer, encoding, callback);
      (Parser.prototype as unknown as Transformer)._transform.call(this, buffer, encoding, (error) => {
        if (!error) {
          injected += buffer.length;
          super.push(PAUSE);
        }
        callback(error);
      });
    }

    override push(chunk: unknown, encoding?: BufferEncoding): boolean {
      if (chunk === null) return super.push(chunk, encoding);
      const fields = chunk as string[];
      for (const f of fields) {
        for (let at = f.indexOf('\r\n'); at >= 0; at = f.indexOf('\r\n', at + 2)) overcount++;
      }
      const line = this.info.lines + skippedLines - overcount - injected;
      // Thrown here, the error fails the parser after the records before this one.
      try {
        fit.check(records++, fields, line);
      } catch (e) {
        this.destroy(e as Error);
        return false;
      }
      const record: CsvRecord = { fields, line };
      // Only once the decoder met a bad byte does a record's text need a look.
      if (badBytes && badBytes.count > 0 && fields.some((f) => f.includes('\uFFFD'))) record.undecodable = true;
      if (rawUpTo) record.raw = rawUpTo(this.info.bytes - injected);
      return super.push(record, encoding);
    }
  }
  return new LocatedRecords(options);
}

type Transformer = { _transform(buffer: Buffer, encoding: BufferEncoding, callback: (error?: Error | null) => void): void };

/**
 * csv-parse holds a record back until a few more characters follow its line break (they could be
 * the LF of a CRLF, or a multi-byte space to trim), so a co-process's last line would wait for the
 * next one. At a pause that falls at the end of a record, blank lines (which the parser skips, and
 * which never reach a record's line number or bytes) let it out; then PAUSE marks the spot.
 */
interface PausableParser extends Parser {
  /** The input paused; `blankLines` when it paused at a record's end, else null. */
  inputPaused(blankLines: string | null): void;
}

/** What the parser is fed: the sniffed head, then the rest of the text (unless it ended). */
interface ParserSource {
  head: string;
  ended: boolean;
  /** The input paused right after the head. */
  pausedInHead: boolean;
  /** Reading the text failed right after the head. */
  headFailure?: unknown;
  /** Records end with CR alone. */
  crLines: boolean;
  /** With pauses: where records end, so a pause can let the last one out. */
  ends: RecordEnds | null;
  rest: AsyncIterator<string>;
  /** Keeps the bytes fed, for raw records. */
  fed: ByteWindow | null;
}

/**
 * The source's next chunk, or 'stopped' once the parser closed. A co-process's writer may keep its
 * end open and write nothing more: when the reading stops (an error, a removed client), the read
 * waiting on it is left to whoever owns the stream (it destroys it, src/cli/workers/target-rows.ts),
 * since waiting for it could wait for ever.
 */
function nextChunk(parser: PausableParser, source: ParserSource): () => Promise<IteratorResult<string> | 'stopped'> {
  const closed = source.ends ? new Promise<'stopped'>((resolve) => parser.once('close', () => resolve('stopped'))) : null;
  return async () => {
    const next = source.rest.next();
    if (!closed) return next;
    next.catch(() => {});
    return Promise.race([next, closed]);
  };
}

/**
 * Writes the text into the parser, waiting when it is full; stops when it is destroyed. When
 * reading the text fails where a record ends, the parser is ended (csv-parse holds a record back
 * until it sees what follows its line break: the last row before bad bytes was lost) and
 * `stopped` is told the failure; anywhere else the failure is thrown, and the record it cut
 * short is never a record.
 */
async function feedParser(parser: PausableParser, source: ParserSource, stopped: (failure: unknown) => void): Promise<void> {
  let last = 0; // the last character written
  const atRecordEnd = () => (source.ends ? source.ends.atRecordEnd : last === 0x0a || (last === 0x0d && source.crLines));
  const stop = (failure: unknown) => {
    if (parser.destroyed || !atRecordEnd()) throw failure;
    stopped(failure);
    parser.end();
  };
  const write = async (text: string) => {
    // Destroyed while the next chunk was read (the consumer stopped: an error, a closed
    // reader): its 'close' has passed, so waiting for it would wait forever, and Node would
    // exit with code 13 and not a word.
    if (parser.destroyed) return;
    if (text === '') {
      // A pause (only a text with pauses has empty chunks).
      parser.inputPaused(source.ends?.atRecordEnd ? source.ends.blankLines : null);
      return;
    }
    source.ends?.feed(text);
    last = text.charCodeAt(text.length - 1);
    const buffer = Buffer.from(text, 'utf8');
    source.fed?.push(buffer);
    // A parser that failed or was closed never drains: stop feeding it then.
    if (!parser.write(buffer)) await drainedOrClosed(parser);
  };
  const read = nextChunk(parser, source);
  let abandoned = false;
  try {
    if (source.head !== '') await write(source.head);
    if (source.headFailure !== undefined) return stop(source.headFailure);
    if (source.pausedInHead) await write('');
    if (!source.ended) {
      for (;;) {
        if (parser.destroyed) return;
        let next: Awaited<ReturnType<typeof read>>;
        try {
          next = await read();
        } catch (e) {
          return stop(e);
        }
        if (next === 'stopped') {
          abandoned = true;
          return;
        }
        if (next.done) break;
        await write(next.value);
      }
    }
    if (!parser.destroyed) parser.end();
  } finally {
    if (parser.destroyed && !abandoned) await source.rest.return?.(undefined);
  }
}

/**
 * Waits until the parser has records again, has ended, or failed. A failure resolves too, never
 * rejects: the chunk that failed may have pushed records before the one that failed (a row too
 * wide, an open quote), and those are read from the buffer before the error is thrown.
 */
function parserSettled(parser: Parser): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      cleanup();
      resolve();
    };
    const cleanup = () => {
      parser.off('readable', done);
      parser.off('end', done);
      parser.off('close', done);
      parser.off('error', done);
    };
    parser.on('readable', done);
    parser.on('end', done);
    parser.on('close', done);
    parser.on('error', done);
  });
}

/** The parser's records in batches of up to BATCH_RECORDS, fed from source as they are read. */
async function* recordBatches(parser: PausableParser, source: ParserSource): AsyncGenerator<CsvRecord[]> {
  // The parser's errors surface through this loop, never as an unhandled event.
  let parserError: Error | undefined;
  parser.on('error', (e: Error) => {
    parserError ??= e;
  });
  let failure: unknown;
  const feeding = feedParser(parser, source, (e) => (failure = e)).catch((e: unknown) => {
    failure = e;
    parser.destroy(e as Error);
  });
  let lastLine = 0;
  try {
    for (;;) {
      const batch: CsvRecord[] = [];
      let record: CsvRecord | null;
      let paused = false;
      while (batch.length < BATCH_RECORDS && (record = parser.read() as CsvRecord | null) !== null) {
        if (record === PAUSE) {
          paused = true;
          break;
        }
        batch.push(record);
      }
      if (batch.length > 0) {
        lastLine = (batch[batch.length - 1] as CsvRecord).line;
        yield batch;
      }
      if (paused) yield [];
      if (batch.length > 0 || paused) continue;
      const error = parserError ?? parser.errored; // errored is set at once, the event comes a tick later
      if (error) throw error;
      if (parser.readableEnded || parser.destroyed) break;
      await parserSettled(parser);
    }
  } catch (e) {
    throw csvError(failure ?? e, lastLine);
  } finally {
    if (!parser.destroyed) parser.destroy();
    await feeding;
  }
  if (failure) throw csvError(failure, lastLine);
}

/** Blank lines before a record (csv-parse skips them): their line breaks, counted in characters. */
function leadingBreaks(utf8: Buffer): number {
  let n = 0;
  while (n < utf8.length && (utf8[n] === 0x0a || utf8[n] === 0x0d)) n++;
  return n;
}

/** Encodings of one byte per character (Windows-1252, Latin-1…): offsets carry over. */
function isSingleByte(encoding: string): boolean {
  if (encoding.startsWith('utf')) return false;
  try {
    return iconv.decode(Buffer.from(Array.from({ length: 256 }, (_, i) => i)), encoding).length === 256;
  } catch {
    return false;
  }
}

/**
 * Turns each record's UTF-8 text (the parser's bytes) into the input's own bytes. UTF-8 is itself;
 * UTF-16 and single-byte encodings map character offsets to byte offsets (2 or 1 per UTF-16 code
 * unit, after the BOM) and slice the input, so even a byte the decoder could not name comes out
 * as it came in; any other encoding (given with --encoding) is encoded back.
 */
interface RawMapper {
  map(utf8: Buffer): Buffer;
  /** What comes before the first record: the BOM and a `sep=` line, in the input's bytes. */
  preamble: Buffer;
}

function rawMapper(original: OriginalBytes | undefined, directive: string): RawMapper {
  const encoding = original?.encoding ?? 'utf-8';
  const bom = original?.bom ?? Buffer.alloc(0);
  if (!original || encoding === 'utf-8') {
    original?.window.release();
    return { map: (utf8) => utf8.subarray(leadingBreaks(utf8)), preamble: Buffer.concat([bom, Buffer.from(directive, 'utf8')]) };
  }
  const unit = encoding === 'utf-16le' || encoding === 'utf-16be' ? 2 : isSingleByte(encoding) ? 1 : 0;
  if (unit === 0) {
    return {
      map: (utf8) => iconv.encode(utf8.subarray(leadingBreaks(utf8)).toString('utf8'), encoding),
      preamble: Buffer.concat([bom, iconv.encode(directive, encoding)]),
    };
  }
  const window = original.window;
  let chars = directive.length;
  const preamble = window.take(0, bom.length + chars * unit);
  return {
    map(utf8) {
      const length = utf8.toString('utf8').length;
      const from = bom.length + (chars + leadingBreaks(utf8)) * unit;
      chars += length;
      return window.take(from, bom.length + chars * unit);
    },
    preamble,
  };
}
