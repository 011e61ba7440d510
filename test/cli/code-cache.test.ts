// `aos check` runs through V8's code cache (src/cli/code-cache.ts). The cache only ever saves
// time: a missing, damaged, foreign or refused cache gives the same answers as no cache, and is
// replaced by a good one after the run; an unwritable cache directory changes nothing.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeCacheFile, codeCacheIdentity, readCodeCache } from '../../src/cli/code-cache.js';
import { runAos } from '../helpers/cli.js';
import { addClients, enginesUnderTest, freshCliDatabase, type CliDatabase } from '../helpers/databases.js';

const SCRIPT = fileURLToPath(new URL('../../dist/cli/check.script.js', import.meta.url));
const engine = enginesUnderTest().includes('postgres') ? 'postgres' : 'embedded';
const identity = () => codeCacheIdentity(readFileSync(SCRIPT, 'utf8'));

describe(`the check program's code cache [${engine}]`, () => {
  let fresh: CliDatabase;
  const dirs: string[] = [];
  const cacheHome = () => {
    const dir = mkdtempSync(join(tmpdir(), 'aos-code-cache-'));
    dirs.push(dir);
    return dir;
  };
  const check = (home: string) =>
    runAos(['check', 'blocked.com', 'fine.com', '--client', 'acme', '--json'], { env: { ...fresh.env, XDG_CACHE_HOME: home }, timeoutMs: 60_000 });
  let expected: string;

  beforeAll(async () => {
    fresh = await freshCliDatabase(engine, (db) => addClients(db, ['acme']));
    const r = await runAos(['suppress', 'add', 'blocked.com', '--client', 'acme', '--reason', 'competitor'], { env: fresh.env, timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(0);
    const plain = await runAos(['check', 'blocked.com', 'fine.com', '--client', 'acme', '--json'], { env: { ...fresh.env, AOS_CODE_CACHE: '0' }, timeoutMs: 60_000 });
    expect(plain.code, plain.stderr).toBe(1);
    expected = plain.stdout;
  }, 120_000);
  afterAll(async () => {
    await fresh.dispose();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('the first check writes the cache; the next one, run from it, answers the same', async () => {
    const home = cacheHome();
    const file = codeCacheFile(SCRIPT, { XDG_CACHE_HOME: home });
    const first = await check(home);
    expect([first.code, first.stdout, first.stderr]).toEqual([1, expected, '']);
    const written = readFileSync(file);
    expect(readCodeCache(file, identity())).toBeDefined();
    const second = await check(home);
    expect([second.code, second.stdout, second.stderr]).toEqual([1, expected, '']);
    // Accepted by V8, so not written again.
    expect(readFileSync(file).equals(written)).toBe(true);
  }, 60_000);

  it.each([
    ['garbage', () => Buffer.from('not a cache at all')],
    ['a cache of another build', () => Buffer.from(`aos-code-cache-1 v0.0.0 x 1 2 3 ${'0'.repeat(40)}\nxyz`)],
    ['a torn cache (checksum does not match)', () => Buffer.from(`${identity()} ${'0'.repeat(40)}\n${'x'.repeat(1000)}`)],
    // Passes the checksum, so V8 is handed bytes that are no code cache: it must refuse them.
    ['bytes V8 refuses', () => {
      const payload = Buffer.alloc(4096, 7);
      return Buffer.concat([Buffer.from(`${identity()} ${createHash('sha1').update(payload).digest('hex')}\n`), payload]);
    }],
  ])('%s is ignored, the check answers as without a cache, and a good cache replaces it', async (_name, content) => {
    const home = cacheHome();
    const file = codeCacheFile(SCRIPT, { XDG_CACHE_HOME: home });
    await check(home); // creates the directory
    const bad = content();
    writeFileSync(file, bad);
    const r = await check(home);
    expect([r.code, r.stdout, r.stderr]).toEqual([1, expected, '']);
    expect(readFileSync(file).equals(bad)).toBe(false);
    expect(readCodeCache(file, identity())?.length).toBeGreaterThan(100_000);
  }, 60_000);

  // npm, tar -x and rsync -a give a rebuilt script of the same size the same time, and V8 compares
  // only the source's length: a cache made for another build of the same size must not be offered.
  it('a script of the same size and another content is another identity: its cache is not offered', () => {
    const source = readFileSync(SCRIPT, 'utf8');
    const flipped = source.replace('allowed', 'ALLOWED');
    expect(flipped).not.toBe(source);
    expect(flipped.length).toBe(source.length);
    expect(codeCacheIdentity(flipped)).not.toBe(codeCacheIdentity(source));
  });

  it('a cache directory that cannot be written changes nothing', async () => {
    const home = cacheHome();
    writeFileSync(join(home, 'aos'), 'a file where the directory would go');
    const r = await check(home);
    expect([r.code, r.stdout, r.stderr]).toEqual([1, expected, '']);
  }, 60_000);
});
