import type { Command } from '@commander-js/extra-typings';
import { BOM_HELP } from '../../csv/people-csv.js';
import { examples, jsonOption, listing, listingFormat } from '../command-options.js';
import type { ContextProvider } from '../context.js';
import { ENTRY_CSV_COLUMNS, entryCsvCell, renderEntries, renderHistory } from '../renderers/suppress.js';
import { allClientsOption, listScope, scopeClientOption, suppressionLists } from '../suppress-options.js';

export function registerSuppressListCommands(suppress: Command<[], Record<string, unknown>>, ctx: ContextProvider): void {
  suppress
    .command('list')
    .description("list a client's suppression entries (or the agency-wide list)")
    .addOption(scopeClientOption())
    .addOption(allClientsOption('list the agency-wide entries'))
    .option('-r, --reason <reason>', 'only this reason')
    .option('--all', 'include expired entries')
    .addOption(jsonOption('NDJSON, one entry a line'))
    .option('--csv', 'CSV (spreadsheet formulas neutralized)')
    .option('--bom', BOM_HELP)
    .addHelpText('after', examples('aos suppress list --client acme', 'aos suppress list --client acme --reason unsubscribed --csv > optouts.csv', 'aos suppress list --all-clients'))
    .action(async (opts) => {
      const c = ctx();
      listingFormat(opts);
      const scope = listScope(opts);
      const entries = (await suppressionLists(c)).list({ scope, reason: opts.reason, includeExpired: Boolean(opts.all) });
      return listing(c, entries, opts, renderEntries, { columns: ENTRY_CSV_COLUMNS, cell: entryCsvCell });
    });

  suppress
    .command('history')
    .description('the audit trail of suppression changes')
    .argument('[target]', 'only this domain or email')
    .addOption(scopeClientOption())
    .addOption(allClientsOption("the agency-wide list's trail"))
    .addOption(jsonOption('NDJSON, one event a line'))
    .addHelpText('after', examples('aos suppress history --client acme', 'aos suppress history jane@bigcorp.com --client acme --json', 'aos suppress history --all-clients'))
    .action(async (target, opts) => {
      const c = ctx();
      const scope = listScope(opts);
      return c.list(await (await suppressionLists(c)).history({ scope, target }), renderHistory, opts.json);
    });
}
