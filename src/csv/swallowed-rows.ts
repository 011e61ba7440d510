// A stray quote (`"Bob Smith`, `24" screen`) opens a quoted cell that runs on over the next rows
// until another quote closes it: those rows become one cell, and nothing reads them as rows. An
// import stops (record-reading.ts); a check, a `suppress --file` or a `signals boost --file` must
// too, or a customer's row is passed on unchecked. An address or a note with a line break (Excel
// for Mac) is no such cell: what tells them apart is below.
import { parseTarget } from '../domain/targets.js';

/**
 * Whether a multi-line cell holds what reads as whole rows of a file of `width` columns: an inner
 * line with the header's count of delimiters, or as many delimiters over the cell as whole rows
 * between its line breaks carry (the tail of one row and the head of the next).
 */
export function holdsRows(cell: string, delimiter: string, width: number): boolean {
  if (width < 3) return false;
  const lines = cell.split(/\r\n|\r|\n/);
  const perRow = width - 1;
  let total = 0;
  for (const [i, line] of lines.entries()) {
    const count = line.split(delimiter).length - 1;
    if (i > 0 && i < lines.length - 1 && count >= perRow) return true;
    total += count;
  }
  return total >= (lines.length - 1) * perRow;
}

/**
 * Whether a multi-line cell holds a target (a domain, a URL or an email) as a cell of its own: a
 * row swallowed whole, whatever the file's width (a two-column opt-out list, a one-column list).
 * `check` (a check, `suppress --file`): any line counts, the first too — a quote opened before a
 * row's website (`"target.com` or `"BuildRight,buildright.com.au`, closed by `27"` on the next
 * line) swallows that website into the cell. `import`: only lines that hold the delimiter count
 * (a note may name a website on a line of its own; the import reads its website column anyway).
 */
export function holdsTargetRow(cell: string, delimiter: string, mode: 'check' | 'import'): boolean {
  const lines = cell.split(/\r\n|\r|\n/);
  for (const line of lines) {
    if (mode === 'import' && !line.includes(delimiter)) continue;
    if (line.split(delimiter).some((f) => f.trim() !== '' && parseTarget(f.trim()).ok)) return true;
  }
  return false;
}

/** The first cell of a record that swallowed rows (for a check: any row-like or target line), or -1. */
export function swallowingCell(fields: readonly string[], delimiter: string, width: number): number {
  return fields.findIndex((cell) => (cell.includes('\n') || cell.includes('\r')) && (holdsRows(cell, delimiter, width) || holdsTargetRow(cell, delimiter, 'check')));
}

/** "lines 8-9" for a record over several lines (a record's line is where it ends). */
export function linesOf(record: { fields: readonly string[]; line: number }): string {
  let breaks = 0;
  for (const cell of record.fields) breaks += cell.split(/\r\n|\r|\n/).length - 1;
  return breaks === 0 ? `line ${record.line}` : `lines ${record.line - breaks}-${record.line}`;
}

/** The hint for a stray quote: where to look, and how to fix it. */
export const STRAY_QUOTE_HINT =
  'a quote in a cell (24" screen) opened a quoted cell that runs on over the next rows: double it ("") or remove it on that line, or save the file again from a spreadsheet as "CSV UTF-8"';
