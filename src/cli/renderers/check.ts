// `aos check TARGET…` for people: a line a target (--json prints each outcome, one a line).
import { displayTarget, targetAsTyped } from '../../domain/display.js';
import { printable, withoutControls } from '../../domain/printable.js';
import type { CheckOutcome } from '../../services/suppression-service.js';
import type { Renderer } from '../context.js';
import type { Output } from '../output.js';

/** One verdict; `loose` is a bulk row's loosely read cells, shown when it has no target. */
export function describeOutcome(o: CheckOutcome, out: Output, loose?: readonly string[]): string {
  if ('error' in o) {
    // A row with no target names no cell: show what it holds instead ("Grand Totals (2 records)"
    // in a Salesforce footer), from its loosely read cells, which both reading paths carry.
    const shown = o.input !== '' ? withoutControls(o.input) : loose?.length ? printable(loose.join(' | '), 60) : '(empty)';
    return `${out.c.yellow('invalid   ')}  ${shown}: ${o.error}`;
  }
  const target = withoutControls(targetAsTyped(o.target, o.input));
  if (!o.suppressed) return `${out.c.green('allowed   ')}  ${target}`;
  const expiry = o.expires_at ? `, until ${o.expires_at}` : '';
  return `${out.c.red('suppressed')}  ${target}  ${o.reason} (entry ${displayTarget(o.match ?? '')}${expiry})`;
}

export const renderVerdicts: Renderer<CheckOutcome[]> = (outcomes, out) => {
  for (const o of outcomes) out.line(describeOutcome(o, out));
};
