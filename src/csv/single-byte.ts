// A file that is not UTF-8: Mac Roman (Excel for Mac's "CSV (Macintosh)") or Windows-1252 (Excel on
// Windows)? Many bytes are letters in both, different letters: read in the wrong one, `café-paris.fr`
// becomes `cafŽ-paris.fr` and `sœur-mode.fr` `súur-mode.fr`, other valid domains that nothing
// suppresses. A byte votes only where one reading is plainly wrong: a letter beside a symbol
// between two letters (ü, not ¸), case inside a word (caf + é, not Ž), a byte Windows-1252 lacks;
// never punctuation typed between words (Windows' em dash in `client—renewing` is Mac Roman's ó).
// Votes of two distinct bytes or more, all one way, settle the file unless that reading makes a
// word of no language (a symbol, or a capital, between small letters: ISO-8859-2, CP850), and so
// do Excel for Mac's CR line ends. Unsettled, a
// byte that reads as a letter inside what reads as a domain or an address is never guessed: the
// encoding is asked for, in the head (before anything is read) and after it (the reading stops
// there: guardedDecoder). ISO-8859-15, ISO-8859-2 or CP850 files mostly end there too.
import iconv from 'iconv-lite';
import { AosError } from '../errors.js';

type SingleByte = 'macintosh' | 'windows-1252';

// Mac Roman's π and Ω are mathematics there, not words' letters.
const LETTER = /^(?!\p{Script=Greek})\p{L}$/u;
const isLetter = (c: string) => LETTER.test(c);
const isLower = (c: string) => c !== c.toUpperCase() && c === c.toLowerCase();
const isAsciiLetter = (b: number | undefined) => b !== undefined && ((b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a));
const isAsciiLower = (b: number | undefined) => b !== undefined && b >= 0x61 && b <= 0x7a;

const readings = (b: number) => ({ mac: iconv.decode(Buffer.from([b]), 'macintosh'), win: iconv.decode(Buffer.from([b]), 'windows-1252') });
const HIGH = Array.from({ length: 0x80 }, (_, i) => readings(0x80 + i));
/** Bytes Windows-1252 leaves undefined: only Mac Roman writes them. */
const NOT_IN_WINDOWS = new Set([0x81, 0x8d, 0x8f, 0x90, 0x9d]);
/**
 * Punctuation typed between words (dashes, quotes, apostrophes, ellipsis, bullet) in either
 * encoding: Windows' — in `client—renewing` is Mac Roman's ó, Mac Roman's ’ in `don’t` is Windows'
 * Õ, Windows' ’ in O’Brien is Mac Roman's í (María). A byte that is one of them in either reading
 * tells neither.
 */
const BETWEEN_WORDS = new Set([...'‚„…‘’“”•–—']);

/**
 * Which reading the byte at `i` makes plausible, or null. A letter in one reading and a symbol in
 * the other votes for the letter when it sits between two ASCII letters (a symbol there is no
 * word); a letter in both votes by case inside a word (`caf` + é, not Ž; `CAF` + É, not ƒ).
 */
function voteAt(head: Buffer, i: number): SingleByte | null {
  const b = head[i] as number;
  if (NOT_IN_WINDOWS.has(b)) return 'macintosh';
  const { mac, win } = HIGH[b - 0x80] as { mac: string; win: string };
  if (mac === win || BETWEEN_WORDS.has(mac) || BETWEEN_WORDS.has(win)) return null;
  const prev = head[i - 1];
  const next = head[i + 1];
  const macLetter = isLetter(mac);
  const winLetter = isLetter(win);
  if (macLetter !== winLetter) {
    if (!isAsciiLetter(prev) || !isAsciiLetter(next)) return null;
    return macLetter ? 'macintosh' : 'windows-1252';
  }
  if (!macLetter || isLower(mac) === isLower(win) || !isAsciiLetter(prev)) return null;
  // Inside a word: lower case after a lower-case letter, upper case in an upper-case word.
  const wantLower = isAsciiLower(prev) || (next !== undefined && isAsciiLower(next));
  return isLower(mac) === wantLower ? 'macintosh' : 'windows-1252';
}

