// Interactive column mapping and write confirmation (SPEC §7). Prompts write to stderr; every
// answer here also has a flag (--map, --mapping-file, --yes) for scripts.
import { confirm, select } from '@inquirer/prompts';
import { FIELD_DESCRIPTIONS, IMPORT_FIELDS, missingRequired, type ColumnMapping, type ImportField } from '../domain/column-mapping.js';
import { printable } from '../domain/targets.js';
import { AosError } from '../errors.js';
import type { ImportSummary, MappingProposal } from '../services/customer-import-service.js';
import { describeDiff } from './sync.js';

export interface PromptIO {
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
}

const DONE = '__done__';
const SKIP = -1;

function samplesOf(proposal: MappingProposal, index: number): string {
  const values = proposal.samples.map((r) => (r[index] ?? '').trim()).filter((v) => v !== '').slice(0, 3);
  return values.length ? values.map((v) => printable(v, 24)).join(' | ') : '(empty)';
}

function describeMapping(proposal: MappingProposal, mapping: ColumnMapping): string {
  const rows = IMPORT_FIELDS.map((field) => {
    const index = mapping[field];
    const column = index === null ? '—' : `"${printable(proposal.headers[index] ?? '', 30)}"`;
    const sample = index === null ? '' : samplesOf(proposal, index);
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

export async function confirmMappingInteractively(proposal: MappingProposal, io: PromptIO = {}): Promise<ColumnMapping> {
  const context = { input: io.input ?? process.stdin, output: io.output ?? process.stderr };
  const mapping: ColumnMapping = { ...proposal.mapping };
  const out = context.output;
  out.write(`\nColumns found: ${proposal.headers.length}${proposal.remembered ? ' (mapping remembered from the last import of this file layout)' : ''}\n`);
  for (;;) {
    out.write(`\nProposed mapping (field ← column: sample values):\n${describeMapping(proposal, mapping)}\n\n`);
    const missing = missingRequired(mapping);
    const choice = await ask(() =>
      select<string>(
        {
          message: missing.length ? 'Map a company name or domain column first:' : 'Use this mapping?',
          choices: [
            { name: 'Yes, use this mapping', value: DONE, disabled: missing.length ? '(needs company_name or domain)' : false },
            ...IMPORT_FIELDS.map((field) => ({
              name: `Change ${field}`,
              value: field,
              description: FIELD_DESCRIPTIONS[field],
            })),
          ],
          pageSize: 10,
        },
        context,
      ),
    );
    if (choice === DONE) return mapping;
    const field = choice as ImportField;
    const header = await ask(() =>
      select<number>(
        {
          message: `Column for ${field} (${FIELD_DESCRIPTIONS[field]}):`,
          choices: [
            { name: '(skip this field)', value: SKIP },
            ...proposal.headers.map((h, i) => ({ name: `"${printable(h, 40)}"  e.g. ${samplesOf(proposal, i)}`, value: i })),
          ],
          default: mapping[field] ?? SKIP,
          pageSize: 12,
        },
        context,
      ),
    );
    if (header === SKIP) mapping[field] = null;
    else {
      for (const other of IMPORT_FIELDS) if (mapping[other] === header) mapping[other] = null;
      mapping[field] = header;
    }
  }
}

export function describeSummary(s: ImportSummary): string {
  return [
    `  rows read            ${s.rows_read}`,
    `  customers inserted   ${s.inserted}`,
    `  customers updated    ${s.updated}`,
    `  unchanged            ${s.unchanged}`,
    `  merged duplicates    ${s.merged}`,
    `  rejected rows        ${s.rejected}`,
    `  suppressions added   ${s.suppressions_added}`,
    `  suppressions updated ${s.suppressions_updated}`,
    `  signals refreshed    ${s.signals_refreshed}`,
    describeDiff(s.diff, s.dry_run),
  ].filter(Boolean).join('\n');
}

export async function confirmWriteInteractively(summary: ImportSummary, io: PromptIO = {}): Promise<boolean> {
  const context = { input: io.input ?? process.stdin, output: io.output ?? process.stderr };
  context.output.write(`\nValidation summary for ${summary.file} → ${summary.client}:\n${describeSummary(summary)}\n\n`);
  return ask(() => confirm({ message: 'Write these changes?', default: true }, context));
}
