// `aos check --file F` and `aos check -`, the CLI's side: the leads read (in a worker thread for a
// big file), LeadCheck's answers printed a batch at a time (or with --filter sorted into stdout
// and --rejected), the tally on stderr, and an interruption told as how far it got.
import { AosError } from '../errors.js';
import { checkedLeads, LeadCheck, type LeadCheckTally } from '../services/lead-check.js';
import type { SuppressionService } from '../services/suppression-service.js';
import type { CliContext } from './context.js';
import { openOutputFile, type InputSource } from './inputs.js';
import { describeColumns, leadLines, renderLeadTally } from './renderers/lead-check.js';
import { openLeadRows } from './workers/target-rows.js';

export interface LeadsFlags {
  client: string;
  column?: string | undefined;
  encoding?: string | undefined;
  sheet?: string | undefined;
  filter?: true | undefined;
  rejected?: string | undefined;
  json?: true | undefined;
  bom: boolean;
}

export async function checkLeads(c: CliContext, suppression: SuppressionService, input: InputSource, opts: LeadsFlags): Promise<LeadCheckTally> {
  const out = c.output;
  const { rejected } = opts;
  const check = new LeadCheck(suppression, {
    client: opts.client,
    signal: c.signal,
    output: out.stdoutStream,
    filter: opts.filter,
    rejected: rejected !== undefined ? { open: () => openOutputFile(rejected, '--rejected'), bom: opts.bom } : undefined,
    // -q: the exit code is the answer.
    report: out.quiet ? undefined : leadLines(out, Boolean(opts.json)),
  });
  const open = async () => {
    const source = await openLeadRows(input, { name: input.name, column: opts.column, keepRaw: Boolean(opts.filter), encoding: opts.encoding, sheet: opts.sheet }, rejected !== undefined);
    const columns = describeColumns(source);
    if (columns) out.info(columns);
    return source;
  };
  try {
    renderLeadTally(await check.run(open), out);
  } catch (e) {
    // A check writes nothing: what an interrupted one leaves is its output so far.
    if (c.signal.aborted) {
      throw new AosError('interrupted', `check interrupted after ${checkedLeads(check.tally)} target(s): the lines printed so far are complete, the rest were not checked`);
    }
    throw e;
  }
  return check.tally;
}
