// The embedded database under faults (SPEC §1): a full disk — on a size-limited file system where
// this test may mount one (root), else simulated by failing writes (test/helpers/disk-full.mjs) —
// a data directory left broken, AOS_DATA_DIR at a file, a lock file whose pid now belongs to
// another process. Each ends in one clear line (never "undefined") and a rerun that works.
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, closeSync, cpSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, statSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { openDatabase } from '../../src/db/open.js';
import { processStartTime } from '../../src/db/embedded-lock.js';
import { leafHeapBlocks } from '../../src/db/embedded-integrity.js';
import { ClientService } from '../../src/services/client-service.js';
import { CustomerImportService } from '../../src/services/import/customer-import-service.js';
import { BIN, runAos, type RunResult } from '../helpers/cli.js';

const work = mkdtempSync(join(tmpdir(), 'aos-embedded-faults-'));
const DISK_FULL = fileURLToPath(new URL('../helpers/disk-full.mjs', import.meta.url));
// Mounts made here; any a skipped suite (vitest -t) never unmounted go before the directory does.
const mounts = new Set<string>();
afterAll(() => {
  for (const dir of mounts) execFileSync('umount', ['-l', dir], { stdio: 'ignore' });
  rmSync(work, { recursive: true, force: true });
});

function embeddedCopy(): string {
  const data = join(mkdtempSync(join(work, 'db-')), 'data');
  cpSync(inject('embeddedTemplate'), data, { recursive: true });
  return data;
}

