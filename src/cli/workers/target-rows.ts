// A bulk check spends about a sixth of its one thread reading and parsing the leads file (CSV
// parsing and the garbage it leaves). For big files that runs in a worker thread, a batch or two
// ahead, while the main thread looks targets up and writes results. Rows and errors are the same
// as readTargetRows gives in-thread, which small files, stdin and the library keep using.
import type { CsvRecord } from '../../csv/records.js';
import { readTargetRows, type ReadTargetRowsOptions, type TargetRow, type TargetRows } from '../../csv/target-rows.js';
import type { InputSource } from '../inputs.js';
import { errorFrom, startWorker, workerScript } from './channel.js';
import { isLargeFile } from './size.js';

export interface TargetRowsRequest {
  path: string;
  options: ReadTargetRowsOptions;
  /** Send every row's fields (for --rejected); otherwise only the target value. */
  withFields: boolean;
}

export type TargetRowsMessage =
  | { type: 'meta'; header: CsvRecord | null; column: number; otherColumns: number[]; delimiter: string }
  | { type: 'rows'; values: string[]; others: string[][] | null; lines: number[]; fields: string[][] | null; raw: Buffer | null; rawEnds: number[] | null }
  | { type: 'end' };

export interface OpenedTargetRows extends TargetRows {
  /** A big file: many targets are coming. */
  large: boolean;
  /** Stops the reader; safe to call at any time, more than once. */
  close(): Promise<void>;
}

export async function openTargetRows(input: InputSource, options: ReadTargetRowsOptions, withFields: boolean): Promise<OpenedTargetRows> {
  const large = isLargeFile(input.path);
  const script = large ? workerScript('target-rows-worker', import.meta.url) : null;
  if (!script || input.path === undefined) {
    const rows = await readTargetRows(input.stream, options);
    return { ...rows, large, close: async () => void (await rows.rows.return(undefined)) };
  }
  input.stream.destroy(); // the worker opens the file itself

  const request: TargetRowsRequest = { path: input.path, options, withFields };
  const inbox = startWorker<TargetRowsMessage>(script, request);
  const first = await inbox.next();
  if (first.type !== 'meta') {
    await inbox.close();
    throw first.type === 'error' ? errorFrom(first) : new Error('target reader sent rows before its header');
  }

  async function* rows(): AsyncGenerator<TargetRow[]> {
    try {
      for (;;) {
        const m = await inbox.next();
        if (m.type === 'end') return;
        if (m.type === 'error') throw errorFrom(m);
        if (m.type !== 'rows') continue;
        inbox.ack();
        const batch: TargetRow[] = new Array(m.values.length);
        let start = 0;
        for (let i = 0; i < m.values.length; i++) {
          const value = m.values[i] as string;
          const row: TargetRow = { value, line: m.lines[i] as number, fields: m.fields?.[i] ?? [value] };
          if (m.others) row.others = m.others[i] as string[];
          if (m.raw && m.rawEnds) {
            const end = m.rawEnds[i] as number;
            row.raw = m.raw.subarray(start, end);
            start = end;
          }
          batch[i] = row;
        }
        yield batch;
      }
    } finally {
      await inbox.close();
    }
  }
  return { header: first.header, column: first.column, otherColumns: first.otherColumns, delimiter: first.delimiter, rows: rows(), large, close: () => inbox.close() };
}
