// Bytes → text, whatever the CRM exported: UTF-8 with or without BOM, UTF-16 with BOM (or a
// BOM-less one that is plainly UTF-16), Windows-1252, Mac Roman (Excel for Mac's "CSV
// (Macintosh)"); or the encoding the user names.
import iconv from 'iconv-lite';
import { AosError } from '../errors.js';
import { guardHead, guardedDecoder, isSingleByte, macRomanOrWindows1252, type GuardMode } from './single-byte.js';
import { unreadableWorkbook, workbookKind, xlsxAsCsv } from './workbook.js';

export type TextChunks = AsyncIterable<string>;

const SNIFF_BYTES = 64 * 1024;

export interface Decoded {
  encoding: string;
  /** A BOM, UTF-16's NULs, UTF-8 letters in the head, a workbook or the user named it: not a guess. */
  certain: boolean;
  /** The byte-order mark the decoder dropped from the text (empty if none). */
  bom: Buffer;
  text: TextChunks;
  /**
   * Byte sequences that were not UTF-8, each read as U+FFFD, so far (UTF-8 only). A file that is
   * UTF-8 but for a few bytes stays UTF-8: the records holding them are invalid (records.ts marks
   * them), never the whole file re-read as another encoding that turns its letters into others.
   */
  badBytes: { count: number };
  /** The input was an .xlsx workbook: `text` is its sheet as comma-separated UTF-8 CSV. */
  workbook: boolean;
}

export interface DecodeOptions {
  /** With an .xlsx input: the sheet to read (default: the first). */
  sheet?: string | undefined;
  /** For messages: the file name or "stdin". */
  name?: string | undefined;
}

function hasBom(head: Buffer): 'utf-8' | 'utf-16le' | 'utf-16be' | null {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'utf-8';
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  return null;
}

/** UTF-16 without a BOM shows as a NUL in every other byte of ASCII text. */
function bomlessUtf16(head: Buffer): 'utf-16le' | 'utf-16be' | null {
  const n = Math.min(head.length, 4096) & ~1;
  if (n < 4) return null;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < n; i += 2) {
    if (head[i] === 0) evenNul++;
    if (head[i + 1] === 0) oddNul++;
  }
  const pairs = n / 2;
  if (oddNul > pairs * 0.4 && evenNul < pairs * 0.05) return 'utf-16le';
  if (evenNul > pairs * 0.4 && oddNul < pairs * 0.05) return 'utf-16be';
  return null;
}

/**
 * Reads the head as UTF-8: `multiByte` counts valid sequences of 2-4 bytes (letters that only
 * UTF-8 writes so), `bad` the bytes that are no UTF-8. A cut sequence at the end of an incomplete
 * head is neither.
 */
function utf8Census(head: Buffer, complete: boolean): { multiByte: number; bad: number } {
  let multiByte = 0;
  let bad = 0;
  for (let i = 0; i < head.length; ) {
    const b = head[i] as number;
    if (b < 0x80) {
      i++;
      continue;
    }
    const need = b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (need < 0) {
      bad++;
      i++;
      continue;
    }
    if (i + need >= head.length && !complete) break;
    let ok = true;
    for (let k = 1; k <= need; k++) if (((head[i + k] ?? 0) & 0xc0) !== 0x80) ok = false;
    if (ok) {
      multiByte++;
      i += need + 1;
    } else {
      bad++;
      i++;
    }
  }
  return { multiByte, bad };
}

/**
 * Picks the encoding from the first bytes of the input (see module comment). Valid multi-byte
 * UTF-8 anywhere in the head makes it UTF-8 even with some bad bytes beside it (those rows are
 * invalid); only a head with no UTF-8 letter at all is read as a single-byte encoding, a guess
 * whose reading stops at a byte above ASCII in a domain, an address or a URL (guardedDecoder).
 * `certain`: a BOM, UTF-16's NULs or UTF-8 letters said it (an encoding remembered from an
 * earlier import does not apply then).
 */
function detectReading(head: Buffer, complete: boolean): { encoding: string; guard: GuardMode | null; certain: boolean } {
  const bom = hasBom(head);
  if (bom) return { encoding: bom, guard: null, certain: true };
  const utf16 = bomlessUtf16(head);
  if (utf16) return { encoding: utf16, guard: null, certain: true };
  if (head.includes(0)) {
    throw new AosError('input', 'the file looks binary (it contains NUL bytes), not CSV text', 'export the data as CSV, or name the encoding with {encoding}');
  }
  const census = utf8Census(head, complete);
  if (census.bad === 0 || census.multiByte > 0) return { encoding: 'utf-8', guard: null, certain: census.multiByte > 0 };
  return { encoding: macRomanOrWindows1252(head), guard: 'guessed', certain: false };
}

