// The input policy of `check` on a leads file (SPEC §6 "Fail closed on input"): which line is a
// header, which columns hold targets, which cells of a row are its targets, and what the row's
// answer is once its targets have been looked up. One place, used alike by the in-thread reader,
// the worker thread of big files and the library's bulk check, so they cannot drift.
//
// The rule behind every choice here: a row is "allowed" only when every target in it was read and
// none is suppressed. Whatever cannot be read makes the row invalid; nothing is skipped into
// "allowed".
import { AosError } from '../errors.js';
import { parseTarget, printable, type Target } from './targets.js';

/**
 * target: every non-empty cell must be a target (else the row is invalid).
 * loose: a cell that is a target is checked; other text is not an error (columns whose role
 * the file does not say: never filled in the sample, or mixed text and targets).
 * ignore: never read: --column's other columns (the user named the one column to check).
 * Every other column is at least read loosely: a row is allowed only when every target in it was
 * read, and an email or domain in a "Company", "Secondary" or "Notes" column is a target in it.
 */
export type ColumnRole = 'target' | 'loose' | 'ignore';

export interface LeadLayout {
  /** The first record (after `titles`) is a header (names), not a lead. */
  header: boolean;
  /**
   * Records before the header that are a report's title lines ("Contacts with Accounts",
   * "Filtered By:"): one cell of text each, no lead; they go out before the header under --filter.
   */
  titles?: number;
  /** One value a line (no delimiter in the sample). */
  list: boolean;
  /** Role per column of the sample's width. */
  roles: ColumnRole[];
  /** Role of columns past the sampled width (a ragged row further down). */
  beyond: ColumnRole;
}

/** What a header cell names: a target column, a platform-page column, or nothing we read. */
export type HeaderMeaning = 'email' | 'website' | 'platform' | null;

const EMAIL_WORDS = new Set(['email', 'emails', 'mail', 'emailaddress', 'mailbox']);
const SITE_WORDS = new Set(['website', 'websites', 'web', 'site', 'homepage', 'domain', 'domains', 'url', 'urls', 'www', 'link', 'target', 'targets']);
// "Email Address", "Web Address", "Domain Name": the last word qualifies the one before it.
const SECOND_WORDS = new Map([
  ['address', new Set(['email', 'mail', 'web', 'website', 'site'])],
  // HubSpot's "Additional email addresses" (';'-separated, see listTargets).
  ['addresses', new Set(['email', 'mail'])],
  ['name', new Set(['domain'])],
]);
// A column about a target, not holding one: "Email Status", "Company Name for Emails" (Apollo),
// "Logo URL", "Unsubscribe Link".
const NOT_TARGET_WORDS = new Set([
  'for', 'name', 'status', 'source', 'type', 'count', 'verified', 'confidence', 'score', 'date', 'bounced', 'bounce',
  'opt', 'optout', 'unsubscribe', 'unsubscribed', 'logo', 'photo', 'image', 'avatar', 'picture', 'icon', 'tracking',
]);
// Sites of many companies' pages (SPEC §2): "Person Linkedin Url" is never a website column.
const PLATFORM_WORDS = new Set([
  'linkedin', 'facebook', 'fb', 'twitter', 'instagram', 'youtube', 'tiktok', 'pinterest', 'github', 'crunchbase',
  'angellist', 'xing', 'social', 'snapchat', 'whatsapp', 'telegram', 'yelp', 'glassdoor', 'g2', 'trustpilot',
]);

/** Header words: lowercase, "e-mail" as one word, without "(…)" notes and trailing numbers ("Email 2"). */
function headerWords(name: string): string[] {
  const words = name
    .toLowerCase()
    .replace(/\([^)]*\)/g, ' ')
    .replace(/\be[\s_-]?mail/g, 'email')
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '');
  while (words.length > 1 && /^\d+$/.test(words[words.length - 1] as string)) words.pop();
  return words;
}

