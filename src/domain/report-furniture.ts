// Report furniture (SPEC §7): what a CRM report puts around its data — title lines above the
// header, blank-row gaps, a footer (Salesforce `Grand Totals (7 records)`, `Confidential
// Information - Do Not Distribute`, the copyright line) — is not customers; it is skipped and
// counted.

/** Non-empty cells of a row. */
export function filledCells(fields: readonly string[]): number {
  let n = 0;
  for (const f of fields) if (f.trim() !== '') n++;
  return n;
}

export const isBlankRow = (fields: readonly string[]) => filledCells(fields) === 0;

const FOOTER = [
  /^grand totals?\b/i,
  /^(?:sub)?totals?\s*(?:\(\d[\d,.]*\s+records?\)|:|$)/i,
  /^confidential information\b/i,
  /^copyright\b|^©|\(c\)\s*(?:\d{4}|copyright)/i,
  /all rights reserved\.?$/i,
  /^(?:report )?generated (?:by|on|at)\b/i,
  /^filtered by\b/i,
  /^\(\d[\d,]*\s+records?\)$/i,
];

/**
 * A footer line of a report: one filled cell holding a total, a confidentiality or copyright
 * notice. A company name on its own ("Total Tools Pty Ltd") is no footer.
 */
export function isFooterRow(fields: readonly string[]): boolean {
  if (filledCells(fields) !== 1) return false;
  const text = (fields.find((f) => f.trim() !== '') as string).trim();
  return FOOTER.some((p) => p.test(text));
}

/**
 * Which of a file's first records is its header: the first with two or more filled cells (a
 * report's title lines above it hold one), else the first non-blank one (a one-column list).
 */
export function headerRowIndex(records: readonly (readonly string[])[]): number {
  const wide = records.findIndex((r) => filledCells(r) >= 2);
  if (wide >= 0) return wide;
  const first = records.findIndex((r) => !isBlankRow(r));
  return first >= 0 ? first : 0;
}
