// Damage PostgreSQL cannot see in the embedded database. PGlite runs with fsync=off, so a crash or a
// full disk can leave a table's page zeroed, and PostgreSQL reads an all-zero heap page as a new,
// empty one without an error: a zeroed page of suppression_list made opt-outs and customers
// "allowed" (exit 0), a zeroed page of clients said "no clients yet: add one". Before the
// database answers anything, the heap files of the tables a verdict rests on are checked for an
// uninitialized page where data must be, straight from the files (no SQL can tell such a page
// from an empty one). A file is scanned again only when its size or modification time changed
// since it last passed (remembered beside the data directory), so a check after no write costs
// a catalog query and a stat per file.
import { closeSync, openSync, readFileSync, readSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The tables whose rows a verdict rests on: an entry, a customer, the client itself. */
export const VERIFIED_TABLES = ['clients', 'suppression_list', 'agency_suppression_list', 'client_customers'] as const;

const PAGE = 8192;
/** PostgreSQL splits a relation into files of 1 GB: path, path.1, path.2… */
const SEGMENT = 1024 * 1024 * 1024;

export interface DamagedPage {
  table: string;
  block: number;
}

/**
 * The first page of a heap file that PostgreSQL would read as new (pd_upper, bytes 14-15 of its
 * header, is 0: PageIsNew) where a page holding data must be: block 0 of a table that has pages, or
 * any page followed by an initialized one. A new page at the end is left alone: extending a table
 * writes zeroed pages first, and a failed extension (a full disk) can leave some, harmlessly.
 */
export function firstDamagedBlock(read: (position: number, into: Buffer) => number, size: number): number | null {
  const pages = Math.floor(size / PAGE);
  const chunk = Buffer.alloc(PAGE * 128);
  let firstNew: number | null = null;
  for (let start = 0; start < pages; start += 128) {
    const count = Math.min(128, pages - start);
    const got = read(start * PAGE, chunk.subarray(0, count * PAGE));
    for (let i = 0; i < Math.floor(got / PAGE); i++) {
      const block = start + i;
      const isNew = chunk.readUInt16LE(i * PAGE + 14) === 0;
      if (isNew && block === 0) return 0;
      if (isNew) firstNew ??= block;
      else if (firstNew !== null) return firstNew;
    }
  }
  return null;
}

function scanFile(path: string, size: number): number | null {
  const fd = openSync(path, 'r');
  try {
    return firstDamagedBlock((position, into) => readSync(fd, into, 0, into.length, position), size);
  } finally {
    closeSync(fd);
  }
}

/** Where the verified tables' heap files are, as pg_relation_filepath gives them (relative to the data directory). */
export interface TableFiles {
  /** pg_class's own file: while it is unchanged, no table got another file. */
  catalog: string;
  tables: Array<{ table: string; path: string }>;
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

/**
 * The first damaged page of the verified tables, or null. `locate` asks the database where their
 * files are; it is called only when the catalog changed since the last pass (a query costs more
 * than the rest of this together on a cold start).
 */
export async function findDamagedPage(dataDir: string, locate: () => Promise<TableFiles>, verifiedPath: string): Promise<DamagedPage | null> {
  const verified = readVerified(verifiedPath);
  const known = verified.catalog && verified.tables && fileKey(join(dataDir, verified.catalog.path)) === verified.catalog.key;
  const located = known ? { catalog: (verified.catalog as { path: string }).path, tables: verified.tables as TableFiles['tables'] } : await locate();
  const seen = verified.files ?? {};
  const passed: Record<string, string> = {};
  let changed = !known;
  for (const { table, path } of located.tables) {
    for (let segment = 0; ; segment++) {
      const file = join(dataDir, segment === 0 ? path : `${path}.${segment}`);
      let stat;
      try {
        stat = statSync(file);
      } catch {
        break; // no further segment (a missing first one is PostgreSQL's to report)
      }
      const key = `${stat.size}:${stat.mtimeMs}`;
      if (seen[file] !== key) {
        const block = scanFile(file, stat.size);
        // Block 0 of a later segment is a page in the middle of the table.
        if (block !== null) return { table, block: segment * (SEGMENT / PAGE) + block };
        changed = true;
      }
      passed[file] = key;
      if (stat.size < SEGMENT) break;
    }
  }
  if (changed || Object.keys(seen).length !== Object.keys(passed).length) {
    const catalogKey = fileKey(join(dataDir, located.catalog));
    try {
      writeFileSync(verifiedPath, JSON.stringify({ catalog: catalogKey === null ? undefined : { path: located.catalog, key: catalogKey }, tables: located.tables, files: passed }));
    } catch {
      // Only a cache: the next open scans again.
    }
  }
  return null;
}
