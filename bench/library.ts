// The library check at the platform's rate (issue 24): a warm SuppressionService asked one target at
// a time, against its floor measured in the same run — one bare point-lookup statement on the same
// connection, and, for 16 concurrent callers, the same bare statements on 16 connections.
// The two sides alternate in short rounds so that the load other work puts on the machine falls
// on both alike.
import postgres from 'postgres';
// Migrated by `aos db migrate` beforehand: opened with migrations 'skip' (dist-bench has no drizzle/).
import { openDatabase } from '../src/db/open.js';
import type { Database } from '../src/db/database.js';
import { coveringDomains, parseTarget } from '../src/domain/targets.js';
import { SuppressionService } from '../src/services/suppression-service.js';

export interface LibraryFigures {
  entries: number;
  /** Per-call latencies, ms. */
  single: number[];
  bare: number[];
  /** Checks (statements) per second of each round. */
  concurrent: number[];
  concurrentBare: number[];
  callers: number;
}

/** Leads as the validator sees them: domains, URLs and emails, a quarter on suppressed domains. */
function leads(count: number, entries: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const n = (i * 7919) % (entries * 4);
    const tld = ['com', 'com.au', 'co.uk', 'io', 'co.nz'][n % 5] as string;
    out.push(i % 3 === 0 ? `company${n}.${tld}` : i % 3 === 1 ? `https://www.company${n}.${tld}/pricing` : `lead${i}@company${n}.${tld}`);
  }
  return out;
}

// The floor: the one statement a check cannot do without, with the lead's covering domains and
// email worked out beforehand, the client's id known, and nothing done with the rows.
const BARE = `select domain, email, reason, expires_at from suppression_list
  where client_id = $1::uuid and (domain = any($2::text[]) or email = any($3::text[]))`;

function bareParams(clientId: string, lead: string): unknown[] {
  const parsed = parseTarget(lead);
  if (!parsed.ok) throw new Error(`bench lead ${lead} is invalid`);
  return [clientId, coveringDomains(parsed.target), parsed.target.kind === 'email' ? [parsed.target.value] : []];
}

const ms = (started: number) => performance.now() - started;

async function timedRounds(rounds: number, perRound: number, library: (i: number) => Promise<unknown>, bare: (i: number) => Promise<unknown>, f: LibraryFigures): Promise<void> {
  let i = 0;
  for (let r = 0; r < rounds; r++) {
    const start = i;
    for (let k = 0; k < perRound; k++, i++) {
      const t = performance.now();
      await library(i);
      f.single.push(ms(t));
    }
    i = start;
    for (let k = 0; k < perRound; k++, i++) {
      const t = performance.now();
      await bare(i);
      f.bare.push(ms(t));
    }
  }
}

/** Callers each asking in a loop for `seconds`: how many answers per second in all. */
async function throughput(callers: Array<(i: number) => Promise<unknown>>, seconds: number): Promise<number> {
  const until = performance.now() + seconds * 1000;
  let done = 0;
  await Promise.all(
    callers.map(async (call, c) => {
      for (let i = c * 100_000; performance.now() < until; i++) {
        await call(i);
        done++;
      }
    }),
  );
  return done / seconds;
}

