// An import's rejects file: the rejected rows and the rows that lost a value, as they came (the
// input's own columns and delimiter), then _line, _error and _warning. Written as they arrive.
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import type { Stringifier } from 'csv-stringify';
import { neutralizeFormula } from '../../csv/neutralize.js';
import { peopleCsv } from '../../csv/people-csv.js';
import type { ImportReject } from './customer-import-service.js';

export interface RejectsCsv {
  /** For ImportRequest.onReject: the first call writes the header too. */
  write(reject: ImportReject, headers: string[], delimiter: string): Promise<void>;
  /** For ImportRequest.onHeader: writes the header, so a file without rejects still says what it would hold. */
  header(headers: string[], delimiter: string): Promise<void>;
  /** Ends the file and waits until it is written (also when nothing was rejected). */
  close(): Promise<void>;
}

/** `bom`: start the file with a UTF-8 BOM, for a spreadsheet (see people-csv.ts). */
export function rejectsCsv(out: NodeJS.WritableStream, options: { bom: boolean }): RejectsCsv {
  let csv: Promise<Stringifier> | undefined;
  const open = async (headers: string[], delimiter: string) => {
    const stringifier = await peopleCsv(out, { delimiter, bom: options.bom });
    stringifier.write([...headers, '_line', '_error', '_warning'].map(neutralizeFormula));
    return stringifier;
  };
  return {
    async write(reject, headers, delimiter) {
      const rejects = await (csv ??= open(headers, delimiter));
      const row = [...reject.fields.map(neutralizeFormula), String(reject.line), reject.error ?? '', reject.warning ?? ''];
      if (!rejects.write(row)) await once(rejects, 'drain');
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
