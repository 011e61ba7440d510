import { statSync } from 'node:fs';

/**
 * Files from this size on (~140k targets) are read in a worker thread: below it
 * the thread's start-up (~80 ms to its first rows) costs more than it saves.
 */
export const WORKER_MIN_BYTES = 4 * 1024 * 1024;

/** A file of WORKER_MIN_BYTES or more; false for stdin and for what cannot be read (the in-thread reader reports that). */
export function isLargeFile(path: string | undefined): boolean {
  if (path === undefined) return false;
  try {
    return statSync(path).size >= WORKER_MIN_BYTES;
  } catch {
    return false;
  }
}
