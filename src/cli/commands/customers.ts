import type { Command } from '@commander-js/extra-typings';
import { clientOption, contextService, examples, jsonOption, listingFormat, listing, withListingOptions } from '../command-options.js';
import type { ContextProvider } from '../context.js';
import { CUSTOMER_CSV_COLUMNS, renderCustomer, renderCustomerRemoved, renderCustomers } from '../renderers/customers.js';

export function registerCustomersCommands(program: Command<[], Record<string, unknown>>, ctx: ContextProvider): void {
  const customers = program.command('customers').description("see and remove a client's imported customers");
  customers.addHelpText('after', examples('aos customers list --client acme --search build', 'aos customers show buildright.com.au --client acme', 'aos customers remove piedpiper.com --client acme'));
  const service = () => contextService(ctx, async () => (await import('../../services/customer-service.js')).CustomerService);
  /** `show` and `remove` name one customer of a client. */
  const oneCustomer = (name: string, description: string, ...lines: string[]) =>
    customers.command(name).description(description).argument('<target>', "the customer's domain (or a URL), contact email, company name or id")
      .addOption(clientOption()).addOption(jsonOption()).addHelpText('after', examples(...lines));

  const list = customers
    .command('list')
    .description("list a client's customers by company name")
    .addOption(clientOption())
    .option('--search <text>', 'only customers whose name, domain or contact holds this text')
    .option('--status <status>', 'only customers of this status: active, churned, partner, competitor');
  withListingOptions(list, 'NDJSON, one customer a line')
    .addHelpText('after', examples('aos customers list --client acme', 'aos customers list --client acme --status churned --csv --bom > churned.csv', 'aos customers list --client acme --search build --json'))
    .action(async (opts) => {
      listingFormat(opts);
      const { c, service: s } = await service();
      return listing(c, s.list({ client: opts.client, search: opts.search, status: opts.status }), opts, renderCustomers, { columns: CUSTOMER_CSV_COLUMNS });
    });

  oneCustomer('show', 'one customer: its fields, its suppression entries, the import runs that touched it', 'aos customers show buildright.com.au --client acme', 'aos customers show "Pied Piper" --client acme --json')
    .action(async (target, opts) => {
      const { c, service: s } = await service();
      return c.show(await s.show({ client: opts.client, target }), renderCustomer, opts.json);
    });

  oneCustomer('remove', 'remove a customer and the imported entries only it holds (opt-outs and manual entries stay)', 'aos customers remove piedpiper.com --client acme', 'aos customers remove "Hooli" --client acme --json')
    .action(async (target, opts) => {
      const { c, service: s } = await service();
      return c.show(await s.remove({ client: opts.client, target }), renderCustomerRemoved, opts.json);
    });
}
