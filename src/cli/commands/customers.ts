import type { Command } from '@commander-js/extra-typings';
import { BOM_HELP } from '../../csv/people-csv.js';
import { clientOption, examples, jsonOption, listingFormat } from '../command-options.js';
import type { ContextProvider } from '../context.js';
import { CUSTOMER_CSV_COLUMNS, renderCustomer, renderCustomerRemoved, renderCustomers } from '../renderers/customers.js';

const TARGET = "the customer's domain (or a URL), contact email, company name or id";

export function registerCustomersCommands(program: Command<[], Record<string, unknown>>, ctx: ContextProvider): void {
  const customers = program.command('customers').description("see and remove a client's imported customers");
  customers.addHelpText('after', examples('aos customers list --client acme --search build', 'aos customers show buildright.com.au --client acme', 'aos customers remove piedpiper.com --client acme'));
  const service = async () => {
    const c = ctx();
    const { CustomerService } = await import('../../services/customer-service.js');
    return { c, customers: new CustomerService({ db: await c.database(), actor: c.actor }) };
  };

  customers.command('list').description("list a client's customers by company name").addOption(clientOption())
    .option('--search <text>', 'only customers whose name, domain or contact holds this text')
    .option('--status <status>', 'only customers of this status: active, churned, partner, competitor')
    .addOption(jsonOption('NDJSON, one customer a line')).option('--csv', 'CSV (spreadsheet formulas neutralized)').option('--bom', BOM_HELP)
    .addHelpText('after', examples('aos customers list --client acme', 'aos customers list --client acme --status churned --csv --bom > churned.csv', 'aos customers list --client acme --search build --json'))
    .action(async (opts) => {
      const format = listingFormat(opts);
      const { c, customers: s } = await service();
      const list = s.list({ client: opts.client, search: opts.search, status: opts.status });
      if (format !== 'csv') return c.showEach(list, renderCustomers, opts.json);
      const { writeListingCsv } = await import('../../csv/listing-csv.js');
      await writeListingCsv(c.output.stdoutStream, list, { columns: CUSTOMER_CSV_COLUMNS, bom: Boolean(opts.bom) });
    });

  customers.command('show').description('one customer: its fields, its suppression entries, the import runs that touched it')
    .argument('<target>', TARGET).addOption(clientOption()).addOption(jsonOption())
    .addHelpText('after', examples('aos customers show buildright.com.au --client acme', 'aos customers show "Pied Piper" --client acme --json'))
    .action(async (target, opts) => {
      const { c, customers: s } = await service();
      c.show(await s.show({ client: opts.client, target }), renderCustomer, opts.json);
    });

  customers.command('remove').description('remove a customer and the imported entries only it holds (opt-outs and manual entries stay)')
    .argument('<target>', TARGET).addOption(clientOption()).addOption(jsonOption())
    .addHelpText('after', examples('aos customers remove piedpiper.com --client acme', 'aos customers remove "Hooli" --client acme --json'))
    .action(async (target, opts) => {
      const { c, customers: s } = await service();
      c.show(await s.remove({ client: opts.client, target }), renderCustomerRemoved, opts.json);
    });
}
