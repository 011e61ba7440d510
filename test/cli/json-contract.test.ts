// Issue 18: `--json` has one contract — machine output only, snake_case keys at every depth, and
// exactly the keys of the type the library exports for it (src/index.ts). Every command that takes
// --json is run here against one database that has something in every table, and every key of
// every payload is walked. A camelCase key (`notFound`, `createdAt`, `upToDate`) slipping back
// into a payload fails this test, and so does a key the type lacks or a key of the type that is
// missing (test/helpers/json-shapes.ts: one key table per type, checked by the compiler).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAos } from '../helpers/cli.js';
import { enginesUnderTest, freshCliDatabase, type CliDatabase } from '../helpers/databases.js';
import type { JsonPayloads } from '../../src/index.js';
import { oneOf, PAYLOAD_SHAPES, shape, shapeErrors } from '../helpers/json-shapes.js';

const SNAKE = /^[a-z0-9]+(_[a-z0-9]+)*$/;

// Maps whose keys are data, not field names: the user's own status values (`--status-map
// 'Churned?=churned'`) and a column header per field are stored as given.
const DATA_KEYED = new Set(['status_map']);

/** Every key at every depth that is not snake_case, as a path (`$.migrations.upToDate`). */
function nonSnakeKeys(value: unknown, path = '$'): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => nonSnakeKeys(v, `${path}[${i}]`));
  if (value === null || typeof value !== 'object') return [];
  const bad: string[] = [];
  for (const [k, v] of Object.entries(value)) {
    if (!SNAKE.test(k)) bad.push(`${path}.${k}`);
    if (!DATA_KEYED.has(k)) bad.push(...nonSnakeKeys(v, `${path}.${k}`));
  }
  return bad;
}

describe('nonSnakeKeys', () => {
  it.each([
    [{ a_b: 1, c: { d_e: [{ f: 2 }] } }, []],
    [{ notFound: [] }, ['$.notFound']],
    [{ a: [{ createdAt: 1 }] }, ['$.a[0].createdAt']],
    [{ m: { upToDate: true } }, ['$.m.upToDate']],
    [{ '60': 2, status_map: { 'Churned?': 'churned' } }, []],
    [{ _private: 1, 'a-b': 2, A: 3 }, ['$._private', '$.a-b', '$.A']],
  ])('%j → %j', (value, expected) => {
    expect(nonSnakeKeys(value)).toEqual(expected);
  });
});

describe('shapeErrors', () => {
  interface Pair {
    a: number;
    b?: string;
    inner: { x: number } | null;
  }
  const PAIR = shape<Pair>('Pair', { a: true, b: 'optional', inner: true }, { inner: [shape<{ x: number }>('Inner', { x: true })] });
  const OTHER = shape<{ error: string }>('Other', { error: true });
  const EITHER = oneOf<Pair | { error: string }>()(PAIR, OTHER);
  it.each([
    [{ a: 1, inner: null }, []],
    [{ a: 1, b: 'x', inner: { x: 2 } }, []],
    [[{ a: 1, inner: null }, { error: 'e' }], []],
    [{ inner: null }, ['$.a missing (Pair)']],
    [{ a: 1, inner: null, c: 3 }, ['$.c is not a key of Pair']],
    [{ a: 1, inner: { x: 2, y: 3 } }, ['$.inner.y is not a key of Inner']],
    [[{ a: 1, inner: null }, { error: 'e', a: 1 }], ['$[1].a is not a key of Other']],
    ['text', ['$: "text" is not an object (Pair | Other)']],
  ])('%j → %j', (value, expected) => {
    expect(shapeErrors(value, EITHER)).toEqual(expected);
  });
});

// One engine is enough: the keys are the CLI's contract, not the driver's (the server when it
// answers, as it starts faster than PGlite).
const engine = enginesUnderTest().includes('postgres') ? 'postgres' : 'embedded';

