// `aos suppress who`: an ops command beside the other suppress subcommands (kept in its own file).
import { withoutControls as safe } from '../../domain/printable.js';
import type { Command } from '@commander-js/extra-typings';
import type { ContextProvider } from '../context.js';

export function registerSuppressWhoCommand(program: Command<[], Record<string, unknown>>, ctx: ContextProvider): void {
  const suppress = program.commands.find((c) => c.name() === 'suppress') ?? program.command('suppress');
  suppress
    .command('who')
    .description('ops: which clients suppress a target, with reason and source (across every client)')
    .argument('<target>', 'a domain, URL or email')
    .option('--all', 'include expired entries')
    .option('--json', 'machine-readable output')
    .addHelpText('after', '\nFor answering a complaint. It reads every client\'s list, so it is not part of the library.\n\nExamples:\n  $ aos suppress who jane@bigcorp.com\n  $ aos suppress who https://shop.bigcorp.com --json')
    .action(async (target, opts) => {
      const c = ctx();
      const { whoSuppresses } = await import('../../services/suppression-who-service.js');
      const result = await whoSuppresses(await c.database(), target, { includeExpired: Boolean(opts.all) });
      if (opts.json) return c.output.json(result);
      if (result.clients.length === 0) return c.output.line(safe(`${result.target}: no client suppresses it`));
      c.output.table(
        ['client', 'entry', 'covers', 'reason', 'source', 'by', 'since', 'expires'],
        result.clients.map((m) => [m.client, m.match, m.covers, m.reason, m.source ?? '-', m.created_by ?? '-', m.created_at ?? '-', m.expired ? `expired ${m.expires_at}` : (m.expires_at ?? '-')]),
      );
    });
}