/** One `aos: error:` line, perhaps a hint, nothing else: no stack, no "undefined". */
function oneClearLine(r: RunResult): void {
  // A first run says on stderr that it creates the database (before it can fail): progress, not error.
  expect(r.stderr).toMatch(/^(creating the embedded database at [^\n]+\n)?aos: error: [^\n]+\n(hint: [^\n]+\n)?$/);
  expect(r.stderr).not.toMatch(/undefined|internal error|\[object/);
}

function customersCsv(rows: number): string {
  const lines = ['Company,Website,Contact Email,Deal Size'];
  for (let i = 0; i < rows; i++) lines.push(`Co ${i},co${i}-filler.com,someone${i}@co${i}-filler.com,${i % 9000}`);
  return `${lines.join('\n')}\n`;
}

/** A tmpfs of `mb` megabytes, when this process may mount one; grow() gives the space back. */
function mountSmallDisk(mb: number): { dir: string; grow: () => void; unmount: () => void } | null {
  // AOS_TEST_NO_MOUNT=1 runs the simulated variant where mounting would work.
  if (process.getuid?.() !== 0 || process.platform !== 'linux' || process.env.AOS_TEST_NO_MOUNT === '1') return null;
  const dir = mkdtempSync(join(work, 'tmpfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${mb}m`, 'tmpfs', dir], { stdio: 'ignore' });
  } catch {
    return null;
  }
  mounts.add(dir);
  return {
    dir,
    grow: () => execFileSync('mount', ['-o', 'remount,size=512m', dir], { stdio: 'ignore' }),
    unmount: () => {
      mounts.delete(dir);
      execFileSync('umount', ['-l', dir], { stdio: 'ignore' });
    },
  };
}

describe('embedded database faults', () => {
  const big = join(work, 'big.csv');
  const one = join(work, 'one.csv');
  writeFileSync(big, customersCsv(40_000));
  writeFileSync(one, 'Company,Website\nAfter Co,after-co.com\n');
  const env = (data: string, extra: Record<string, string> = {}) => ({ AOS_DATA_DIR: data, DATABASE_URL: '', ...extra });
  const simulatedFull = (data: string, afterBytes: number) => env(data, { NODE_OPTIONS: `--import ${DISK_FULL}`, AOS_TEST_FULL_DIR: data, AOS_TEST_FULL_AFTER: String(afterBytes) });

  it('AOS_DATA_DIR pointing at a file, or at a directory of other things, is exit 2 with one line', async () => {
    const file = join(work, 'a-file');
    writeFileSync(file, 'not a database');
    const r = await runAos(['clients', 'list'], { env: env(file) });
    expect(r.code).toBe(2);
    oneClearLine(r);
    expect(r.stderr).toContain(`${file} is a file, not a directory`);
    const other = join(work, 'other-things');
    mkdirSync(other);
    writeFileSync(join(other, 'notes.txt'), 'mine');
    const o = await runAos(['clients', 'list'], { env: env(other) });
    expect(o.code).toBe(2);
    oneClearLine(o);
    expect(o.stderr).toContain('not an embedded aos database');
  });

  it('a damaged data directory gets one line naming it and how to recover; moved aside, a rerun works', async () => {
    const data = embeddedCopy();
    writeFileSync(join(data, 'global', 'pg_control'), '');
    const r = await runAos(['clients', 'list'], { env: env(data) });
    expect(r.code).toBe(3);
    oneClearLine(r);
    expect(r.stderr).toContain(`cannot open embedded database ${data}`);
    expect(r.stderr).toContain(`mv "${data}" "${data}.broken"`);
    // The data is still in it: the way back is a backup, never an empty database in its place (27.6).
    expect(r.stderr).toMatch(/hint: [^\n]*restore the data directory from a backup/);
    expect(r.stderr).not.toMatch(/run again to start an empty database/);
    renameSync(data, `${data}.broken`);
    const rerun = await runAos(['clients', 'add', 'fresh'], { env: env(data) });
    expect(rerun.code, rerun.stderr).toBe(0);
  });

  it("a damaged table file (opens, then a read fails) gets one line naming the directory and how to recover", async () => {
    const data = embeddedCopy();
    // Every user relation (file node >= 16384) cut to 100 bytes: PostgreSQL starts, then the first
    // read of the clients table fails ("could not read blocks 0..0 in file base/5/…", XX001).
    for (const db of readdirSync(join(data, 'base'))) {
      for (const f of readdirSync(join(data, 'base', db))) {
        const path = join(data, 'base', db, f);
        if (/^\d+$/.test(f) && Number(f) >= 16384 && statSync(path).size > 0) truncateSync(path, 100);
      }
    }
    const r = await runAos(['clients', 'list'], { env: env(data) });
    expect(r.code).toBe(3);
    oneClearLine(r);
    expect(r.stderr).toContain(`embedded database ${data} is damaged`);
    expect(r.stderr).toContain(`mv "${data}" "${data}.broken"`);
    // The data is still in it: the way back is a backup, never an empty database in its place (27.6).
    expect(r.stderr).toMatch(/hint: [^\n]*restore the data directory from a backup/);
    expect(r.stderr).not.toMatch(/run again to start an empty database/);
    renameSync(data, `${data}.broken`);
    const rerun = await runAos(['clients', 'add', 'fresh'], { env: env(data) });
    expect(rerun.code, rerun.stderr).toBe(0);
  });

  describe('a zeroed page (PGlite runs with fsync=off: a crash can lose what a page held)', () => {
    /** A data directory with a client, an opt-out and an imported customer, and the heap file of each table. */
    async function populated(): Promise<{ data: string; file: (table: string) => string }> {
      const data = embeddedCopy();
      const csv = join(work, 'customer.csv');
      writeFileSync(csv, 'Company,Website\nKept Co,kept-co.com\n');
      expect((await runAos(['clients', 'add', 'acme'], { env: env(data) })).code).toBe(0);
      expect((await runAos(['suppress', 'add', 'jane@optout.com', '--client', 'acme', '--reason', 'unsubscribed'], { env: env(data) })).code).toBe(0);
      expect((await runAos(['import', csv, '--client', 'acme', '--yes'], { env: env(data) })).code).toBe(0);
      const verdict = await runAos(['check', 'kept-co.com', 'jane@optout.com', '--client', 'acme', '-q'], { env: env(data) });
      expect(verdict.code).toBe(1);
      const db = await openDatabase({ dataDir: data });
      const rows = await db.query<{ relname: string; path: string }>(
        `select relname, pg_relation_filepath(oid) as path from pg_class where relname in ('clients', 'suppression_list', 'client_customers', 'suppression_list_pkey')`,
      );
      await db.close();
      const paths = new Map(rows.map((r) => [r.relname, join(data, r.path)]));
      return { data, file: (table) => paths.get(table) as string };
    }

    /** Zeroes the page's 8 KB in place, as a lost write leaves it. */
    function zeroPage(file: string, block: number): void {
      expect(statSync(file).size).toBeGreaterThanOrEqual((block + 1) * 8192);
      const fd = openSync(file, 'r+');
      writeSync(fd, Buffer.alloc(8192), 0, 8192, block * 8192);
      closeSync(fd);
    }

    it('of suppression_list: check is exit 3 (damaged, restore from a backup), never "allowed"', async () => {
      const { data, file } = await populated();
      zeroPage(file('suppression_list'), 0);
      const r = await runAos(['check', 'kept-co.com', 'jane@optout.com', '--client', 'acme'], { env: env(data) });
      expect(r.code).toBe(3);
      oneClearLine(r);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(`the embedded database ${data} is damaged: page 0 of table suppression_list is zeroed`);
      expect(r.stderr).toMatch(/hint: restore the data directory from a backup/);
      // Every command that opens it says the same: nothing answers from it.
      const list = await runAos(['suppress', 'list', '--client', 'acme'], { env: env(data) });
      expect(list.code).toBe(3);
    }, 240_000);

    it('that keeps its file\'s size and time (bit rot, a restore that keeps times): exit 3 once a check has passed, never "allowed" from what was remembered', async () => {
      const { data, file } = await populated();
      // Two checks: the first may still write hint bits at its close (a new time); the second
      // passes on files that stay as they are and leaves them in $AOS_DATA_DIR.verified.
      const heap = file('suppression_list');
      for (let i = 0; i < 2; i++) expect((await runAos(['check', 'kept-co.com', '--client', 'acme', '-q'], { env: env(data) })).code).toBe(1);
      const { size, mtimeMs } = statSync(heap);
      expect(readFileSync(`${data}.verified`, 'utf8')).toContain(`"${heap}":"${size}:${mtimeMs}`);
      // touch keeps the time to the nanosecond (utimes from Node rounds it, which changes the key).
      const times = join(work, 'times-ref');
      writeFileSync(times, '');
      execFileSync('touch', ['-r', heap, times]);
      zeroPage(heap, 0);
      execFileSync('touch', ['-r', times, heap]);
      expect(statSync(heap).mtimeMs).toBe(mtimeMs);
      const r = await runAos(['check', 'kept-co.com', 'jane@optout.com', '--client', 'acme'], { env: env(data) });
      expect(r.code, r.stdout).toBe(3);
      oneClearLine(r);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(`the embedded database ${data} is damaged: page 0 of table suppression_list is zeroed`);
    }, 240_000);

    it('of the commit log (pg_xact): the opt-outs it recorded as committed are never "allowed" (exit 3, damaged)', async () => {
      const { data } = await populated();
      zeroPage(join(data, 'pg_xact', '0000'), 0);
      for (const args of [['check', 'jane@optout.com', '--client', 'acme'], ['suppress', 'list', '--client', 'acme']]) {
        const r = await runAos(args, { env: env(data) });
        expect(r.code, `${args.join(' ')}: ${r.stdout}`).toBe(3);
        oneClearLine(r);
        expect(r.stdout).toBe('');
        expect(r.stderr).toContain(`the embedded database ${data} is damaged: page 0 of its commit log (pg_xact/0000) is zeroed`);
        expect(r.stderr).toMatch(/hint: restore the data directory from a backup/);
      }
    }, 240_000);

    it('of the import change log: undo refuses (exit 3, damaged) instead of removing customers a later run still lists', async () => {
      const { data } = await populated();
      const csv = join(work, 'reads.csv');
      writeFileSync(csv, 'Company,Website\nX1,x1-reads.com\nX2,x2-reads.com\n');
      for (let i = 0; i < 2; i++) expect((await runAos(['import', csv, '--client', 'acme', '--yes', '-q'], { env: env(data) })).code).toBe(0);
      const runs = await runAos(['imports', 'list', '--client', 'acme', '--json'], { env: env(data) });
      // NDJSON, newest first: the first of the two runs is the older one.
      const first = (runs.stdout.trim().split('\n').map((line) => JSON.parse(line)) as Array<{ id: string; file_name: string }>).filter((r) => r.file_name === 'reads.csv').at(-1)?.id as string;
      const db = await openDatabase({ dataDir: data });
      const [reads] = await db.query<{ path: string }>(`select pg_relation_filepath('import_run_reads') as path`);
      await db.close();
      zeroPage(join(data, reads?.path as string), 0);
      const undo = await runAos(['imports', 'undo', first], { env: env(data) });
      expect(undo.code, undo.stdout).toBe(3);
      oneClearLine(undo);
      expect(undo.stderr).toContain(`the embedded database ${data} is damaged: page 0 of table import_run_reads is zeroed`);
      // Nothing was undone: the customer a later run re-imported is still suppressed.
      expect((await runAos(['check', 'x1-reads.com', '--client', 'acme', '-q'], { env: env(data) })).code).toBe(1);
    }, 240_000);

    it('of clients: exit 3 (damaged), never "no clients yet: add one" (following it orphaned the entries)', async () => {
      const { data, file } = await populated();
      zeroPage(file('clients'), 0);
      for (const args of [['check', 'kept-co.com', '--client', 'acme'], ['clients', 'list'], ['clients', 'add', 'acme']]) {
        const r = await runAos(args, { env: env(data) });
        expect(r.code, args.join(' ')).toBe(3);
        oneClearLine(r);
        expect(r.stderr).toContain('page 0 of table clients is zeroed');
        expect(r.stderr).not.toMatch(/add one|clients add/);
      }
    }, 240_000);

    /** The heap block each target's entry is on, and the table's size in blocks (read with the library, which verifies first). */
    async function entryBlocks(data: string, targets: string[]): Promise<{ blocks: number[]; pages: number }> {
      const db = await openDatabase({ dataDir: data });
      try {
        const rows = await db.query<{ block: number }>(
          `select (ctid::text::point)[0]::int as block from suppression_list where coalesce(email, domain) = any($1::text[])`,
          [targets],
        );
        const [size] = await db.query<{ pages: number }>(`select (pg_relation_size('suppression_list') / 8192)::int as pages`);
        return { blocks: rows.map((r) => r.block), pages: size?.pages ?? 0 };
      } finally {
        await db.close();
      }
    }

    /** A populated directory whose list spans many pages (600 customers), and two opt-outs added then, on its last page. */
    async function lastPageOptOuts(name: string): Promise<{ data: string; file: (table: string) => string; optOuts: string[]; pages: number }> {
      const { data, file } = await populated();
      const csv = join(work, `many-${name}.csv`);
      writeFileSync(csv, customersCsv(600));
      expect((await runAos(['import', csv, '--client', 'acme', '--yes'], { env: env(data), timeoutMs: 120_000 })).code).toBe(0);
      const optOuts = [`${name}1@optout-${name}.com`, `${name}2@optout-${name}.com`];
      expect((await runAos(['suppress', 'add', ...optOuts, '--client', 'acme', '--reason', 'unsubscribed'], { env: env(data) })).code).toBe(0);
      const { blocks, pages } = await entryBlocks(data, optOuts);
      expect(pages).toBeGreaterThan(5);
      expect(blocks).toEqual([pages - 1, pages - 1]);
      return { data, file, optOuts, pages };
    }

    it("of suppression_list's last page (the opt-outs added after an import): exit 3, never \"allowed\"", async () => {
      const { data, file, optOuts, pages } = await lastPageOptOuts('late');
      zeroPage(file('suppression_list'), pages - 1);
      const r = await runAos(['check', ...optOuts, '--client', 'acme'], { env: env(data) });
      expect(r.code, r.stdout).toBe(3);
      oneClearLine(r);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(`page ${pages - 1} of table suppression_list is zeroed`);
    }, 240_000);

    it("of suppression_list's last page and the primary-key leaves pointing into it: exit 3, never \"allowed\" (check reads the other unique indexes, 27.6)", async () => {
      const { data, file, optOuts, pages } = await lastPageOptOuts('pk');
      // A crash that lost the heap page lost the primary key's leaves naming its rows too: the
      // primary key no longer tells that the page held rows; the email and domain keys still do.
      const pk = file('suppression_list_pkey');
      const pkPages = statSync(pk).size / 8192;
      const leaves: number[] = [];
      const fd = openSync(pk, 'r');
      for (let block = 1; block < pkPages; block++) {
        const page = Buffer.alloc(8192);
        readSync(fd, page, 0, 8192, block * 8192);
        let points = false;
        leafHeapBlocks(page, (heapBlock) => (points ||= heapBlock === pages - 1));
        if (points) leaves.push(block);
      }
      closeSync(fd);
      expect(leaves.length).toBeGreaterThan(0);
      zeroPage(file('suppression_list'), pages - 1);
      for (const leaf of leaves) zeroPage(pk, leaf);
      const r = await runAos(['check', ...optOuts, '--client', 'acme'], { env: env(data) });
      expect(r.code, r.stdout).toBe(3);
      oneClearLine(r);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(`page ${leaves[0]} of the primary key of table suppression_list is zeroed`);
      expect(r.stderr).not.toMatch(/run again to start an empty database/);
    }, 240_000);

    it('a table file cut short by its last page (a short copy, a full disk): the opt-outs there are never "allowed" (exit 3, damaged)', async () => {
      const { data, file, optOuts, pages } = await lastPageOptOuts('cut');
      truncateSync(file('suppression_list'), (pages - 1) * 8192);
      for (const args of [['check', ...optOuts, '--client', 'acme'], ['clients', 'list']]) {
        const r = await runAos(args, { env: env(data) });
        expect(r.code, r.stdout).toBe(3);
        oneClearLine(r);
        expect(r.stdout).toBe('');
        expect(r.stderr).toContain(`page ${pages - 1} of table suppression_list is missing (its file ends before it)`);
      }
    }, 240_000);

    it('a zeroed page no row ever used (an extension a full disk cut short) is not damage, also once later pages follow it', async () => {
      const { data, file } = await populated();
      // Two pages appended as PostgreSQL extends a table, zeroed, before it writes them.
      const heapFile = file('suppression_list');
      const before = statSync(heapFile).size / 8192;
      const fd = openSync(heapFile, 'a');
      writeSync(fd, Buffer.alloc(2 * 8192));
      closeSync(fd);
      expect((await runAos(['check', 'kept-co.com', '--client', 'acme', '-q'], { env: env(data) })).code).toBe(1);
      // A later import extends the table past them.
      const csv = join(work, 'later.csv');
      writeFileSync(csv, customersCsv(600));
      expect((await runAos(['import', csv, '--client', 'acme', '--yes'], { env: env(data), timeoutMs: 120_000 })).code).toBe(0);
      const { pages } = await entryBlocks(data, []);
      expect(pages).toBeGreaterThan(before + 2);
      const fdr = openSync(heapFile, 'r');
      const page = Buffer.alloc(8192);
      readSync(fdr, page, 0, 8192, before * 8192);
      closeSync(fdr);
      expect(page.equals(Buffer.alloc(8192)), 'the first appended page is still zeroed, in the middle now').toBe(true);
      const r = await runAos(['check', 'kept-co.com', 'jane@optout.com', 'co599-filler.com', '--client', 'acme', '-q'], { env: env(data) });
      expect(r.code, r.stderr).toBe(1);
      expect((await runAos(['clients', 'list'], { env: env(data) })).code).toBe(0);
    }, 240_000);

    describe('never hangs: an engine whose close never finishes (it keeps the process alive, as a stopped one can)', () => {
      const WEDGED = fileURLToPath(new URL('../helpers/wedged-close.mjs', import.meta.url));
      const wedged = (data: string) => env(data, { NODE_OPTIONS: `--import ${WEDGED}` });
      // A close is given 10 s and a process with a database error 3 s more: well within this.
      const ends = { timeoutMs: 60_000 };

      it('a damaged directory: exit 3 with its one line (the failed open closes within 2 s, then the process ends)', async () => {
        const { data, file } = await populated();
        zeroPage(file('clients'), 0);
        const r = await runAos(['check', 'kept-co.com', '--client', 'acme'], { ...ends, env: wedged(data) });
        expect(r.signal, 'killed by the test: it hung').toBeNull();
        expect(r.code).toBe(3);
        oneClearLine(r);
        expect(r.stderr).toContain('page 0 of table clients is zeroed');
      }, 240_000);

      it('a healthy directory: the answer given keeps its exit code, a command with none is exit 3, and the next command opens it', async () => {
        const { data } = await populated();
        const check = await runAos(['check', 'kept-co.com', '--client', 'acme'], { ...ends, env: wedged(data) });
        expect(check.signal, 'killed by the test: it hung').toBeNull();
        expect(check.code).toBe(1);
        expect(check.stdout).toMatch(/^suppressed\s+kept-co\.com/);
        const list = await runAos(['clients', 'list', '--json'], { ...ends, env: wedged(data) });
        expect(list.signal, 'killed by the test: it hung').toBeNull();
        expect(list.code).toBe(3);
        expect(JSON.parse(list.stdout)).toHaveLength(1);
        expect(list.stderr).toContain(`the embedded database ${data} did not close within 10 s`);
        const again = await runAos(['check', 'kept-co.com', 'jane@optout.com', '--client', 'acme', '-q'], { env: env(data) });
        expect(again.code, again.stderr).toBe(1);
      }, 240_000);
    });

    it('of client_customers too; and a directory whose tables were only written is never taken for damaged', async () => {
      const { data, file } = await populated();
      const fine = await runAos(['check', 'kept-co.com', '--client', 'acme', '-q'], { env: env(data) });
      expect(fine.code).toBe(1);
      zeroPage(file('client_customers'), 0);
      const r = await runAos(['customers', 'list', '--client', 'acme'], { env: env(data) });
      expect(r.code).toBe(3);
      expect(r.stderr).toContain('page 0 of table client_customers is zeroed');
    }, 240_000);
  });

  it("a data directory this user may not write is a permission error, never 'damaged, move it aside'", async () => {
    const parent = mkdtempSync(join(work, 'perm-'));
    const data = join(parent, 'data');
    cpSync(inject('embeddedTemplate'), data, { recursive: true });
    let r: RunResult;
    if (process.getuid?.() === 0) {
      // Root writes anywhere: run aos as nobody, who may create the lock beside the directory
      // but not write inside it.
      try {
        execFileSync('runuser', ['-u', 'nobody', '--', 'true'], { stdio: 'ignore' });
      } catch {
        return; // no other user to be
      }
      chmodSync(work, 0o755);
      chmodSync(parent, 0o777);
      execFileSync('chmod', ['-R', 'a+rX,go-w', data]);
      r = await new Promise<RunResult>((resolve) => {
        const child = spawn('runuser', ['-u', 'nobody', '--', process.execPath, BIN, 'clients', 'list'], {
          env: { ...process.env, ...env(data), HOME: parent, NO_COLOR: '1', AOS_DEBUG: '' },
        });
        let stdout = '';
        let stderr = '';
        child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
        child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
        child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
      });
    } else {
      execFileSync('chmod', ['-R', 'a-w', data]);
      r = await runAos(['clients', 'list'], { env: env(data) });
      execFileSync('chmod', ['-R', 'u+w', data]);
    }
    expect(r.code, r.stderr).toBe(3);
    oneClearLine(r);
    expect(r.stderr).toContain('permission denied');
    expect(r.stderr).not.toMatch(/damaged|\.broken/);
  });

  describe('a full disk', () => {
    const disk = mountSmallDisk(30);
    afterAll(() => disk?.unmount());

    it(`the first run on a full disk fails with one line and leaves nothing broken (${disk ? 'tmpfs' : 'simulated'})`, async () => {
      const data = join(disk?.dir ?? mkdtempSync(join(work, 'first-')), 'data');
      const r = await runAos(['clients', 'add', 'demo'], { env: disk ? env(data) : simulatedFull(data, 0), timeoutMs: 120_000 });
      expect(r.code).toBe(3);
      oneClearLine(r);
      expect(r.stderr).toContain(`cannot create embedded database ${data}`);
      disk?.grow();
      const rerun = await runAos(['clients', 'add', 'demo'], { env: env(data), timeoutMs: 120_000 });
      expect(rerun.code, rerun.stderr).toBe(0);
    });

    it('an import that fills the disk: one line, nothing written; the next command works once space is back', async () => {
      const tight = mountSmallDisk(48);
      try {
        const data = join(tight?.dir ?? mkdtempSync(join(work, 'import-')), 'data');
        cpSync(inject('embeddedTemplate'), data, { recursive: true });
        expect((await runAos(['clients', 'add', 'demo'], { env: env(data) })).code).toBe(0);
        const full = tight ? env(data) : simulatedFull(data, 1_000_000);
        const r = await runAos(['import', big, '--client', 'demo', '--yes'], { env: full, timeoutMs: 120_000 });
        expect(r.code).toBe(3);
        oneClearLine(r);
        expect(r.stderr).toMatch(/disk is full/);
        // Still full: the next command says so again in one line (or, if it fits, works).
        const again = await runAos(['import', one, '--client', 'demo', '--yes'], { env: full, timeoutMs: 120_000 });
        if (again.code !== 0) {
          expect(again.code).toBe(3);
          oneClearLine(again);
        }
        tight?.grow();
        const rerun = await runAos(['import', one, '--client', 'demo', '--yes', '--json'], { env: env(data), timeoutMs: 120_000 });
        expect(rerun.code, rerun.stderr).toBe(0);
        const list = JSON.parse((await runAos(['clients', 'list', '--json'], { env: env(data) })).stdout) as Array<{ customers: number }>;
        expect(list[0]?.customers).toBe(1); // the big import left nothing
      } finally {
        tight?.unmount();
      }
    });

    it('in one process, a failed write does not poison the next: the library reopens the database', async () => {
      const data = embeddedCopy();
      const db = await openDatabase({ dataDir: data });
      const { simulateDiskFull } = (await import(DISK_FULL)) as { simulateDiskFull: (dir: string, o: { afterBytes: number }) => () => void };
      try {
        await new ClientService(db).add({ slug: 'demo' });
        const importer = new CustomerImportService({ db });
        const restore = simulateDiskFull(data, { afterBytes: 1_000_000 });
        let failure: unknown;
        try {
          await importer.import({ client: 'demo', input: Readable.from([Buffer.from(customersCsv(40_000))]), fileName: 'big.csv' });
        } catch (e) {
          failure = e;
        } finally {
          restore();
        }
        expect(failure).toMatchObject({ name: 'AosError', code: 'database' });
        expect(String((failure as Error).message)).not.toMatch(/undefined|portal/);
        const after = await importer.import({ client: 'demo', input: Readable.from([Buffer.from('Company,Website\nAfter Co,after-co.com\n')]), fileName: 'one.csv' });
        expect(after).toMatchObject({ inserted: 1 });
        const [n] = await db.query<{ n: number }>('select count(*)::int as n from client_customers');
        expect(n?.n).toBe(1);
      } finally {
        await db.close().catch(() => {});
      }
    });
  });

  describe('a lock file whose pid now belongs to another process', () => {
    const live = (command: string, args: string[]) => {
      const child = spawn(command, args, { stdio: 'ignore' });
      return { pid: child.pid as number, stop: () => child.kill('SIGKILL') };
    };

    it('an unrelated live process (not node, not aos) does not hold the lock: it is taken over', async () => {
      const data = embeddedCopy();
      const sleeper = live('sleep', ['60']);
      try {
        writeFileSync(`${data}.lock`, `${sleeper.pid}\n`);
        const r = await runAos(['--wait', '0.5', 'clients', 'list', '--json'], { env: env(data) });
        expect(r.code, r.stderr).toBe(0);
      } finally {
        sleeper.stop();
      }
    });

    it('a live pid whose start time is not the lock\'s is a later process: the lock is taken over', async () => {
      const data = embeddedCopy();
      const other = live(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
      try {
        await new Promise((r) => setTimeout(r, 100));
        const start = processStartTime(other.pid);
        if (start === null) return; // no /proc here: nothing to compare
        writeFileSync(`${data}.lock`, `${other.pid}\nstart ${Number(start) + 12345}\ntoken abc\n`);
        const r = await runAos(['--wait', '0.5', 'clients', 'list', '--json'], { env: env(data) });
        expect(r.code, r.stderr).toBe(0);
      } finally {
        other.stop();
      }
    });

    it('a live node process that cannot be confirmed: exit 3 with a hint naming the lock file to remove', async () => {
      const data = embeddedCopy();
      const other = live(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
      try {
        writeFileSync(`${data}.lock`, `${other.pid}\n`);
        const r = await runAos(['--wait', '0.3', 'clients', 'list'], { env: env(data) });
        expect(r.code).toBe(3);
        oneClearLine(r);
        expect(r.stderr).toContain(`in use by pid ${other.pid}`);
        expect(r.stderr).toContain(`remove ${data}.lock`);
        rmSync(`${data}.lock`);
        expect((await runAos(['clients', 'list'], { env: env(data) })).code).toBe(0);
      } finally {
        other.stop();
      }
    });
  });
});
