import type { Command } from '@commander-js/extra-typings';
import { once } from 'node:events';
import { statSync } from 'node:fs';
import type { CheckOutcome, SuppressionService } from '../../services/suppression-service.js';
import type { LeadRow, LeadRows } from '../../csv/target-rows.js';
import { AosError } from '../../errors.js';
import { printable, withoutControls } from '../../domain/printable.js';
import { displayTarget, targetAsTyped } from '../../domain/display.js';
import { openInput, openOutputFile, refuseOverwritingInput, type InputSource } from '../inputs.js';
import { NO_BOM_HELP } from '../../csv/people-csv.js';
import type { ContextProvider } from '../context.js';
import type { Output } from '../output.js';

function describeOutcome(o: CheckOutcome, out: Output, row?: LeadRow): string {
  if ('error' in o) {
    // A row with no target names no cell: show what it holds instead ("Grand Totals (2 records)"
    // in a Salesforce footer), from its loosely read cells, which both reading paths carry.
    const shown = o.input !== '' ? withoutControls(o.input) : row?.loose?.length ? printable(row.loose.join(' | '), 60) : '(empty)';
    return `${out.c.yellow('invalid   ')}  ${shown}: ${o.error}`;
  }
  const target = withoutControls(targetAsTyped(o.target, o.input));
  if (!o.suppressed) return `${out.c.green('allowed   ')}  ${target}`;
  const expiry = o.expires_at ? `, until ${o.expires_at}` : '';
  return `${out.c.red('suppressed')}  ${target}  ${o.reason} (entry ${displayTarget(o.match ?? '')}${expiry})`;
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

/** Which columns are read, for stderr: a user must be able to see what was (not) checked. */
function describeColumns(source: LeadRows): string | null {
  if (!source.header || source.layout.list) return null;
  const name = (i: number) => {
    const text = withoutControls(source.header?.fields[i]?.trim() ?? '');
    return text === '' ? `column ${i + 1}` : `"${text}"`;
  };
  const roles = source.layout.roles;
  const targets = roles.flatMap((r, i) => (r === 'target' ? [name(i)] : []));
  const loose = roles.filter((r) => r === 'loose').length;
  if (targets.length <= 1 && loose === 0) return null;
  // Every other column is read loosely (a whole email or domain in it counts): say so once, not
  // by listing an Apollo export's twenty columns.
  return `checking ${targets.length === 1 ? 'column' : 'columns'} ${targets.join(', ')}${loose > 0 ? ' and any whole email or domain in the other columns' : ''} (--column to check one column)`;
}

/**
 * A file or stdin, streamed: one line of output per lead (NDJSON with its line, or text), or with
 * --filter the allowed input rows byte for byte and the others to --rejected with a reason column.
 */
async function checkInput(
  input: InputSource,
  service: SuppressionService,
  opts: { client: string; column?: string | undefined; encoding?: string | undefined; filter?: true | undefined; rejected?: string | undefined; json?: true | undefined; bom: boolean },
  signal: AbortSignal,
  out: Output,
  tally: Tally,
): Promise<void> {
  // Resolve the client before reading the input (the sample waits for 50 rows of stdin), so a
  // typo fails at once.
  await service.resolveClient(opts.client);
  const { openLeadRows } = await import('../workers/target-rows.js');
  const source = await openLeadRows(input, { name: input.name, column: opts.column, keepRaw: Boolean(opts.filter), encoding: opts.encoding }, Boolean(opts.rejected));
  try {
    const columns = describeColumns(source);
    if (columns) out.info(columns);
    const stdout = out.stdoutStream;
    const write = async (data: string | Uint8Array) => {
      if (!stdout.write(data)) await once(stdout, 'drain');
    };
    let rejected: import('csv-stringify').Stringifier | undefined;
    let rejectedDone: Promise<unknown> | undefined;
    if (opts.rejected) {
      const { peopleCsv } = await import('../../csv/people-csv.js');
      const file = openOutputFile(opts.rejected, '--rejected');
      rejectedDone = once(file, 'close');
      rejected = await peopleCsv(file, { delimiter: source.delimiter, bom: opts.bom });
      if (source.header) rejected.write([...source.header.fields, 'reason']);
    }
    // What is no lead passes through as it came: the BOM, Excel's sep= line, the header.
    if (opts.filter) await write(Buffer.concat([source.preamble, source.header?.raw ?? Buffer.alloc(0)]));
    for await (const { rows, outcomes } of service.checkStream(opts.client, source.rows, { signal, large: source.large })) {
      const chunks: Array<string | Uint8Array> = [];
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i] as LeadRow;
        const outcome = outcomes[i] as CheckOutcome;
        count(tally, outcome);
        const invalid = 'error' in outcome;
        if (opts.filter) {
          if (!invalid && !outcome.suppressed) chunks.push(row.raw ?? Buffer.alloc(0));
          else rejected?.write([...row.fields, invalid ? `invalid: ${outcome.error}` : `${outcome.reason} (${outcome.match})`]);
        } else if (out.quiet) {
          // -q: the exit code is the answer.
        } else if (opts.json) {
          // The §6 object with "line" last. The outcome is this row's own object: set on it, not
          // spread into a copy (or spliced into its JSON), which cost ~15 % of a 1M-row check.
          (outcome as CheckOutcome & { line: number }).line = row.line;
          chunks.push(`${JSON.stringify(outcome)}\n`);
        } else {
          chunks.push(`${invalid ? `line ${row.line}: ` : ''}${describeOutcome(outcome, out, row)}\n`);
        }
      }
      // Each batch goes out as one write: a million lines must not mean a million syscalls.
      if (chunks.length > 0) await write(opts.filter ? Buffer.concat(chunks as Uint8Array[]) : chunks.join(''));
    }
    if (rejected) {
      rejected.end();
      await rejectedDone;
    }
  } finally {
    await source.close();
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

export function registerCheckCommand(program: Command<[], Record<string, unknown>>, ctx: ContextProvider): void {
  program
    .command('check')
    .description('is a domain, URL or email suppressed for a client? (exit 0 allowed, 1 suppressed, 2 invalid, 3 error)')
    .argument('[targets...]', 'domains, URLs or emails; "-" reads a leads file from stdin (one a line, or a CSV)')
    .requiredOption('-c, --client <client>', 'client slug or id')
    .option('--file <path>', 'read leads from a file: one target a line, or a CSV')
    .option('--column <name>', 'check this CSV column only (default: every email, website, domain or URL column)')
    .option('--filter', 'write only the allowed input lines to stdout, byte for byte (BOM, sep= line, header, allowed rows)')
    .option('--rejected <path>', 'with --filter: write the other rows there, with a reason column')
    .option('--no-bom', NO_BOM_HELP)
    .option('--encoding <name>', 'input encoding (default: detected)')
    .option('--json', 'one JSON object per target or row (NDJSON, with "line" in bulk)')
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

A row is allowed only when every target in it was read and none is suppressed: every non-empty
cell of an email/website/domain/URL column is checked, and a line or cell that does not read as
a target makes its row invalid (exit 2, after every row is answered), never skipped.

Exit codes: 0 every target allowed · 1 any suppressed · 2 any invalid or bad usage · 3 database error ·
  70 internal error (a bug in aos) · 130 interrupted · 141 the reader of stdout went away.
With --filter: 0, or 2 when a row was invalid (invalid rows go to --rejected, never to stdout).
-q prints nothing on stdout: the exit code is the answer.`,
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
      if (opts.filter && out.quiet) throw new AosError('usage', '--filter writes the allowed rows to stdout; -q prints nothing', 'drop -q, or drop --filter and use the exit code');

      // The input is opened before the database, so a wrong path is a usage error (exit 2).
      const input = opts.file || fromStdin ? openInput(opts.file ?? '-', c.signal) : undefined;
      // Writing the leads file while reading it would destroy it (and the shell has already
      // truncated it for `> leads.csv`): refused before anything is opened for writing.
      if (input) {
        if (opts.rejected) refuseOverwritingInput(opts.rejected, '--rejected', input);
        refuseOverwritingInput(1, 'stdout', input);
      }
      // Connecting waits on the network while the service module loads: do both at once.
      const [{ SuppressionService }, db] = await Promise.all([import('../../services/suppression-service.js'), c.database()]);
      const service = new SuppressionService({ db, actor: c.actor });
      const tally = { allowed: 0, suppressed: 0, invalid: 0 };
      if (opts.explain && input) throw new AosError('usage', '--explain works on targets given as arguments', 'check the file first, then explain the targets you want to understand');
      if (opts.explain) {
        const { explainTargets } = await import('./check-explain.js');
        for (const o of await explainTargets(db, out, opts.client, targets, Boolean(opts.json))) count(tally, o);
      } else if (!input) {
        const outcomes = await service.checkMany(opts.client, targets);
        for (const o of outcomes) {
          count(tally, o);
          if (out.quiet) continue;
          if (opts.json) out.json(o);
          else out.line(describeOutcome(o, out));
        }
        // `aos check leads.csv` reads the name as a domain (".csv" is no public suffix).
        const file = targets.find((t, i) => 'error' in (outcomes[i] ?? {}) && isFile(t));
        if (file !== undefined) out.hint(`${file} is a file: to check the targets in it, use --file ${file}`);
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
      }
      // --filter has sorted the suppressed rows out, which is its success; an invalid row is not.
      c.outcome = tally.invalid > 0 ? 'invalid' : tally.suppressed > 0 && !opts.filter ? 'suppressed' : 'ok';
    });
}
