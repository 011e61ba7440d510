// `import` for people: the summary after the import, and its progress while it runs.
import { printable, withoutControls } from '../../domain/printable.js';
import { likelyDateFormat } from '../../domain/date-formats.js';
import { datesNotIso } from '../../domain/values.js';
import { describeSummary, notUtf8 } from '../../prompts/import-summary.js';
import type { ImportSummary } from '../../services/import/customer-import-service.js';
import type { Renderer } from '../context.js';
import type { Output } from '../output.js';

/**
 * `rejectsPath`: the --rejects file, which the warnings point to (or suggest, without one);
 * `skippedPath`: the --skipped file, suggested when more rows were skipped than the summary names.
 */
export const renderImportSummary = (rejectsPath: string | undefined, skippedPath?: string): Renderer<ImportSummary> => (summary, out) => {
  const seeRejects = rejectsPath ? `: see ${rejectsPath}` : ': pass --rejects PATH to see them';
  out.line(`${summary.dry_run ? 'dry run (nothing written): ' : ''}${withoutControls(summary.file)} → ${summary.client} in ${summary.seconds}s`);
  // Off a terminal nobody confirmed the mapping: say which column fed which field.
  const columns = Object.entries(summary.mapping).map(([field, header]) => `${field} ← ${(Array.isArray(header) ? header : [header]).map((h) => printable(h, 40)).join(' + ')}`);
  out.line(`  columns: ${columns.join(', ') || '(none mapped)'}`);
  // UTF-8 goes without saying; another encoding (detected or given) is named, so a wrong guess shows.
  const encoding = notUtf8(summary);
  if (encoding) out.line(`  encoding: ${encoding}`);
  out.line(describeSummary(summary));
  if (summary.rejected > 0) out.warn(`${summary.rejected} row(s) rejected${seeRejects}`);
  if (summary.values_dropped > 0) out.warn(`${summary.values_dropped} value(s) did not parse and were dropped (the rows were imported)${seeRejects}`);
  // The value's warning names no flag (it is the library's too): say which one reads other dates.
  // The format proposed is read off the dates dropped (31.12.2024: DD.MM.YYYY).
  const notIso = summary.date_format === null ? summary.first_dropped.flatMap((d) => datesNotIso(d.warning)) : [];
  if (notIso.length > 0) out.hint(`dates in another format: pass --date-format, e.g. --date-format ${likelyDateFormat(notIso)}`);
  if (skippedPath === undefined && summary.skipped > summary.first_skipped.length) {
    out.hint(`${summary.skipped} rows skipped, the first ${summary.first_skipped.length} named above: pass --skipped PATH to list them all with why`);
  }
  const unread = summary.status_column_unread;
  if (unread) {
    const values = unread.values.map((v) => printable(v, 30));
    out.warn(`column "${printable(unread.column, 40)}" was not read as the status: none of its values (${values.join(', ')}) is a status aos knows, so every row took the default status`);
    out.hint(`if it says who is a customer: --map status="${printable(unread.column, 40)}" --status-map '${values.map((v) => `${v}=…`).join(',')}' (each active, churned, partner, competitor or skip)`);
  }
  if (summary.without_target > 0) out.warn(`${summary.without_target} customer(s) have neither domain nor email, so nothing can suppress them`);
};

/** A spinner with the rows read and the rate (on a terminal, not with -q); stop it when done. */
export async function importProgress(out: Output, name: string): Promise<{ update(rows: number): void; stop(): void }> {
  const spinner = await out.spinner(`importing ${name}…`);
  const started = performance.now();
  return {
    update: (rows) => {
      const seconds = (performance.now() - started) / 1000;
      spinner.update(`importing ${name}: ${rows.toLocaleString('en')} rows (${Math.round(rows / Math.max(seconds, 0.001)).toLocaleString('en')} rows/s)`);
    },
    stop: () => spinner.stop(),
  };
}
