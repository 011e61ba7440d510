// What several commands share, written once: flags, help text, and how a command gets its service.
import { Option } from '@commander-js/extra-typings';
import type { Database } from '../db/database.js';
import { AosError } from '../errors.js';
import type { CliContext, ContextProvider } from './context.js';

/** `-c, --client`, required. */
export const clientOption = () => new Option('-c, --client <client>', 'client slug or id').makeOptionMandatory();

/** `--json`; a listing says how it prints (NDJSON, one item a line). */
export const jsonOption = (description = 'machine-readable output') => new Option('--json', description);

/** A command's help epilogue: its examples, one shell line each. */
export const examples = (...lines: string[]) => `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}`;

/** A listing's output, from `--json`, `--csv` and `--bom` (which goes with --csv only). */
export function listingFormat(opts: { json?: true | undefined; csv?: true | undefined; bom?: true | undefined }): 'json' | 'csv' | 'text' {
  if (opts.json && opts.csv) throw new AosError('usage', 'choose --json or --csv, not both');
  if (opts.bom && !opts.csv) throw new AosError('usage', '--bom goes with --csv');
  return opts.json ? 'json' : opts.csv ? 'csv' : 'text';
}

/**
 * The context, and a service over its database acting as its actor. `make` loads the service's
 * module itself (`await import(…)`), so a command loads only the services it uses.
 */
export async function contextService<S>(ctx: ContextProvider, make: (options: { db: Database; actor: string }) => Promise<S>): Promise<{ c: CliContext; service: S }> {
  const c = ctx();
  return { c, service: await make({ db: await c.database(), actor: c.actor }) };
}
