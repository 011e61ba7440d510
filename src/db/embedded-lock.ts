// PGlite has no cross-process lock and two processes on one data directory corrupt it, so aos
// holds its own exclusive lock file beside the directory for as long as the database is open.
import { readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { AosError } from '../errors.js';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(lockPath: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(lockPath, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** Takes the lock, waiting up to waitSeconds; returns the function that releases it. */
export async function acquireEmbeddedLock(lockPath: string, waitSeconds: number): Promise<() => void> {
  const deadline = Date.now() + waitSeconds * 1000;
  for (;;) {
    try {
      writeFileSync(lockPath, `${process.pid}\n`, { flag: 'wx' });
      const release = () => {
        if (readOwner(lockPath) === process.pid) unlinkSync(lockPath);
        process.off('exit', release);
      };
      process.on('exit', release);
      return release;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new AosError('database', `cannot create lock file ${lockPath}: ${(e as Error).message}`);
      }
    }
    let owner = readOwner(lockPath);
    if (owner === null) {
      // The owner may be between creating the file and writing its pid: look once more.
      await sleep(50);
      owner = readOwner(lockPath);
    }
    if (owner === null || !isAlive(owner)) {
      // Stale lock of a dead process: move it aside atomically so only one waiter takes over.
      try {
        renameSync(lockPath, `${lockPath}.stale-${process.pid}`);
        unlinkSync(`${lockPath}.stale-${process.pid}`);
      } catch {
        // another process took it over first; loop and look again
      }
      continue;
    }
    if (Date.now() >= deadline) {
      throw new AosError(
        'database',
        `embedded database in use by pid ${owner}`,
        'wait for that aos to finish, or pass --wait SECONDS to wait longer',
      );
    }
    await sleep(100);
  }
}
