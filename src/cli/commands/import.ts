import { Option, type Command } from '@commander-js/extra-typings';
import { readFileSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { AosError } from '../../errors.js';
import { withoutControls } from '../../domain/printable.js';
import { openInput, openOutputFile } from '../inputs.js';
import type { ContextProvider } from '../main.js';
import { neutralizeFormula } from '../../csv/neutralize.js';
import { NO_BOM_HELP } from '../../csv/people-csv.js';

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** --mapping-file (JSON: {"company_name": "Account Name", "industry": null}) under --map FIELD=HEADER. */
export function mappingOverrides(mapFlags: string[], mappingFile: string | undefined): Record<string, string | null> {
  const overrides: Record<string, string | null> = {};
  if (mappingFile) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(mappingFile, 'utf8'));
    } catch (e) {
      throw new AosError('usage', `cannot read --mapping-file ${mappingFile}: ${(e as Error).message}`, 'expected JSON like {"company_name": "Account Name", "domain": "Website"}');
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new AosError('usage', `--mapping-file ${mappingFile} must hold a JSON object of field → column name`);
    for (const [field, header] of Object.entries(parsed)) {
      if (header !== null && typeof header !== 'string') throw new AosError('usage', `--mapping-file: the column for ${field} must be a string or null`);
      overrides[field] = header;
    }
  }
  for (const flag of mapFlags) {
    const eq = flag.indexOf('=');
    if (eq <= 0) throw new AosError('usage', `invalid --map "${flag}": expected FIELD=HEADER (or FIELD= to skip a field)`, 'for example: --map company_name="Account Name" --map domain=Website');
    overrides[flag.slice(0, eq).trim()] = flag.slice(eq + 1);
  }
  return overrides;
}

export function registerImportCommand(program: Command<[], Record<string, unknown>>, ctx: ContextProvider): void {
  program
    .command('import')
    .description("import a client's existing customers from a CSV: customers, suppressions and buyer signals, all or nothing")
    .argument('<file>', 'CSV file, or - for stdin')
    .requiredOption('-c, --client <client>', 'client slug or id')
    .option('--map <field=header>', 'map a field to a column (repeatable; FIELD= skips a field)', collect, [] as string[])
    .option('--mapping-file <path>', 'JSON object of field → column name')
    .option('-y, --yes', 'no prompts: use --map, the remembered or the automatic mapping')
    .option('--dry-run', 'validate and count everything, write nothing')
    .addOption(new Option('--status <status>', 'status of rows without one').choices(['active', 'churned']))
    .option('--source <name>', 'where the customers came from (stored on each customer)', 'csv')
    .option('--delimiter <char>', 'field delimiter (default: detected among , ; tab |)')
    .option('--encoding <name>', 'file encoding (default: detected: UTF-8, UTF-16, Windows-1252)')
    .option('--date-format <format>', 'date format of date columns, e.g. DD/MM/YYYY (ISO 8601 dates are read either way)')
    .option('--rejects <path>', 'write rejected rows there (original columns + _line + _error)')
    .option('--no-bom', NO_BOM_HELP)
    .option('--strict', 'abort the whole import on the first rejected row')
    .option('--json', 'print the summary as JSON')
    .addHelpText(
      'after',
      `
Fields: company_name (required unless domain is mapped), domain, contact_email, contact_name,
contact_title, industry, employee_count_range, status, customer_since, churned_at, deal_value,
services, external_id, can_use_as_reference, case_study_url, testimonial, logo_approved.

Examples:
  $ aos import customers.csv --client acme                      # interactive mapping on a terminal
  $ aos import hubspot-export.csv --client acme --yes --dry-run  # check first, write nothing
  $ aos import crm.csv --client acme --yes --map company_name="Account Name" --map domain=Website
  $ aos import export.csv --client acme --yes --date-format DD/MM/YYYY --rejects rejected.csv
  $ cat customers.csv | aos import - --client acme --json`,
    )
    .action(async (file, opts) => {
      const c = ctx();
      const out = c.output;
      const overrides = mappingOverrides(opts.map, opts.mappingFile);
      const { parseDelimiterOption } = await import('../../csv/records.js');
      const delimiter = parseDelimiterOption(opts.delimiter);
      const input = openInput(file, c.signal);
      const interactive = !opts.yes && file !== '-' && Boolean(process.stdin.isTTY && process.stdout.isTTY);

      const rejectsFile: WriteStream | undefined = opts.rejects ? openOutputFile(opts.rejects, '--rejects') : undefined;
      let rejects: import('csv-stringify').Stringifier | undefined;
      let rejectsClosed: Promise<unknown> | undefined;
      const onReject = async (reject: { line: number; fields: string[]; error: string }, headers: string[], delimiter: string) => {
        if (!rejectsFile) return;
        if (!rejects) {
          const { peopleCsv } = await import('../../csv/people-csv.js');
          const stream = rejectsFile;
          rejectsClosed = once(stream, 'close');
          rejects = await peopleCsv(stream, { delimiter, bom: opts.bom });
          rejects.write([...headers, '_line', '_error'].map(neutralizeFormula));
        }
        rejects.write([...reject.fields.map(neutralizeFormula), String(reject.line), reject.error]);
      };

      const prompts = interactive ? await import('../../prompts/mapping.js') : undefined;
      const { CustomerImportService } = await import('../../services/customer-import-service.js');
      const service = new CustomerImportService({ db: await c.database(), actor: c.actor });
      const spinner = interactive ? undefined : await out.spinner(`importing ${input.name}…`);
      const started = performance.now();
      try {
        const summary = await service.import({
          client: opts.client,
          input: input.stream,
          fileName: input.name,
          mapOverrides: overrides,
          delimiter,
          encoding: opts.encoding,
          dateFormat: opts.dateFormat,
          defaultStatus: opts.status as 'active' | 'churned' | undefined,
          sourceName: opts.source,
          dryRun: Boolean(opts.dryRun),
          strict: Boolean(opts.strict),
          onReject,
          signal: c.signal,
          confirmMapping: prompts ? (p) => prompts.confirmMappingInteractively(p) : undefined,
          confirmWrite: prompts && !opts.dryRun ? (s) => prompts.confirmWriteInteractively(s) : undefined,
          onProgress: (rows) => {
            const seconds = (performance.now() - started) / 1000;
            spinner?.update(`importing ${input.name}: ${rows.toLocaleString('en')} rows (${Math.round(rows / Math.max(seconds, 0.001)).toLocaleString('en')} rows/s)`);
          },
        });
        spinner?.stop();
        if (opts.json) return out.json(summary);
        const { describeSummary } = prompts ?? (await import('../../prompts/mapping.js'));
        out.line(`${summary.dry_run ? 'dry run (nothing written): ' : ''}${withoutControls(summary.file)} → ${summary.client} in ${summary.seconds}s`);
        out.line(describeSummary(summary));
        if (summary.rejected > 0) out.warn(`${summary.rejected} row(s) rejected${opts.rejects ? `: see ${opts.rejects}` : ': pass --rejects PATH to see them'}`);
        if (summary.without_target > 0) out.warn(`${summary.without_target} customer(s) have neither domain nor email, so nothing can suppress them`);
      } finally {
        spinner?.stop();
        if (rejects) {
          rejects.end();
          await rejectsClosed;
        } else rejectsFile?.end();
      }
    });
}
