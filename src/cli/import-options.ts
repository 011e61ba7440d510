// The flags of `aos import`: declared here, and read into the request CustomerImportService takes.
import { Option, type Command } from '@commander-js/extra-typings';
import { readFileSync } from 'node:fs';
import { NO_BOM_HELP } from '../csv/people-csv.js';
import type { CustomerStatus } from '../db/schema-constants.js';
import { fieldListHelp } from '../domain/customer-fields.js';
import { parseStatusMap, type StatusClass } from '../domain/values.js';
import { AosError } from '../errors.js';
import type { ImportRequest } from '../services/import/customer-import-service.js';
import { clientOption, jsonOption } from './command-options.js';
import { refuseOutputOnInput } from './inputs.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** The epilogue of `aos import --help`: the fields (from the field table), then examples. */
const importHelp = () => `
${fieldListHelp()}
Every customer is suppressed by its company domain and by a contact email its domain does not
cover. A value that does not parse is dropped (a warning); a row is rejected only when it has no
domain, email or company name. Report titles, blank rows and footers are skipped.

Examples:
  $ aos import customers.csv --client acme                      # interactive mapping on a terminal
  $ aos import hubspot-export.csv --client acme --yes --dry-run  # check first, write nothing
  $ aos import crm.csv --client acme --yes --map company_name="Account Name" --map domain=Website
  $ aos import export.csv --client acme --yes --date-format DD/MM/YYYY --rejects rejected.csv
  $ aos import hubspot-deals.csv --client acme --yes --dry-run --skipped skipped.csv   # which rows are no customer, and why
  $ aos import hubspot.csv --client acme --yes --map domain="Company Domain Name|Website URL"
  $ aos import pipedrive-deals.csv --client acme --yes --status-map 'Other=skip,Reseller=partner'
  $ cat customers.csv | aos import - --client acme --json
  $ aos import full-export.csv --client acme --sync --source hubspot --yes --dry-run --json   # the diff, churn included`;

export function withImportOptions<Args extends unknown[]>(command: Command<Args>) {
  return command
    .addOption(clientOption())
    .option('--map <field=header>', 'map a field to a column (repeatable; FIELD= skips a field; domain and contact_email take several: domain=A|B)', collect, [] as string[])
    .option('--mapping-file <path>', 'JSON object of field → column name')
    .option('-y, --yes', 'no prompts: use --map, the remembered or the automatic mapping')
    .option('--dry-run', 'validate and count everything, write nothing')
    .addOption(new Option('--status <status>', 'status of rows without one').choices(['active', 'churned']))
    .option('--source <name>', 'where the customers came from, stored on each customer (default: csv; required with --sync)')
    .option('--delimiter <char>', 'field delimiter (default: detected among , ; tab |)')
    .option('--encoding <name>', 'file encoding (default: detected: UTF-8, UTF-16, Windows-1252, Mac Roman; e.g. macintosh)')
    .option('--sheet <name>', 'with an .xlsx workbook: the sheet to import (default: the first)')
    .option('--status-map <value=status,…>', 'what status values mean: active, churned, partner, competitor or skip (repeatable)', collect, [] as string[])
    .option('--date-format <format>', 'date format of date columns, e.g. DD/MM/YYYY (ISO 8601 dates are read either way)')
    .option('--rejects <path>', 'write rejected rows and dropped values there (original columns + _line + _error + _warning)')
    .option('--skipped <path>', 'write the rows skipped as no customer there (a status, a blank row, a report line): original columns + _line + _skipped')
    .option('--no-bom', NO_BOM_HELP)
    .option('--strict', 'abort the whole import on the first rejected row or value that does not parse')
    .option('--sync', 'the file is the complete customer list of --source NAME (required): stored customers of that source missing from it become churned (never deleted)')
    .option('--force', 'with --sync --yes: allow churning more than half of the source\'s customers')
    .addOption(jsonOption('print the summary as JSON'))
    .addHelpText('after', importHelp());
}

type ImportFlags = ReturnType<ReturnType<typeof withImportOptions<[string]>>['opts']>;

/** What the flags ask of the import; also refuses --rejects naming the input, before it is opened. */
export async function importRequestOf(file: string, opts: ImportFlags): Promise<Omit<ImportRequest, 'input' | 'fileName' | 'onReject'>> {
  const mapOverrides = mappingOverrides(opts.map, opts.mappingFile);
  const statusMap = statusMapOption(opts.statusMap);
  const { parseDelimiterOption } = await import('../csv/records.js');
  const delimiter = parseDelimiterOption(opts.delimiter);
  if (opts.rejects) refuseOutputOnInput('--rejects', opts.rejects, file);
  if (opts.skipped) refuseOutputOnInput('--skipped', opts.skipped, file);
  return {
    client: opts.client,
    mapOverrides,
    delimiter,
    encoding: opts.encoding,
    sheet: opts.sheet,
    dateFormat: opts.dateFormat,
    statusMap,
    defaultStatus: opts.status as CustomerStatus | undefined,
    sourceName: opts.source,
    dryRun: Boolean(opts.dryRun),
    strict: Boolean(opts.strict),
    sync: Boolean(opts.sync),
    allowMassChurn: Boolean(opts.yes && opts.force),
  };
}

type MapOverrides = Record<string, string | string[] | null>;

/**
 * --mapping-file (JSON: {"company_name": "Account Name", "domain": ["Company Domain Name",
 * "Website URL"], "industry": null}) under --map FIELD=HEADER. The domain takes several columns in
 * priority order, the contact email several columns of addresses: repeated (--map domain=A --map
 * domain=B) or joined by '|' (domain=A|B, contact_email="Work Email|Personal Email").
 */
export function mappingOverrides(mapFlags: string[], mappingFile: string | undefined): MapOverrides {
  const overrides: MapOverrides = mappingFile ? mappingFileOverrides(mappingFile) : {};
  // The fields that take several columns (domain, contact_email), collected over repeated flags.
  const lists: Record<string, string[]> = {};
  for (const flag of mapFlags) {
    const eq = flag.indexOf('=');
    if (eq <= 0) throw new AosError('usage', `invalid --map "${flag}": expected FIELD=HEADER (or FIELD= to skip a field)`, 'for example: --map company_name="Account Name" --map domain=Website');
    const field = flag.slice(0, eq).trim();
    const header = flag.slice(eq + 1);
    if ((field === 'domain' || field === 'contact_email') && header !== '') {
      const list = (lists[field] ??= []);
      list.push(...header.split('|').map((h) => h.trim()).filter((h) => h !== ''));
      overrides[field] = [...list];
    } else overrides[field] = header;
  }
  return overrides;
}

function mappingFileOverrides(mappingFile: string): MapOverrides {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(mappingFile, 'utf8'));
  } catch (e) {
    throw new AosError('usage', `cannot read --mapping-file ${mappingFile}: ${(e as Error).message}`, 'expected JSON like {"company_name": "Account Name", "domain": "Website"}');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new AosError('usage', `--mapping-file ${mappingFile} must hold a JSON object of field → column name`);
  const overrides: MapOverrides = {};
  for (const [field, header] of Object.entries(parsed)) {
    const ok = header === null || typeof header === 'string' || (Array.isArray(header) && header.every((h) => typeof h === 'string'));
    if (!ok) throw new AosError('usage', `--mapping-file: the column for ${field} must be a string, a list of strings (domain, contact_email) or null`);
    overrides[field] = header as string | string[] | null;
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
