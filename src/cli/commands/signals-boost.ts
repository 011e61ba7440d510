// `aos signals boost`: beside the other signals subcommands (kept in its own file).
import type { Command } from '@commander-js/extra-typings';
import { BOM_HELP } from '../../csv/people-csv.js';
import { AosError } from '../../errors.js';
import { examples, jsonOption } from '../command-options.js';
import { openInput, targetsFile } from '../inputs.js';
import { renderBoosts } from '../renderers/signals.js';
import type { BuyerSignalService } from '../../services/buyer-signal-service.js';
import type { CliContext } from '../context.js';

/** `service`: the context and the signals (with the deployment's k), as the other signals subcommands get them. */
export function registerBoostCommand(signals: Command, service: () => Promise<{ c: CliContext; signals: BuyerSignalService }>): void {
  signals
    .command('boost')
    .description('lead-score boost (0-15) per target; for a leads CSV, the same CSV with buyer_score and buyer_boost appended')
    .argument('[targets...]', 'domains, URLs or emails')
    .option('--file <path>', 'leads CSV (or - for stdin)')
    .option('--column <name>', 'column holding the domain, URL or email (default: the first that holds them)')
    .option('--encoding <name>', 'with --file: its encoding (default: detected; e.g. windows-1252, macintosh)')
    .addOption(jsonOption('NDJSON for targets given as arguments'))
    .option('--bom', BOM_HELP)
    .addHelpText('after', examples('aos signals boost buildright.com.au', 'aos signals boost --file leads.csv --column Website > scored-leads.csv'))
    .action(async (targets, opts) => {
      const { c, signals: s } = await service();
      const file = targetsFile(targets, opts.file, 'pass domains, URLs or emails, or --file leads.csv');
      if (file === undefined && opts.encoding !== undefined) throw new AosError('usage', '--encoding goes with --file', 'targets given as arguments are read as your shell gives them');
      if (file !== undefined) {
        // A leads CSV: the CSV itself is the output, scored row by row.
        const { boostLeadsCsv } = await import('../../services/signal-export.js');
        const input = openInput(file, c.signal);
        await boostLeadsCsv(s, input.stream, c.output.stdoutStream, { name: input.name, column: opts.column, encoding: opts.encoding, bom: Boolean(opts.bom), signal: c.signal });
        return c.ended('ok');
      }
      const { boostTargets, invalidTargetsError } = await import('../../services/signal-lookup.js');
      const boosts = await boostTargets(s, targets);
      return c.list(boosts, renderBoosts, opts.json, invalidTargetsError(boosts));
    });
}
