// A file that is not UTF-8: Mac Roman (Excel for Mac's "CSV (Macintosh)") or Windows-1252 (Excel on
// Windows)? Many bytes are letters in both, different letters: read in the wrong one, `café-paris.fr`
// becomes `cafŽ-paris.fr` and `sœur-mode.fr` `súur-mode.fr`, other valid domains that nothing
// suppresses. A byte votes only where one reading is plainly wrong: a letter beside a symbol
// between two letters (ü, not ¸), case inside a word (caf + é, not Ž), a byte Windows-1252 lacks;
// never punctuation typed between words (Windows' em dash in `client—renewing` is Mac Roman's ó).
// Votes of two distinct bytes or more, all one way, settle the file unless that reading makes a
// word of no language (a symbol, or a capital, between small letters: ISO-8859-2, CP850), and so
// do Excel for Mac's CR line ends. The votes read names only: a Polish file votes Windows-1252 as
// readily as a French one, so a byte above ASCII inside what may be a domain, an address or a URL
// is never guessed: the encoding is asked for, in the head (before anything is read) and after it
// (the reading stops there: guardedDecoder). A named encoding is guarded too, against UTF-8.
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

// What ends a cell's token: a delimiter, a space, a quote, a line break, an address's angle brackets.
const TOKEN_END = new Set([0x2c, 0x3b, 0x09, 0x7c, 0x20, 0x22, 0x27, 0x0a, 0x0d, 0x3c, 0x3e]);
const DOT = 0x2e;

/**
 * The token around `i` (a cell's word) when it may be a domain, an address or a URL: an @, or a dot
 * before a letter anywhere in it (`élan-vital.fr.`, `…/contact?v=2.1`; not the full stop ending
 * `Zürich.`, nor the thousands of `€1.234`).
 */
function targetTokenAt(bytes: Buffer, i: number): { start: number; end: number } | null {
  let start = i;
  while (start > 0 && !TOKEN_END.has(bytes[start - 1] as number)) start--;
  let end = i + 1;
  while (end < bytes.length && !TOKEN_END.has(bytes[end] as number)) end++;
  for (let k = start; k < end; k++) {
    const b = bytes[k];
    if (b === 0x40) return { start, end };
    const next = bytes[k + 1] as number;
    if (b === DOT && k > start && k + 1 < end && (isAsciiLetter(next) || next >= 0x80)) return { start, end };
  }
  return null;
}

function linesBefore(bytes: Buffer, at: number): number {
  let lines = 0;
  for (let i = 0; i < at; i++) if (bytes[i] === 0x0a || (bytes[i] === 0x0d && bytes[i + 1] !== 0x0a)) lines++;
  return lines;
}

/** The length of the valid UTF-8 sequence of 2-4 bytes starting at `i`, or 0. */
function utf8SequenceAt(bytes: Buffer, i: number): number {
  const b = bytes[i] as number;
  const need = b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : 0;
  if (need === 0 || i + need >= bytes.length) return 0;
  for (let k = 1; k <= need; k++) if (((bytes[i + k] as number) & 0xc0) !== 0x80) return 0;
  return need + 1;
}

/**
 * How a single-byte reading is guarded where a domain, an address or a URL holds bytes above
 * ASCII. `guessed` (the encoding came from the bytes, not from the user): any such byte stops it,
 * whatever the votes said, since one wrong letter makes another valid domain (`tęcza.pl` read as
 * Windows-1252 is `têcza.pl`; Polish ł is its `³`, which a target reads as `3`). `named` (given
 * with --encoding, or remembered from an earlier import): a valid UTF-8 letter there stops it,
 * which no single-byte file writes into a domain (`góra.pl` saved as UTF-8 read as Windows-1252
 * is `gã³ra.pl`).
 */
export type GuardMode = 'guessed' | 'named';

/** The token of the first byte of bytes[from, to) the mode stops at, or null. */
function firstGuardedByte(bytes: Buffer, mode: GuardMode, from = 0, to = bytes.length): { start: number; end: number } | null {
  for (let i = from; i < to; i++) {
    if ((bytes[i] as number) < 0x80) continue;
    if (mode === 'named' && utf8SequenceAt(bytes, i) === 0) continue;
    const token = targetTokenAt(bytes, i);
    if (token) return token;
  }
  return null;
}

/**
 * What the token reads as in each encoding a file of targets likely is: each distinct reading once,
 * with every encoding that gives it (Windows-1252 and Windows-1250 read `münchen-bau.de` alike).
 */
function readingsOf(token: Buffer, mode: GuardMode, named: string): Array<[string[], string]> {
  const out: Array<[string[], string]> = [];
  for (const encoding of mode === 'named' ? [named, 'utf-8'] : ['windows-1252', 'macintosh', 'windows-1250', 'utf-8']) {
    const text = encoding === 'utf-8' ? new TextDecoder('utf-8', { fatal: false }).decode(token) : iconv.decode(token, encoding);
    if (text.includes('\uFFFD')) continue;
    const same = out.find(([, t]) => t === text);
    if (same) same[0].push(encoding);
    else out.push([[encoding], text]);
  }
  return out;
}

/**
 * The guarded token of the head that tells the likely encodings apart best: the first with the
 * most distinct readings (a Polish file's `tęcza.pl` on line 3, not its `münchen-bau.de` on line
 * 2, which Windows-1252 and Windows-1250 read alike: a hint built on that one led to the wrong one).
 */
