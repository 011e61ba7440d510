// The embedded database's commit log (pg_xact), checked for a page lost to a fault. PostgreSQL keeps
// two bits a transaction there: committed, aborted, or neither ("in progress", 00). A zeroed page
// (PGlite runs with fsync=off: a crash or a full disk can lose a write) makes every transaction it
// recorded read as never committed, so the rows they wrote, whose tuples carry no "committed" hint
// yet, read as absent without an error: a just-added opt-out answered "allowed", exit 0. Missing
// or cut short, PostgreSQL itself fails the read ("could not access status of transaction").
//
// Which page was lost: one that covers transactions before the next one to start, all of them
// without a status. A transaction that ended has one (a commit or an abort writes it); only one
// whose process died has none, and 32,768 of those in a row (a page) never happen. The newest page
// covers only the transactions started since it began: with just a few of them, all could be ones
// a crash cut off, so such a page is left alone (a fault that zeroes it loses those few at most).
import { closeSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';

const PAGE = 8192;
/** Two bits a transaction (clog.c CLOG_XACTS_PER_PAGE). */
export const XACTS_PER_PAGE = PAGE * 4;
/** slru.h SLRU_PAGES_PER_SEGMENT: a file of pg_xact holds 32 pages. */
const PAGES_PER_SEGMENT = 32;
/** transam.h FirstNormalTransactionId: 0-2 are special and never recorded. */
const FIRST_NORMAL_XID = 3;
/**
 * The newest page is taken for lost only when it covers at least this many transactions: fewer,
 * all without a status, may be transactions a crash cut off one after another (each aos command
 * that writes runs one).
 */
export const FEWEST_ON_NEWEST_PAGE = 8;

export interface LostCommitLogPage {
  /** The file, relative to the data directory (pg_xact/0000). */
  file: string;
  /** The page within the file. */
  page: number;
}

/** The segment file of pg_xact holding a page (slru.c SlruFileName: four or more hex digits). */
const segmentFile = (segment: number) => join('pg_xact', segment.toString(16).toUpperCase().padStart(4, '0'));

/** Reads one page of a file into `into`; false when the file or the page is missing (PostgreSQL's own error then). */
function readPage(path: string, page: number, into: Buffer): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return false;
  }
  try {
    return readSync(fd, into, 0, PAGE, page * PAGE) === PAGE;
  } finally {
    closeSync(fd);
  }
}

/**
 * The first page of pg_xact that recorded transactions before `nextXid` (the next to start, as a
 * 32-bit transaction id) and now reads all zero; null when none did.
 */
export function zeroedCommitLogPage(dataDir: string, nextXid: number): LostCommitLogPage | null {
  const page = Buffer.alloc(PAGE);
  for (let number = 0; number * XACTS_PER_PAGE < nextXid; number++) {
    const first = Math.max(number * XACTS_PER_PAGE, FIRST_NORMAL_XID);
    const covered = Math.min((number + 1) * XACTS_PER_PAGE, nextXid) - first;
    if (covered < (number * XACTS_PER_PAGE + XACTS_PER_PAGE <= nextXid ? 1 : FEWEST_ON_NEWEST_PAGE)) continue;
    const file = segmentFile(Math.floor(number / PAGES_PER_SEGMENT));
    const within = number % PAGES_PER_SEGMENT;
    if (readPage(join(dataDir, file), within, page) && page.every((byte) => byte === 0)) return { file, page: within };
  }
  return null;
}
