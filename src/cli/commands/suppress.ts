import type { Command } from '@commander-js/extra-typings';
import { resolveExpiry } from '../../domain/expiry.js';
import { examples, jsonOption } from '../command-options.js';
import type { ContextProvider } from '../context.js';
import { renderAdded } from '../renderers/suppress.js';
import { allClientsOption, columnOption, fileEncodingOption, listScope, scopeClientOption, suppressionLists, targetSource } from '../suppress-options.js';
import { registerSuppressListCommands } from './suppress-list.js';
import { registerSuppressRemoveCommand } from './suppress-remove.js';

const REASONS = 'existing_customer, past_customer, competitor, partner, do_not_contact, bounced, unsubscribed';

export function registerSuppressCommands(program: Command<[], Record<string, unknown>>, ctx: ContextProvider): void {
  const suppress = program
    .command('suppress')
    .description('add, remove, list and audit suppression entries by hand')
    .addHelpText('after', examples('aos suppress add rival-agency.com --client acme --reason competitor', 'aos suppress remove rival-agency.com --client acme', 'aos suppress list --client acme --csv > suppressions.csv', 'aos suppress history --client acme jane@bigcorp.com'));

  suppress
    .command('add')
    .description('suppress domains, URLs or emails for a client (adding an existing entry updates it)')
    .argument('[targets...]', 'domains, URLs (reduced to their hostname) or emails')
    .addOption(scopeClientOption())
    .addOption(allClientsOption('add to the agency-wide list: suppressed for every client'))
    .requiredOption('-r, --reason <reason>', REASONS)
    .option('--expires <date>', 'expiry date (2027-03-31) or ISO timestamp')
    .option('--for <duration>', 'expire after a duration: 36h, 90d, 12w, 6m, 1y')
    .option('--note <text>', 'why, for the audit trail')
    .option('--file <path>', 'read targets from a file: one a line, or a CSV column (all lines validated first)')
    .addOption(columnOption())
    .addOption(fileEncodingOption())
    .option('--force', 'allow weakening an existing entry (an opt-out\'s reason, a new or earlier expiry) and suppressing a whole free-mail domain (gmail.com…)')
    .option('--skip-invalid', 'with --file: add the valid lines and list the invalid ones (default: one invalid line refuses the file)')
    .addOption(jsonOption())
    .addHelpText(
      'after',
      examples(
        'aos suppress add rival-agency.com --client acme --reason competitor --note "direct competitor"', 'aos suppress add jane@bigcorp.com --client acme --reason unsubscribed',
        'aos suppress add partner.io --client acme --reason partner --for 90d', 'aos suppress add --file bounces.csv --column Email --client acme --reason bounced',
        'aos suppress add --file optouts.txt --skip-invalid --client acme --reason unsubscribed', 'aos suppress add complainer@bigcorp.com --all-clients --reason do_not_contact --note "legal request"',
      ),
    )
    .action(async (args, opts) => {
      const c = ctx();
      const scope = listScope(opts);
      const targets = targetSource(args, opts, c.signal);
      const { reason, note, force, skipInvalid } = opts;
      const result = await (await suppressionLists(c)).add({ scope, targets, reason, expiresAt: resolveExpiry(opts, new Date()), note, force, skipInvalid });
      return c.show(result, renderAdded, opts.json);
    });

  registerSuppressRemoveCommand(suppress, ctx);
  registerSuppressListCommands(suppress, ctx);
}
