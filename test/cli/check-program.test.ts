// `aos check` runs as its own program (src/cli/programs/check-only.ts, dist/cli/check.script.js):
// bin/aos.js starts it by the command word, through V8's code cache (src/cli/code-cache.ts).
// Checked on the shipped binary: the check loads its own program and nothing of the full
// program's, the other commands nothing of its, and the command is the same in both (its help
// text). The file count is the cold-start budget BENCHMARKS.md measured: each ES module is
// resolved, read and compiled on every start (the script is read by code-cache.js, not traced).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAos } from '../helpers/cli.js';
import { addClients, enginesUnderTest, freshCliDatabase, type CliDatabase } from '../helpers/databases.js';
import { moduleTrace } from '../helpers/module-trace.js';

const DIST_CLI = fileURLToPath(new URL('../../dist/cli/', import.meta.url));
const engine = enginesUnderTest().includes('postgres') ? 'postgres' : 'embedded';
/**
 * The ES modules of dist/cli a single check on the server loads: command-word.js and
 * code-cache.js (15 before the program became one script with a code cache).
 */
const SERVER_CHECK_FILE_BUDGET = 2;

const BIG_DIR = mkdtempSync(join(tmpdir(), 'aos-check-program-'));
const BIG_FILE = join(BIG_DIR, 'leads.txt');

const cliFiles = (files: readonly string[]) => files.filter((f) => dirname(f) + '/' === DIST_CLI).map((f) => basename(f));

describe(`aos check is its own program [${engine}]`, () => {
  let fresh: CliDatabase;
  const traced = async (args: string[]) => {
    const trace = moduleTrace();
    const r = await runAos(args, { env: { ...fresh.env, ...trace.env }, timeoutMs: 60_000 });
    return { ...r, files: cliFiles(trace.loaded()) };
  };

  beforeAll(async () => {
    fresh = await freshCliDatabase(engine, (db) => addClients(db, ['acme']));
    // Past the worker threshold (WORKER_MIN_BYTES, 4 MB): the reader runs in its own thread.
    const line = 'allowed-lead-number-0000000.example.com\n';
    writeFileSync(BIG_FILE, line.repeat(Math.ceil((5 * 1024 * 1024) / line.length)));
  }, 120_000);
  afterAll(async () => {
    await fresh.dispose();
    rmSync(BIG_DIR, { recursive: true, force: true });
  });

  it.each([
    ['a single check', ['check', 'x.com', '--client', 'acme']],
    ['after global options', ['--wait', '2', '-q', 'check', 'x.com', '--client', 'acme']],
    ['a check of a list on stdin', ['check', '-', '--client', 'acme']],
    ['a bulk check read in a worker thread (4 MB or more)', ['check', '--file', BIG_FILE, '--client', 'acme', '-q']],
  ])('%s loads the check program alone', async (_name, args) => {
    const r = await traced(args);
    if (args.includes(BIG_FILE)) expect(r.files).toContain('target-rows-worker.bundle.js');
    expect(r.code, r.stderr).toBe(0);
    expect(r.files).toContain('code-cache.js');
    expect(r.files.filter((f) => !/^(code-cache\.js|command-word\.js|target-rows-worker\.bundle\.js)$/.test(f))).toEqual([]);
  }, 60_000);

  it.runIf(engine === 'postgres')('a single check on the server stays within its file budget', async () => {
    const r = await traced(['check', 'sarah@x.com', '--client', 'acme']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.files.length, r.files.join('\n')).toBeLessThanOrEqual(SERVER_CHECK_FILE_BUDGET);
  }, 60_000);

  it('other commands, and help before the command word, load the full program and nothing of the check one', async () => {
    for (const args of [['clients', 'list'], ['--help', 'check']]) {
      const r = await traced(args);
      expect(r.code, r.stderr).toBe(0);
      expect(r.files).toContain('aos.bundle.js');
      expect(r.files.filter((f) => f.startsWith('check') || f === 'code-cache.js')).toEqual([]);
    }
  }, 60_000);

  it('the check command is the same in both programs (its help)', async () => {
    const own = await runAos(['check', '--help']);
    const script = `const { run } = await import(${JSON.stringify(`${DIST_CLI}aos.bundle.js`)}); await run(['node', 'aos', 'check', '--help']);`;
    const full = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(own.code).toBe(0);
    expect(full.status).toBe(0);
    expect(own.stdout).toContain('--client');
    expect(own.stdout).toBe(full.stdout);
  }, 60_000);
});

// scripts/bundle-cli.mjs clears the previous build's bundles from dist/cli before writing new ones;
// its pattern once took tsc's check-leads.js and check-mode.js for the check program's chunks, so
// the plain modules (dist/cli/commands/check.js imports ../check-mode.js) failed to load.
describe('the build', () => {
  it("keeps tsc's own modules of src/cli beside the bundles", () => {
    const SRC_CLI = fileURLToPath(new URL('../../src/cli/', import.meta.url));
    const modules = readdirSync(SRC_CLI, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
    expect(modules).toContain('check-mode.ts');
    const missing = modules.map((f) => join(DIST_CLI, f.replace(/\.ts$/, '.js'))).filter((f) => !existsSync(f));
    expect(missing.map((f) => relative(DIST_CLI, f))).toEqual([]);
  });
});
