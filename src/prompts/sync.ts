// The import's diff in the confirmation and summary, and the second question a mass churn asks.
import { confirm } from '@inquirer/prompts';
import { printable } from '../domain/targets.js';
import { AosError } from '../errors.js';
import type { ImportDiff } from '../services/import-sync.js';
import type { PromptIO } from './mapping.js';

/** `width`: the label column of the summary above it, so the diff's figures line up with its. */
export function describeDiff(diff: ImportDiff | null, dryRun: boolean, width = 20): string {
  if (!diff) return '';
  const fields = Object.entries(diff.changed_fields).map(([f, n]) => `${f} ${n}`).join(', ');
  const lines = [`  ${'against stored'.padEnd(width)} ${diff.new} new, ${diff.changed} changed${fields ? ` (${fields})` : ''}, ${diff.unchanged} unchanged`];
  for (const c of diff.changes.slice(0, 5)) lines.push(`    changed ${printable(c.customer, 40)}: ${c.fields.join(', ')}`);
  if (diff.sync) {
    const verb = dryRun ? 'would churn' : 'churned';
    lines.push(`  ${`--sync ${verb}`.padEnd(width)} ${diff.churned} of ${diff.customers_before} stored customers (missing from the file)${diff.mass_churn ? ': MORE THAN HALF' : ''}`);
    for (const name of diff.churned_customers.slice(0, 5)) lines.push(`    ${verb} ${printable(name, 40)}`);
  }
  return lines.join('\n');
}

export async function confirmMassChurnInteractively(diff: ImportDiff, io: PromptIO = {}): Promise<boolean> {
  const context = { input: io.input ?? process.stdin, output: io.output ?? process.stderr };
  context.output.write(`\n--sync would churn ${diff.churned} of the ${diff.customers_before} stored customers, more than half:\n${diff.churned_customers.map((n) => `  ${printable(n, 60)}`).join('\n')}${diff.churned > diff.churned_customers.length ? `\n  … and ${diff.churned - diff.churned_customers.length} more` : ''}\n\n`);
  try {
    return await confirm({ message: 'Is this file really the complete customer list? Churn them?', default: false }, context);
  } catch (e) {
    if ((e as Error).name === 'ExitPromptError' || (e as Error).name === 'AbortPromptError') throw new AosError('interrupted', 'import cancelled: nothing was written');
    throw e;
  }
}