function tellingToken(head: Buffer, first: { start: number; end: number }, mode: GuardMode, encoding: string): { start: number; end: number } {
  let best = first;
  let most = readingsOf(head.subarray(first.start, first.end), mode, encoding).length;
  for (let from = first.end, seen = 0; seen < 200; seen++) {
    const token = firstGuardedByte(head, mode, from);
    if (!token) break;
    const count = readingsOf(head.subarray(token.start, token.end), mode, encoding).length;
    if (count > most) [best, most] = [token, count];
    from = token.end;
  }
  return best;
}

const DESCRIBED: Record<string, string> = {
  'windows-1252': 'Windows-1252 (Excel on Windows)',
  macintosh: 'Mac Roman (Excel for Mac)',
  'windows-1250': 'Windows-1250 (Excel on Windows, Central Europe)',
  'utf-8': 'UTF-8',
};

function unclear(bytes: Buffer, at: { start: number; end: number }, line: number, stopped: boolean, mode: GuardMode, encoding: string): AosError {
  const readings = readingsOf(bytes.subarray(at.start, at.end), mode, encoding);
  const listed = readings.map(([es, text]) => `"${text}" in ${es.map((e) => DESCRIBED[e] ?? e).join(' and ')}`).join(', ');
  const outcome = stopped ? 'the reading stopped there' : 'nothing was read';
  const utf8 = readings.find(([es]) => es.includes('utf-8'))?.[1];
  if (mode === 'named') {
    return new AosError(
      'input',
      `line ${line} holds "${iconv.decode(bytes.subarray(at.start, at.end), encoding)}" read as ${encoding}, but its bytes are UTF-8 for "${utf8 ?? '?'}": the wrong reading could suppress another domain than the one meant, so ${outcome}`,
      `the file is UTF-8 there: drop {encoding} ${encoding} (or give {encoding} utf-8), or save the whole file in one encoding`,
    );
  }
  // Encodings that read this token alike are offered together: which one the file is decides
  // its other lines, so the hint never picks one of them (a Polish file named windows-1252).
  // Encodings that read this line alike (the best line of the head) may read later lines apart
  // (Windows-1252 and Windows-1250: `münchen-bau.de` alike, `tęcza.pl` not): naming one of them is
  // a guess at the rest of the file, so UTF-8 comes first, and they are offered only together.
  const alike = readings.find(([es]) => es.length > 1 && !es.includes('utf-8'));
  const hints = readings.map(([es, text]) =>
    es.length === 1 ? `{encoding} ${es[0]} if "${text}" is right` : `${es.map((e) => `{encoding} ${e}`).join(' or ')} if "${text}" is right and you know which of them the file was saved in`,
  );
  return new AosError(
    'input',
    `the file is not UTF-8, and line ${line} holds a domain or address with letters beyond ASCII: ${listed}; a guess could suppress another domain than the one meant, so ${outcome}`,
    alike
      ? `save the file as "CSV UTF-8" and run it again: ${alike[0].map((e) => DESCRIBED[e] ?? e).join(' and ')} read the first domains of this file alike but may read later ones apart (tęcza.pl, têcza.pl), and its bytes cannot tell which it is; else name the encoding: ${hints.join(', ')}`
      : `name the encoding: ${hints.join(', ')}; or save the file as "CSV UTF-8"`,
  );
}

/** Throws when the head holds a byte the mode stops at: nothing is read. */
export function guardHead(head: Buffer, mode: GuardMode, encoding: string): void {
  const token = firstGuardedByte(head, mode);
  if (!token) return;
  const telling = mode === 'guessed' ? tellingToken(head, token, mode, encoding) : token;
  throw unclear(head, telling, linesBefore(head, telling.start) + 1, false, mode, encoding);
}

/**
 * The decoder of a single-byte encoding, guarded (GuardMode): it stops at the first line holding
 * a byte the mode stops at (the text before that line comes first, then `stopped`). Whole lines
 * are decoded; a line's start waits for its end.
 */
export function guardedDecoder(encoding: string, mode: GuardMode, firstLine = 1): { write(chunk: Buffer): string; end(): string; stopped: AosError | null } {
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
    const found = firstGuardedByte(bytes, mode, 0, end);
    if (found) {
      const lineStart = Math.max(bytes.lastIndexOf(0x0a, found.start), bytes.lastIndexOf(0x0d, found.start)) + 1;
      const at = line + linesBefore(bytes, lineStart);
      self.stopped = unclear(bytes, found, at, true, mode, encoding);
      return iconv.decode(bytes.subarray(0, lineStart), encoding);
    }
    line += linesBefore(bytes, end);
    held = Buffer.from(bytes.subarray(end));
    return iconv.decode(bytes.subarray(0, end), encoding);
  }
  return self;
}

const singleByte = new Map<string, boolean>();

/** Whether iconv reads `encoding` a byte a character (windows-125x, ISO-8859-x, Mac Roman, CP850…). */
export function isSingleByte(encoding: string): boolean {
  let known = singleByte.get(encoding);
  if (known === undefined && /^utf-?8$/i.test(encoding)) known = false;
  if (known === undefined) {
    const high = Buffer.from(Array.from({ length: 0x80 }, (_, i) => 0x80 + i));
    known = iconv.decode(high, encoding).length === high.length;
    singleByte.set(encoding, known);
  }
  return known;
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
 * Mac Roman or Windows-1252 for a head of bytes that is not UTF-8: what the votes settle
 * (settledReading), else the majority (a tie: Windows-1252). Either way a guess: it reads names,
 * never a domain or an address (a byte above ASCII in one stops it: guardHead, guardedDecoder).
 */
export function macRomanOrWindows1252(head: Buffer): SingleByte {
  const votes = votesOf(head);
  const encoding = settledReading(head, votes) ?? (votes.mac > votes.win ? 'macintosh' : 'windows-1252');
  guardHead(head, 'guessed', encoding);
  return encoding;
}
