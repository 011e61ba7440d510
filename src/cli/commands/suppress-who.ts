// `aos suppress who`: an ops command beside the other suppress subcommands (kept in its own file).
import type { Command } from '@commander-js/extra-typings';
import { examples, jsonOption } from '../command-options.js';
import type { ContextProvider } from '../context.js';
import { renderWho } from '../renderers/suppress.js';

export function registerSuppressWhoCommand(program: Command<[], Record<string, unknown>>, ctx: ContextProvider): void {
  const suppress = program.commands.find((c) => c.name() === 'suppress') ?? program.command('suppress');
  suppress
    .command('who')
    .description('ops: which clients suppress a target, with reason and source (across every client)')
    .argument('<target>', 'a domain, URL or email')
    .option('--all', 'include expired entries')
    .addOption(jsonOption())
    .addHelpText(
      'after',
      `\nFor answering a complaint. It reads every client's list, so it is not part of the library.\n${examples('aos suppress who jane@bigcorp.com', 'aos suppress who https://shop.bigcorp.com --json')}`,
    )
    .action(async (target, opts) => {
      const c = ctx();
      const [{ whoSuppresses }, db] = await Promise.all([import('../../services/suppression-who-service.js'), c.database()]);
      return c.show(await whoSuppresses(db, target, { includeExpired: Boolean(opts.all) }), renderWho, opts.json);
    });
}
