// The flags the suppress subcommands share: which list (--client C or --all-clients), and the
// targets (arguments, or --file with --column).
import { Option } from '@commander-js/extra-typings';
import { AosError } from '../errors.js';
import type { ListScope, SuppressionLists, TargetSource } from '../services/suppression-lists.js';
import type { CliContext } from './context.js';
import { openInput } from './inputs.js';

/** `--client`, optional here: `--all-clients` is the other choice. */
export const scopeClientOption = () => new Option('-c, --client <client>', 'client slug or id');
export const allClientsOption = (description: string) => new Option('--all-clients', description);
export const columnOption = () => new Option('--column <name>', 'CSV column holding the targets (needed when several columns hold emails or domains)');
/** `--encoding` for a --file whose encoding is not read off its bytes (a CRM's Windows-1252 or Mac Roman export). */
export const fileEncodingOption = () => new Option('--encoding <name>', 'with --file: its encoding (default: detected; e.g. windows-1252, macintosh)');

/** --client or --all-clients, exactly one. */
export function listScope(opts: { client?: string | undefined; allClients?: true | undefined }): ListScope {
  if (opts.allClients && opts.client) throw new AosError('usage', 'give --client C or --all-clients, not both');
  if (opts.allClients) return { allClients: true };
  if (!opts.client) throw new AosError('usage', "required option '-c, --client <client>' not specified", 'or --all-clients for the agency-wide list');
  return { client: opts.client };
}

/** The arguments, or the --file (opened now: a wrong path is a usage error before any work). */
export function targetSource(args: readonly string[], opts: { file?: string | undefined; column?: string | undefined; encoding?: string | undefined }, signal: AbortSignal): TargetSource {
  if (opts.file && args.length > 0) throw new AosError('usage', 'give targets as arguments or with --file, not both');
  if (!opts.file) {
    if (opts.encoding !== undefined) throw new AosError('usage', '--encoding goes with --file', 'targets given as arguments are read as your shell gives them');
    return { values: args.map((value) => ({ value })) };
  }
  const input = openInput(opts.file, signal);
  return { file: { stream: input.stream, name: input.name, column: opts.column, encoding: opts.encoding } };
}

/** The service every suppress subcommand calls, its module loaded while the database opens. */
export function suppressionLists(c: CliContext): Promise<SuppressionLists> {
  return c.service(async () => (await import('../services/suppression-lists.js')).SuppressionLists);
}
