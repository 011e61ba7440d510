// `imports list|show|undo` for people. Every stored value (file names, actors, mapped column
// names) came from outside: shown without terminal controls.
import { displayTarget } from '../../domain/display.js';
import { withoutControls as safe } from '../../domain/printable.js';
import type { ImportRunDetail, ImportRunView, UndoConflict, UndoResult } from '../../services/import/run-service.js';
import type { Renderer } from '../context.js';

const shortId = (id: string) => id.slice(0, 8);

/** Rows of one kind warned about one by one up to this many; past it, one line names the first few (--json lists them all). */
const WARN_EACH_MAX = 10;

/** One warning a row while they are few; a forced undo of a 20k-row run would otherwise print 40k lines. */
function warnEach(out: Parameters<Renderer<unknown>>[1], targets: readonly string[], one: (target: string) => string, many: (shown: string, more: number) => string): void {
  const shown = targets.map(displayTarget);
  if (shown.length <= WARN_EACH_MAX) for (const t of shown) out.warn(one(t));
  else out.warn(many(shown.slice(0, WARN_EACH_MAX).join(', '), shown.length - WARN_EACH_MAX));
}

/** The counts in the order an import reports them; counts this list does not know go last. */
const COUNTS = ['rows_read', 'inserted', 'updated', 'unchanged', 'merged', 'rejected', 'skipped', 'values_dropped', 'suppressions_added', 'suppressions_updated', 'signals_refreshed'];
const countOrder = (k: string) => (COUNTS.includes(k) ? COUNTS.indexOf(k) : COUNTS.length);

/**
 * The mapping is stored as JSON with nested objects: the fields as `field ← "column"`, then only
 * the settings that were given (a nested object printed as it is reads "[object Object]").
 */
function mappingLines(mapping: Record<string, unknown>): string[] {
  const lines: string[] = [];
  const fields = mapping.fields && typeof mapping.fields === 'object' ? Object.entries(mapping.fields as Record<string, unknown>) : [];
  fields.forEach(([field, column], i) => lines.push(`  ${i === 0 ? 'mapping   ' : '          '} ${field} ← ${JSON.stringify(column)}`));
  for (const [k, v] of Object.entries(mapping)) {
    if (k === 'fields' || v === null || v === undefined) continue;
    if (typeof v === 'object' && Object.keys(v).length === 0) continue;
    const text = typeof v === 'object' ? Object.entries(v as Record<string, unknown>).map(([a, b]) => `${a}=${String(b)}`).join(', ') : String(v);
    lines.push(`  ${k.replaceAll('_', ' ').padEnd(10)} ${text}`);
  }
  return lines;
}

export const renderImportRuns: Renderer<ImportRunView[]> = (runs, out) => {
  if (runs.length === 0) return out.info('no imports yet');
  const count = (r: ImportRunView, k: string) => String(r.counts[k] ?? '-');
  out.table(
    ['run', 'finished', 'file', 'rows', 'ins', 'upd', 'same', 'rej', 'actor', 'status', 'sha256'],
    runs.map((r) => [shortId(r.id), r.finished_at ?? '', r.file_name, String(r.rows ?? '-'), count(r, 'inserted'), count(r, 'updated'), count(r, 'unchanged'), count(r, 'rejected'), r.actor, r.status, r.sha256.slice(0, 12)]),
  );
};

export const renderImportRun: Renderer<ImportRunDetail> = (r, out) => {
  const counts = Object.entries(r.counts).sort(([a], [b]) => countOrder(a) - countOrder(b));
  const ch = r.changes;
  const lines = [
    `import run ${r.id} (client ${r.client})`,
    `  file       ${r.file_name}  sha256 ${r.sha256}`,
    `  by         ${r.actor}, ${r.started_at} → ${r.finished_at}`,
    `  status     ${r.status}${r.undone_at ? ` at ${r.undone_at} by ${r.undone_by}` : ''}${r.undoable ? '' : ' (no change log: cannot be undone)'}`,
    `  counts     ${counts.map(([k, v]) => `${k.replaceAll('_', ' ')} ${v}`).join(', ')}`,
    ...mappingLines(r.mapping),
    `  customers  ${ch.customers_inserted} inserted, ${ch.customers_updated} updated, ${ch.customers_deleted} deleted`,
    `  entries    ${ch.entries_inserted} inserted, ${ch.entries_updated} updated, ${ch.entries_deleted} deleted`,
  ];
  for (const line of lines) out.line(safe(line));
};

export const renderUndo: Renderer<UndoResult> = (r, out) => {
  out.line(safe(`${r.dry_run ? 'would undo' : 'undid'} import run ${shortId(r.run)} (${r.file_name}, client ${r.client}):`));
  out.line(safe(`  customers ${r.customers_removed} removed, ${r.customers_restored} restored; entries ${r.entries_removed} removed, ${r.entries_restored} restored; ${r.signals_refreshed} signals refreshed`));
  const kinds = new Map<string, UndoConflict[]>();
  for (const k of r.conflicts_kept) {
    const key = `${k.table} ${k.change}`;
    if (!kinds.has(key)) kinds.set(key, []);
    kinds.get(key)!.push(k);
  }
  for (const group of kinds.values()) {
    const { table, change } = group[0]!;
    const why = `${change}${['changed', 'removed', 'recreated'].includes(change) ? ' since the run' : ''}`;
    const tables = table === 'entry' ? 'entries' : 'customers';
    warnEach(out, group.map((k) => k.target), (t) => `kept ${table} ${t} as it is now: ${why}`, (shown, more) => `kept ${group.length} ${tables} as they are now: ${why}: ${shown} and ${more} more (--json lists them all)`);
  }
  warnEach(out, r.opt_outs_kept, (t) => `kept opt-out ${t}: an undo never removes or weakens an opt-out`, (shown, more) => `kept ${r.opt_outs_kept.length} opt-outs: an undo never removes or weakens an opt-out: ${shown} and ${more} more (--json lists them all)`);
  const settled = new Map<string, string[]>();
  for (const e of r.entries_settled) {
    if (!settled.has(e.reason)) settled.set(e.reason, []);
    settled.get(e.reason)!.push(e.target);
  }
  for (const [reason, targets] of settled) {
    const why = "without expiry: its customer is active again, and an active customer's entry never expires";
    warnEach(out, targets, (t) => `entry ${t} now ${reason} ${why}`, (shown, more) => `${targets.length} entries now ${reason} ${why}: ${shown} and ${more} more (--json lists them all)`);
  }
};
