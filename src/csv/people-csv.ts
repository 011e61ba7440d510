// The one way aos writes a CSV for people — suppression exports, rejects files: opened in a
// spreadsheet, so a file starts with a UTF-8 BOM (without one Excel reads UTF-8 as Windows-1252
// and "Søren" becomes "SÃ¸ren"). stdout gets one only when asked: a pipe feeds programs, which
// a BOM would hand a stray "\uFEFF" in the first header.
import type { Stringifier } from 'csv-stringify';

export interface PeopleCsvOptions {
  /** The input's own delimiter where the CSV answers an input (`;` in, `;` out); default ",". */
  delimiter?: string | undefined;
  /** Start with a UTF-8 BOM: true for files unless --no-bom, false for stdout unless --bom. */
  bom: boolean;
}

/** A csv-stringify stream piped into `out`; write rows to it, end it, await `out` finishing. */
export async function peopleCsv(out: NodeJS.WritableStream, options: PeopleCsvOptions): Promise<Stringifier> {
  const { stringify } = await import('csv-stringify');
  const csv = stringify({ delimiter: options.delimiter ?? ',', bom: options.bom });
  csv.pipe(out);
  return csv;
}

export const NO_BOM_HELP = 'write CSV files without the UTF-8 BOM that spreadsheets need to show accents';
export const BOM_HELP = 'start CSV on stdout with a UTF-8 BOM, for a spreadsheet (files get one by default)';
