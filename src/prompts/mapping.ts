// Interactive column mapping, status values, date format and write confirmation (SPEC §7).
// Prompts write to stderr; every answer here also has a flag (--map, --mapping-file,
// --status-map, --date-format, --yes) for scripts.
import { input, select } from '@inquirer/prompts';
import {
  columnsOf,
  copyMapping,
  domainColumns,
  FIELD_DESCRIPTIONS,
  IMPORT_FIELDS,
  missingRequired,
  releaseColumn,
  setColumnsOf,
  setDomainColumns,
  type ColumnMapping,
  type ImportField,
} from '../domain/column-mapping.js';
import { printable } from '../domain/targets.js';
import { makeDateParser, STATUS_CLASSES, statusKey, type StatusClass } from '../domain/values.js';
import { AosError, spell, type Spelling } from '../errors.js';
import type { ImportPrompts, ImportSummary, MappingProposal, UnknownStatus, WriteAnswer } from '../services/import/customer-import-service.js';
import { describeSummary, notUtf8 } from './import-summary.js';
import type { PromptIO } from './io.js';
import { confirmMassChurnInteractively } from './sync.js';

export type { PromptIO } from './io.js';

const DONE = '__done__';
const DATE_FORMAT = '__date_format__';
const ADD_DOMAIN = '__add_domain__';
const ADD_EMAIL = '__add_email__';
const SKIP = -1;
const ISO = 'ISO 8601 (YYYY-MM-DD)';
const DATE_FORMATS = ['DD/MM/YYYY', 'MM/DD/YYYY', 'D/M/YYYY', 'M/D/YYYY', 'DD.MM.YYYY', 'DD-MM-YYYY', 'YYYY/MM/DD', 'DD/MM/YY', 'MM/DD/YY'];

function samplesOf(proposal: MappingProposal, index: number): string {
  const values = proposal.samples.map((r) => (r[index] ?? '').trim()).filter((v) => v !== '').slice(0, 3);
  return values.length ? values.map((v) => printable(v, 24)).join(' | ') : '(empty)';
}

function describeMapping(proposal: MappingProposal, mapping: ColumnMapping): string {
  const rows = IMPORT_FIELDS.map((field) => {
    const indexes = columnsOf(mapping, field);
    // Domain columns are tried in turn; every email column is read.
    const column = indexes.length === 0 ? '—' : indexes.map((i) => `"${printable(proposal.headers[i] ?? '', 30)}"`).join(field === 'domain' ? ', then ' : ' + ');
    const sample = indexes.length === 0 ? '' : samplesOf(proposal, indexes[0] as number);
    return [field, column, sample] as const;
  });
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  return rows.map(([f, c, s]) => `  ${f.padEnd(w0)}  ${c.padEnd(w1)}  ${s}`.trimEnd()).join('\n');
}

async function ask<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if ((e as Error).name === 'ExitPromptError' || (e as Error).name === 'AbortPromptError') {
      throw new AosError('interrupted', 'import cancelled: nothing was written');
    }
    throw e;
  }
}

