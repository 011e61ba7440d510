// `imports list|show|undo` for people. Every stored value (file names, actors, mapped column
// names) came from outside: shown without terminal controls.
import { withoutControls as safe } from '../../domain/printable.js';
import type { ImportRunDetail, ImportRunView, UndoResult } from '../../services/import/run-service.js';
import type { Renderer } from '../context.js';

const shortId = (id: string) => id.slice(0, 8);

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
  for (const k of r.conflicts_kept) out.warn(`kept ${k.table} ${k.target} as it is now: ${k.change}${['changed', 'removed', 'recreated'].includes(k.change) ? ' since the run' : ''}`);
  for (const t of r.opt_outs_kept) out.warn(`kept opt-out ${t}: an undo never removes or weakens an opt-out`);
  for (const e of r.entries_settled) out.warn(`entry ${e.target} now ${e.reason} without expiry: its customer is active again, and an active customer's entry never expires`);
};
