// A file that is not UTF-8: Mac Roman (Excel for Mac's "CSV (Macintosh)") or Windows-1252 (Excel on
// Windows)? Many bytes are letters in both, different letters: read in the wrong one, `café-paris.fr`
// becomes `cafŽ-paris.fr` and `sœur-mode.fr` `súur-mode.fr`, other valid domains that nothing
// suppresses. Votes from the rest of the file cannot settle a domain: honest punctuation votes
// wrong (Windows' em dash in `client—renewing` is Mac Roman's ó, Mac Roman's ’ in `don’t` is
// Windows' Õ), and ISO-8859-15, ISO-8859-2 or CP850 files read as either. So a byte that reads as
// a letter in either, inside what reads as a domain or an address, is never guessed: the file's
// encoding is asked for, in the head (before anything is read) and after it (the reading stops
// there: guardedDecoder). Only Excel for Mac's CR line ends settle a file as Mac Roman. The votes
// decide the rest: names and notes, which suppress nothing.
import iconv from 'iconv-lite';
import { AosError } from '../errors.js';

type SingleByte = 'macintosh' | 'windows-1252';

const LETTER = /\p{L}/u;
const isLetter = (c: string) => LETTER.test(c);
const isLower = (c: string) => c !== c.toUpperCase() && c === c.toLowerCase();
const isAsciiLetter = (b: number | undefined) => b !== undefined && ((b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a));
const isAsciiLower = (b: number | undefined) => b !== undefined && b >= 0x61 && b <= 0x7a;

const readings = (b: number) => ({ mac: iconv.decode(Buffer.from([b]), 'macintosh'), win: iconv.decode(Buffer.from([b]), 'windows-1252') });
const HIGH = Array.from({ length: 0x80 }, (_, i) => readings(0x80 + i));
/** Bytes Windows-1252 leaves undefined: only Mac Roman writes them. */
const NOT_IN_WINDOWS = new Set([0x81, 0x8d, 0x8f, 0x90, 0x9d]);
/** Windows' ’ (O’Brien) is Mac Roman's í (María): between two letters it tells neither. */
const APOSTROPHE = 0x92;

/**
 * Which reading the byte at `i` makes plausible, or null. A letter in one reading and a symbol in
 * the other votes for the letter when it sits between two ASCII letters (a symbol there is no
 * word); a letter in both votes by case inside a word (`caf` + é, not Ž; `CAF` + É, not ƒ).
 */
function voteAt(head: Buffer, i: number): SingleByte | null {
  const b = head[i] as number;
  if (NOT_IN_WINDOWS.has(b)) return 'macintosh';
  const { mac, win } = HIGH[b - 0x80] as { mac: string; win: string };
  if (mac === win) return null;
  const prev = head[i - 1];
  const next = head[i + 1];
  const macLetter = isLetter(mac);
  const winLetter = isLetter(win);
  if (macLetter !== winLetter) {
    if (b === APOSTROPHE || !isAsciiLetter(prev) || !isAsciiLetter(next)) return null;
    return macLetter ? 'macintosh' : 'windows-1252';
  }
  if (!macLetter || isLower(mac) === isLower(win) || !isAsciiLetter(prev)) return null;
  // Inside a word: lower case after a lower-case letter, upper case in an upper-case word.
  const wantLower = isAsciiLower(prev) || (next !== undefined && isAsciiLower(next));
  return isLower(mac) === wantLower ? 'macintosh' : 'windows-1252';
}

/** The first line break is a CR not followed by LF (classic Mac OS, Excel for Mac's CSV). */
export function crOnlyLines(head: Buffer): boolean {
  const cr = head.indexOf(0x0d);
  const lf = head.indexOf(0x0a);
  return cr >= 0 && (lf < 0 || lf > cr + 1);
}

// What ends a cell's token: a delimiter, a space, a quote, a line break.
const TOKEN_END = new Set([0x2c, 0x3b, 0x09, 0x7c, 0x20, 0x22, 0x27, 0x0a, 0x0d, 0x3c, 0x3e]);

/** The token around `i` (a cell's word) when it reads as a domain or an address: a dot and a letter after it, or an @. */
function targetTokenAt(head: Buffer, i: number): { start: number; end: number } | null {
  let start = i;
  while (start > 0 && !TOKEN_END.has(head[start - 1] as number)) start--;
  let end = i + 1;
  while (end < head.length && !TOKEN_END.has(head[end] as number)) end++;
  const token = head.subarray(start, end);
  const dot = token.lastIndexOf(0x2e);
  const domainLike = dot >= 0 && isAsciiLetter(token[dot + 1]) && dot > 0;
  return domainLike || token.includes(0x40) ? { start, end } : null;
}

