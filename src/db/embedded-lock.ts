// PGlite has no cross-process lock and two processes on one data directory corrupt it, so aos
// holds its own exclusive lock file beside the directory for as long as the database is open.
//
// The file says who holds it: the pid on the first line (what older versions read), then the
// process's start time (from /proc, where there is one) and a random token. A pid alone is not
// enough: after a crash and a reboot the same pid can belong to any other process, and the lock
// would be held forever. The start time tells the holder from a later process with its pid.
import { randomBytes } from 'node:crypto';
import { linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { AosError } from '../errors.js';

export interface LockOwner {
  pid: number;
  /** Start time of the process in clock ticks since boot (Linux /proc/PID/stat field 22). */
  start: string | null;
  token: string | null;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The start time of a process, or null where /proc cannot tell (not Linux, or it is gone). */
export function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count from the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null;
  } catch {
    return null;
  }
}

function commandLine(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
  } catch {
    return null;
  }
}

function readLockText(lockPath: string): string | null {
  try {
    return readFileSync(lockPath, 'utf8');
  } catch {
    return null;
  }
}

export function readOwner(lockPath: string): LockOwner | null {
  const text = readLockText(lockPath);
  return text === null ? null : parseOwner(text);
}

function parseOwner(text: string): LockOwner | null {
  const [first = '', ...rest] = text.split('\n');
  const pid = Number.parseInt(first.trim(), 10);
  if (!Number.isInteger(pid) || pid <= 0) return null;
  const field = (name: string) => rest.find((l) => l.startsWith(`${name} `))?.slice(name.length + 1).trim() || null;
  return { pid, start: field('start'), token: field('token') };
}

/**
 * Is the lock's owner still the process that took it? 'yes' and 'no' are known; 'unsure' when
 * the pid is alive but /proc cannot say whether it is the same process (then only a person can).
 */
export function ownerStatus(owner: LockOwner): 'yes' | 'no' | 'unsure' {
  if (!isAlive(owner.pid)) return 'no';
  const start = processStartTime(owner.pid);
  if (owner.start !== null && start !== null) return start === owner.start ? 'yes' : 'no';
  // A lock without a start time (an older aos), or no /proc: judge by the command line.
  const cmd = commandLine(owner.pid);
  if (cmd === null) return 'unsure';
  return /node|aos/i.test(cmd) ? 'unsure' : 'no';
}

/** Test seams: a moment at which another process may act. */
export interface LockHooks {
  /** After the lock was judged stale, before it is moved aside. */
  beforeTakeover?: () => void;
}

/** Creates the lock file when there is none: the function that releases it, or null when another holds it. */
function createLock(lockPath: string, token: string, start: string | null): (() => void) | null {
  try {
    writeFileSync(lockPath, `${process.pid}\n${start !== null ? `start ${start}\n` : ''}token ${token}\n`, { flag: 'wx' });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return null;
    const why = code === 'ENOSPC' ? 'the disk is full' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EROFS' ? 'read-only file system' : code === 'EISDIR' ? 'a directory has its name' : ((e as Error).message || code || 'unknown error');
    throw new AosError('database', `cannot create lock file ${lockPath}: ${why}`, 'set AOS_DATA_DIR to a directory on a writable disk with free space');
  }
  const release = () => {
    process.off('exit', release);
    try {
      if (readOwner(lockPath)?.token === token) unlinkSync(lockPath);
    } catch {
      // already gone
    }
  };
  process.on('exit', release);
  return release;
}

/** The lock file's text and owner; the owner may be between creating the file and writing its pid: looked at once more. */
async function currentLock(lockPath: string): Promise<{ text: string | null; owner: LockOwner | null }> {
  let text = readLockText(lockPath);
  let owner = text === null ? null : parseOwner(text);
  if (owner === null) {
    await sleep(50);
    text = readLockText(lockPath);
    owner = text === null ? null : parseOwner(text);
  }
  return { text, owner };
}

/** Stale lock of a dead process (its text as judged): moved aside atomically so only one waiter takes over. */
function takeOverStale(lockPath: string, text: string | null, hooks: LockHooks): void {
  hooks.beforeTakeover?.();
  const aside = `${lockPath}.stale-${process.pid}`;
  try {
    renameSync(lockPath, aside);
  } catch {
    return; // another process took it over first; the caller looks again
  }
  // Between judging it stale and moving it, another waiter may have taken the stale lock over
  // and written its own: what was moved is then a live lock, and goes back (link never
  // overwrites, so a lock created in the meantime is not clobbered either).
  if (readLockText(aside) !== text) {
    try {
      linkSync(aside, lockPath);
    } catch {
      // a lock file exists again: its owner goes by that one
    }
  }
  try {
    unlinkSync(aside);
  } catch {
    // already gone
  }
}

function inUseError(lockPath: string, owner: LockOwner, status: 'yes' | 'unsure'): AosError {
  const pid = owner.pid;
  return new AosError(
    'database',
    `embedded database in use by pid ${pid}`,
    status === 'yes'
      ? `wait for that aos to finish, or pass {waitSeconds} to wait longer; if it hangs, stop it (kill ${pid})`
      : `wait for that aos to finish, or pass {waitSeconds}; if pid ${pid} is not an aos (ps -p ${pid}), the lock is left over: remove ${lockPath}`,
  );
}

/** Takes the lock, waiting up to waitSeconds; returns the function that releases it. */
export async function acquireEmbeddedLock(lockPath: string, waitSeconds: number, hooks: LockHooks = {}): Promise<() => void> {
  const deadline = Date.now() + waitSeconds * 1000;
  const token = randomBytes(8).toString('hex');
  const start = processStartTime(process.pid);
  for (;;) {
    const release = createLock(lockPath, token, start);
    if (release) return release;
    const { text, owner } = await currentLock(lockPath);
    const status = owner === null ? 'no' : ownerStatus(owner);
    if (status === 'no') {
      takeOverStale(lockPath, text, hooks);
      continue;
    }
    if (Date.now() >= deadline) throw inUseError(lockPath, owner as LockOwner, status);
    await sleep(100);
  }
}
