import { Option, type Command } from '@commander-js/extra-typings';
import { readFileSync, statSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { fieldListHelp } from '../../domain/customer-fields.js';
import { parseStatusMap, type StatusClass } from '../../domain/values.js';
import { AosError } from '../../errors.js';
import { withoutControls } from '../../domain/printable.js';
import { openInput, openOutputFile } from '../inputs.js';
import type { ContextProvider } from '../context.js';
import { neutralizeFormula } from '../../csv/neutralize.js';
import { NO_BOM_HELP } from '../../csv/people-csv.js';

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

type MapOverrides = Record<string, string | string[] | null>;

/**
 * --mapping-file (JSON: {"company_name": "Account Name", "domain": ["Company Domain Name",
 * "Website URL"], "industry": null}) under --map FIELD=HEADER. The domain takes several columns in
 * priority order: repeated (--map domain=A --map domain=B) or joined by '|' (domain=A|B).
 */
export function mappingOverrides(mapFlags: string[], mappingFile: string | undefined): MapOverrides {
  const overrides: MapOverrides = {};
  if (mappingFile) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(mappingFile, 'utf8'));
    } catch (e) {
      throw new AosError('usage', `cannot read --mapping-file ${mappingFile}: ${(e as Error).message}`, 'expected JSON like {"company_name": "Account Name", "domain": "Website"}');
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new AosError('usage', `--mapping-file ${mappingFile} must hold a JSON object of field → column name`);
    for (const [field, header] of Object.entries(parsed)) {
      const ok = header === null || typeof header === 'string' || (Array.isArray(header) && header.every((h) => typeof h === 'string'));
      if (!ok) throw new AosError('usage', `--mapping-file: the column for ${field} must be a string, a list of strings (domain) or null`);
      overrides[field] = header as string | string[] | null;
    }
  }
  const domains: string[] = [];
  for (const flag of mapFlags) {
    const eq = flag.indexOf('=');
    if (eq <= 0) throw new AosError('usage', `invalid --map "${flag}": expected FIELD=HEADER (or FIELD= to skip a field)`, 'for example: --map company_name="Account Name" --map domain=Website');
    const field = flag.slice(0, eq).trim();
    const header = flag.slice(eq + 1);
    if (field === 'domain' && header !== '') {
      domains.push(...header.split('|').map((h) => h.trim()).filter((h) => h !== ''));
      overrides.domain = [...domains];
    } else overrides[field] = header;
  }
  return overrides;
}

/** --status-map 'Other=skip,Vendor=partner' (repeatable). */
export function statusMapOption(flags: string[]): Record<string, StatusClass> | undefined {
  if (flags.length === 0) return undefined;
  try {
    return Object.assign({}, ...flags.map(parseStatusMap)) as Record<string, StatusClass>;
  } catch (e) {
    throw new AosError('usage', (e as Error).message, "for example: --status-map 'Prospect=skip,Reseller=partner,Former=churned'");
  }
}

/** Whether two paths name one file (also through another spelling, a link or a hard link). */
function sameFile(a: string, b: string): boolean {
  try {
    const x = statSync(a);
    const y = statSync(b);
    return x.dev === y.dev && x.ino === y.ino;
  } catch {
    return resolve(a) === resolve(b);
  }
}

