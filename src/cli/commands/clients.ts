import type { Command } from '@commander-js/extra-typings';
import { ClientService, clientAddedView, parseServices } from '../../services/client-service.js';
import { contextService, examples, jsonOption } from '../command-options.js';
import type { ContextProvider } from '../context.js';
import { renderClientAdded, renderClientList } from '../renderers/clients.js';

export function registerClientsCommands(program: Command<[], Record<string, unknown>>, ctx: ContextProvider): void {
  const clients = program.command('clients').description('the agencies (clients) whose customers aos protects');
  clients.addHelpText('after', examples('aos clients add acme --name "Acme Digital" --services seo,ppc', 'aos clients list', 'aos clients list --json'));
  const service = () => contextService(ctx, async () => ClientService);

  clients
    .command('add')
    .description('add a client')
    .argument('<slug>', 'short unique name: lowercase letters, digits, dashes')
    .option('--name <name>', 'display name (default: the slug)')
    .option('--services <list>', 'service lines the agency sells, comma-separated (seo,ppc)')
    .option('--exist-ok', 'succeed when the client already exists')
    .addOption(jsonOption())
    .addHelpText('after', examples('aos clients add acme --name "Acme Digital" --services seo,ppc', 'aos clients add demo --exist-ok'))
    .action(async (slug, opts) => {
      const { c, service: s } = await service();
      const added = await s.add({ slug, name: opts.name, services: parseServices(opts.services), existOk: Boolean(opts.existOk) });
      return c.show(clientAddedView(added), renderClientAdded, opts.json);
    });

  clients
    .command('list')
    .description('list clients with their customer and suppression counts')
    .addOption(jsonOption())
    .addHelpText('after', examples('aos clients list', 'aos clients list --json | jq -r ".[].slug"'))
    .action(async (opts) => {
      const { c, service: s } = await service();
      return c.show(await s.list(), renderClientList, opts.json);
    });
}