/** A named encoding: a single-byte one is guarded against UTF-8 letters in targets, from the head on. */
function namedReading(name: string, head: Buffer): { encoding: string; guard: GuardMode | null; certain: boolean } {
  const encoding = normalizeEncodingName(name);
  if (!isSingleByte(encoding)) return { encoding, guard: null, certain: true };
  guardHead(head, 'named', encoding);
  return { encoding, guard: 'named', certain: true };
}

export function detectEncoding(head: Buffer, complete: boolean): string {
  return detectReading(head, complete).encoding;
}

function normalizeEncodingName(name: string): string {
  const lower = name.trim().toLowerCase().replace(/_/g, '-');
  if (['utf8', 'utf-8'].includes(lower)) return 'utf-8';
  if (['utf16', 'utf-16', 'utf16le', 'utf-16le', 'ucs2', 'ucs-2'].includes(lower)) return 'utf-16le';
  if (['utf16be', 'utf-16be'].includes(lower)) return 'utf-16be';
  if (['cp1252', 'win1252', 'windows1252', 'windows-1252', 'ansi'].includes(lower)) return 'windows-1252';
  if (['mac', 'macroman', 'mac-roman', 'x-mac-roman', 'macintosh'].includes(lower)) return 'macintosh';
  if (!iconv.encodingExists(lower)) {
    throw new AosError('usage', `unknown encoding "${name}"`, 'use utf-8, utf-16le, utf-16be, windows-1252, macintosh (Mac Roman), latin1 or another iconv-lite encoding name');
  }
  return lower;
}

interface Decoder {
  write(chunk: Buffer): string;
  end(): string;
  /**
   * Set when the bytes stopped being readable: the text returned with it is everything before
   * the bad bytes, and nothing more comes (a check answers every row before them).
   */
  stopped?: AosError | null;
}

const isHighSurrogate = (unit: number) => unit >= 0xd800 && unit <= 0xdbff;
const isLowSurrogate = (unit: number) => unit >= 0xdc00 && unit <= 0xdfff;

/**
 * UTF-16, strictly: a broken byte sequence (a lone surrogate, an odd byte at the end) is an error,
 * never a silent U+FFFD in a stored value. The text before it is returned first, with `stopped`
 * set: a fatal TextDecoder gives nothing of a chunk it cannot read, which lost up to 64 KB of rows
 * before the bad bytes. Each call decodes whole code units (a high surrogate at a chunk's end
 * waits for its pair), so the error names its byte exactly.
 */
function utf16Decoder(encoding: 'utf-16le' | 'utf-16be'): Decoder {
  const decoder = new TextDecoder(encoding, { fatal: true, ignoreBOM: true });
  const unitAt = encoding === 'utf-16be' ? (b: Buffer, i: number) => b.readUInt16BE(i) : (b: Buffer, i: number) => b.readUInt16LE(i);
  let held = Buffer.alloc(0);
  let offset = 0; // where `held` starts in the input
  let atStart = true;
  const self: Decoder = { write: (chunk) => run(chunk, false), end: () => run(Buffer.alloc(0), true), stopped: null };
  /** Where the first broken sequence of bytes[from, to) starts. */
  const firstBad = (bytes: Buffer, from: number, to: number): number => {
    let i = from;
    for (; i + 1 < to; i += 2) {
      const unit = unitAt(bytes, i);
      if (isLowSurrogate(unit)) return i;
      if (isHighSurrogate(unit)) {
        if (i + 3 >= to || !isLowSurrogate(unitAt(bytes, i + 2))) return i;
        i += 2;
      }
    }
    return i;
  };
  function run(chunk: Buffer, last: boolean): string {
    if (self.stopped) return '';
    const bytes = held.length > 0 ? Buffer.concat([held, chunk]) : chunk;
    let start = 0;
    if (atStart && (bytes.length >= 2 || last)) {
      atStart = false;
      if (bytes.length >= 2 && unitAt(bytes, 0) === 0xfeff) start = 2; // the BOM is no text
    }
    let end = last ? bytes.length : bytes.length & ~1;
    if (!last && end - 2 >= start && isHighSurrogate(unitAt(bytes, end - 2))) end -= 2;
    let text: string;
    try {
      text = decoder.decode(bytes.subarray(start, end));
    } catch {
      const bad = firstBad(bytes, start, end);
      text = decoder.decode(bytes.subarray(start, bad));
      self.stopped = new AosError('input', `the file is not valid ${encoding.toUpperCase()} (bad byte sequence at byte ${offset + bad})`, 'name the real encoding with {encoding}');
    }
    held = Buffer.from(bytes.subarray(end));
    offset += end;
    return text;
  }
  return self;
}

