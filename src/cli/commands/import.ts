import type { Command } from '@commander-js/extra-typings';
import type { ContextProvider } from '../context.js';
import { importRequestOf, withImportOptions } from '../import-options.js';
import { openInput, openOutputFile } from '../inputs.js';
import { importProgress, renderImportSummary } from '../renderers/import.js';

export function registerImportCommand(program: Command<[], Record<string, unknown>>, ctx: ContextProvider): void {
  const command = program
    .command('import')
    .description("import a client's existing customers from a CSV or .xlsx export: customers, suppressions and buyer signals, all or nothing")
    .argument('<file>', 'CSV file, .xlsx workbook (its first sheet, or --sheet NAME), or - for stdin');
  withImportOptions(command).action(async (file, opts) => {
    const c = ctx();
    const request = await importRequestOf(file, opts);
    const input = openInput(file, c.signal);
    const interactive = !opts.yes && file !== '-' && Boolean(process.stdin.isTTY && process.stdout.isTTY);
    const rejects = opts.rejects ? { out: openOutputFile(opts.rejects, '--rejects'), bom: opts.bom } : undefined;
    const skipped = opts.skipped ? { out: openOutputFile(opts.skipped, '--skipped'), bom: opts.bom } : undefined;
    const { CustomerImportService } = await import('../../services/import/customer-import-service.js');
    const { runImportJob } = await import('../../services/import/job.js');
    // Only a person at a terminal is asked: `import --yes` never loads the prompt library.
    const prompts = interactive ? (await import('../../prompts/mapping.js')).terminalPrompts : undefined;
    const progress = interactive ? undefined : await importProgress(c.output, input.name);
    const summary = await runImportJob({
      request: { ...request, fileName: input.name, signal: c.signal, onProgress: progress?.update },
      input: input.stream,
      reopen: file === '-' ? undefined : () => openInput(file, c.signal).stream,
      rejects,
      skipped,
      open: () => c.service(async () => CustomerImportService),
      interactive: prompts && { prompts, release: () => c.close() },
    }).finally(() => progress?.stop());
    return c.show(summary, renderImportSummary(opts.rejects, opts.skipped), opts.json);
  });
}
