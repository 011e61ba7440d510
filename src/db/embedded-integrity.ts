// Damage PostgreSQL cannot see in the embedded database. PGlite runs with fsync=off, so a crash or a
// full disk can leave a table's page zeroed, and PostgreSQL reads an all-zero heap page as a new,
// empty one without an error: a zeroed page of suppression_list made opt-outs and customers
// "allowed" (exit 0), a zeroed page of clients said "no clients yet: add one". Before the
// database answers anything, the heap files of the tables a verdict rests on are checked for an
// uninitialized page that held rows, straight from the files (no SQL can tell such a page from an
// empty one). Every open reads each file's page headers for zeroed pages; the primary key is read
// again only when the file's size, time or zeroed pages changed since it last passed (remembered
// beside the data directory): a fault can zero a page and keep the file's size and time. The
// commit log is checked too (embedded-commit-log.ts). A file cut short (a short copy, a full disk) is found the same way:
// its primary key points past its end.
//
// Which zeroed page held rows: one its primary key's index points into. A zeroed page can be
// legitimate anywhere in the file: PostgreSQL extends a table with zeroed pages before it writes
// them, so a crash or a full disk during an extension leaves one (at the end, and in the middle
// once a later write extends the table past it), and such a page never held a row. A page that
// held rows is pointed to by the index entries of those rows (every row has a primary key entry).
// Those entries can be lost with it: a zeroed leaf of the primary key only fails a query that
// reads the primary key, and `check` reads the table through its other unique indexes, which
// still point into the zeroed page (issue 27.6). So the primary key's own pages must be whole: a
// page its tree links to (from the metapage, a parent or a sibling) that is zeroed or past the end
// is damage; an index extension cut short is linked from nowhere. The index is read whenever the
// heap file changed since it last passed (a cut-short heap shows only in it).
import { closeSync, openSync, readFileSync, readSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AosError } from '../errors.js';
import { zeroedCommitLogPage } from './embedded-commit-log.js';
import { restoreHint } from './embedded-failures.js';

/** The tables whose rows a verdict rests on: an entry, a customer, the client itself. */
export const VERIFIED_TABLES = ['clients', 'suppression_list', 'agency_suppression_list', 'client_customers'] as const;

const PAGE = 8192;
/** PostgreSQL splits a relation into files of 1 GB: path, path.1, path.2… */
const SEGMENT = 1024 * 1024 * 1024;
const PAGES_PER_SEGMENT = SEGMENT / PAGE;
const CHUNK_PAGES = 128;

export interface DamagedPage {
  table: string;
  block: number;
  /** zeroed: the page reads as new; missing: the file ends before it (cut short). */
  kind: 'zeroed' | 'missing';
  /** Set when the page is one of the table's primary key index, not of the table itself. */
  of?: 'primary key';
}

/** Reads `into.length` bytes (or fewer, at the end) at `position` of one segment file. */
export type ReadAt = (position: number, into: Buffer) => number;

/** Calls `visit` with each whole page of a segment file and its block number within the segment. */
function eachPage(read: ReadAt, size: number, visit: (page: Buffer, block: number) => void): void {
  const pages = Math.floor(size / PAGE);
  const chunk = Buffer.alloc(PAGE * CHUNK_PAGES);
  for (let start = 0; start < pages; start += CHUNK_PAGES) {
    const count = Math.min(CHUNK_PAGES, pages - start);
    const got = read(start * PAGE, chunk.subarray(0, count * PAGE));
    for (let i = 0; i < Math.floor(got / PAGE); i++) visit(chunk.subarray(i * PAGE, (i + 1) * PAGE), start + i);
  }
}

/** PageIsNew: pd_upper (bytes 14-15 of the page header) is 0, as in a page never written. */
const isNew = (page: Buffer) => page.readUInt16LE(14) === 0;

/**
 * The blocks of a heap segment file that PostgreSQL would read as new (zeroed), numbered within the
 * segment. Only each page's pd_upper is read: this runs on every open (see findDamagedPage), and a
 * read of two bytes a page costs less than copying the whole file.
 */
export function newPages(read: ReadAt, size: number): number[] {
  const blocks: number[] = [];
  const upper = Buffer.alloc(2);
  for (let block = 0; block < Math.floor(size / PAGE); block++) {
    if (read(block * PAGE + 14, upper) === 2 && upper.readUInt16LE(0) === 0) blocks.push(block);
  }
  return blocks;
}

