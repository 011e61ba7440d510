// Only a person at a terminal is asked anything: `aos import --yes`, and any import without a
// terminal, never loads the prompt library (@inquirer) — its summary is plain text. Traced on the
// binary as shipped: a module hook (NODE_OPTIONS=--import) records every file Node loads, and a
// file holds the library when it defines @inquirer/core's createPrompt (the bundle is minified
// with names kept) or lies in its package. An interactive import on a pseudo-terminal is the
// control: there the trace does show the library (should the marker ever vanish, it fails).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAos } from '../helpers/cli.js';
import { addClients, enginesUnderTest, freshCliDatabase, type CliDatabase } from '../helpers/databases.js';
import { moduleTrace } from '../helpers/module-trace.js';
import { runOnPty } from '../helpers/pty.js';

const dir = mkdtempSync(join(tmpdir(), 'aos-import-prompts-'));

/** The files a run loaded that hold the prompt library. */
function promptLibraryLoaded(files: readonly string[]): string[] {
  return files.filter((f) => f.includes('/@inquirer/') || /\bfunction createPrompt\(/.test(readFileSync(f, 'utf8')));
}

const engine = enginesUnderTest().includes('postgres') ? 'postgres' : 'embedded';

describe(`import loads prompts only for a person at a terminal [${engine}]`, () => {
  let fresh: CliDatabase;
  const csv = join(dir, 'customers.csv');
  const traced = () => {
    const trace = moduleTrace();
    return { loaded: trace.loaded, env: { ...fresh.env, ...trace.env } };
  };

  beforeAll(async () => {
    fresh = await freshCliDatabase(engine, (db) => addClients(db, ['acme']));
    writeFileSync(csv, 'Company,Website\nBuildRight,buildright.com.au\nPied Piper,piedpiper.com\n');
  }, 120_000);
  afterAll(async () => {
    await fresh.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['--yes', ['--yes']],
    ['--yes --json', ['--yes', '--json']],
    ['--dry-run without a terminal', ['--dry-run']],
  ])('import %s prints its summary without the prompt library', async (_name, flags) => {
    const trace = traced();
    const r = await runAos(['import', csv, '--client', 'acme', ...flags], { env: trace.env, timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(flags.includes('--json') ? /"rows_read":2/ : /rows read\s+2/);
    expect(trace.loaded().join('\n')).toMatch(/bundle-customer-import-service-/); // the trace saw the import
    expect(promptLibraryLoaded(trace.loaded())).toEqual([]);
  }, 60_000);

  it('an interactive import on a terminal does load it (the control)', async () => {
    const trace = traced();
    const session = runOnPty(['import', csv, '--client', 'acme'], trace.env);
    await session.waitFor('Use this mapping?');
    session.type('\u0003'); // Ctrl-C at the prompt: cancelled, nothing written
    const { code, output } = await session.done();
    expect(code, output).toBe(130);
    expect(promptLibraryLoaded(trace.loaded()).length).toBeGreaterThan(0);
  }, 60_000);
});