/** The first line break is a CR not followed by LF (classic Mac OS, Excel for Mac's CSV). */
function crOnlyLines(head: Buffer): boolean {
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

const ANY_LETTER = /\p{L}/u;

/** A byte that reads as a letter (of any script: an IDN may be Greek) in either encoding, and not the same in both. */
function readsAsLetter(b: number): boolean {
  if (b < 0x80) return false;
  const { mac, win } = HIGH[b - 0x80] as { mac: string; win: string };
  return mac !== win && (ANY_LETTER.test(mac) || ANY_LETTER.test(win));
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

/** The votes, and how many distinct bytes cast them (one byte voting twice is one piece of evidence). */
function votesOf(head: Buffer): { mac: number; win: number; macBytes: number; winBytes: number } {
  const mac = new Map<number, number>();
  const win = new Map<number, number>();
  for (let i = 0; i < head.length; i++) {
    const b = head[i] as number;
    if (b < 0x80) continue;
    const vote = voteAt(head, i);
    if (vote === 'macintosh') mac.set(b, (mac.get(b) ?? 0) + 1);
    else if (vote === 'windows-1252') win.set(b, (win.get(b) ?? 0) + 1);
  }
  const sum = (m: Map<number, number>) => [...m.values()].reduce((a, n) => a + n, 0);
  return { mac: sum(mac), win: sum(win), macBytes: mac.size, winBytes: win.size };
}

/**
 * Whether a reading makes a word of no language somewhere: a symbol between two letters (a
 * Polish ł read as Windows' ³), or a capital between two small letters (CP850's ü read as Mac
 * Roman's Å in `mÅnchen`). Another encoding (ISO-8859-2, CP850) than the two it votes between.
 */
function contradicted(head: Buffer, reading: SingleByte): boolean {
  for (let i = 1; i + 1 < head.length; i++) {
    const b = head[i] as number;
    if (b < 0x80 || !isAsciiLetter(head[i - 1]) || !isAsciiLetter(head[i + 1])) continue;
    const { mac, win } = HIGH[b - 0x80] as { mac: string; win: string };
    const c = reading === 'macintosh' ? mac : win;
    if (BETWEEN_WORDS.has(c)) continue;
    if (!isLetter(c) || (!isLower(c) && isAsciiLower(head[i - 1]) && isAsciiLower(head[i + 1]))) return true;
  }
  return false;
}

type Votes = ReturnType<typeof votesOf>;

/**
 * The reading the bytes settle, or null: lines ending in CR alone (Excel for Mac), or votes of two
 * distinct bytes or more, all for one reading, which makes no word of no language anywhere.
 */
function settledReading(head: Buffer, { mac, win, macBytes, winBytes }: Votes): SingleByte | null {
  if (mac >= win && crOnlyLines(head)) return 'macintosh';
  const reading = win === 0 && macBytes >= 2 ? 'macintosh' : mac === 0 && winBytes >= 2 ? 'windows-1252' : null;
  return reading !== null && !contradicted(head, reading) ? reading : null;
}

/**
 * Mac Roman or Windows-1252 for a head of bytes that is not UTF-8, and whether the bytes settled it.
 * Settled by the votes (none of them from punctuation: settledReading), it is that; else a byte
 * that reads as a letter inside a domain or an address stops it (the encoding must be named), and
 * the file is read as the majority says (a tie: Windows-1252), the rest of it to be guarded
 * (guardedDecoder).
 */
export function macRomanOrWindows1252(head: Buffer): { encoding: SingleByte; settled: boolean } {
  const votes = votesOf(head);
  const settled = settledReading(head, votes);
  if (settled) return { encoding: settled, settled: true };
  const token = firstTargetByte(head);
  if (token) throw unclear(head, token, linesBefore(head, token.start) + 1, false);
  return { encoding: votes.mac > votes.win ? 'macintosh' : 'windows-1252', settled: false };
}