// At a prompt an option is the question being answered: named in words ({dateFormat} → date format).
const IN_WORDS: Spelling = { option: (name) => name.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`), command: (words) => words };

const contextOf = (io: PromptIO) => ({ input: io.input ?? process.stdin, output: io.output ?? process.stderr });
const dateFormatName = (format: string | null) => format ?? ISO;

/** Picks a date format from a list of the usual ones, or typed. null is ISO 8601. */
export async function chooseDateFormat(current: string | null, io: PromptIO = {}): Promise<string | null> {
  const context = contextOf(io);
  const OTHER = '__other__';
  const choice = await ask(() =>
    select<string>(
      {
        message: 'Date format of the date columns (ISO 8601 dates are read either way):',
        choices: [{ name: ISO, value: '' }, ...DATE_FORMATS.map((f) => ({ name: f, value: f })), { name: 'Other (type it)', value: OTHER }],
        default: current ?? '',
        pageSize: 12,
      },
      context,
    ),
  );
  if (choice !== OTHER) return choice === '' ? null : choice;
  const typed = await ask(() =>
    input(
      {
        message: 'Date format (tokens YYYY, YY, MM, M, DD, D):',
        validate: (value) => {
          try {
            makeDateParser(value.trim());
            return true;
          } catch (e) {
            return spell((e as Error).message, IN_WORDS);
          }
        },
      },
      context,
    ),
  );
  return typed.trim() || null;
}

async function chooseColumn(proposal: MappingProposal, message: string, current: number | null, io: PromptIO): Promise<number> {
  return ask(() =>
    select<number>(
      {
        message,
        choices: [
          { name: '(skip this field)', value: SKIP },
          ...proposal.headers.map((h, i) => ({ name: `"${printable(h, 40)}"  e.g. ${samplesOf(proposal, i)}`, value: i })),
        ],
        default: current ?? SKIP,
        pageSize: 12,
      },
      contextOf(io),
    ),
  );
}

export async function confirmMappingInteractively(proposal: MappingProposal, io: PromptIO = {}): Promise<{ mapping: ColumnMapping; dateFormat: string | null }> {
  const context = contextOf(io);
  const mapping = copyMapping(proposal.mapping);
  let dateFormat = proposal.settings.dateFormat;
  const out = context.output;
  out.write(`\nColumns found: ${proposal.headers.length}${proposal.remembered ? ' (mapping remembered from the last import of this file layout)' : ''}\n`);
  for (;;) {
    const statusMap = Object.entries(proposal.settings.statusMap);
    out.write(
      `\nProposed mapping (field ← column: sample values):\n${describeMapping(proposal, mapping)}\n` +
        `  date format: ${dateFormatName(dateFormat)}\n` +
        (proposal.settings.delimiter ? `  delimiter: ${JSON.stringify(proposal.settings.delimiter)}\n` : '') +
        (proposal.settings.encoding ? `  encoding: ${proposal.settings.encoding}\n` : '') +
        (statusMap.length ? `  status values: ${statusMap.map(([v, s]) => `${printable(v, 30)} → ${s}`).join(', ')}\n` : '') +
        '\n',
    );
    const missing = missingRequired(mapping);
    const choice = await ask(() =>
      select<string>(
        {
          message: missing.length ? 'Map a company name or domain column first:' : 'Use this mapping?',
          choices: [
            { name: 'Yes, use this mapping', value: DONE, disabled: missing.length ? '(needs company_name or domain)' : false },
            ...IMPORT_FIELDS.map((field) => ({ name: `Change ${field}`, value: field, description: FIELD_DESCRIPTIONS[field] })),
            { name: 'Add another email column', value: ADD_EMAIL, description: 'every address in it is suppressed too' },
            { name: 'Add a fallback domain column', value: ADD_DOMAIN, description: 'tried when the domain columns before it give no company domain' },
            { name: `Set the date format (now ${dateFormatName(dateFormat)})`, value: DATE_FORMAT },
          ],
          pageSize: 10,
        },
        context,
      ),
    );
    if (choice === DONE) return { mapping, dateFormat };
    if (choice === DATE_FORMAT) {
      dateFormat = await chooseDateFormat(dateFormat, io);
      continue;
    }
    const adding = choice === ADD_DOMAIN || choice === ADD_EMAIL;
    const field = (choice === ADD_DOMAIN ? 'domain' : choice === ADD_EMAIL ? 'contact_email' : choice) as ImportField;
    const header = await chooseColumn(
      proposal,
      choice === ADD_DOMAIN ? 'Fallback column for domain:' : choice === ADD_EMAIL ? 'Another column of email addresses:' : `Column for ${field} (${FIELD_DESCRIPTIONS[field]}):`,
      adding ? null : mapping[field],
      io,
    );
    if (header !== SKIP) {
      for (const other of IMPORT_FIELDS) if (other !== field && mapping[other] === header) mapping[other] = null;
      if (field !== 'domain') setDomainColumns(mapping, domainColumns(mapping).filter((i) => i !== header));
      if (field !== 'contact_email') setColumnsOf(mapping, 'contact_email', columnsOf(mapping, 'contact_email').filter((i) => i !== header));
    }
    if (adding) {
      if (header !== SKIP) setColumnsOf(mapping, field, [...columnsOf(mapping, field), header]);
    } else if (header === SKIP) setColumnsOf(mapping, field, []);
    else {
      releaseColumn(mapping, header);
      setColumnsOf(mapping, field, [header, ...columnsOf(mapping, field).slice(1)]);
    }
  }
}

/** Asks what each unknown status value means. */
export async function mapStatusesInteractively(unknown: readonly UnknownStatus[], header: string, io: PromptIO = {}): Promise<Record<string, StatusClass>> {
  const context = contextOf(io);
  context.output.write(
    `\nThe status column "${printable(header, 40)}" holds ${unknown.length} value(s) with no meaning yet. ` +
      'Each is proposed as active (a customer, suppressed): choose skip only for what is not a customer.\n',
  );
  const answers: Record<string, StatusClass> = {};
  for (const u of unknown) {
    answers[statusKey(u.value)] = await ask(() =>
      select<StatusClass>(
        {
          message: `Status "${printable(u.value, 40)}" (${u.rows} row${u.rows === 1 ? '' : 's'}) means:`,
          choices: STATUS_CLASSES.map((s) => ({ name: s === 'skip' ? 'skip (not a customer)' : s === 'active' ? 'active (a customer: suppressed)' : s, value: s })),
          // The fail-closed reading, as the non-interactive hint proposes it.
          default: 'active',
        },
        context,
      ),
    );
  }
  return answers;
}

export async function confirmWriteInteractively(summary: ImportSummary, io: PromptIO = {}): Promise<WriteAnswer> {
  const context = contextOf(io);
  context.output.write(`\nValidation summary for ${printable(summary.file, 60)} → ${summary.client} (${notUtf8(summary) ? `encoding ${notUtf8(summary)}, ` : ''}date format ${dateFormatName(summary.date_format)}):\n${describeSummary(summary)}\n\n`);
  const choice = await ask(() =>
    select<'write' | 'date' | 'cancel'>(
      {
        message: 'Write these changes?',
        choices: [
          { name: 'Yes, write them', value: 'write' },
          { name: `Change the date format (now ${dateFormatName(summary.date_format)}) and validate again`, value: 'date' },
          { name: 'No, cancel (nothing is written)', value: 'cancel' },
        ],
      },
      context,
    ),
  );
  if (choice === 'date') return { action: 'date-format', dateFormat: await chooseDateFormat(summary.date_format, io) };
  return { action: choice };
}

export const terminalPrompts: ImportPrompts = {
  confirmMapping: (proposal) => confirmMappingInteractively(proposal),
  mapStatuses: (unknown, header) => mapStatusesInteractively(unknown, header),
  confirmWrite: (preview) => confirmWriteInteractively(preview),
  confirmMassChurn: (diff) => confirmMassChurnInteractively(diff),
};
