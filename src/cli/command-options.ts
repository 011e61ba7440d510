// The flags and help text several commands share, declared once.
import { Option } from '@commander-js/extra-typings';
import { AosError } from '../errors.js';

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
