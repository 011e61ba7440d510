// The second question a mass churn asks (the diff itself is described in import-summary.ts).
import { confirm } from '@inquirer/prompts';
import { printable } from '../domain/targets.js';
import { AosError } from '../errors.js';
import type { ImportDiff } from '../services/import/sync.js';
import type { PromptIO } from './io.js';

export async function confirmMassChurnInteractively(diff: ImportDiff, io: PromptIO = {}): Promise<boolean> {
  const context = { input: io.input ?? process.stdin, output: io.output ?? process.stderr };
  context.output.write(`\n--sync would churn ${diff.churned} of the ${diff.source_customers_before} stored customers of this source, more than half:\n${diff.churned_customers.map((n) => `  ${printable(n, 60)}`).join('\n')}${diff.churned > diff.churned_customers.length ? `\n  … and ${diff.churned - diff.churned_customers.length} more` : ''}\n\n`);
  try {
    return await confirm({ message: 'Is this file really the complete customer list? Churn them?', default: false }, context);
  } catch (e) {
    if ((e as Error).name === 'ExitPromptError' || (e as Error).name === 'AbortPromptError') throw new AosError('interrupted', 'import cancelled: nothing was written');
    throw e;
  }
}
