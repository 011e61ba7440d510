// A listing (customers, suppression entries, expiring entries) as a CSV for a spreadsheet: a
// header row, then a row per item as it arrives, every cell formula-neutralized.
import { once } from 'node:events';
import { neutralizeFormula } from './neutralize.js';
import { peopleCsv } from './people-csv.js';

export interface ListingCsvOptions<T, C extends string> {
  columns: readonly C[];
  /** A UTF-8 BOM first (see people-csv.ts: for a file, or for stdout when asked). */
  bom: boolean;
  /** A cell's text (before neutralizing); default the item's value, '' for none. */
  cell?: ((item: T, column: C) => string) | undefined;
}

/** Writes the listing to `out` and returns how many rows it held (the header not counted). */
export async function writeListingCsv<T extends Partial<Record<C, unknown>>, C extends string>(
  out: NodeJS.WritableStream,
  items: Iterable<T> | AsyncIterable<T>,
  options: ListingCsvOptions<T, C>,
): Promise<number> {
  const cell = options.cell ?? ((item: T, column: C) => String(item[column] ?? ''));
  const csv = await peopleCsv(out, { bom: options.bom });
  csv.write([...options.columns]);
  let rows = 0;
  for await (const item of items) {
    rows++;
    if (!csv.write(options.columns.map((column) => neutralizeFormula(cell(item, column))))) await once(csv, 'drain');
  }
  csv.end();
  await once(csv, 'end');
  return rows;
}
