// An import's summary as text: the interactive confirmation shows it, and so does the CLI after a
// non-interactive import. No prompt library here, so `import --yes` prints it without loading one.
import { printable } from '../domain/printable.js';
import type { ImportSummary } from '../services/import/customer-import-service.js';
import type { ImportDiff } from '../services/import/sync.js';

/** The counts, one a line with the first rejects and dropped values under theirs, then the diff. */
export function describeSummary(s: ImportSummary): string {
  const dry = s.dry_run;
  const rows: Array<[string, number, string[]?]> = [
    ['rows read', s.rows_read],
    [dry ? 'would insert customers' : 'customers inserted', s.inserted],
    [dry ? 'would update customers' : 'customers updated', s.updated],
    ['unchanged', s.unchanged],
    ['merged duplicates', s.merged],
    ['rejected rows', s.rejected, s.first_rejects.map((r) => `line ${r.line}: ${printable(r.error, 100)}`)],
    ['skipped rows', s.skipped, s.first_skipped.map((k) => `line ${k.line}: ${printable(k.why, 100)}`)],
    ['values dropped', s.values_dropped, s.first_dropped.map((d) => `line ${d.line}: ${printable(d.warning, 100)}`)],
    ['without domain or email', s.without_target],
    [dry ? 'would add suppressions' : 'suppressions added', s.suppressions_added],
    [dry ? 'would update suppressions' : 'suppressions updated', s.suppressions_updated],
    [dry ? 'would refresh signals' : 'signals refreshed', s.signals_refreshed],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  return [
    ...rows.flatMap(([label, n, details = []]) => [`  ${label.padEnd(width)} ${n}`, ...details.map((d) => `      ${d}`)]),
    describeDiff(s.diff, s.dry_run, width),
  ].filter(Boolean).join('\n');
}

/** The file's encoding when it is not UTF-8, else null: a Windows-1252 guess is worth seeing (é read as Ã©?). */
export const notUtf8 = (s: Pick<ImportSummary, 'encoding'>): string | null => (/^utf-?8$/i.test(s.encoding) ? null : s.encoding);

/** `width`: the label column of the summary above it, so the diff's figures line up with its. */
export function describeDiff(diff: ImportDiff | null, dryRun: boolean, width = 20): string {
  if (!diff) return '';
  const fields = Object.entries(diff.changed_fields).map(([f, n]) => `${f} ${n}`).join(', ');
  const lines = [`  ${'against stored'.padEnd(width)} ${diff.new} new, ${diff.changed} changed${fields ? ` (${fields})` : ''}, ${diff.unchanged} unchanged`];
  for (const c of diff.changes.slice(0, 5)) lines.push(`    changed ${printable(c.customer, 40)}: ${c.fields.join(', ')}`);
  if (diff.sync) {
    const verb = dryRun ? 'would churn' : 'churned';
    lines.push(`  ${`--sync ${verb}`.padEnd(width)} ${diff.churned} of ${diff.source_customers_before} stored customers of this source (missing from the file)${diff.mass_churn ? ': MORE THAN HALF' : ''}`);
    for (const name of diff.churned_customers.slice(0, 5)) lines.push(`    ${verb} ${printable(name, 40)}`);
  }
  return lines.join('\n');
}
