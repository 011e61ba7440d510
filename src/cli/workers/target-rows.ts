// A bulk check spends about a sixth of its one thread reading and parsing the leads file (CSV
// parsing and the garbage it leaves). For big files that runs in a worker thread, a batch or two
// ahead, while the main thread looks targets up and writes results. Rows and errors are the same
// as readLeadRows gives in-thread (the same lead policy decides them), which small files, stdin
// and the library keep using.
import type { LeadLayout } from '../../domain/lead-policy.js';
import type { CsvRecord } from '../../csv/records.js';
import { readLeadRows, type LeadRow, type LeadRows, type ReadLeadRowsOptions } from '../../csv/target-rows.js';
import type { InputSource } from '../inputs.js';
import { withPauses } from '../../csv/pauses.js';
import { errorFrom, startWorker, workerScript } from './channel.js';
import { isLargeFile } from './size.js';

export interface TargetRowsRequest {
  path: string;
  options: ReadLeadRowsOptions;
  /** Send every row's fields (for --rejected); otherwise only the cells to check. */
  withFields: boolean;
}

/**
 * A batch of rows as flat arrays (one structured clone of a few arrays, not of 10,000 objects):
 * row i has cellCounts[i] cells (1 each when null), looseCounts[i] loose cells (none when null).
 */
export type TargetRowsMessage =
  | { type: 'meta'; layout: LeadLayout; header: CsvRecord | null; delimiter: string; preamble: Buffer; bom: boolean; sepLine: string | null }
  | {
      type: 'rows';
      lines: number[];
      cells: string[];
      cellCounts: number[] | null;
      loose: string[] | null;
      looseCounts: number[] | null;
      fields: string[][] | null;
      raw: Buffer | null;
      rawEnds: number[] | null;
    }
  | { type: 'end' };

export interface OpenedLeadRows extends LeadRows {
  /** A big file: many targets are coming. */
  large: boolean;
  /** Stops the reader; safe to call at any time, more than once. */
  close(): Promise<void>;
}

export async function openLeadRows(input: InputSource, options: ReadLeadRowsOptions, withFields: boolean): Promise<OpenedLeadRows> {
  const large = isLargeFile(input.path);
  const script = large ? workerScript('target-rows-worker', import.meta.url) : null;
  if (!script || input.path === undefined) {
    const rows = input.pauses ? await readLeadRows(withPauses(input.stream), { ...options, pauses: true }) : await readLeadRows(input.stream, options);
    const close = async () => {
      // A co-process's writer may keep stdin open after a failure: the read it waits on is ended
      // here, or the reader would wait for it, and the process would not exit.
      if (input.pauses) input.stream.destroy();
      await rows.rows.return(undefined);
    };
    return { ...rows, large, close };
  }
  input.stream.destroy(); // the worker opens the file itself

  const request: TargetRowsRequest = { path: input.path, options, withFields };
  const inbox = startWorker<TargetRowsMessage>(script, request);
  const first = await inbox.next();
  if (first.type !== 'meta') {
    await inbox.close();
    throw first.type === 'error' ? errorFrom(first) : new Error('target reader sent rows before its header');
  }

  async function* rows(): AsyncGenerator<LeadRow[]> {
    try {
      for (;;) {
        const m = await inbox.next();
        if (m.type === 'end') return;
        if (m.type === 'error') throw errorFrom(m);
        if (m.type !== 'rows') continue;
        inbox.ack();
        const batch: LeadRow[] = new Array(m.lines.length);
        let cell = 0;
        let loose = 0;
        let start = 0;
        for (let i = 0; i < m.lines.length; i++) {
          const n = m.cellCounts ? (m.cellCounts[i] as number) : 1;
          const cells = n === 1 ? [m.cells[cell++] as string] : m.cells.slice(cell, (cell += n));
          const row: LeadRow = { cells, line: m.lines[i] as number, fields: m.fields?.[i] ?? cells };
          const l = m.looseCounts ? (m.looseCounts[i] as number) : 0;
          if (l > 0 && m.loose) row.loose = m.loose.slice(loose, (loose += l));
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
  const preamble = Buffer.from(first.preamble.buffer, first.preamble.byteOffset, first.preamble.byteLength);
  return { layout: first.layout, header: first.header, delimiter: first.delimiter, preamble, bom: first.bom, sepLine: first.sepLine, rows: rows(), large, close: () => inbox.close() };
}
