// What several commands share, written once: flags, help text, and how a command gets its service.
import { Option, type Command, type OptionValues } from '@commander-js/extra-typings';
import type { ListingCsvOptions } from '../csv/listing-csv.js';
import { BOM_HELP } from '../csv/people-csv.js';
import type { ServiceClass } from '../services/service-base.js';
import { AosError } from '../errors.js';
import type { CliContext, ContextProvider, Renderer } from './context.js';
import type { ListedReply } from './reply.js';

/** `-c, --client`, required. */
export const clientOption = () => new Option('-c, --client <client>', 'client slug or id').makeOptionMandatory();

/** `--json`; a listing says how it prints (NDJSON, one item a line). */
export const jsonOption = (description = 'machine-readable output') => new Option('--json', description);

/** A command's help epilogue: its examples, one shell line each. */
export const examples = (...lines: string[]) => `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}`;

/** `--json` (NDJSON: `jsonHelp`), `--csv` and `--bom`: how a listing command prints. */
export function withListingOptions<Args extends unknown[], Opts extends OptionValues>(command: Command<Args, Opts>, jsonHelp: string) {
  return command.addOption(jsonOption(jsonHelp)).option('--csv', 'CSV (spreadsheet formulas neutralized)').option('--bom', BOM_HELP);
}

/** A listing as its flags ask (see listingFormat): NDJSON, a CSV of `csv.columns`, or the renderer's text. */
export function listing<T extends Partial<Record<C, unknown>>, C extends string>(
  c: CliContext,
  items: Iterable<T> | AsyncIterable<T>,
  opts: { json?: true | undefined; csv?: true | undefined; bom?: true | undefined },
  render: Renderer<T[]>,
  csv: Omit<ListingCsvOptions<T, C>, 'bom'>,
): ListedReply {
  return c.list(items, render, opts.json, undefined, opts.csv ? { ...csv, bom: Boolean(opts.bom) } : undefined);
}

/** A listing's output, from `--json`, `--csv` and `--bom` (which goes with --csv only). */
export function listingFormat(opts: { json?: true | undefined; csv?: true | undefined; bom?: true | undefined }): 'json' | 'csv' | 'text' {
  if (opts.json && opts.csv) throw new AosError('usage', 'choose --json or --csv, not both');
  if (opts.bom && !opts.csv) throw new AosError('usage', '--bom goes with --csv');
  return opts.json ? 'json' : opts.csv ? 'csv' : 'text';
}

/** The context, and a service built by it (CliContext.service: `load` imports the service's class). */
export async function contextService<S, Own extends object = object>(ctx: ContextProvider, load: () => Promise<ServiceClass<S, Own>>, own?: Own): Promise<{ c: CliContext; service: S }> {
  const c = ctx();
  return { c, service: await c.service(load, own) };
}
