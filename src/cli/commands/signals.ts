import type { Command } from '@commander-js/extra-typings';
import { parsePositiveInteger } from '../../domain/numbers.js';
import { examples, jsonOption } from '../command-options.js';
import type { ContextProvider } from '../context.js';
import { renderRebuild, renderSignals, renderTopSignals } from '../renderers/signals.js';
import { registerBoostCommand } from './signals-boost.js';

export function registerSignalsCommands(program: Command<[], Record<string, unknown>>, ctx: ContextProvider): void {
  const signals = program.command('signals').description('anonymous platform-wide buyer signals per company domain');
  signals.addHelpText('after', examples('aos signals rebuild', 'aos signals show buildright.com.au', 'aos signals top --limit 10', 'aos signals boost --file leads.csv > scored-leads.csv'));
  const service = async () => {
    const c = ctx();
    const { BuyerSignalService, DEFAULT_MIN_CLIENTS } = await import('../../services/buyer-signal-service.js');
    // k of SPEC §8 "Anonymity" is the deployment's setting, not a flag: no script lowers it by accident.
    const k = process.env.AOS_SIGNALS_K;
    const hint = `AOS_SIGNALS_K is k, the fewest clients a signal is shown for: a whole number from 1 (shows everything) up; unset it for the default, ${DEFAULT_MIN_CLIENTS}`;
    const minClients = k === undefined || k.trim() === '' ? DEFAULT_MIN_CLIENTS : parsePositiveInteger('AOS_SIGNALS_K', k, undefined, hint);
    return { c, minClients, signals: await c.service(async () => BuyerSignalService, { minClients }) };
  };

  signals.command('rebuild').description('recompute every signal from all customers of all clients, in one transaction').addOption(jsonOption())
    .addHelpText('after', examples('aos signals rebuild', 'aos signals rebuild --json | jq .distribution'))
    .action(async (opts) => {
      const { c, signals: s } = await service();
      const spinner = await c.output.spinner('rebuilding buyer signals…');
      return c.show(await s.rebuild().finally(() => spinner.stop()), renderRebuild, opts.json);
    });

  signals.command('show').description('the signal of each domain (URLs and emails are reduced to their company domain)')
    .argument('<targets...>', 'domains, URLs or emails').addOption(jsonOption('NDJSON, one object per target'))
    .addHelpText('after', examples('aos signals show buildright.com.au', 'aos signals show https://www.bigcorp.com sarah@acme.co.uk --json'))
    .action(async (targets, opts) => {
      const { c, signals: s, minClients } = await service();
      const found = await s.show(targets);
      return c.list(found, renderSignals(targets, minClients), opts.json, (await import('../../services/signal-lookup.js')).invalidTargetsError(found));
    });

  signals.command('top').description('the strongest buyer signals').option('--limit <n>', 'how many', '20').addOption(jsonOption('NDJSON, one signal a line'))
    .addHelpText('after', examples('aos signals top --limit 10'))
    .action(async (opts) => {
      const { c, signals: s, minClients } = await service();
      return c.list(await s.top(parsePositiveInteger('--limit', opts.limit)), renderTopSignals(minClients), opts.json);
    });

  registerBoostCommand(signals, service);
}
