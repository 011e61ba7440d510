// `aos check --file F` / `aos check -` for people and scripts: which columns are read, a line per
// lead as the batches are answered (NDJSON with the row's line, or text), and the tally.
import { withoutControls } from '../../domain/printable.js';
import type { LeadRow, LeadRows } from '../../csv/target-rows.js';
import { checkedLeads, type LeadCheckTally } from '../../services/lead-check.js';
import type { CheckOutcome } from '../../services/suppression-service.js';
import type { Renderer } from '../context.js';
import type { Output } from '../output.js';
import { describeOutcome } from './check.js';

/** Which columns are read, for stderr: a user must be able to see what was (not) checked. */
export function describeColumns(source: LeadRows): string | null {
  if (!source.header || source.layout.list) return null;
  const name = (i: number) => {
    const text = withoutControls(source.header?.fields[i]?.trim() ?? '');
    return text === '' ? `column ${i + 1}` : `"${text}"`;
  };
  const roles = source.layout.roles;
  const targets = roles.flatMap((r, i) => (r === 'target' ? [name(i)] : []));
  const loose = roles.filter((r) => r === 'loose').length;
  if (targets.length <= 1 && loose === 0) return null;
  // Every other column is read loosely (a whole email or domain in it counts): say so once, not
  // by listing an Apollo export's twenty columns.
  return `checking ${targets.length === 1 ? 'column' : 'columns'} ${targets.join(', ')}${loose > 0 ? ' and any whole email or domain in the other columns' : ''} (--column to check one column)`;
}

/** A batch of answered leads as stdout text: the §6 object with "line" last (NDJSON), or a line a lead. */
export function leadLines(out: Output, json: boolean): (rows: readonly LeadRow[], outcomes: readonly CheckOutcome[]) => string {
  return (rows, outcomes) => {
    const lines: string[] = [];
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i] as LeadRow;
      const outcome = outcomes[i] as CheckOutcome;
      if (json) {
        // The outcome is this row's own object: set on it, not spread into a copy (or spliced
        // into its JSON), which cost ~15 % of a 1M-row check.
        (outcome as CheckOutcome & { line: number }).line = row.line;
        lines.push(`${JSON.stringify(outcome)}\n`);
      } else {
        lines.push(`${'error' in outcome ? `line ${row.line}: ` : ''}${describeOutcome(outcome, out, row.loose)}\n`);
      }
    }
    return lines.join('');
  };
}

export const renderLeadTally: Renderer<LeadCheckTally> = (t, out) => {
  out.info(`checked ${checkedLeads(t)}: ${t.allowed} allowed, ${t.suppressed} suppressed, ${t.invalid} invalid`);
};