// B-tree page layout (PostgreSQL's nbtree.h, itup.h, bufpage.h; the same in 13-18).
const BTREE_MAGIC = 0x053162;
const BTP_LEAF = 1;
const BTP_META = 8;
const BTP_DELETED = 4;
const BTP_HALF_DEAD = 16;
/** t_info's INDEX_ALT_TID_MASK and, with it, t_tid's offset flag BT_IS_POSTING: a posting list of heap pointers. */
const ALT_TID = 0x2000;
const OFFSET_MASK = 0x0fff;
const LP_NORMAL = 1;
const LP_DEAD = 2 + 1;

const blockOf = (page: Buffer, at: number) => page.readUInt16LE(at) * 0x10000 + page.readUInt16LE(at + 2);

/** The special space of a b-tree page (nbtree.h BTPageOpaqueData): its sibling links and flags; null for a page that has none. */
function btreeOpaque(page: Buffer): { special: number; prev: number; next: number; flags: number } | null {
  const special = page.readUInt16LE(16);
  if (special + 16 > PAGE) return null;
  return { special, prev: page.readUInt32LE(special), next: page.readUInt32LE(special + 4), flags: page.readUInt16LE(special + 12) };
}

/** Calls `visit` with t_tid's block of each item of a b-tree page, the high key (a bound) left out. */
function itemBlocks(page: Buffer, next: number, visit: (block: number, at: number) => void): void {
  // On a page with a right sibling, item 1 is the high key, a bound and no pointer.
  const first = next === 0 ? 1 : 2;
  const items = Math.floor((page.readUInt16LE(12) - 24) / 4);
  for (let item = first; item <= items; item++) {
    const lp = page.readUInt32LE(24 + (item - 1) * 4);
    const flagsOf = (lp >>> 15) & 3;
    const at = lp & 0x7fff;
    if ((flagsOf !== LP_NORMAL && flagsOf !== LP_DEAD) || (lp >>> 17) < 8 || at + 8 > PAGE) continue;
    visit(blockOf(page, at), at);
  }
}

/** Calls `visit` with the heap block of each heap pointer in a b-tree leaf page (none for other pages). */
export function leafHeapBlocks(page: Buffer, visit: (heapBlock: number) => void): void {
  const opaque = btreeOpaque(page);
  if (!opaque || !(opaque.flags & BTP_LEAF) || opaque.flags & (BTP_DELETED | BTP_HALF_DEAD | BTP_META)) return;
  itemBlocks(page, opaque.next, (block, at) => {
    const offset = page.readUInt16LE(at + 4);
    if (!(page.readUInt16LE(at + 6) & ALT_TID)) visit(block);
    else if (offset & ALT_TID) {
      // A posting list: t_tid's block field holds where its pointers start, its offset how many.
      const start = at + block;
      for (let i = 0; i < (offset & OFFSET_MASK) && start + i * 6 + 6 <= PAGE; i++) visit(blockOf(page, start + i * 6));
    }
  });
}

/**
 * Calls `visit` with each index page a live b-tree page refers to: its siblings, and an inner
 * page's children (downlinks). Deleted pages are out of the tree: their links say nothing.
 */
function linkedPages(page: Buffer, visit: (block: number) => void): void {
  const opaque = btreeOpaque(page);
  if (!opaque || opaque.flags & (BTP_DELETED | BTP_HALF_DEAD | BTP_META)) return;
  visit(opaque.prev);
  visit(opaque.next);
  if (!(opaque.flags & BTP_LEAF)) itemBlocks(page, opaque.next, visit);
}

/** What one pass over a b-tree index found: see scanIndex. */
export interface IndexScan {
  /** The first heap block an entry points into that is zeroed or past the heap's end. */
  heapBlock: number | null;
  /** The first page of the index itself that is lost: its metapage (0) gone, or a page the tree links to zeroed or past the file's end. */
  indexBlock: number | null;
  /** The index's length in pages: a lost page at or past it is missing (the file cut short), not zeroed. */
  indexPages: number;
}

