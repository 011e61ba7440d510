import type { Command } from '@commander-js/extra-typings';
import { ClientService, parseServices } from '../../services/client-service.js';
import type { ContextProvider } from '../context.js';

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
      if (opts.json) return c.output.json({ ...client, created });
      c.output.line(`${created ? 'added' : 'exists'} client ${client.slug} (${client.id})`);
    });

  clients
    .command('list')
    .description('list clients with their customer and suppression counts')
    .option('--json', 'machine-readable output')
    .addHelpText('after', '\nExamples:\n  $ aos clients list\n  $ aos clients list --json | jq -r ".[].slug"')
    .action(async (opts) => {
      const c = ctx();
      const db = await c.database();
      const { ExpiryPolicyService } = await import('../../services/expiry-policy-service.js');
      const expiry = await new ExpiryPolicyService({ db }).defaults();
      const list = (await new ClientService(db).list()).map((cl) => ({ ...cl, expiry_defaults: expiry.get(cl.id) ?? {} }));
      if (opts.json) return c.output.json(list);
      if (list.length === 0) return c.output.info('no clients yet: add one with `aos clients add SLUG`');
      c.output.table(
        ['slug', 'name', 'services', 'customers', 'suppressions', 'default expiry', 'id'],
        list.map((cl) => [cl.slug, cl.name, cl.services.join(',') || '-', String(cl.customers), String(cl.suppressions),
          Object.entries(cl.expiry_defaults).map(([r, p]) => `${r}=${p}`).join(',') || '-', cl.id]),
      );
    });
}
