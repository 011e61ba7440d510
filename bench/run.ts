// `npm run bench [-- --quick] [-- --runs N] [-- --sizes 10000,100000,1000000] [-- --out FILE]
//   [-- --only import|sync|cold|coprocess|library] [-- --sync-customers 100000]`
// Measures aos against physical floors on the PostgreSQL server and the embedded database and
// writes the figures to BENCHMARKS.md. The bench is not part of `npm test`; its --quick smoke
// run is (test/cli/bench.test.ts), so it cannot rot.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, tmpdir, release } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import { checkTargetLines, customerCsvLines } from './generate.js';
import { naiveImport } from './naive.js';
import { benchLibrary, librarySection, type LibraryFigures } from './library.js';

const ROOT = fileURLToPath(new URL(existsSync(new URL('../package.json', import.meta.url)) ? '..' : '../..', import.meta.url));
const BIN = join(ROOT, 'bin', 'aos.js');
const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface BenchOptions {
  quick: boolean;
  runs: number;
  sizes: number[];
  out: string;
  /** Only the import figures (`--only import`): the check and signals benches are skipped. */
  importOnly?: boolean;
  /** Only the cold single checks (`--only cold`), server and embedded: a minute, not an hour. */
  coldOnly?: boolean;
  /** Only the co-process figures (`--only coprocess`): no import, bulk check or signals. */
  coprocessOnly?: boolean;
  /** Only the library check (`--only library`), written to `out` as its own section. */
  libraryOnly?: boolean;
  /** Entries of the library bench's client (`--library-entries N`; default 1,000,000, quick 2,000). */
  libraryEntries?: number | undefined;
  log: (line: string) => void;
  /** A migrated embedded data directory to copy instead of creating one (initdb is not measured; the test suite has one). */
  embeddedTemplate?: string | undefined;
  /** Cold single checks per database (default 3 quick, 15 full). */
  coldRuns?: number | undefined;
  /** Only the sync figures (`--only sync`). */
  syncOnly?: boolean;
  /** Customers of the sync bench (default 100,000; half of them churned). */
  syncCustomers?: number | undefined;
}

interface Timed {
  seconds: number;
  maxRssMb: number | null;
  code: number | null;
  stdout: string;
  stderr: string;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : s.length % 2 ? (s[(s.length - 1) / 2] as number) : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
};
const fmt = (x: number | null | undefined, digits = 2) => (x === null || x === undefined || Number.isNaN(x) ? '–' : x.toFixed(digits));
const perSecond = (count: number, seconds: number[]) => Math.round(count / median(seconds)).toLocaleString('en');
const HAS_GNU_TIME = existsSync('/usr/bin/time');