/**
 * One pass over a b-tree index, given its segment files in order. Its entries tell a zeroed heap
 * page that held rows from one that never did (see the module comment). Its own pages must be
 * whole too: every page of the tree is linked from the metapage (root), a parent (downlink) or a
 * sibling, so a page so linked that is zeroed or past the end was lost, with the entries that
 * would have told which heap pages held rows; a page nothing links to is an extension cut short.
 * No metapage: nothing tells an empty heap page from a lost one, and every zeroed one is taken as
 * lost (heapBlock); the index is lost too (indexBlock 0).
 */
export function scanIndex(segments: Array<{ read: ReadAt; size: number }>, zeroed: ReadonlySet<number>, heapPages = Infinity): IndexScan {
  let heapBlock: number | null = null;
  let meta = false;
  let pages = 0;
  const zeroedHere = new Set<number>();
  const linked = new Set<number>();
  const link = (block: number) => block !== 0 && linked.add(block); // 0: none (P_NONE), the metapage is never a link
  segments.forEach(({ read, size }, segment) => {
    eachPage(read, size, (page, block) => {
      const at = segment * PAGES_PER_SEGMENT + block;
      pages = Math.max(pages, at + 1);
      if (at === 0) {
        meta = !isNew(page) && page.readUInt32LE(24) === BTREE_MAGIC;
        // btm_root and btm_fastroot (BTMetaPageData after the 24-byte page header).
        if (meta) [page.readUInt32LE(32), page.readUInt32LE(40)].forEach(link);
        return;
      }
      if (isNew(page)) {
        zeroedHere.add(at); // PostgreSQL fails on such a page if it reaches it; a seq scan never does
        return;
      }
      linkedPages(page, link);
      leafHeapBlocks(page, (b) => {
        if ((zeroed.has(b) || b >= heapPages) && (heapBlock === null || b < heapBlock)) heapBlock = b;
      });
    });
  });
  if (!meta) return { heapBlock: zeroed.size > 0 ? Math.min(...zeroed) : null, indexBlock: 0, indexPages: pages };
  const lost = [...linked].filter((b) => zeroedHere.has(b) || b >= pages);
  return { heapBlock, indexBlock: lost.length > 0 ? Math.min(...lost) : null, indexPages: pages };
}

/**
 * The first of `zeroed` (heap blocks) that an entry of the b-tree index points into, or the first
 * block at or past `heapPages` it points to (the heap file was cut short: a bitmap scan skips such
 * blocks without an error, so their rows read as absent), given the index's segment files in
 * order; every zeroed block when the index cannot be read as a b-tree (its metapage is gone): then
 * nothing tells an empty page from a lost one, and a lost one is assumed.
 */
export function firstIndexedBlock(segments: Array<{ read: ReadAt; size: number }>, zeroed: ReadonlySet<number>, heapPages = Infinity): number | null {
  return scanIndex(segments, zeroed, heapPages).heapBlock;
}

function withFile<T>(path: string, use: (read: ReadAt) => T): T {
  const fd = openSync(path, 'r');
  try {
    return use((position, into) => readSync(fd, into, 0, into.length, position));
  } finally {
    closeSync(fd);
  }
}

interface Segment {
  file: string;
  size: number;
  /** Its zeroed pages, numbered within the segment. */
  zeroed: number[];
  /** What passed last time must match: its size, its time and its zeroed pages. */
  key: string;
}

/**
 * A relation's segment files (path, path.1…) with their stat and zeroed pages, in order; none when
 * the first is missing. The zeroed pages are part of the key: a page zeroed by a fault that keeps
 * the file's size and time (bit rot, a storage fault, a restore that keeps times) changes no stat,
 * and a key of size and time alone never looked at the file again (opt-outs answered "allowed").
 */
function segmentsOf(dataDir: string, path: string): Segment[] {
  const out: Segment[] = [];
  for (let segment = 0; ; segment++) {
    const file = join(dataDir, segment === 0 ? path : `${path}.${segment}`);
    let stat;
    try {
      stat = statSync(file);
    } catch {
      return out; // no further segment (a missing first one is PostgreSQL's to report)
    }
    const zeroed = withFile(file, (read) => newPages(read, stat.size));
    out.push({ file, size: stat.size, zeroed, key: `${stat.size}:${stat.mtimeMs}:${zeroed.join(',')}` });
    if (stat.size < SEGMENT) return out;
  }
}