describe(`every --json payload has snake_case keys [${engine}]`, () => {
  let fresh: CliDatabase;
  const dir = mkdtempSync(join(tmpdir(), 'aos-json-'));
  const aos = (args: string[], input?: string) => runAos(args, { env: { ...fresh.env, USER: 'ops-anna' }, input, timeoutMs: 60_000 });
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  let runId = '';
  let secondRun = '';

  beforeAll(async () => {
    fresh = await freshCliDatabase(engine);
    const customers = file(
      'customers.csv',
      'Company,Website,Contact Email,Status,Deal Size,Services\nBuildRight,buildright.com.au,sarah@buildright.com.au,Active,15000,SEO\nPied Piper,piedpiper.com,,Churned?,100,PPC\n',
    );
    expect((await aos(['clients', 'add', 'acme', '--json'])).code).toBe(0);
    expect((await aos(['clients', 'add', 'globex'])).code).toBe(0);
    const one = await aos(['import', customers, '--client', 'acme', '--yes', '--status-map', 'Churned?=churned', '--json']);
    expect(one.code, one.stderr).toBe(0);
    runId = JSON.parse(one.stdout).import_run_id as string;
    const two = await aos(['import', file('more.csv', 'Company,Website\nHooli,hooli.xyz\n'), '--client', 'acme', '--yes', '--json']);
    secondRun = JSON.parse(two.stdout).import_run_id as string;
  }, 120_000);
  afterAll(async () => fresh.dispose());

  const leads = () => file('leads.csv', 'Name,Email,Website\nJane,jane@bigcorp.com,bigcorp.com\nSarah,sarah@buildright.com.au,\nBad,not an email,\n');

  // [name, args, exit code, its payload in JsonPayloads]; each stdout line must be JSON (one
  // document, or NDJSON), each payload (or each element of an array) of that type's shapes.
  const commands: Array<[string, () => string[], number, keyof JsonPayloads]> = [
    ['db status', () => ['db', 'status'], 0, 'db status'],
    ['clients add', () => ['clients', 'add', 'acme', '--exist-ok'], 0, 'clients add'],
    ['clients list', () => ['clients', 'list'], 0, 'clients list'],
    ['clients set', () => ['clients', 'set', 'acme', '--expire', 'past_customer=24m'], 0, 'clients set'],
    ['suppress add', () => ['suppress', 'add', 'jane@bigcorp.com', 'rival.com', '--client', 'acme', '--reason', 'unsubscribed', '--note', 'asked'], 0, 'suppress add'],
    ['suppress add --for', () => ['suppress', 'add', 'winback.io', '--client', 'acme', '--reason', 'past_customer', '--for', '10d'], 0, 'suppress add'],
    [
      'suppress add --skip-invalid',
      () => ['suppress', 'add', '--file', file('targets.txt', 'ok.io\nnot a target\n'), '--client', 'acme', '--reason', 'competitor', '--skip-invalid'],
      0,
      'suppress add --skip-invalid',
    ],
    ['suppress add --all-clients', () => ['suppress', 'add', 'legal-request.org', '--all-clients', '--reason', 'do_not_contact'], 0, 'suppress add --all-clients'],
    ['suppress remove', () => ['suppress', 'remove', 'rival.com', 'never-there.com', '--client', 'acme', '--force'], 0, 'suppress remove'],
    ['suppress remove --all-clients', () => ['suppress', 'remove', 'nobody.com', '--all-clients'], 0, 'suppress remove --all-clients'],
    ['suppress list', () => ['suppress', 'list', '--client', 'acme', '--all'], 0, 'suppress list'],
    ['suppress list --all-clients', () => ['suppress', 'list', '--all-clients'], 0, 'suppress list --all-clients'],
    ['suppress history', () => ['suppress', 'history', '--client', 'acme'], 0, 'suppress history'],
    ['suppress history --all-clients', () => ['suppress', 'history', '--all-clients'], 0, 'suppress history'],
    ['suppress who', () => ['suppress', 'who', 'sarah@buildright.com.au', '--all'], 0, 'suppress who'],
    ['suppress expiring', () => ['suppress', 'expiring', '--all', '--within', '30d'], 0, 'suppress expiring'],
    ['check', () => ['check', 'sarah@buildright.com.au', 'free.io', '--client', 'acme'], 1, 'check'],
    ['check invalid', () => ['check', 'not a target', '--client', 'acme'], 2, 'check'],
    [
      'check --explain',
      () => ['check', 'www.buildright.com.au', 'legal-request.org', 'sub.winback.io', 'x.ok.io', '--client', 'acme', '--explain'],
      1,
      'check --explain',
    ],
    ['check --file', () => ['check', '--file', leads(), '--client', 'acme'], 2, 'check --file'],
    ['customers list', () => ['customers', 'list', '--client', 'acme'], 0, 'customers list'],
    ['customers show', () => ['customers', 'show', 'buildright.com.au', '--client', 'acme'], 0, 'customers show'],
    ['imports list', () => ['imports', 'list', '--client', 'acme'], 0, 'imports list'],
    ['imports show', () => ['imports', 'show', runId], 0, 'imports show'],
    ['imports undo --dry-run', () => ['imports', 'undo', secondRun, '--dry-run'], 0, 'imports undo'],
    ['imports undo', () => ['imports', 'undo', secondRun], 0, 'imports undo'],
    [
      'import --dry-run --sync',
      () => ['import', file('sync.csv', 'Company,Website\nBuildRight,buildright.com.au\n'), '--client', 'acme', '--yes', '--dry-run', '--sync', '--source', 'csv'],
      0,
      'import',
    ],
    ['customers remove', () => ['customers', 'remove', 'piedpiper.com', '--client', 'acme'], 0, 'customers remove'],
    ['signals rebuild', () => ['signals', 'rebuild'], 0, 'signals rebuild'],
    ['signals show', () => ['signals', 'show', 'buildright.com.au', 'nothing.io'], 0, 'signals show'],
    ['signals top', () => ['signals', 'top', '--limit', '5'], 0, 'signals top'],
    ['signals boost', () => ['signals', 'boost', 'buildright.com.au', 'bad target'], 2, 'signals boost'],
  ];

  it.each([
    ['customers list', ['customers', 'list', '--client', 'acme']],
    ['suppress list', ['suppress', 'list', '--client', 'acme']],
    ['suppress expiring', ['suppress', 'expiring', '--all', '--within', '3650d']],
  ])('%s --csv: a UTF-8 BOM with --bom (for a spreadsheet), none on stdout otherwise', async (_name, args) => {
    const plain = await aos([...args, '--csv']);
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stdout.startsWith('\uFEFF')).toBe(false);
    const bom = await aos([...args, '--csv', '--bom']);
    expect(bom.stdout.startsWith('\uFEFF')).toBe(true);
    expect(bom.stdout.slice(1)).toBe(plain.stdout);
    const alone = await aos([...args, '--bom']);
    expect([alone.code, alone.stderr]).toEqual([2, 'aos: error: --bom goes with --csv\n']);
  }, 60_000);

  it('runs every command of the contract (JsonPayloads) at least once', () => {
    expect(new Set(commands.map((c) => c[3]))).toEqual(new Set(Object.keys(PAYLOAD_SHAPES)));
  });

  it.each(commands)('%s --json', async (_name, args, code, payload) => {
    const r = await aos([...args(), '--json']);
    expect(r.code, r.stderr).toBe(code);
    const lines = r.stdout.split('\n').filter((l) => l.trim() !== '');
    expect(lines.length, `no JSON on stdout; stderr: ${r.stderr}`).toBeGreaterThan(0);
    // One document (possibly pretty-printed) or NDJSON, nothing else on stdout.
    let docs: unknown[];
    try {
      docs = [JSON.parse(r.stdout)];
    } catch {
      docs = lines.map((l) => JSON.parse(l) as unknown);
    }
    expect(docs.flatMap((d) => nonSnakeKeys(d))).toEqual([]);
    // Exactly the keys of the exported type: all present (optional ones may be absent), none extra.
    expect(docs.flatMap((d) => shapeErrors(d, PAYLOAD_SHAPES[payload]))).toEqual([]);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);
});