/** Runs a command; wall time from here, peak RSS from GNU time when the machine has it. */
async function timed(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; stdinFile?: string; stdoutFile?: string } = {}): Promise<Timed> {
  const rssFile = join(tmpdir(), `aos-bench-rss-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const [cmd, argv] = HAS_GNU_TIME ? ['/usr/bin/time', ['-f', '%M', '-o', rssFile, command, ...args]] : [command, args];
  const started = performance.now();
  const child = spawn(cmd, argv, { env: { ...process.env, NO_COLOR: '1', ...options.env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  if (options.stdoutFile) child.stdout.pipe(createWriteStream(options.stdoutFile));
  else child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  if (options.stdinFile) {
    const { createReadStream } = await import('node:fs');
    createReadStream(options.stdinFile).pipe(child.stdin);
  } else child.stdin.end();
  const [code] = (await once(child, 'close')) as [number | null];
  const seconds = (performance.now() - started) / 1000;
  let maxRssMb: number | null = null;
  if (HAS_GNU_TIME && existsSync(rssFile)) {
    const kb = Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop());
    maxRssMb = Number.isFinite(kb) ? kb / 1024 : null;
    rmSync(rssFile, { force: true });
  }
  return { seconds, maxRssMb, code, stdout, stderr };
}

function psql(url: string, script: string): number {
  const started = performance.now();
  const r = spawnSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', url], { input: script, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`psql failed: ${r.stderr}`);
  return (performance.now() - started) / 1000;
}

async function withServerDatabase<T>(fn: (url: string) => Promise<T>): Promise<T> {
  const name = `aos_bench_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  try {
    return await fn(url.toString());
  } finally {
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end({ timeout: 5 });
  }
}

async function aos(args: string[], env: NodeJS.ProcessEnv, extra: Parameters<typeof timed>[2] = {}): Promise<Timed> {
  const r = await timed(process.execPath, [BIN, ...args], { ...extra, env: { ...env, ...extra.env } });
  if (r.code !== 0 && r.code !== 1) throw new Error(`aos ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r;
}

async function writeLines(file: string, lines: Iterable<string>): Promise<void> {
  const out = createWriteStream(file);
  let chunk: string[] = [];
  for (const line of lines) {
    chunk.push(line);
    if (chunk.length >= 10_000) {
      if (!out.write(`${chunk.join('\n')}\n`)) await once(out, 'drain');
      chunk = [];
    }
  }
  if (chunk.length) out.write(`${chunk.join('\n')}\n`);
  out.end();
  await once(out, 'close');
}

/** The embedded database keeps its whole working set in this process; 1M rows would be minutes of a 1 GB+ process. */
const EMBEDDED_MAX_ROWS = 100_000;

const WRITTEN_TABLES = ['client_customers', 'suppression_list', 'suppression_events', 'platform_buyer_signals', 'import_runs'];

interface ImportFigures {
  size: number;
  server: number[];
  /** The import's own `seconds` (in-process, without Node start-up), comparable with the naive run. */
  serverInProcess: number[];
  serverRss: number[];
  floorRaw: number[];
  floorWrite: number[];
  naive: number | null;
  embedded: number[];
  embeddedRss: number[];
  rows: number;
}

async function benchImport(size: number, file: string, opts: BenchOptions, work: string): Promise<ImportFigures> {
  const f: ImportFigures = { size, server: [], serverInProcess: [], serverRss: [], floorRaw: [], floorWrite: [], naive: null, embedded: [], embeddedRss: [], rows: 0 };
  for (let run = 0; run < opts.runs; run++) {
    await withServerDatabase(async (url) => {
      const env = { DATABASE_URL: url };
      await aos(['db', 'migrate'], env);
      await aos(['clients', 'add', 'bench', '--services', 'seo,ppc'], env);
      const r = await aos(['import', file, '--client', 'bench', '--yes', '--json'], env);
      const summary = JSON.parse(r.stdout) as { inserted: number; seconds: number };
      f.rows = summary.inserted;
      f.server.push(r.seconds);
      f.serverInProcess.push(summary.seconds);
      if (r.maxRssMb !== null) f.serverRss.push(r.maxRssMb);
      // (b) the write floor: exactly the rows the import wrote, copied back into the empty tables.
      const dump = join(work, 'dump');
      psql(url, WRITTEN_TABLES.map((t) => `\\copy ${t} to '${dump}-${t}.csv' csv`).join('\n'));
      psql(url, `truncate ${WRITTEN_TABLES.join(', ')};`);
      f.floorWrite.push(psql(url, WRITTEN_TABLES.map((t) => `\\copy ${t} from '${dump}-${t}.csv' csv`).join('\n')));
      // (a) the raw file into a bare unindexed table.
      psql(url, 'create table bare_raw (c1 text, c2 text, c3 text, c4 text, c5 text, c6 text, c7 text, c8 text, c9 text);');
      f.floorRaw.push(psql(url, `\\copy bare_raw from '${file}' csv header`));
      if (run === 0 && size <= 10_000) {
        psql(url, `truncate ${WRITTEN_TABLES.join(', ')};`);
        const started = performance.now();
        await naiveImport(url, file, 'bench');
        f.naive = (performance.now() - started) / 1000;
      }
    });
    if (size <= EMBEDDED_MAX_ROWS) {
      const embedded = embeddedCopy(work);
      try {
        const r = await aos(['import', file, '--client', 'bench', '--yes', '--json'], embedded.env);
        f.embedded.push(r.seconds);
        if (r.maxRssMb !== null) f.embeddedRss.push(r.maxRssMb);
      } finally {
        embedded.remove();
      }
    }
    opts.log(`  import ${size}: run ${run + 1}/${opts.runs} server ${fmt(f.server.at(-1))}s, write floor ${fmt(f.floorWrite.at(-1))}s${f.embedded.length ? `, embedded ${fmt(f.embedded.at(-1))}s` : ''}`);
  }
  return f;
}

interface CheckFigures {
  targets: number;
  entries: number;
  bulk: number[];
  bulkRss: number[];
  cold: number[];
  node: number[];
  embeddedBulk: number[];
  embeddedBulkRss: number[];
  embeddedCold: number[];
  embeddedColdRss: number[];
  coprocess: CoprocessFigures;
}

/** `aos check -` as a co-process: ms from writing a target to reading its answer, and the floor. */
interface CoprocessFigures {
  /** Per target, the first answer (start-up) left out. */
  answers: number[];
  /** One bare lookup statement (postgres.js, prepared) per target, from this process. */
  bare: number[];
}

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : (s[Math.min(s.length - 1, Math.floor(p * s.length))] as number);
};

/**
 * A script's loop: write a target to one `aos check - --json`, read its answer line, write the
 * next. Each answer's wait is timed; the first (which waits for the start-up) is left out.
 */
async function coprocessAnswers(env: NodeJS.ProcessEnv, targets: readonly string[]): Promise<number[]> {
  const child = spawn(process.execPath, [BIN, 'check', '-', '--client', 'bench', '--json'], { env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let buffered = '';
  let stderr = '';
  let exited = false;
  let wake: (() => void) | null = null;
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    buffered += d;
    wake?.();
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const closed = once(child, 'close');
  void closed.then(() => {
    exited = true;
    wake?.();
  });
  const answer = async () => {
    for (;;) {
      const at = buffered.indexOf('\n');
      if (at >= 0) {
        buffered = buffered.slice(at + 1);
        return;
      }
      if (exited) throw new Error(`aos check - exited before answering: ${stderr}`);
      await new Promise<void>((resolve) => (wake = resolve));
    }
  };
  const times: number[] = [];
  for (const target of targets) {
    const started = performance.now();
    child.stdin.write(`${target}\n`);
    await answer();
    times.push(performance.now() - started);
  }
  child.stdin.end();
  await closed;
  return times.slice(1);
}

/** The floor: the lookup a check runs, as one bare prepared statement per target. */
async function bareLookups(url: string, targets: readonly string[]): Promise<number[]> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const [client] = await sql<{ id: string }[]>`select id from clients where slug = 'bench'`;
    const times: number[] = [];
    for (const target of targets) {
      const domain = target.replace(/^https:\/\/www\./, '').replace(/\/.*$/, '').replace(/^.*@/, '');
      const started = performance.now();
      await sql`select domain, email, reason, expires_at from suppression_list
        where client_id = ${client?.id ?? null} and (domain = any(${[domain]}::text[]) or email = any(${[target]}::text[]))`;
      times.push(performance.now() - started);
    }
    return times.slice(1);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** Co-process answers and bare statements, interleaved in rounds so the machine's load hits both alike. */
async function benchCoprocess(url: string, env: NodeJS.ProcessEnv, targets: readonly string[], rounds: number): Promise<CoprocessFigures> {
  const f: CoprocessFigures = { answers: [], bare: [] };
  for (let round = 0; round < rounds; round++) {
    f.answers.push(...(await coprocessAnswers(env, targets)));
    f.bare.push(...(await bareLookups(url, targets)));
  }
  return f;
}

function coprocessLine(f: CoprocessFigures): string {
  const ms = (x: number) => fmt(x, 3);
  return `co-process answer per target: p50 ${ms(percentile(f.answers, 0.5))} ms, p99 ${ms(percentile(f.answers, 0.99))} ms (${f.answers.length} answers); bare lookup statement: p50 ${ms(percentile(f.bare, 0.5))} ms, p99 ${ms(percentile(f.bare, 0.99))} ms`;
}

/** A copy of the migrated embedded template (client `bench`) in its own directory. */
function embeddedCopy(work: string): { data: string; env: NodeJS.ProcessEnv; remove: () => void } {
  const dir = mkdtempSync(join(work, 'embedded-'));
  const data = join(dir, 'data');
  cpSync(join(work, 'embedded-template'), data, { recursive: true });
  return { data, env: { AOS_DATA_DIR: data, DATABASE_URL: '' }, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Runs SQL on an embedded data directory in this process (aos is not running on it meanwhile). */
async function onEmbedded<T>(data: string, fn: (pg: PGlite) => Promise<T>): Promise<T> {
  const pg = new PGlite(data);
  try {
    return await fn(pg);
  } finally {
    await pg.close();
  }
}

const seedEntriesSql = (entries: number) =>
  `insert into suppression_list (client_id, domain, reason, source)
   select c.id, 'company' || n || '.' || (array['com','com.au','co.uk','io','co.nz'])[n % 5 + 1], 'competitor', 'manual'
     from clients c, generate_series(0, ${entries - 1}) n where c.slug = 'bench';`;

async function benchCheck(opts: BenchOptions, work: string): Promise<CheckFigures> {
  const entries = opts.quick ? 2_000 : 100_000;
  const targets = opts.quick || opts.coldOnly ? 10_000 : 1_000_000;
  const file = join(work, `targets-${targets}.txt`);
  if (!opts.coprocessOnly) await writeLines(file, checkTargetLines(targets, entries));
  const f: CheckFigures = { targets, entries, bulk: [], bulkRss: [], cold: [], node: [], embeddedBulk: [], embeddedBulkRss: [], embeddedCold: [], embeddedColdRss: [], coprocess: { answers: [], bare: [] } };
  const coldRuns = opts.coldRuns ?? (opts.quick ? 3 : 15);
  const coprocessTargets = [...checkTargetLines(opts.quick ? 50 : 1_000, entries)];
  await withServerDatabase(async (url) => {
    const env = { DATABASE_URL: url };
    await aos(['db', 'migrate'], env);
    await aos(['clients', 'add', 'bench'], env);
    psql(url, seedEntriesSql(entries));
    if (!opts.coldOnly) {
      f.coprocess = await benchCoprocess(url, env, coprocessTargets, opts.quick ? 1 : 3);
      opts.log(`  ${coprocessLine(f.coprocess)}`);
    }
    if (opts.coprocessOnly) return;
    for (let run = 0; run < (opts.coldOnly ? 0 : opts.runs); run++) {
      const r = await aos(['check', '--file', file, '--client', 'bench', '--json'], env, { stdoutFile: '/dev/null' });
      f.bulk.push(r.seconds);
      if (r.maxRssMb !== null) f.bulkRss.push(r.maxRssMb);
      opts.log(`  bulk check ${targets}: run ${run + 1}/${opts.runs} ${fmt(r.seconds)}s`);
    }
    // Interleaved, so that both feel the same load (the machine is shared).
    for (let i = 0; i < coldRuns; i++) {
      f.cold.push((await aos(['check', 'lead@somewhere-else.com', '--client', 'bench'], env)).seconds);
      f.node.push((await timed(process.execPath, ['-e', ''])).seconds);
    }
    opts.log(`  cold check (server): median ${fmt(median(f.cold) * 1000, 0)} ms, node -e '' ${fmt(median(f.node) * 1000, 0)} ms`);
  });
  if (opts.coprocessOnly) return f;
  const embedded = embeddedCopy(work);
  try {
    await onEmbedded(embedded.data, (pg) => pg.exec(seedEntriesSql(entries)));
    for (let run = 0; run < (opts.coldOnly ? 0 : opts.runs); run++) {
      const r = await aos(['check', '--file', file, '--client', 'bench', '--json'], embedded.env, { stdoutFile: '/dev/null' });
      f.embeddedBulk.push(r.seconds);
      if (r.maxRssMb !== null) f.embeddedBulkRss.push(r.maxRssMb);
      opts.log(`  bulk check ${targets} (embedded): run ${run + 1}/${opts.runs} ${fmt(r.seconds)}s`);
    }
    for (let i = 0; i < coldRuns; i++) {
      const r = await aos(['check', 'lead@somewhere-else.com', '--client', 'bench'], embedded.env);
      f.embeddedCold.push(r.seconds);
      if (r.maxRssMb !== null) f.embeddedColdRss.push(r.maxRssMb);
    }
    opts.log(`  cold check (embedded): median ${fmt(median(f.embeddedCold) * 1000, 0)} ms, peak RSS ${fmt(median(f.embeddedColdRss), 0)} MB`);
  } finally {
    embedded.remove();
  }
  return f;
}

interface SignalFigures {
  customers: number;
  rebuild: number[];
  bare: number[];
  embeddedCustomers: number;
  embeddedRebuild: number[];
  embeddedBare: number[];
}

// The bare query: the same columns from one GROUP BY into an unindexed table.
const BARE_SIGNALS_TABLE = 'create table bare_signals as select * from platform_buyer_signals with no data;';
const BARE_SIGNALS_SQL = `insert into bare_signals (domain, company_name, industry, employee_count_range, times_bought, total_value, avg_deal_value, services_bought, buyer_score, first_seen_at, last_converted_at)
  select cc.domain, mode() within group (order by cc.company_name), mode() within group (order by cc.industry),
         mode() within group (order by cc.employee_count_range), count(distinct cc.client_id), sum(cc.deal_value),
         round(avg(cc.deal_value), 2), array_agg(distinct cl.services[1]), 50, min(cc.created_at), max(cc.customer_since)
    from client_customers cc join clients cl on cl.id = cc.client_id where cc.domain is not null group by cc.domain`;

/** Rebuild over the largest server import, and over the largest embedded one. */
async function benchSignals(opts: BenchOptions, work: string, file: string, customers: number, embeddedFile: string | null): Promise<SignalFigures> {
  const f: SignalFigures = { customers, rebuild: [], bare: [], embeddedCustomers: 0, embeddedRebuild: [], embeddedBare: [] };
  await withServerDatabase(async (url) => {
    const env = { DATABASE_URL: url };
    await aos(['db', 'migrate'], env);
    await aos(['clients', 'add', 'bench', '--services', 'seo,ppc'], env);
    await aos(['import', file, '--client', 'bench', '--yes', '--json'], env);
    psql(url, BARE_SIGNALS_TABLE);
    for (let run = 0; run < opts.runs; run++) {
      const sql = postgres(url, { max: 1, onnotice: () => {} });
      const started = performance.now();
      await sql.unsafe(BARE_SIGNALS_SQL);
      f.bare.push((performance.now() - started) / 1000);
      await sql.unsafe('truncate bare_signals');
      await sql.end({ timeout: 5 });
      // The service's own timing: the rebuild transaction, without process start-up.
      const r = await aos(['signals', 'rebuild', '--json'], env);
      f.rebuild.push((JSON.parse(r.stdout) as { seconds: number }).seconds);
      opts.log(`  signals rebuild over ${customers}: run ${run + 1}/${opts.runs} ${fmt(f.rebuild.at(-1))}s vs bare ${fmt(f.bare.at(-1))}s`);
    }
  });
  if (embeddedFile === null) return f;
  const embedded = embeddedCopy(work);
  try {
    const imported = await aos(['import', embeddedFile, '--client', 'bench', '--yes', '--json'], embedded.env);
    f.embeddedCustomers = (JSON.parse(imported.stdout) as { inserted: number }).inserted;
    await onEmbedded(embedded.data, (pg) => pg.exec(BARE_SIGNALS_TABLE));
    for (let run = 0; run < opts.runs; run++) {
      f.embeddedBare.push(
        await onEmbedded(embedded.data, async (pg) => {
          // A fresh PGlite's first statements load its catalog caches; aos's rebuild runs after its own start-up queries too.
          await pg.query('select count(*) from client_customers cc join clients cl on cl.id = cc.client_id');
          const started = performance.now();
          await pg.exec(BARE_SIGNALS_SQL);
          const seconds = (performance.now() - started) / 1000;
          await pg.exec('truncate bare_signals');
          return seconds;
        }),
      );
      const r = await aos(['signals', 'rebuild', '--json'], embedded.env);
      f.embeddedRebuild.push((JSON.parse(r.stdout) as { seconds: number }).seconds);
      opts.log(`  signals rebuild over ${f.embeddedCustomers} (embedded): run ${run + 1}/${opts.runs} ${fmt(f.embeddedRebuild.at(-1))}s vs bare ${fmt(f.embeddedBare.at(-1))}s`);
    }
  } finally {
    embedded.remove();
  }
  return f;
}

/** The library check on a server database whose client `bench` holds the entries. */
async function benchLibraryCheck(opts: BenchOptions): Promise<LibraryFigures> {
  const entries = opts.libraryEntries ?? (opts.quick ? 2_000 : 1_000_000);
  return withServerDatabase(async (url) => {
    const env = { DATABASE_URL: url };
    await aos(['db', 'migrate'], env);
    await aos(['clients', 'add', 'bench'], env);
    psql(url, `${seedEntriesSql(entries)} analyze suppression_list;`);
    opts.log(`  library check: ${entries} entries seeded`);
    return benchLibrary(url, { entries, quick: opts.quick, log: opts.log });
  });
}

interface SyncFigures {
  customers: number;
  churned: number;
  reimport: number[];
  sync: number[];
  /** `imports undo` of the sync run: linear in what it churned (a quadratic undo ran for minutes). */
  undo: number[];
}

/**
 * `import --sync` against a re-import of the same file (issue 27.7): a client with N customers of
 * one source, the file of its first N/2 re-imported unchanged (timed), then the same file with
 * `--sync` (timed), which churns the other N/2: customers, entries, audit and undo log. Server only.
 */
async function benchSync(opts: BenchOptions, work: string): Promise<SyncFigures> {
  const customers = opts.quick ? 2_000 : (opts.syncCustomers ?? 100_000);
  const churned = customers / 2;
  const row = (i: number) => `Company ${i},company${i}.com,${i % 2 ? 'Retail' : 'Legal'}`;
  const full = join(work, `sync-full-${customers}.csv`);
  const half = join(work, `sync-half-${customers}.csv`);
  const rows = function* (count: number) {
    yield 'Company,Website,Industry';
    for (let i = 0; i < count; i++) yield row(i);
  };
  await writeLines(full, rows(customers));
  await writeLines(half, rows(customers - churned));
  const f: SyncFigures = { customers, churned, reimport: [], sync: [], undo: [] };
  for (let run = 0; run < opts.runs; run++) {
    await withServerDatabase(async (url) => {
      const env = { DATABASE_URL: url };
      await aos(['db', 'migrate'], env);
      await aos(['clients', 'add', 'bench'], env);
      const common = ['--client', 'bench', '--source', 'crm', '--yes', '--json'];
      await aos(['import', full, ...common], env);
      f.reimport.push((await aos(['import', half, ...common], env)).seconds);
      const sync = await aos(['import', half, ...common, '--sync', '--force'], env);
      const summary = JSON.parse(sync.stdout) as { diff?: { churned?: number }; import_run_id?: string };
      if (summary.diff?.churned !== churned) throw new Error(`the sync churned ${summary.diff?.churned}, expected ${churned}`);
      f.sync.push(sync.seconds);
      const undo = await aos(['imports', 'undo', String(summary.import_run_id), '--json'], env);
      const undone = JSON.parse(undo.stdout) as { customers_restored?: number };
      if (undone.customers_restored !== churned) throw new Error(`the undo restored ${undone.customers_restored}, expected ${churned}`);
      f.undo.push(undo.seconds);
    });
    opts.log(`  sync ${customers}: run ${run + 1}/${opts.runs} re-import ${fmt(f.reimport.at(-1))}s, sync ${fmt(f.sync.at(-1))}s, undo ${fmt(f.undo.at(-1))}s`);
  }
  return f;
}

function syncLine(f: SyncFigures): string {
  const ratio = median(f.sync) / median(f.reimport);
  return `| ${f.customers.toLocaleString('en')} customers, ${f.churned.toLocaleString('en')} churned | ${fmt(median(f.reimport))} s | ${fmt(median(f.sync))} s | ${fmt(ratio)}× | ${fmt(median(f.undo))} s |`;
}

const SYNC_HEADER = [
  '| customers, churned | re-import of the file | `--sync` of the same file | sync / re-import (target ≤ 2×) | `imports undo` of the sync |',
  '| --- | ---: | ---: | ---: | ---: |',
];

function machine(): string[] {
  const pg = spawnSync('psql', ['-X', '-At', '-c', 'show server_version', ADMIN_URL], { encoding: 'utf8' }).stdout.trim();
  const cpu = cpus();
  return [
    `- machine: ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Linux ${release()}`,
    `- Node ${process.version}; PostgreSQL server ${pg || 'unknown'} on 127.0.0.1; embedded: PGlite (@electric-sql/pglite)`,
  ];
}

export async function runBenchmarks(opts: BenchOptions): Promise<string> {
  const work = mkdtempSync(join(tmpdir(), 'aos-bench-'));
  try {
    opts.log(`aos benchmarks (${opts.quick ? 'quick' : 'full'}): sizes ${opts.sizes.join(', ')}, ${opts.runs} run(s) each`);
    if (opts.libraryOnly) {
      const command = `npm run bench --${opts.quick ? ' --quick' : ''} --only library${opts.libraryEntries ? ` --library-entries ${opts.libraryEntries}` : ''}`;
      const text = [...machine(), '', ...librarySection(await benchLibraryCheck(opts), command)].join('\n');
      writeFileSync(opts.out, `${text}\n`);
      opts.log(text);
      return text;
    }
    // One migrated embedded database to copy for every embedded run (initdb is not what we measure).
    const template = join(work, 'embedded-template');
    if (opts.embeddedTemplate) cpSync(opts.embeddedTemplate, template, { recursive: true });
    await aos(['clients', 'add', 'bench', '--services', 'seo,ppc'], { AOS_DATA_DIR: template, DATABASE_URL: '' });
    rmSync(`${template}.lock`, { force: true });

    if (opts.coldOnly) {
      const check = await benchCheck(opts, work);
      const lines = [
        `cold single check, server: ${fmt(median(check.cold) * 1000, 0)} ms, node -e '' ${fmt(median(check.node) * 1000, 0)} ms (${fmt(median(check.cold) / median(check.node), 2)}×, goal ≤ 2.0×)`,
        `cold single check, embedded: ${fmt(median(check.embeddedCold) * 1000, 0)} ms (goal ≤ 500 ms), peak RSS ${fmt(median(check.embeddedColdRss), 0)} MB`,
      ];
      writeFileSync(opts.out, `${[...machine(), ...lines].join('\n')}\n`);
      opts.log(lines.join('\n'));
      return lines.join('\n');
    }
    if (opts.coprocessOnly) {
      const check = await benchCheck(opts, work);
      const lines = [...machine(), `- load average at the end: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`, coprocessLine(check.coprocess)];
      writeFileSync(opts.out, `${lines.join('\n')}\n`);
      opts.log(lines.join('\n'));
      return lines.join('\n');
    }
    if (opts.syncOnly) {
      const line = syncLine(await benchSync(opts, work));
      writeFileSync(opts.out, `${[...machine(), '', ...SYNC_HEADER, line].join('\n')}\n`);
      opts.log(line);
      return line;
    }
    const imports: ImportFigures[] = [];
    let largest = '';
    let largestEmbedded: string | null = null;
    for (const size of opts.sizes) {
      const file = join(work, `customers-${size}.csv`);
      await writeLines(file, customerCsvLines(size, { duplicateEvery: 50, badEvery: 100, seed: size }));
      largest = file;
      if (size <= EMBEDDED_MAX_ROWS) largestEmbedded = file;
      imports.push(await benchImport(size, file, opts, work));
    }
    if (opts.importOnly) {
      const lines = imports.map((f) => {
        const server = median(f.server);
        return `import ${f.size}: server ${fmt(server)} s, write floor ${fmt(median(f.floorWrite))} s, ratio ${fmt(server / median(f.floorWrite))}×, in-process ${fmt(median(f.serverInProcess))} s, raw copy ${fmt(median(f.floorRaw))} s, peak RSS ${fmt(median(f.serverRss), 0)} MB`;
      });
      writeFileSync(opts.out, `${[...machine(), ...lines].join('\n')}\n`);
      opts.log(lines.join('\n'));
      return lines.join('\n');
    }
    const check = await benchCheck(opts, work);
    const top = imports.at(-1) as ImportFigures;
    const signals = await benchSignals(opts, work, largest, top.rows, largestEmbedded);
    const library = await benchLibraryCheck(opts);
    const sync = await benchSync(opts, work);

    const lines: string[] = [];
    const command = `npm run bench${opts.quick ? ' -- --quick' : ''}`;
    lines.push('# Benchmarks', '', `Measured ${new Date().toISOString().slice(0, 10)} with \`${command}\` (${opts.runs} run(s) per figure, medians).`, '', ...machine(), '');
    lines.push(
      '## Import',
      '',
      'Generated CRM exports (bench/generate.ts: mixed-case URLs, www/shop subdomains, free-mail contacts, quoted commas, currency values, 2% duplicates, 1% bad rows).',
      'Floors: (a) `psql \\copy` of the raw file into a bare unindexed table; (b) the write floor: `psql \\copy` of exactly the rows the import wrote',
      '(customers, suppressions, audit events, signals, import run), exported after the run, back into the same empty tables with their indexes and constraints.',
      '',
      '| rows | server import s | rows/s | vs write floor (b) | write floor s | raw copy (a) s | vs raw copy | peak RSS MB | embedded import s | embedded RSS MB | naive row-at-a-time s (in-process) | speed-up vs naive |',
      '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    );
    for (const f of imports) {
      const server = median(f.server);
      lines.push(
        `| ${f.size.toLocaleString('en')} | ${fmt(server)} | ${Math.round(f.size / server).toLocaleString('en')} | ${fmt(server / median(f.floorWrite))}× | ${fmt(median(f.floorWrite))} | ${fmt(median(f.floorRaw))} | ${fmt(server / median(f.floorRaw), 1)}× | ${fmt(median(f.serverRss), 0)} | ${f.embedded.length ? fmt(median(f.embedded)) : '–'} | ${f.embeddedRss.length ? fmt(median(f.embeddedRss), 0) : '–'} | ${f.naive !== null ? fmt(f.naive) : '–'} | ${f.naive !== null ? `${fmt(f.naive / median(f.serverInProcess), 1)}× (in-process ${fmt(median(f.serverInProcess))} s)` : '–'} |`,
      );
    }
    lines.push(
      '',
      '## Check',
      '',
      `Bulk: \`aos check --file\` of ${check.targets.toLocaleString('en')} targets against ${check.entries.toLocaleString('en')} suppression entries, NDJSON to /dev/null. Cold: one \`aos check\` in a new process.`,
      '',
      '| what | server | embedded |',
      '| --- | ---: | ---: |',
      `| bulk check | ${fmt(median(check.bulk))} s (${perSecond(check.targets, check.bulk)} targets/s) | ${fmt(median(check.embeddedBulk))} s (${perSecond(check.targets, check.embeddedBulk)} targets/s) |`,
      `| bulk check peak RSS | ${fmt(median(check.bulkRss), 0)} MB | ${fmt(median(check.embeddedBulkRss), 0)} MB |`,
      `| cold single \`aos check\` | ${fmt(median(check.cold) * 1000, 0)} ms | ${fmt(median(check.embeddedCold) * 1000, 0)} ms |`,
      `| \`node -e ''\` | ${fmt(median(check.node) * 1000, 0)} ms | ${fmt(median(check.node) * 1000, 0)} ms |`,
      `| cold check vs \`node -e ''\` (goals: ≤ 2.0× server, ≤ 500 ms embedded) | ${fmt(median(check.cold) / median(check.node), 2)}× | ${fmt(median(check.embeddedCold) / median(check.node), 1)}× |`,
      `| cold single check peak RSS | | ${fmt(median(check.embeddedColdRss), 0)} MB |`,
      `| co-process \`aos check -\`: answer per target, p50 / p99 | ${fmt(percentile(check.coprocess.answers, 0.5), 3)} / ${fmt(percentile(check.coprocess.answers, 0.99), 3)} ms | – |`,
      `| its floor: one bare lookup statement, p50 / p99 | ${fmt(percentile(check.coprocess.bare, 0.5), 3)} / ${fmt(percentile(check.coprocess.bare, 0.99), 3)} ms | – |`,
      '',
      '## Signals',
      '',
      '`aos signals rebuild` (the rebuild transaction as the command reports it) against the bare `INSERT … SELECT … GROUP BY` of the same columns into an unindexed table,',
      `over the largest import of each database (embedded imports stop at ${EMBEDDED_MAX_ROWS.toLocaleString('en')} rows).`,
      '',
      '| what | server | embedded |',
      '| --- | ---: | ---: |',
      `| customers | ${signals.customers.toLocaleString('en')} | ${signals.embeddedCustomers ? signals.embeddedCustomers.toLocaleString('en') : '–'} |`,
      `| \`aos signals rebuild\` | ${fmt(median(signals.rebuild))} s | ${fmt(median(signals.embeddedRebuild))} s |`,
      `| bare query | ${fmt(median(signals.bare))} s | ${fmt(median(signals.embeddedBare))} s |`,
      `| ratio | ${fmt(median(signals.rebuild) / median(signals.bare))}× | ${fmt(median(signals.embeddedRebuild) / median(signals.embeddedBare))}× |`,
      '',
      ...librarySection(library, command),
      '## Sync',
      '',
      '`aos import FILE --sync` where FILE holds half of the source\'s customers (`Company,Website,Industry`, one domain entry each): the other half',
      'churned, their entries moved to past_customer, audited and logged for undo; against a re-import of the same file that changes nothing. Server.',
      '',
      ...SYNC_HEADER,
      syncLine(sync),
      '',
    );
    // Hand-written findings below the marker survive a new run.
    const MARKER = '<!-- analysis: kept by npm run bench -->';
    const previous = existsSync(opts.out) ? readFileSync(opts.out, 'utf8') : '';
    const kept = previous.includes(MARKER) ? previous.slice(previous.indexOf(MARKER)) : '';
    const text = [lines.join('\n'), kept].filter(Boolean).join('\n');
    writeFileSync(opts.out, `${text.trimEnd()}\n`);
    opts.log(`wrote ${opts.out}`);
    return text;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function parseArgs(argv: string[]): BenchOptions {
  const quick = argv.includes('--quick');
  const value = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  return {
    quick,
    runs: Number(value('--runs') ?? (quick ? 1 : 3)),
    sizes: (value('--sizes') ?? (quick ? '2000' : '10000,100000,1000000')).split(',').map(Number),
    out: value('--out') ?? (quick ? join(tmpdir(), 'aos-bench-quick.md') : join(ROOT, 'BENCHMARKS.md')),
    importOnly: value('--only') === 'import',
    coldOnly: value('--only') === 'cold',
    coprocessOnly: value('--only') === 'coprocess',
    libraryOnly: value('--only') === 'library',
    libraryEntries: value('--library-entries') !== undefined ? Number(value('--library-entries')) : undefined,
    syncOnly: value('--only') === 'sync',
    syncCustomers: value('--sync-customers') ? Number(value('--sync-customers')) : undefined,
    log: (line) => console.error(line),
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  runBenchmarks(parseArgs(process.argv.slice(2))).catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