/**
 * The first page of a table that its primary key points into and that is zeroed or past the end
 * of its file, or null; else a lost page of the primary key itself (scanIndex). The index is read
 * whenever the heap changed: a file cut short shows no zeroed page, only index entries pointing
 * past its end; and a zeroed page whose index entries were lost with it shows only in the index.
 */
function damagedBlock(dataDir: string, heap: Segment[], index: string | undefined): Omit<DamagedPage, 'table'> | null {
  const zeroed = new Set<number>();
  heap.forEach(({ zeroed: blocks }, segment) => {
    for (const block of blocks) zeroed.add(segment * PAGES_PER_SEGMENT + block);
  });
  const kindOf = (block: number | null) => (block === null ? null : { block, kind: zeroed.has(block) ? ('zeroed' as const) : ('missing' as const) });
  if (index === undefined) return kindOf(zeroed.size > 0 ? Math.min(...zeroed) : null);
  const heapPages = heap.reduce((pages, { size }, segment) => segment * PAGES_PER_SEGMENT + Math.floor(size / PAGE), 0);
  const files = segmentsOf(dataDir, index);
  const fds = files.map(({ file }) => openSync(file, 'r'));
  let scan: IndexScan;
  try {
    scan = scanIndex(files.map(({ size }, i) => ({ size, read: (position, into) => readSync(fds[i] as number, into, 0, into.length, position) })), zeroed, heapPages);
  } finally {
    for (const fd of fds) closeSync(fd);
  }
  return kindOf(scan.heapBlock) ?? (scan.indexBlock === null ? null : { block: scan.indexBlock, kind: scan.indexBlock < scan.indexPages ? 'zeroed' : 'missing', of: 'primary key' });
}

/** Where the verified tables' heap files and their primary keys' files are, as pg_relation_filepath gives them (relative to the data directory). */
export interface TableFiles {
  /** pg_class's own file: while it is unchanged, no table got another file. */
  catalog: string;
  tables: Array<{ table: string; path: string; index: string }>;
}

/** What passed last time: the files' locations (while the catalog file is unchanged) and each file's size and time. */
interface Verified {
  catalog?: { path: string; key: string };
  tables?: TableFiles['tables'];
  files?: Record<string, string>;
}

function readVerified(path: string): Verified {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as Verified) : {};
  } catch {
    return {};
  }
}

function fileKey(path: string): string | null {
  try {
    const stat = statSync(path);
    return `${stat.size}:${stat.mtimeMs}`;
  } catch {
    return null;
  }
}

/** The remembered locations, while the catalog is unchanged (and they name each index: older ones did not). */
function knownFiles(dataDir: string, verified: Verified): TableFiles | null {
  const { catalog, tables } = verified;
  if (!catalog || !Array.isArray(tables) || !tables.every((t) => typeof t.index === 'string')) return null;
  return fileKey(join(dataDir, catalog.path)) === catalog.key ? { catalog: catalog.path, tables } : null;
}

/**
 * The first damaged page of the verified tables, or null. `locate` asks the database where their
 * files are; it is called only when the catalog changed since the last pass (a query costs more
 * than the rest of this together on a cold start). Without `verifiedPath`, nothing is remembered:
 * every file is checked through.
 */
export async function findDamagedPage(dataDir: string, locate: () => Promise<TableFiles>, verifiedPath: string | null): Promise<DamagedPage | null> {
  const verified = verifiedPath === null ? {} : readVerified(verifiedPath);
  const known = knownFiles(dataDir, verified);
  const located = known ?? (await locate());
  const seen = verified.files ?? {};
  const passed: Record<string, string> = {};
  let changed = known === null;
  for (const { table, path, index } of located.tables) {
    const heap = segmentsOf(dataDir, path);
    if (heap.some(({ file, key }) => seen[file] !== key)) {
      const damaged = damagedBlock(dataDir, heap, index || undefined);
      if (damaged !== null) return { table, ...damaged };
      changed = true;
    }
    for (const { file, key } of heap) passed[file] = key;
  }
  if (verifiedPath !== null && (changed || Object.keys(seen).length !== Object.keys(passed).length)) {
    const catalogKey = fileKey(join(dataDir, located.catalog));
    try {
      writeFileSync(verifiedPath, JSON.stringify({ catalog: catalogKey === null ? undefined : { path: located.catalog, key: catalogKey }, tables: located.tables, files: passed }));
    } catch {
      // Only a cache: the next open scans again.
    }
  }
  return null;
}