/**
 * What a header cell names. A name ends in a target word ("Work Email", "Contact.Email",
 * "Account.Website", "Company Domain", "Website URL", "Email Address"); a platform word anywhere
 * makes it a platform column ("Person Linkedin Url"); a word saying it is about a target, not a
 * target, makes it neither ("Email Status").
 */
export function headerMeaning(name: string): HeaderMeaning {
  const words = headerWords(name);
  if (words.length === 0 || words.length > 6) return null;
  if (words.some((w) => PLATFORM_WORDS.has(w))) return 'platform';
  const last = words[words.length - 1] as string;
  const before = words[words.length - 2];
  const qualified = SECOND_WORDS.get(last);
  const head = qualified && before !== undefined && qualified.has(before) ? before : last;
  const rest = words.slice(0, head === last ? -1 : -2);
  if (rest.some((w) => NOT_TARGET_WORDS.has(w))) return null;
  if (EMAIL_WORDS.has(head)) return 'email';
  if (SITE_WORDS.has(head)) return 'website';
  return null;
}

// Words of a plain list's header line: a list's first line is a header only when it is a known
// name ("email", "Company Domain", "E-mail Address"), never any line that ends in "domain".
const LIST_HEADER_WORDS = new Set([
  ...EMAIL_WORDS, ...SITE_WORDS, 'address', 'name', 'company', 'work', 'business', 'contact', 'primary', 'personal', 'lead', 'customer', 'account', 'main', 'official',
]);

/** A plain list's header: a known header name, every word of it known. */
function isListHeader(cell: string): boolean {
  const meaning = headerMeaning(cell);
  return (meaning === 'email' || meaning === 'website') && headerWords(cell).every((w) => LIST_HEADER_WORDS.has(w) || /^\d+$/.test(w)) && !looksLikeData(cell);
}

const isBlank = (cell: string | undefined) => cell === undefined || cell.trim() === '';

/**
 * Text that reads as data, not as a column name: an `@`, a target, or a word that is one
 * (`buildright.com.au (HQ)`, `https://buildright.com.au/about us`, `foo.com bar.com`).
 */
