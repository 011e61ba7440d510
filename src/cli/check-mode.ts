// `aos check`'s flags: which way a call takes (targets as arguments, or a leads file or stdin),
// refused before anything is opened when the flags do not fit together; and what a check found,
// as the outcome main.ts turns into the exit code.
import { statSync } from 'node:fs';
import { AosError } from '../errors.js';
import type { CheckOutcome } from '../services/suppression-service.js';
import type { Outcome } from './context.js';
import { openInput, refuseOutputOnStdout, refuseOverwritingInput, type InputSource } from './inputs.js';
import type { Output } from './output.js';

export interface CheckFlags {
  file?: string | undefined;
  column?: string | undefined;
  filter?: true | undefined;
  rejected?: string | undefined;
  json?: true | undefined;
  explain?: true | undefined;
}

/**
 * The leads file or stdin (`-`) to check, opened before the database so a wrong path is a usage
 * error (exit 2); null when the targets are the arguments.
 */
export function leadsInput(targets: readonly string[], opts: CheckFlags, out: Output, signal: AbortSignal): InputSource | null {
  if (opts.rejected && !opts.filter) throw new AosError('usage', '--rejected needs --filter');
  if (opts.filter && opts.json) throw new AosError('usage', '--filter writes the input rows; it cannot be combined with --json');
  const fromStdin = targets.length === 1 && targets[0] === '-';
  if (opts.file && targets.length > 0) throw new AosError('usage', 'give targets as arguments or with --file, not both');
  if (!opts.file && targets.length === 0) throw new AosError('usage', 'no targets given', 'pass domains, URLs or emails, "-" for stdin, or --file PATH');
  if (!opts.file && !fromStdin && (opts.filter || opts.column)) throw new AosError('usage', '--filter and --column work on --file or "-" input');
  if (opts.filter && out.quiet) throw new AosError('usage', '--filter writes the allowed rows to stdout; -q prints nothing', 'drop -q, or drop --filter and use the exit code');
  if (!opts.file && !fromStdin) return null;
  const input = openInput(opts.file ?? '-', signal);
  // Writing the leads file while reading it would destroy it (and the shell has already
  // truncated it for `> leads.csv`): refused before anything is opened for writing.
  if (opts.rejected) {
    refuseOverwritingInput(opts.rejected, '--rejected', input);
    refuseOutputOnStdout(opts.rejected, '--rejected');
  }
  refuseOverwritingInput(1, 'stdout', input);
  if (opts.explain) throw new AosError('usage', '--explain works on targets given as arguments', 'check the file first, then explain the targets you want to understand');
  return input;
}

/** `aos check leads.csv` reads the name as a domain (".csv" is no public suffix): point at --file. */
export function hintFileArgument(targets: readonly string[], outcomes: readonly CheckOutcome[], out: Output): void {
  const file = targets.find((t, i) => 'error' in (outcomes[i] ?? {}) && isFile(t));
  if (file !== undefined) out.hint(`${file} is a file: to check the targets in it, use --file ${file}`);
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Any invalid target is exit 2, else any suppressed one 1 (SPEC §1). */
export function verdictOutcome(outcomes: readonly CheckOutcome[]): Outcome {
  return outcomes.some((o) => 'error' in o) ? 'invalid' : outcomes.some((o) => 'suppressed' in o && o.suppressed) ? 'suppressed' : 'ok';
}

/** A bulk check's outcome; --filter has sorted the suppressed rows out, which is its success. */
export function leadsOutcome(found: { invalid: number; suppressed: number }, filtered: boolean): Outcome {
  return found.invalid > 0 ? 'invalid' : found.suppressed > 0 && !filtered ? 'suppressed' : 'ok';
}
