import type { Command } from '@commander-js/extra-typings';
import { ClientService, parseServices } from '../../services/client-service.js';
import type { ContextProvider } from '../context.js';
import { renderClientAdded, renderClientList } from '../renderers/clients.js';

export function registerClientsCommands(program: Command<[], Record<string, unknown>>, ctx: ContextProvider): void {
  const clients = program
    .command('clients')
    .description('the agencies (clients) whose customers aos protects')
    .addHelpText('after', '\nExamples:\n  $ aos clients add acme --name "Acme Digital" --services seo,ppc\n  $ aos clients list\n  $ aos clients list --json');

  clients
    .command('add')
    .description('add a client')
    .argument('<slug>', 'short unique name: lowercase letters, digits, dashes')
    .option('--name <name>', 'display name (default: the slug)')
    .option('--services <list>', 'service lines the agency sells, comma-separated (seo,ppc)')
    .option('--exist-ok', 'succeed when the client already exists')
    .option('--json', 'machine-readable output')
    .addHelpText('after', '\nExamples:\n  $ aos clients add acme --name "Acme Digital" --services seo,ppc\n  $ aos clients add demo --exist-ok')
    .action(async (slug, opts) => {
      const c = ctx();
      const service = new ClientService(await c.database());
      const { client, created } = await service.add({ slug, name: opts.name, services: parseServices(opts.services), existOk: Boolean(opts.existOk) });
      c.show({ ...client, created }, renderClientAdded, opts.json);
    });

  clients
    .command('list')
    .description('list clients with their customer and suppression counts')
    .option('--json', 'machine-readable output')
    .addHelpText('after', '\nExamples:\n  $ aos clients list\n  $ aos clients list --json | jq -r ".[].slug"')
    .action(async (opts) => {
      const c = ctx();
      c.show(await new ClientService(await c.database()).list(), renderClientList, opts.json);
    });
}