export function registerImportCommand(program: Command<[], Record<string, unknown>>, ctx: ContextProvider): void {
  program
    .command('import')
    .description("import a client's existing customers from a CSV: customers, suppressions and buyer signals, all or nothing")
    .argument('<file>', 'CSV file, or - for stdin')
    .requiredOption('-c, --client <client>', 'client slug or id')
    .option('--map <field=header>', 'map a field to a column (repeatable; FIELD= skips a field; domain takes several: domain=A|B)', collect, [] as string[])
    .option('--mapping-file <path>', 'JSON object of field → column name')
    .option('-y, --yes', 'no prompts: use --map, the remembered or the automatic mapping')
    .option('--dry-run', 'validate and count everything, write nothing')
    .addOption(new Option('--status <status>', 'status of rows without one').choices(['active', 'churned']))
    .option('--source <name>', 'where the customers came from (stored on each customer)', 'csv')
    .option('--delimiter <char>', 'field delimiter (default: detected among , ; tab |)')
    .option('--encoding <name>', 'file encoding (default: detected: UTF-8, UTF-16, Windows-1252)')
    .option('--status-map <value=status,…>', 'what status values mean: active, churned, partner, competitor or skip (repeatable)', collect, [] as string[])
    .option('--date-format <format>', 'date format of date columns, e.g. DD/MM/YYYY (ISO 8601 dates are read either way)')
    .option('--rejects <path>', 'write rejected rows and dropped values there (original columns + _line + _error + _warning)')
    .option('--no-bom', NO_BOM_HELP)
    .option('--strict', 'abort the whole import on the first rejected row or value that does not parse')
    .option('--sync', 'the file is the complete customer list of its --source: stored customers missing from it become churned (never deleted)')
    .option('--force', 'with --sync --yes: allow churning more than half of the customers')
    .option('--json', 'print the summary as JSON')
    .addHelpText(
      'after',
      `
${fieldListHelp()}
Every customer is suppressed by its company domain and by a contact email its domain does not
cover. A value that does not parse is dropped (a warning); a row is rejected only when it has no
domain, email or company name. Report titles, blank rows and footers are skipped.

Examples:
  $ aos import customers.csv --client acme                      # interactive mapping on a terminal
  $ aos import hubspot-export.csv --client acme --yes --dry-run  # check first, write nothing
  $ aos import crm.csv --client acme --yes --map company_name="Account Name" --map domain=Website
  $ aos import export.csv --client acme --yes --date-format DD/MM/YYYY --rejects rejected.csv
  $ aos import hubspot.csv --client acme --yes --map domain="Company Domain Name|Website URL"
  $ aos import pipedrive-deals.csv --client acme --yes --status-map 'Other=skip,Reseller=partner'
  $ cat customers.csv | aos import - --client acme --json
  $ aos import full-export.csv --client acme --sync --yes --dry-run --json   # the diff, churn included`,
    )
    .action(async (file, opts) => {
      const c = ctx();
      const out = c.output;
      const overrides = mappingOverrides(opts.map, opts.mappingFile);
      const statusMap = statusMapOption(opts.statusMap);
      const { parseDelimiterOption } = await import('../../csv/records.js');
      const delimiter = parseDelimiterOption(opts.delimiter);
      // Opening --rejects truncates it: the input itself must never be the output.
      if (opts.rejects && file !== '-' && sameFile(opts.rejects, file)) {
        throw new AosError('usage', `--rejects ${opts.rejects} is the input file: it would be emptied before it is read`, 'write the rejects to another path, e.g. --rejects rejected.csv');
      }
      const input = openInput(file, c.signal);
      const interactive = !opts.yes && file !== '-' && Boolean(process.stdin.isTTY && process.stdout.isTTY);

      const rejectsFile: WriteStream | undefined = opts.rejects ? openOutputFile(opts.rejects, '--rejects') : undefined;
      let rejects: import('csv-stringify').Stringifier | undefined;
      let rejectsClosed: Promise<unknown> | undefined;
      const onReject = async (reject: { line: number; fields: string[]; error?: string; warning?: string }, headers: string[], delimiter: string) => {
        if (!rejectsFile) return;
        if (!rejects) {
          const { peopleCsv } = await import('../../csv/people-csv.js');
          const stream = rejectsFile;
          rejectsClosed = once(stream, 'close');
          rejects = await peopleCsv(stream, { delimiter, bom: opts.bom });
          rejects.write([...headers, '_line', '_error', '_warning'].map(neutralizeFormula));
        }
        rejects.write([...reject.fields.map(neutralizeFormula), String(reject.line), reject.error ?? '', reject.warning ?? '']);
      };

      const { CustomerImportService, importInteractively } = await import('../../services/customer-import-service.js');
      const spinner = interactive ? undefined : await out.spinner(`importing ${input.name}…`);
      const started = performance.now();
      const request = {
        client: opts.client,
        fileName: input.name,
        mapOverrides: overrides,
        delimiter,
        encoding: opts.encoding,
        dateFormat: opts.dateFormat,
        statusMap,
        defaultStatus: opts.status as 'active' | 'churned' | undefined,
        sourceName: opts.source,
        dryRun: Boolean(opts.dryRun),
        strict: Boolean(opts.strict),
        onReject,
        signal: c.signal,
        sync: Boolean(opts.sync),
        allowMassChurn: Boolean(opts.yes && opts.force),
        onProgress: (rows: number) => {
          const seconds = (performance.now() - started) / 1000;
          spinner?.update(`importing ${input.name}: ${rows.toLocaleString('en')} rows (${Math.round(rows / Math.max(seconds, 0.001)).toLocaleString('en')} rows/s)`);
        },
      };
      try {
        let summary;
        if (interactive) {
          const { terminalPrompts } = await import('../../prompts/mapping.js');
          input.stream.destroy(); // each validation pass reads the file from its start
          summary = await importInteractively(
            {
              open: async () => new CustomerImportService({ db: await c.database(), actor: c.actor }),
              release: () => c.close(),
              reopenInput: () => openInput(file, c.signal).stream,
              prompts: terminalPrompts,
            },
            request,
          );
        } else {
          summary = await new CustomerImportService({ db: await c.database(), actor: c.actor }).import({
            ...request,
            input: input.stream,
            reopenInput: file === '-' ? undefined : () => openInput(file, c.signal).stream,
          });
        }
        spinner?.stop();
        if (opts.json) return out.json(summary);
        const { describeSummary } = await import('../../prompts/mapping.js');
        out.line(`${summary.dry_run ? 'dry run (nothing written): ' : ''}${withoutControls(summary.file)} → ${summary.client} in ${summary.seconds}s`);
        out.line(describeSummary(summary));
        if (summary.rejected > 0) out.warn(`${summary.rejected} row(s) rejected${opts.rejects ? `: see ${opts.rejects}` : ': pass --rejects PATH to see them'}`);
        if (summary.values_dropped > 0) out.warn(`${summary.values_dropped} value(s) did not parse and were dropped (the rows were imported)${opts.rejects ? `: see ${opts.rejects}` : ': pass --rejects PATH to see them'}`);
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