export async function benchLibrary(url: string, opts: { entries: number; quick: boolean; log: (line: string) => void }): Promise<LibraryFigures> {
  const f: LibraryFigures = { entries: opts.entries, single: [], bare: [], concurrent: [], concurrentBare: [], callers: 16 };
  const targets = leads(50_000, opts.entries);
  const db = await openDatabase({ url, migrations: 'skip' });
  const opened: Database[] = [];
  const bareClients: postgres.Sql[] = [];
  try {
    const service = new SuppressionService({ db });
    const [client] = await db.query<{ id: string }>(`select id from clients where slug = 'bench'`);
    const clientId = (client as { id: string }).id;
    const params = targets.map((t) => bareParams(clientId, t));
    const lead = (i: number) => targets[i % targets.length] as string;
    const library = (s: SuppressionService) => (i: number) => s.checkMany('bench', [lead(i)]);
    // The bare statement on the service's own connection, prepared there too.
    const bareOn = (d: Database) => (i: number) => d.queryPrepared(BARE, params[i % params.length] as unknown[]);

    // Warm-up: the statements prepared, the plans generic, the pages cached.
    await timedRounds(1, 200, library(service), bareOn(db), { ...f, single: [], bare: [] });
    const rounds = opts.quick ? 2 : 20;
    await timedRounds(rounds, opts.quick ? 100 : 500, library(service), bareOn(db), f);
    opts.log(`  library single check: ${f.single.length} each, interleaved in ${rounds} rounds`);

    // 16 callers the validator's way: 16 workers, each with its own warm service and connection.
    for (let c = 0; c < f.callers; c++) opened.push(await openDatabase({ url, migrations: 'skip' }));
    for (let c = 0; c < f.callers; c++) bareClients.push(postgres(url, { max: 1, onnotice: () => {} }));
    const services = opened.map((d) => library(new SuppressionService({ db: d })));
    const bares = bareClients.map((sql) => (i: number) => sql.unsafe(BARE, params[i % params.length] as never[], { prepare: true }));
    await throughput(services, 0.5);
    await throughput(bares, 0.5);
    const seconds = opts.quick ? 0.5 : 3;
    for (let r = 0; r < (opts.quick ? 1 : 5); r++) {
      f.concurrent.push(await throughput(services, seconds));
      f.concurrentBare.push(await throughput(bares, seconds));
      opts.log(`  16 callers round ${r + 1}: library ${Math.round(f.concurrent.at(-1) as number)}/s, bare ${Math.round(f.concurrentBare.at(-1) as number)}/s`);
    }
  } finally {
    await db.close();
    for (const d of opened) await d.close();
    for (const sql of bareClients) await sql.end({ timeout: 5 });
  }
  return f;
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[Math.min(s.length - 1, Math.floor(q * s.length))] as number) : Number.NaN;
};
const median = (xs: number[]) => quantile(xs, 0.5);
const fmt = (x: number, digits = 2) => (Number.isNaN(x) ? '–' : x.toFixed(digits));

/** The report's section: the figures, their floors and ratios against the goals. */
export function librarySection(f: LibraryFigures, command: string): string[] {
  const p50 = median(f.single);
  const bare50 = median(f.bare);
  const lib = median(f.concurrent);
  const bare = median(f.concurrentBare);
  // Each library round ran next to its bare round: their ratio is the steadier figure on a loaded machine.
  const paired = median(f.concurrent.map((x, i) => x / (f.concurrentBare[i] as number)));
  return [
    '## Library check (the validator\'s call)',
    '',
    `A warm \`SuppressionService.checkMany(client, [one lead])\` on the server, its client holding ${f.entries.toLocaleString('en')} entries, one lead at a time`,
    `(domains, URLs, emails; a quarter suppressed), against one bare point-lookup statement of the same lead (\`suppression_list\` by client id and`,
    `its covering domains/email, worked out beforehand) prepared on the same connection. The two alternate in rounds (the machine is shared: load falls on both).`,
    `16 callers: 16 workers, each with its own warm service and connection (the validator's shape), against 16 connections running the bare statement;`,
    `answers per second, median of the rounds; the ratio is the median of each round's ratio to the bare round beside it. Command: \`${command}\`.`,
    '',
    '| what | library | bare statement | ratio | goal |',
    '| --- | ---: | ---: | ---: | --- |',
    `| single check p50 | ${fmt(p50, 3)} ms | ${fmt(bare50, 3)} ms | ${fmt(p50 / bare50)}× | ≤ 2× |`,
    `| single check p99 | ${fmt(quantile(f.single, 0.99), 3)} ms | ${fmt(quantile(f.bare, 0.99), 3)} ms | ${fmt(quantile(f.single, 0.99) / quantile(f.bare, 0.99))}× | – |`,
    `| ${f.callers} concurrent callers | ${Math.round(lib).toLocaleString('en')} checks/s | ${Math.round(bare).toLocaleString('en')} statements/s | ${fmt(paired)}× | ≥ 0.6× |`,
    '',
  ];
}
