import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FEWEST_ON_NEWEST_PAGE, XACTS_PER_PAGE, zeroedCommitLogPage } from '../../src/db/embedded-commit-log.js';

const work = mkdtempSync(join(tmpdir(), 'aos-commit-log-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A data directory whose pg_xact/0000 has these pages: true = recorded transactions (0x55: committed), false = zeroed. */
function dataDir(name: string, pages: boolean[]): string {
  const dir = join(work, name);
  mkdirSync(join(dir, 'pg_xact'), { recursive: true });
  writeFileSync(join(dir, 'pg_xact', '0000'), Buffer.concat(pages.map((written) => Buffer.alloc(8192, written ? 0x55 : 0))));
  return dir;
}

describe('zeroedCommitLogPage: a page of pg_xact lost to a fault', () => {
  it('a zeroed page that recorded transactions before the next one is lost', () => {
    expect(zeroedCommitLogPage(dataDir('first', [false]), 750)).toEqual({ file: join('pg_xact', '0000'), page: 0 });
    expect(zeroedCommitLogPage(dataDir('middle', [true, false, true]), 2 * XACTS_PER_PAGE + 10)).toEqual({ file: join('pg_xact', '0000'), page: 1 });
  });

  it('whole pages are fine, and so is a page past the next transaction or a missing file (PostgreSQL reports those)', () => {
    expect(zeroedCommitLogPage(dataDir('whole', [true, true]), XACTS_PER_PAGE + 100)).toBeNull();
    expect(zeroedCommitLogPage(dataDir('ahead', [true, false]), XACTS_PER_PAGE)).toBeNull();
    expect(zeroedCommitLogPage(join(work, 'none'), 750)).toBeNull();
  });

  it('the newest page with only a few transactions, all without a status, may be crashed ones: not taken for lost', () => {
    const dir = dataDir('newest', [true, false]);
    expect(zeroedCommitLogPage(dir, XACTS_PER_PAGE + FEWEST_ON_NEWEST_PAGE - 1)).toBeNull();
    expect(zeroedCommitLogPage(dir, XACTS_PER_PAGE + FEWEST_ON_NEWEST_PAGE)).toEqual({ file: join('pg_xact', '0000'), page: 1 });
  });
});
