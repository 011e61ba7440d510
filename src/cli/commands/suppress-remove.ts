import type { Command } from '@commander-js/extra-typings';
import { examples, jsonOption } from '../command-options.js';
import type { ContextProvider } from '../context.js';
import { renderRemoved } from '../renderers/suppress.js';
import { allClientsOption, columnOption, fileEncodingOption, listScope, scopeClientOption, suppressionLists, targetSource } from '../suppress-options.js';

export function registerSuppressRemoveCommand(suppress: Command<[], Record<string, unknown>>, ctx: ContextProvider): void {
  suppress
    .command('remove')
    .description('remove suppression entries (legal opt-outs need --force)')
    .argument('[targets...]', 'domains, URLs or emails')
    .addOption(scopeClientOption())
    .addOption(allClientsOption('remove from the agency-wide list'))
    .option('--file <path>', 'read targets from a file')
    .addOption(columnOption())
    .addOption(fileEncodingOption())
    .option('--note <text>', 'why, for the audit trail')
    .option('--force', 'also remove opt-outs: unsubscribed, do_not_contact and bounced entries')
    .addOption(jsonOption())
    .addHelpText('after', examples('aos suppress remove rival-agency.com --client acme', 'aos suppress remove jane@bigcorp.com --client acme --force --note "opt-out withdrawn by email, ticket 4211"'))
    .action(async (args, opts) => {
      const c = ctx();
      const scope = listScope(opts);
      const result = await (await suppressionLists(c)).remove({ scope, targets: targetSource(args, opts, c.signal), force: opts.force, note: opts.note });
      return c.show(result, renderRemoved(opts.file !== undefined), opts.json);
    });
}
