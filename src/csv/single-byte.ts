// A file that is not UTF-8: Mac Roman (Excel for Mac's "CSV (Macintosh)") or Windows-1252 (Excel on
// Windows)? Many bytes are letters in both, different letters: read in the wrong one, `café-paris.fr`
// becomes `cafŽ-paris.fr` and `sœur-mode.fr` `súur-mode.fr`, other valid domains that nothing
// suppresses. So the bytes vote only where one reading is plainly wrong, and when nothing settles it
// and a byte sits in what reads as a domain or an address, the file's encoding is asked for.
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

function lineAt(head: Buffer, at: number): number {
  let line = 1;
  for (let i = 0; i < at; i++) if (head[i] === 0x0a || (head[i] === 0x0d && head[i + 1] !== 0x0a)) line++;
  return line;
}

function unclear(head: Buffer, at: { start: number; end: number }): AosError {
  const token = head.subarray(at.start, at.end);
  const mac = iconv.decode(token, 'macintosh');
  const win = iconv.decode(token, 'windows-1252');
  return new AosError(
    'input',
    `the file is not UTF-8, and its letters read differently in the two encodings it could be: line ${lineAt(head, at.start)} holds "${win}" in Windows-1252 (Excel on Windows) and "${mac}" in Mac Roman (Excel for Mac); a guess could suppress the wrong domain, so nothing was read`,
    `name the encoding: {encoding} windows-1252 if "${win}" is right, {encoding} macintosh if "${mac}" is; or save the file as "CSV UTF-8"`,
  );
}

/**
 * Mac Roman or Windows-1252 for a head of bytes that is not UTF-8. The votes decide when they
 * agree (or one side has three times the other's); a tie goes to Mac Roman when lines end in CR
 * alone (Excel for Mac), else to Windows-1252, unless a byte the votes did not settle sits in a
 * domain or an address: then the reading could change a target, and the encoding must be named.
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
  if (mac > 0 && mac >= 3 * win) return 'macintosh';
  if (win > 0 && win >= 3 * mac) return 'windows-1252';
  if (mac >= win && crOnlyLines(head)) return 'macintosh';
  for (let i = 0; i < head.length; i++) {
    const b = head[i] as number;
    if (b < 0x80) continue;
    const { mac: m, win: w } = HIGH[b - 0x80] as { mac: string; win: string };
    if (m === w || (!isLetter(m) && !isLetter(w))) continue;
    const token = targetTokenAt(head, i);
    if (token) throw unclear(head, token);
  }
  return mac > win ? 'macintosh' : 'windows-1252';
}