function looksLikeData(cell: string): boolean {
  const text = cell.trim();
  if (text.includes('@')) return true;
  if (parseTarget(text).ok) return true;
  return text.split(/\s+/).some((word) => /[./]/.test(word) && parseTarget(word.replace(/^[("'[]+|[)"',;:\].]+$/g, '')).ok);
}

/**
 * A header is told from data by its cells being names: a cell names a column we know
 * (`Contact.Email`, although `.email` is a TLD) and no other cell reads as data; or, without a
 * known name, every cell is filled with text that does not read as data. A list (one value a line) has a header only when
 * that line is a known header name: any other line is a lead, valid or not.
 */
export function isHeaderRecord(first: readonly string[], list: boolean): boolean {
  if (list) return first.length > 0 && isListHeader(first[0] as string);
  if (first.every(isBlank)) return false;
  const named = (cell: string) => headerMeaning(cell) !== null && !cell.includes('@');
  if (first.some((cell) => !isBlank(cell) && named(cell))) return first.every((cell) => isBlank(cell) || named(cell) || !looksLikeData(cell));
  // Without a known name, every column must have one: a row with empty cells is data.
  return first.every((cell) => !isBlank(cell) && !looksLikeData(cell));
}

interface ColumnContent {
  filled: number;
  targets: number;
  pages: number;
}

function columnContent(rows: readonly (readonly string[])[], column: number): ColumnContent {
  const c: ColumnContent = { filled: 0, targets: 0, pages: 0 };
  for (const row of rows) {
    const cell = row[column];
    if (isBlank(cell)) continue;
    c.filled++;
    const p = parseTarget(cell as string);
    if (p.ok) {
      c.targets++;
      if (p.target.platformPage) c.pages++;
    }
  }
  return c;
}

const MAX_TITLE_LINES = 10;

/**
 * A report's title line: one field (no delimiter at all) of text that reads as no data. A row
 * with empty cells ("Jane,,") is a lead, never a title: it could be a lead with junk in it.
 */
function isTitleRecord(record: readonly string[]): boolean {
  return record.length === 1 && !isBlank(record[0]) && !looksLikeData(record[0] as string);
}

const namesTargets = (record: readonly string[]) => record.some((cell) => {
  const m = headerMeaning(cell);
  return m === 'email' || m === 'website';
});

/**
 * How many title lines come before the header: the first records, each a title line, followed by
 * a header that names a target column (or --column's name). 0 when the first record is itself
 * that header, or there is none: then every record is read as usual (a title line is a lead
 * with no target, invalid).
 */
function titleLines(sample: readonly (readonly string[])[], column: string | undefined): number {
  const wanted = column?.trim().toLowerCase();
  const isHeader = (record: readonly string[]) =>
    wanted !== undefined ? record.some((h) => h.trim().toLowerCase() === wanted) : isHeaderRecord(record, false) && namesTargets(record);
  if (sample.length === 0 || isHeader(sample[0] as string[])) return 0;
  for (let i = 0; i < Math.min(sample.length, MAX_TITLE_LINES + 1); i++) {
    const record = sample[i] as string[];
    if (i > 0 && record.length > 1 && isHeader(record)) return i;
    if (!isTitleRecord(record)) return 0;
  }
  return 0;
}

export interface PlanOptions {
  /** --column: the one column to check, by header name. */
  column?: string | undefined;
  /** The input's name, for messages. */
  name: string;
}

/**
 * The layout of a leads input from its first records (the sample). Column roles come from header
 * names first (whatever their fill rate) and content second:
 * - --column NAME: that column alone;
 * - a header that names target columns: those columns, every non-empty cell; the columns it does
 *   not name are read loosely (a whole target in them counts, wherever in the file it comes);
 * - otherwise (no header, or one without target names): columns whose sampled cells are mostly
 *   targets are target columns; every other column but platform pages is read loosely, so a
 *   column empty in the sample still has its targets checked further down.
 * A column of platform pages (by name or content) is never a target column, only read loosely.
 */
export function planLeads(sample: readonly (readonly string[])[], options: PlanOptions): LeadLayout {
  const titles = titleLines(sample, options.column);
  if (titles > 0) return { ...planLeads(sample.slice(titles), options), titles };
  const first = sample[0];
  if (options.column !== undefined) {
    if (!first) throw new AosError('input', `${options.name} is empty: there is no column "${printable(options.column)}"`);
    const wanted = options.column.trim().toLowerCase();
    const column = first.findIndex((h) => h.trim().toLowerCase() === wanted);
    if (column < 0) {
      throw new AosError('usage', `${options.name} has no column "${printable(options.column)}"`, `its columns are: ${first.map((h) => printable(h, 40)).join(', ')}`);
    }
    return { header: true, list: false, roles: first.map((_, i) => (i === column ? 'target' : 'ignore')), beyond: 'ignore' };
  }
  const width = Math.max(0, ...sample.map((r) => r.length));
  const list = width <= 1;
  if (!first) return { header: false, list: true, roles: ['target'], beyond: 'loose' };
  const header = isHeaderRecord(first, list);
  if (list) return { header, list, roles: ['target'], beyond: 'loose' };

  const data = header ? sample.slice(1) : sample;
  const meanings = header ? first.map(headerMeaning) : [];
  const named = meanings.some((m) => m === 'email' || m === 'website');
  const roles: ColumnRole[] = [];
  for (let col = 0; col < width; col++) {
    const meaning = meanings[col] ?? null;
    if (meaning === 'email' || meaning === 'website') {
      roles.push('target');
      continue;
    }
    const c = columnContent(data, col);
    const platform = meaning === 'platform' || (c.pages > 0 && c.pages * 2 >= c.filled);
    const mostlyTargets = c.filled > 0 && c.targets * 2 >= c.filled;
    // Platform pages are no target, so such a column is read loosely: its pages are skipped, and
    // a company's own domain misplaced there still counts.
    if (platform) roles.push('loose');
    else if (mostlyTargets) roles.push(named ? 'loose' : 'target');
    else roles.push('loose');
  }
  if (!roles.includes('target') && data.length > 0) {
    throw new AosError(
      'input',
      `no column of ${options.name} holds emails or domains`,
      header ? `name the column with {column} (columns: ${first.map((h) => printable(h, 40)).join(', ')})` : 'give one domain, URL or email a line, or a CSV with an Email or Website column',
    );
  }
  // A ragged row's cells past the sampled width: read loosely too (a shifted row, an unnamed column).
  return { header, list, roles, beyond: 'loose' };
}

/** The cells of a row to check: those of target columns, and those of loosely read ones. */
export interface LeadCells {
  cells: string[];
  loose?: string[] | undefined;
}

/** A row's cells by role; null for a row with no content at all (a blank line, or only delimiters). */
export function leadCells(layout: LeadLayout, fields: readonly string[]): LeadCells | null {
  // One value a line (the usual bulk list): arrays of their exact size. An array grown by push
  // from [] reserves 16 slots, which for a million rows is most of a check's garbage.
  if (fields.length === 1) {
    const value = fields[0] as string;
    if (value.trim() === '') return null;
    const role = layout.roles[0] ?? layout.beyond;
    return role === 'target' ? { cells: [value] } : role === 'loose' ? { cells: [], loose: [value] } : { cells: [] };
  }
  const cells: string[] = [];
  let loose: string[] | undefined;
  let content = false;
  let skipped = false;
  for (let i = 0; i < fields.length; i++) {
    const value = fields[i] as string;
    if (value.trim() === '') continue;
    content = true;
    const role = layout.roles[i] ?? layout.beyond;
    if (role === 'target') cells.push(value);
    // Only what can be a target is kept: a name or a city is never one, and a row's every text
    // cell kept (and sent across from the reader thread) cost a wide file ~20 % more.
    else if (role === 'loose') {
      if (maybeTarget(value)) (loose ??= []).push(value);
      else skipped = true;
    }
  }
  if (!content) return null;
  // A row with no target cell is invalid unless a loose one is suppressed: keep its text, so the
  // answer can show what the row holds ("Grand Totals (2 records)").
  if (cells.length === 0 && skipped) loose = fields.filter((value, i) => value.trim() !== '' && (layout.roles[i] ?? layout.beyond) === 'loose');
  return loose ? { cells, loose } : { cells };
}

/** Why a row is invalid: the cell that could not be read (or '' when there was none) and why. */
export interface LeadInvalid {
  input: string;
  error: string;
}

/** A row's targets, or why it is invalid. (No wrapper object: a million rows make a million of these.) */
export type LeadTargets = Target[] | LeadInvalid;

export const isLeadInvalid = (lead: LeadTargets): lead is LeadInvalid => !Array.isArray(lead);

/** Cheap test before parsing a loosely read cell: a target has a dot and no inner space (linear: no regex backtracking on a long cell). */
function maybeTarget(cell: string): boolean {
  if (cell.includes('@')) return true;
  if (!cell.includes('.')) return false;
  return !/\s/.test(cell.trim());
}

// What separates targets listed in one cell ("a@x.com; b@y.com", HubSpot's "a@x.com;b@y.com").
// Not a space alone: "foo.com bar.com" on a list's line stays invalid (SPEC §6), as does
// "https://acme.com/about us".
const LIST_SEPARATOR = /\s*[,;|]\s*/;
// What separates an email from the free text around it ("cc Sarah <sarah@x.com>, thanks").
const TEXT_SEPARATOR = /[\s,;|<>()"'[\]]+/;

/**
 * A target cell that is a list of targets ("a@x.com; b@y.com", or one with a trailing "boss@x.io;"):
 * every piece must parse (else null: the cell is invalid as a whole). Only tried once the cell
 * failed as one target, so the usual cell pays nothing.
 */
function listTargets(cell: string): Target[] | null {
  const pieces = cell.trim().split(LIST_SEPARATOR).filter((p) => p !== '');
  if (pieces.length === 0 || (pieces.length === 1 && pieces[0] === cell.trim())) return null;
  const targets: Target[] = [];
  for (const piece of pieces) {
    const p = parseTarget(piece);
    if (!p.ok) return null;
    targets.push(p.target);
  }
  return targets;
}

/**
 * Rows whose targets all came from loosely read columns, with why they are invalid: they can be
 * suppressed, never allowed. (Rare: a WeakMap keeps LeadTargets a plain array for the rest.)
 */
const looseOnly = new WeakMap<Target[], LeadInvalid>();

function noTarget(page: string | undefined): LeadInvalid {
  return page !== undefined
    ? { input: page, error: 'a page on a platform names a page, not a company, and the row has no other email or website' }
    : { input: '', error: 'the row has no email, website or domain to check' };
}

/**
 * The targets of a row. A cell of a target column that does not parse makes the row invalid; a
 * platform page is no target (the row's other cells decide); a row left with no target at all is
 * invalid too (fail closed: nothing was read, so nothing can be said to be allowed). Emails come
 * first: who a lead reaches is its address.
 */
export function leadTargets(cells: readonly string[], loose?: readonly string[]): LeadTargets {
  if (cells.length === 1 && (loose === undefined || loose.length === 0)) {
    // The usual bulk row (see leadCells): its one target in an array of one.
    const p = parseTarget(cells[0] as string);
    if (p.ok && !p.target.platformPage) return [p.target];
    // Otherwise (a page, or a list of targets in one cell): the general path below.
  }
  const targets: Target[] = [];
  let page: string | undefined;
  for (const cell of cells) {
    const p = parseTarget(cell);
    if (p.ok) {
      if (p.target.platformPage) page ??= cell;
      else targets.push(p.target);
      continue;
    }
    // "a@x.com; sarah@buildright.com.au": every target of the list is read, or the cell is invalid.
    const list = listTargets(cell);
    if (!list) return { input: cell, error: p.error };
    for (const t of list) {
      if (t.platformPage) page ??= t.input;
      else targets.push(t);
    }
  }
  const fromTargetColumns = targets.length;
  if (loose) {
    for (const cell of loose) {
      if (!maybeTarget(cell)) continue;
      const p = parseTarget(cell);
      if (p.ok) {
        if (!p.target.platformPage) targets.push(p.target);
      } else if (cell.includes('@')) {
        // An email inside free text ("cc Sarah <sarah@x.com>"): who the row also reaches.
        for (const word of cell.split(TEXT_SEPARATOR)) {
          if (!word.includes('@')) continue;
          const w = parseTarget(word);
          if (w.ok) targets.push(w.target);
        }
      }
    }
  }
  if (targets.length === 0) return noTarget(page);
  // Targets only from loosely read columns (a logo URL, a note): the lead's own email or website
  // was not read, so the row cannot be allowed; it is still looked up, to say "suppressed" if so.
  if (fromTargetColumns === 0) {
    looseOnly.set(targets, noTarget(page));
    return targets;
  }
  if (targets.length > 1 && targets[0]?.kind !== 'email' && targets.some((t) => t.kind === 'email')) {
    return [...targets.filter((t) => t.kind === 'email'), ...targets.filter((t) => t.kind !== 'email')];
  }
  return targets;
}

/**
 * The row's answer from its targets' answers (answers[from…], in the order of its targets): the
 * first suppressed target decides; a row of allowed targets answers with its first one.
 */
export function decideLead<R extends { suppressed: boolean }>(lead: LeadTargets, answers: readonly R[], from = 0): R | LeadInvalid {
  if (isLeadInvalid(lead)) return lead;
  const end = from + lead.length;
  if (lead.length === 0 || end > answers.length) throw new Error('decideLead: one answer per target expected');
  for (let i = from; i < end; i++) if ((answers[i] as R).suppressed) return answers[i] as R;
  const invalid = looseOnly.get(lead);
  if (invalid) return invalid;
  return answers[from] as R;
}
