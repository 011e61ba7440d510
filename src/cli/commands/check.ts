import type { Command } from '@commander-js/extra-typings';
import { once } from 'node:events';
import type { CheckOutcome, SuppressionService } from '../../services/suppression-service.js';
import { AosError } from '../../errors.js';
import { withoutControls } from '../../domain/printable.js';
import { openInput, openOutputFile, type InputSource } from '../inputs.js';
import type { ContextProvider } from '../main.js';
import type { Output } from '../output.js';

function describeOutcome(o: CheckOutcome, out: Output): string {
  if ('error' in o) return `${out.c.yellow('invalid   ')}  ${o.input === '' ? '(empty)' : withoutControls(o.input)}: ${o.error}`;
  if (!o.suppressed) return `${out.c.green('allowed   ')}  ${o.target}`;
  const expiry = o.expires_at ? `, until ${o.expires_at}` : '';
  return `${out.c.red('suppressed')}  ${o.target}  ${o.reason} (entry ${o.match}${expiry})`;
}

interface Tally {
  allowed: number;
  suppressed: number;
  invalid: number;
}

function checked(tally: Tally): number {
  return tally.allowed + tally.suppressed + tally.invalid;
}

function count(tally: Tally, o: CheckOutcome): void {
  if ('error' in o) tally.invalid++;
  else if (o.suppressed) tally.suppressed++;
  else tally.allowed++;
}

/**
 * A file or stdin, streamed: one line of output per target (NDJSON or text), or with --filter the
 * allowed input rows byte for byte and the others to --rejected with a reason column.
 */
async function checkInput(
  input: InputSource,
  service: SuppressionService,
  opts: { client: string; column?: string | undefined; encoding?: string | undefined; filter?: true | undefined; rejected?: string | undefined; json?: true | undefined },
  signal: AbortSignal,
  out: Output,
  tally: Tally,
): Promise<void> {
  const { openTargetRows } = await import('../workers/target-rows.js');
  const source = await openTargetRows(input, { name: input.name, column: opts.column, keepRaw: Boolean(opts.filter), encoding: opts.encoding, preferEmail: true }, Boolean(opts.rejected));
  try {
    if (source.header && source.otherColumns.length > 0) {
      const name = (i: number) => `"${withoutControls(source.header?.fields[i]?.trim() ?? String(i + 1))}"`;
      out.info(`checking column ${name(source.column)} and, where it is allowed or empty, ${source.otherColumns.map(name).join(', ')} (--column to check one column)`);
    }
    const stdout = out.stdoutStream;
    const write = async (data: string | Buffer) => {
      if (!stdout.write(data)) await once(stdout, 'drain');
    };
    let rejected: import('csv-stringify').Stringifier | undefined;
    let rejectedDone: Promise<unknown> | undefined;
    if (opts.rejected) {
      const { stringify } = await import('csv-stringify');
      rejected = stringify({ delimiter: source.delimiter });
      const file = openOutputFile(opts.rejected, '--rejected');
      rejected.pipe(file);
      rejectedDone = once(file, 'close');
      if (source.header) rejected.write([...source.header.fields, 'reason']);
    }
    if (opts.filter && source.header?.raw) await write(source.header.raw);
    // Resolve the client before reading stdin, so a typo fails at once.
    await service.resolveClient(opts.client);
    for await (const { rows, outcomes } of service.checkStream(opts.client, source.rows, { signal, large: source.large })) {
      const chunks: Array<string | Buffer> = [];
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i] as (typeof rows)[number];
        const outcome = outcomes[i] as CheckOutcome;
        count(tally, outcome);
        const isInvalid = 'error' in outcome;
        if (opts.filter) {
          if (!isInvalid && !outcome.suppressed) chunks.push(row.raw ?? Buffer.alloc(0));
          else rejected?.write([...row.fields, isInvalid ? `invalid: ${outcome.error}` : `${outcome.reason} (${outcome.match})`]);
        } else if (opts.json) {
          chunks.push(`${JSON.stringify(outcome)}\n`);
        } else {
          chunks.push(`${describeOutcome(outcome, out)}\n`);
        }
      }
      // Each batch goes out as one write: a million lines must not mean a million syscalls.
      if (chunks.length > 0) await write(opts.filter ? Buffer.concat(chunks as Buffer[]) : chunks.join(''));
    }
    if (rejected) {
      rejected.end();
      await rejectedDone;
    }
  } finally {
    await source.close();
  }
}