/** `guard`: how a single-byte reading is guarded (detectReading, namedReading). */
function makeDecoder(encoding: string, badBytes: { count: number }, guard: GuardMode | null): Decoder {
  if (encoding === 'utf-8') {
    // Lenient: a bad byte becomes U+FFFD, counted, and the records holding one are invalid. The
    // hot path (no bad byte) pays one native indexOf per chunk.
    const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: false });
    const run = (chunk: Buffer | undefined, stream: boolean) => {
      const text = decoder.decode(chunk, { stream });
      for (let at = text.indexOf('\uFFFD'); at >= 0; at = text.indexOf('\uFFFD', at + 1)) badBytes.count++;
      return text;
    };
    return { write: (chunk) => run(chunk, true), end: () => run(undefined, false) };
  }
  if (encoding === 'utf-16le' || encoding === 'utf-16be') return utf16Decoder(encoding);
  if (guard) return guardedDecoder(encoding, guard);
  const decoder = iconv.getDecoder(encoding, { stripBOM: true });
  return { write: (chunk) => decoder.write(chunk), end: () => decoder.end() ?? '' };
}

type ByteIterator = AsyncIterator<Buffer | string>;

const asBuffer = (value: Buffer | string): Buffer => (typeof value === 'string' ? Buffer.from(value) : value);

/**
 * The first SNIFF_BYTES (or all there is) to detect the encoding from. A co-process's input paused
 * (src/csv/pauses.ts): its first line is all there is to sniff.
 */
async function readHead(iterator: ByteIterator): Promise<{ head: Buffer; done: boolean; pausedInHead: boolean }> {
  const headChunks: Buffer[] = [];
  let headLength = 0;
  let done = false;
  let pausedInHead = false;
  while (headLength < SNIFF_BYTES) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    const chunk = asBuffer(next.value);
    if (chunk.length === 0) {
      if (headLength === 0) continue;
      pausedInHead = true;
      break;
    }
    headChunks.push(chunk);
    headLength += chunk.length;
  }
  return { head: Buffer.concat(headChunks), done, pausedInHead };
}

/** A workbook's bytes, the head and the rest: a workbook is read whole, so pauses mean nothing to it. */
async function* workbookBytes(head: Buffer, done: boolean, iterator: ByteIterator): AsyncGenerator<Buffer> {
  yield head;
  if (done) return;
  for (;;) {
    const next = await iterator.next();
    if (next.done) return;
    if (next.value.length > 0) yield asBuffer(next.value);
  }
}

/**
 * The text of the head and the rest; a pause goes on up as an empty string. What the decoder could
 * read comes before its error: the rows before bad bytes are read first.
 */
async function* decodedText(decoder: Decoder, start: { head: Buffer; done: boolean; pausedInHead: boolean }, iterator: ByteIterator): AsyncGenerator<string> {
  const readable = function* (text: string): Generator<string> {
    if (text) yield text;
    if (decoder.stopped) throw decoder.stopped;
  };
  yield* readable(decoder.write(start.head));
  if (start.pausedInHead) yield '';
  if (!start.done) {
    for (;;) {
      const next = await iterator.next();
      if (next.done) break;
      if (next.value.length === 0) {
        yield '';
        continue;
      }
      yield* readable(decoder.write(asBuffer(next.value)));
    }
  }
  yield* readable(decoder.end());
}

/** Decodes a byte stream to text chunks, detecting the encoding unless one is given. */
export async function decodeStream(source: AsyncIterable<Buffer | string>, encodingOption?: string, options: DecodeOptions = {}): Promise<Decoded> {
  const iterator = source[Symbol.asyncIterator]();
  const start = await readHead(iterator);
  const { head, done } = start;
  const name = options.name ?? 'the input';
  const workbook = workbookKind(head);
  if (workbook === 'xlsx') {
    return { encoding: 'utf-8', certain: true, bom: Buffer.alloc(0), text: xlsxAsCsv(workbookBytes(head, done, iterator), { sheet: options.sheet, name }), badBytes: { count: 0 }, workbook: true };
  }
  if (workbook) throw unreadableWorkbook(workbook, name);
  if (options.sheet !== undefined) throw new AosError('usage', `{sheet} names a sheet of an .xlsx workbook; ${name} is a text file`, 'drop {sheet}');
  const { encoding, guard, certain } = encodingOption ? namedReading(encodingOption, head) : detectReading(head, done);
  const badBytes = { count: 0 };
  const decoder = makeDecoder(encoding, badBytes, guard);
  const bomLength = hasBom(head) === encoding ? (encoding === 'utf-8' ? 3 : 2) : 0;
  return { encoding, certain, bom: Buffer.from(head.subarray(0, bomLength)), text: decodedText(decoder, start, iterator), badBytes, workbook: false };
}
