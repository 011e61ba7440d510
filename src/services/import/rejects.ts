// An import's rejects file: the rejected rows and the rows that lost a value, as they came (the
// input's own columns and delimiter), then _line, _error and _warning; and its skipped file, the
// rows that are no customer (a status, a blank row, report furniture) with _line and _skipped.
// Written as they arrive.
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import type { Stringifier } from 'csv-stringify';
import { neutralizeFormula } from '../../csv/neutralize.js';
import { peopleCsv } from '../../csv/people-csv.js';
import type { ImportReject, ImportSkip } from './customer-import-service.js';

/** A file of input rows, each with columns of its own after the input's. */
export interface RowsCsv<Row> {
  /** For ImportRequest.onReject / onSkip: the first call writes the header too. */
  write(row: Row, headers: string[], delimiter: string): Promise<void>;
  /** For ImportRequest.onHeader: writes the header, so a file without rows still says what it would hold. */
  header(headers: string[], delimiter: string): Promise<void>;
  /** Ends the file and waits until it is written (also when no row went to it). */
  close(): Promise<void>;
}

export type RejectsCsv = RowsCsv<ImportReject>;

/** `bom`: start the file with a UTF-8 BOM, for a spreadsheet (see people-csv.ts). */
export function rejectsCsv(out: NodeJS.WritableStream, options: { bom: boolean }): RejectsCsv {
  return rowsCsv(out, options, ['_line', '_error', '_warning'], (r: ImportReject) => [r.fields, [String(r.line), r.error ?? '', r.warning ?? '']]);
}

/** The skipped rows as they came, then the line and why it is no customer. */
export function skippedCsv(out: NodeJS.WritableStream, options: { bom: boolean }): RowsCsv<ImportSkip> {
  return rowsCsv(out, options, ['_line', '_skipped'], (s: ImportSkip) => [s.fields, [String(s.line), s.why]]);
}

function rowsCsv<Row>(out: NodeJS.WritableStream, options: { bom: boolean }, own: readonly string[], cells: (row: Row) => [readonly string[], string[]]): RowsCsv<Row> {
  let csv: Promise<Stringifier> | undefined;
  const open = async (headers: string[], delimiter: string) => {
    const stringifier = await peopleCsv(out, { delimiter, bom: options.bom });
    stringifier.write([...headers, ...own].map(neutralizeFormula));
    return stringifier;
  };
  return {
    async write(row, headers, delimiter) {
      const file = await (csv ??= open(headers, delimiter));
      const [fields, mine] = cells(row);
      if (!file.write([...fields.map(neutralizeFormula), ...mine])) await once(file, 'drain');
    },
    async header(headers, delimiter) {
      await (csv ??= open(headers, delimiter));
    },
    async close() {
      // The stringifier ends the file it is piped into; a file nothing was written to is ended here.
      if (csv) (await csv).end();
      else out.end();
      await finished(out);
    },
  };
}
