// Bytes → text, whatever the CRM exported: UTF-8 with or without BOM, UTF-16 with BOM (or a
// BOM-less one that is plainly UTF-16), Windows-1252; or the encoding the user names.
import iconv from 'iconv-lite';
import { AosError } from '../errors.js';

export type TextChunks = AsyncIterable<string>;

const SNIFF_BYTES = 64 * 1024;

export interface Decoded {
  encoding: string;
  /** The byte-order mark the decoder dropped from the text (empty if none). */
  bom: Buffer;
  text: TextChunks;
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

function isValidUtf8Prefix(head: Buffer, complete: boolean): boolean {
  // A multi-byte character may be cut at the end of the sniffed prefix; drop up to 3 bytes.
  let end = head.length;
  if (!complete) {
    for (let k = 1; k <= 3 && end - k >= 0; k++) {
      const byte = head[end - k] ?? 0;
      if ((byte & 0xc0) === 0xc0) {
        end -= k;
        break;
      }
      if ((byte & 0x80) === 0) break;
    }
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, end));
    return true;
  } catch {
    return false;
  }
}

/** Picks the encoding from the first bytes of the input (see module comment). */
export function detectEncoding(head: Buffer, complete: boolean): string {
  const bom = hasBom(head);
  if (bom) return bom;
  const utf16 = bomlessUtf16(head);
  if (utf16) return utf16;
  if (head.includes(0)) {
    throw new AosError('input', 'the file looks binary (it contains NUL bytes), not CSV text', 'export the data as CSV, or name the encoding with {encoding}');
  }
  return isValidUtf8Prefix(head, complete) ? 'utf-8' : 'windows-1252';
}

function normalizeEncodingName(name: string): string {
  const lower = name.trim().toLowerCase().replace(/_/g, '-');
  if (['utf8', 'utf-8'].includes(lower)) return 'utf-8';
  if (['utf16', 'utf-16', 'utf16le', 'utf-16le', 'ucs2', 'ucs-2'].includes(lower)) return 'utf-16le';
  if (['utf16be', 'utf-16be'].includes(lower)) return 'utf-16be';
  if (['cp1252', 'win1252', 'windows1252', 'windows-1252', 'ansi'].includes(lower)) return 'windows-1252';
  if (!iconv.encodingExists(lower)) {
    throw new AosError('usage', `unknown encoding "${name}"`, 'use utf-8, utf-16le, utf-16be, windows-1252, latin1 or another iconv-lite encoding name');
  }
  return lower;
}

interface Decoder {
  write(chunk: Buffer): string;
  end(): string;
}

function makeDecoder(encoding: string): Decoder {
  if (encoding === 'utf-8' || encoding === 'utf-16le' || encoding === 'utf-16be') {
    // Strict: a broken byte sequence is an error, never a silent U+FFFD in a stored value.
    const decoder = new TextDecoder(encoding, { fatal: true, ignoreBOM: false });
    let offset = 0;
    const run = (chunk: Buffer | undefined, stream: boolean) => {
      try {
        const text = decoder.decode(chunk, { stream });
        offset += chunk?.length ?? 0;
        return text;
      } catch {
        throw new AosError(
          'input',
          `the file is not valid ${encoding.toUpperCase()} (bad byte sequence near byte ${offset})`,
          encoding === 'utf-8' ? 'if it was saved by Excel on Windows, pass {encoding} windows-1252' : 'name the real encoding with {encoding}',
        );
      }
    };
    return { write: (chunk) => run(chunk, true), end: () => run(undefined, false) };
  }
  const decoder = iconv.getDecoder(encoding, { stripBOM: true });
  return { write: (chunk) => decoder.write(chunk), end: () => decoder.end() ?? '' };
}

/** Decodes a byte stream to text chunks, detecting the encoding unless one is given. */
export async function decodeStream(source: AsyncIterable<Buffer | string>, encodingOption?: string): Promise<Decoded> {
  const iterator = source[Symbol.asyncIterator]();
  const headChunks: Buffer[] = [];
  let headLength = 0;
  let done = false;
  while (headLength < SNIFF_BYTES) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
    headChunks.push(chunk);
    headLength += chunk.length;
  }
  const head = Buffer.concat(headChunks);
  const encoding = encodingOption ? normalizeEncodingName(encodingOption) : detectEncoding(head, done);
  const decoder = makeDecoder(encoding);

  async function* text(): AsyncGenerator<string> {
    const first = decoder.write(head);
    if (first) yield first;
    if (!done) {
      for (;;) {
        const next = await iterator.next();
        if (next.done) break;
        const out = decoder.write(typeof next.value === 'string' ? Buffer.from(next.value) : next.value);
        if (out) yield out;
      }
    }
    const tail = decoder.end();
    if (tail) yield tail;
  }
  const bomLength = hasBom(head) === encoding ? (encoding === 'utf-8' ? 3 : 2) : 0;
  return { encoding, bom: Buffer.from(head.subarray(0, bomLength)), text: text() };
}