type Engine = Pick<import('@electric-sql/pglite').PGlite, 'query' | 'exec'>;

/** Where the tables' files are, each with its primary key's index (which tells a zeroed page that held rows from an empty one). */
function locator(pg: Engine, tables: readonly string[]): () => Promise<TableFiles> {
  return async () => {
    const { rows } = await pg.query<{ table: string; path: string; index: string }>(
      `select c.relname as table, pg_relation_filepath(c.oid) as path,
              coalesce((select pg_relation_filepath(i.indexrelid) from pg_index i where i.indrelid = c.oid and i.indisprimary), '') as index
         from pg_class c
        where c.relnamespace = 'public'::regnamespace and c.relkind = 'r' and c.relname = any($1::text[])
       union all select '', pg_relation_filepath('pg_class'), ''`,
      [[...tables]],
    );
    return { catalog: rows.find((r) => r.table === '')?.path ?? '', tables: rows.filter((r) => r.table !== '') };
  };
}

/** A lost page of the tables or of the commit log, said as the error's message, or null. */
type FindDamage = () => Promise<string | null>;

const pageMessage = (damaged: DamagedPage) =>
  `page ${damaged.block} of ${damaged.of === undefined ? 'table' : 'the primary key of table'} ${damaged.table} is ${damaged.kind === 'zeroed' ? 'zeroed' : 'missing (its file ends before it)'} (lost in a crash, on a full disk or in a short copy), so what it held would read as absent`;

/**
 * What `find` reports, confirmed after a checkpoint, as the error that says the directory is
 * damaged; null when nothing is. Damage, not a full disk: the hint never leads to starting afresh
 * (that would drop the list) nor to adding a client (whose entries the damaged table would orphan).
 */
async function confirmedDamage(pg: Engine, dataDir: string, find: FindDamage): Promise<AosError | null> {
  if ((await find()) === null) return null;
  // A process killed mid-write leaves pages its transaction extended the file with still zero on
  // disk, while recovery has replayed them in memory only (the commit log's newest page too):
  // written out, a page that held anything is no longer zero. Only one that stays zero was lost.
  await pg.exec('checkpoint');
  const damaged = await find();
  return damaged === null ? null : new AosError('database', `the embedded database ${dataDir} is damaged: ${damaged}`, restoreHint(dataDir));
}

/** The commit log's lost page, as a message; the next transaction id comes from the engine's snapshot (no id is taken). */
async function commitLogDamage(pg: Engine, dataDir: string): Promise<string | null> {
  const { rows } = await pg.query<{ next: string }>(`select (pg_snapshot_xmax(pg_current_snapshot())::text::numeric % 4294967296)::text as next`);
  const lost = zeroedCommitLogPage(dataDir, Number(rows[0]?.next ?? 0));
  return lost === null ? null : `page ${lost.page} of its commit log (${lost.file}) is zeroed (lost in a crash, on a full disk or in a short copy), so the transactions it recorded, opt-outs among them, would read as never committed`;
}

/**
 * Before the database answers anything: the verified tables' files checked for a zeroed or missing
 * page where data must be, and the commit log for a zeroed page; the error that says so, or null.
 */
export async function zeroedPageError(pg: Engine, dataDir: string): Promise<AosError | null> {
  const locate = locator(pg, VERIFIED_TABLES);
  return confirmedDamage(pg, dataDir, async () => {
    const damaged = await findDamagedPage(dataDir, locate, `${dataDir}.verified`);
    return damaged === null ? commitLogDamage(pg, dataDir) : pageMessage(damaged);
  });
}

/**
 * Tables outside the verified set, checked through before a command relies on them (the import
 * change log before an undo reads it): the error that says one is damaged, or null.
 */
export async function damagedTablesError(pg: Engine, dataDir: string, tables: readonly string[]): Promise<AosError | null> {
  const locate = locator(pg, tables);
  return confirmedDamage(pg, dataDir, async () => {
    const damaged = await findDamagedPage(dataDir, locate, null);
    return damaged === null ? null : pageMessage(damaged);
  });
}
