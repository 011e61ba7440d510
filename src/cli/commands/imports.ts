import type { Command } from '@commander-js/extra-typings';
import { clientOption, contextService, examples, jsonOption } from '../command-options.js';
import type { ContextProvider } from '../context.js';
import { renderImportRun, renderImportRuns, renderUndo } from '../renderers/imports.js';

const UNDO_HELP = `
One transaction, audited as an undo (aos suppress history shows it). An undo never removes or
weakens an opt-out (unsubscribed, do_not_contact, bounced). It refuses, naming them, when a later
import or a manual change touched the same rows; undo the later runs first, or pass --force.
${examples('aos imports undo 3f2a9c1e --dry-run', 'aos imports undo 3f2a9c1e', 'aos imports undo 3f2a9c1e --force --json')}`;

export function registerImportsCommands(program: Command<[], Record<string, unknown>>, ctx: ContextProvider): void {
  const imports = program.command('imports').description('past import runs: list, show, undo');
  imports.addHelpText('after', examples('aos imports list --client acme', 'aos imports show 3f2a9c1e', 'aos imports undo 3f2a9c1e --dry-run'));
  const service = () => contextService(ctx, async () => (await import('../../services/import/run-service.js')).ImportRunService);

  imports.command('list').description("a client's import runs, newest first").addOption(clientOption()).addOption(jsonOption('NDJSON, one run a line'))
    .addHelpText('after', examples('aos imports list --client acme', 'aos imports list --client acme --json | jq -r .id'))
    .action(async (opts) => {
      const { c, service: runs } = await service();
      return c.list(await runs.list({ client: opts.client }), renderImportRuns, opts.json);
    });

  imports.command('show').description('one import run: file, checksum, mapping, counts and the rows it changed')
    .argument('<run>', 'the run id, or its first 8 characters').addOption(jsonOption())
    .addHelpText('after', examples('aos imports show 3f2a9c1e', 'aos imports show 3f2a9c1e --json'))
    .action(async (ref, opts) => {
      const { c, service: runs } = await service();
      return c.show(await runs.show(ref), renderImportRun, opts.json);
    });

  imports.command('undo').description('put every customer and entry an import run changed back as it was before the run')
    .argument('<run>', 'the run id, or its first 8 characters')
    .option('--dry-run', 'say what would change, change nothing')
    .option('--force', "undo this run's part only, keeping rows changed since by a later run or by hand")
    .addOption(jsonOption()).addHelpText('after', UNDO_HELP)
    .action(async (ref, opts) => {
      const { c, service: runs } = await service();
      return c.show(await runs.undo({ run: ref, dryRun: Boolean(opts.dryRun), force: Boolean(opts.force) }), renderUndo, opts.json);
    });
}
