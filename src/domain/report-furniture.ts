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

// The time a report was run, QuickBooks Online's last line: "Monday, 15 January 2024 09:12 AM
// GMT+11:00" (also "Accrual basis Monday, …", US order "January 15, 2024 9:12 AM"). A date and a
// time of day alone in a row name no company.
const RUN_AT = /^(?:(?:cash|accrual)\s+basis\s+)?(?:[a-z]+day,?\s+)?(?:\d{1,2}\s+[a-z]{3,9}\.?,?\s+\d{4}|[a-z]{3,9}\.?\s+\d{1,2},?\s+\d{4}|\d{4}-\d{2}-\d{2}|\d{1,2}\/\d{1,2}\/\d{2,4}),?\s+\d{1,2}:\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?(?:\s*(?:gmt|utc)\s*(?:[+-]\d{1,2}(?::?\d{2})?)?|\s+[a-z]{2,5})?$/i;

const FOOTER = [
  /^grand totals?\b/i,
  /^(?:sub)?totals?\s*(?:\(\d[\d,.]*\s+records?\)|:|$)/i,
  /^confidential information\b/i,
  /^copyright\b|^©|\(c\)\s*(?:\d{4}|copyright)/i,
  /all rights reserved\.?$/i,
  /^(?:report )?generated (?:by|on|at)\b/i,
  /^filtered by\b/i,
  /^\(\d[\d,]*\s+records?\)$/i,
  RUN_AT,
];

const LONE_TARGET = /^[^\s@]+@[^\s@]+$|^(?:https?:\/\/)?[^\s/@]+\.[a-z\u00a1-\uffff]{2,}\.?(?:[/:?#]\S*)?$/i;

const TOTALS_LABEL = [/^grand totals?\b/i, /^(?:sub)?totals?\s*(?:\(\d[\d,.]*\s+records?\)|:|$)/i];
// A summed cell: digits with separators, a currency symbol or ISO code, a percent sign.
const SUMMED_VALUE = /^(?:[A-Z]{3}\s*)?[-+(]?[$€£¥]?\s*\d[\d\s.,']*\)?\s*%?(?:\s*[A-Z]{3})?$/i;

/**
 * A footer line of a report: one filled cell holding a total, a confidentiality or copyright
 * notice; or a totals row — its first cell a totals label (`Grand Totals (4 records)`), the others
 * only the summed numbers a Salesforce summary report writes beside it. A company name on its own
 * ("Total Tools Pty Ltd") is no footer, nor is a row with a domain or a word beside "Total".
 */
export function isFooterRow(fields: readonly string[]): boolean {
  const filled = fields.map((f) => f.trim()).filter((f) => f !== '');
  if (filled.length === 0) return false;
  const text = filled[0] as string;
  // A cell that is only an address or a website is a customer's (`copyright.com.au`,
  // `copyright@agency.com.au`), whatever word it starts with.
  if (filled.length === 1) return !LONE_TARGET.test(text) && FOOTER.some((p) => p.test(text));
  // The report's time written without quotes: "Monday, 15 January 2024 …" split at its comma.
  if (filled.length === 2 && RUN_AT.test(`${text}, ${filled[1] as string}`)) return true;
  return TOTALS_LABEL.some((p) => p.test(text)) && filled.slice(1).every((v) => SUMMED_VALUE.test(v));
}

const headerCell = (s: string) => s.trim().toLowerCase();

/**
 * The header row again in the middle of the data (exports concatenated, a report's pages pasted
 * one after another): every filled cell equals the header's cell above it, two cells at least.
 */
export function isRepeatedHeader(fields: readonly string[], headers: readonly string[]): boolean {
  let matched = 0;
  for (let i = 0; i < fields.length; i++) {
    const cell = headerCell(fields[i] as string);
    if (cell === '') continue;
    if (cell !== headerCell(headers[i] ?? '')) return false;
    matched++;
  }
  return matched >= 2;
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

/**
 * A group title row of a board export (Monday.com: "Churned", "Onboarding"): one filled cell, the
 * first, in a file of several columns, with the header row repeated after it (blank rows between
 * allowed). The caller looks ahead to that next row; a lone name not followed by the header again
 * is a customer with only a name (and in a one-column file every row is one cell).
 */
const ADDRESS_OR_WEBSITE = /@|^(?:https?:\/\/)?[^\s/]+\.[a-z\u00a1-\uffff]{2,}\.?(?:[/:?#]|$)/i;

export function isLoneFirstCell(fields: readonly string[], headers: readonly string[]): boolean {
  const first = (fields[0] ?? '').trim();
  if (headers.length < 2 || first === '') return false;
  // A group names a group, never an address or a website: a file whose first column is Email or
  // Website has rows of that cell alone (a contact with only an address), customers all.
  if (ADDRESS_OR_WEBSITE.test(first)) return false;
  // Every row of an import passes here: a data row is ruled out at its first other filled cell.
  for (let i = 1; i < fields.length; i++) if ((fields[i] as string).trim() !== '') return false;
  return true;
}
