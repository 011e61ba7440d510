// Taking over a stale embedded-database lock must never take a live one: between judging the old
// lock stale and moving it aside, another aos may already have taken it over and written its own.
import { existsSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acquireEmbeddedLock, processStartTime } from '../../src/db/embedded-lock.js';

const dir = mkdtempSync(join(tmpdir(), 'aos-lock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A pid that is not running: the largest pid Linux allows is far below this. */
const DEAD_PID = 2 ** 22 + 12345;

describe('embedded lock takeover', () => {
  it('a stale lock is taken over, and released again', async () => {
    const lock = join(dir, 'a.lock');
    writeFileSync(lock, `${DEAD_PID}\n`);
    const release = await acquireEmbeddedLock(lock, 1);
    expect(readFileSync(lock, 'utf8')).toMatch(new RegExp(`^${process.pid}\\n`));
    release();
    expect(existsSync(lock)).toBe(false);
  });

  it('a lock another process took over in the meantime is left to it (exit 3, its file intact)', async () => {
    const lock = join(dir, 'b.lock');
    writeFileSync(lock, `${DEAD_PID}\n`);
    // A live owner (this very process, with its start time, so it counts as alive and the same)
    // takes the stale lock over just before this acquirer moves "the stale lock" aside.
    const fresh = `${process.pid}\nstart ${processStartTime(process.pid)}\ntoken fresh-owner\n`;
    const attempt = acquireEmbeddedLock(lock, 0.5, {
      beforeTakeover: () => {
        unlinkSync(lock);
        writeFileSync(lock, fresh);
      },
    });
    await expect(attempt).rejects.toMatchObject({ code: 'database', message: expect.stringContaining(`in use by pid ${process.pid}`) });
    expect(readFileSync(lock, 'utf8')).toBe(fresh);
  });
});