export function registerCheckCommand(program: Command<[], Record<string, unknown>>, ctx: ContextProvider): void {
  program
    .command('check')
    .description('is a domain, URL or email suppressed for a client? (exit 0 allowed, 1 suppressed, 2 invalid, 3 error)')
    .argument('[targets...]', 'domains, URLs or emails; "-" reads one a line (or a CSV) from stdin')
    .requiredOption('-c, --client <client>', 'client slug or id')
    .option('--file <path>', 'read targets from a file: one a line, or a CSV column')
    .option('--column <name>', 'CSV column holding the targets (default: the first that holds emails, else domains)')
    .option('--filter', 'write only the allowed input lines (CSV: header and allowed rows, unchanged) to stdout')
    .option('--rejected <path>', 'with --filter: write the other rows there, with a reason column')
    .option('--encoding <name>', 'input encoding (default: detected)')
    .option('--json', 'one JSON object per target (NDJSON)')
    .option('--explain', 'say why: the matching entry, how it covers, its source and history; nearby entries when allowed')
    .addHelpText(
      'after',
      `
Examples:
  $ aos check sarah@buildright.com.au --client acme
  $ aos check https://shop.bigcorp.com/pricing bigcorp.co.uk --client acme --json
  $ cut -d, -f3 leads.csv | aos check - --client acme --json > verdicts.ndjson
  $ aos check --file leads.csv --column Website --client acme --filter --rejected blocked.csv > safe.csv
  $ if aos check "$EMAIL" --client acme -q; then send_mail "$EMAIL"; fi
  $ aos check jane@bigcorp.com --client acme --explain

Exit codes: 0 every target allowed · 1 any suppressed · 2 any invalid or bad usage · 3 database error.
With --filter: 0 unless an error happens (invalid rows go to --rejected, never to stdout).`,
    )
    .action(async (targets, opts) => {
      const c = ctx();
      const out = c.output;
      if (opts.rejected && !opts.filter) throw new AosError('usage', '--rejected needs --filter');
      if (opts.filter && opts.json) throw new AosError('usage', '--filter writes the input rows; it cannot be combined with --json');
      const fromStdin = targets.length === 1 && targets[0] === '-';
      if (opts.file && targets.length > 0) throw new AosError('usage', 'give targets as arguments or with --file, not both');
      if (!opts.file && targets.length === 0) throw new AosError('usage', 'no targets given', 'pass domains, URLs or emails, "-" for stdin, or --file PATH');
      if (!opts.file && !fromStdin && (opts.filter || opts.column)) throw new AosError('usage', '--filter and --column work on --file or "-" input');

      // The input is opened before the database, so a wrong path is a usage error (exit 2).
      const input = opts.file || fromStdin ? openInput(opts.file ?? '-', c.signal) : undefined;
      // Connecting waits on the network while the service module loads: do both at once.
      const [{ SuppressionService }, db] = await Promise.all([import('../../services/suppression-service.js'), c.database()]);
      const service = new SuppressionService({ db, actor: c.actor });
      const tally = { allowed: 0, suppressed: 0, invalid: 0 };
      if (opts.explain && input) throw new AosError('usage', '--explain works on targets given as arguments', 'check the file first, then explain the targets you want to understand');
      if (opts.explain) {
        const { explainTargets } = await import('./check-explain.js');
        for (const o of await explainTargets(db, out, opts.client, targets, Boolean(opts.json))) count(tally, o);
      } else if (!input) {
        for (const o of await service.checkMany(opts.client, targets)) {
          count(tally, o);
          if (opts.json) out.json(o);
          else out.line(describeOutcome(o, out));
        }
      } else {
        try {
          await checkInput(input, service, opts, c.signal, out, tally);
        } catch (e) {
          // A check writes nothing: what an interrupted one leaves is its output so far.
          if (c.signal.aborted) {
            throw new AosError('interrupted', `check interrupted after ${checked(tally)} target(s): the lines printed so far are complete, the rest were not checked`);
          }
          throw e;
        }
        out.info(`checked ${checked(tally)}: ${tally.allowed} allowed, ${tally.suppressed} suppressed, ${tally.invalid} invalid`);
        if (opts.filter) return;
      }
      process.exitCode = tally.invalid > 0 ? 2 : tally.suppressed > 0 ? 1 : 0;
    });
}