function linesBefore(bytes: Buffer, at: number): number {
  let lines = 0;
  for (let i = 0; i < at; i++) if (bytes[i] === 0x0a || (bytes[i] === 0x0d && bytes[i + 1] !== 0x0a)) lines++;
  return lines;
}

/** A byte that reads as a letter in either encoding, and not the same in both. */
function readsAsLetter(b: number): boolean {
  if (b < 0x80) return false;
  const { mac, win } = HIGH[b - 0x80] as { mac: string; win: string };
  return mac !== win && (isLetter(mac) || isLetter(win));
}

/** The first such byte of bytes[from, to) inside a domain or an address, as its token. */
function firstTargetByte(bytes: Buffer, from = 0, to = bytes.length): { start: number; end: number } | null {
  for (let i = from; i < to; i++) {
    if (!readsAsLetter(bytes[i] as number)) continue;
    const token = targetTokenAt(bytes, i);
    if (token) return token;
  }
  return null;
}

function unclear(bytes: Buffer, at: { start: number; end: number }, line: number, stopped: boolean): AosError {
  const token = bytes.subarray(at.start, at.end);
  const mac = iconv.decode(token, 'macintosh');
  const win = iconv.decode(token, 'windows-1252');
  return new AosError(
    'input',
    `the file is not UTF-8, and line ${line} holds "${win}" in Windows-1252 (Excel on Windows) and "${mac}" in Mac Roman (Excel for Mac): a guess could suppress another domain than the one meant, so ${stopped ? 'the reading stopped there' : 'nothing was read'}`,
    `name the encoding: {encoding} windows-1252 if "${win}" is right, {encoding} macintosh if "${mac}" is (or the file's own, such as iso-8859-15); or save the file as "CSV UTF-8"`,
  );
}

/**
 * The decoder of a single-byte encoding that was guessed, not named: it stops at the first line
 * holding a byte that reads as a letter inside a domain or an address (the text before that line
 * comes first, then `stopped`). Whole lines are decoded; a line's start waits for its end.
 */
export function guardedDecoder(encoding: SingleByte, firstLine = 1): { write(chunk: Buffer): string; end(): string; stopped: AosError | null } {
  let held = Buffer.alloc(0);
  let line = firstLine;
  const self = { write: (chunk: Buffer) => run(chunk, false), end: () => run(Buffer.alloc(0), true), stopped: null as AosError | null };
  function run(chunk: Buffer, last: boolean): string {
    if (self.stopped) return '';
    const bytes = held.length > 0 ? Buffer.concat([held, chunk]) : chunk;
    let end = bytes.length;
    if (!last) {
      end = Math.max(bytes.lastIndexOf(0x0a), bytes.lastIndexOf(0x0d)) + 1;
    }
    const found = firstTargetByte(bytes, 0, end);
    if (found) {
      const lineStart = Math.max(bytes.lastIndexOf(0x0a, found.start), bytes.lastIndexOf(0x0d, found.start)) + 1;
      const at = line + linesBefore(bytes, lineStart);
      self.stopped = unclear(bytes, found, at, true);
      return iconv.decode(bytes.subarray(0, lineStart), encoding);
    }
    line += linesBefore(bytes, end);
    held = Buffer.from(bytes.subarray(end));
    return iconv.decode(bytes.subarray(0, end), encoding);
  }
  return self;
}

/**
 * Mac Roman or Windows-1252 for a head of bytes that is not UTF-8. Lines ending in CR alone (Excel
 * for Mac) make it Mac Roman unless the votes say otherwise; else a byte that reads as a letter
 * inside a domain or an address stops it (the encoding must be named), and the votes decide the
 * rest: Mac Roman when they are three to one for it, else Windows-1252.
 */
export function macRomanOrWindows1252(head: Buffer): SingleByte {
  let mac = 0;
  let win = 0;
  for (let i = 0; i < head.length; i++) {
    if ((head[i] as number) < 0x80) continue;
    const vote = voteAt(head, i);
    if (vote === 'macintosh') mac++;
    else if (vote === 'windows-1252') win++;
  }
  if (mac >= win && crOnlyLines(head)) return 'macintosh';
  const token = firstTargetByte(head);
  if (token) throw unclear(head, token, linesBefore(head, token.start) + 1, false);
  return mac > 0 && mac >= 3 * win ? 'macintosh' : 'windows-1252';
}
