// Expiry policy commands (issue 16): `aos clients set … --expire` and `aos suppress expiring`,
// kept in their own file beside the clients and suppress commands they join.
import type { Command } from '@commander-js/extra-typings';
import { BOM_HELP } from '../../csv/people-csv.js';
import { AosError } from '../../errors.js';
import { examples, jsonOption, listing, listingFormat } from '../command-options.js';
import type { CliContext, ContextProvider } from '../context.js';
import { EXPIRING_CSV_COLUMNS, expiringCsvCell, renderExpiring, renderExpiryDefaults } from '../renderers/expiry.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];
const subcommand = (program: Command<[], Record<string, unknown>>, name: string) => program.commands.find((c) => c.name() === name) ?? program.command(name);

const expiryPolicy = (c: CliContext) => c.service(async () => (await import('../../services/expiry-policy-service.js')).ExpiryPolicyService);

export function registerExpiryCommands(program: Command<[], Record<string, unknown>>, ctx: ContextProvider): void {
  subcommand(program, 'clients')
    .command('set')
    .description("change a client's settings: the default expiry of new entries per reason")
    .argument('<client>', 'client slug or id')
    .option('--expire <reason=duration>', 'default expiry of new entries of a reason (past_customer=24m; none drops it); repeatable', collect)
    .addOption(jsonOption())
    .addHelpText(
      'after',
      `
A default applies to entries added after it is set, by hand or by an import, that have no expiry
of their own. Opt-outs (unsubscribed, do_not_contact, bounced) and existing_customer never get one.
${examples('aos clients set acme --expire past_customer=24m', 'aos clients set acme --expire competitor=12m --expire partner=6m', 'aos clients set acme --expire past_customer=none')}`,
    )
    .action(async (client, opts) => {
      const c = ctx();
      return c.show(await (await expiryPolicy(c)).set({ client, expire: opts.expire ?? [] }), renderExpiryDefaults, opts.json);
    });

  subcommand(program, 'suppress')
    .command('expiring')
    .description('entries that lapse soon, soonest first: win-backs are a decision, not an accident')
    .option('-c, --client <client>', 'client slug or id')
    .option('--all', 'every client')
    .requiredOption('--within <duration>', 'how far ahead: 30d, 12w, 6m')
    .addOption(jsonOption('NDJSON, one entry a line'))
    .option('--csv', 'CSV (spreadsheet formulas neutralized)')
    .option('--bom', BOM_HELP)
    .addHelpText('after', examples('aos suppress expiring --client acme --within 30d', 'aos suppress expiring --all --within 12w --csv --bom > lapsing.csv'))
    .action(async (opts) => {
      if (Boolean(opts.client) === Boolean(opts.all)) throw new AosError('usage', 'give --client C or --all (one of them)');
      listingFormat(opts);
      const c = ctx();
      const entries = (await expiryPolicy(c)).expiring({ client: opts.client, within: opts.within });
      return listing(c, entries, opts, renderExpiring(opts.within), { columns: EXPIRING_CSV_COLUMNS, cell: expiringCsvCell });
    });
}
