// A bulk check spends about a sixth of its one thread reading and parsing the leads file (CSV
// parsing and the garbage it leaves). For big files that runs in a worker thread, one batch ahead,
// while the main thread looks targets up and writes results. Rows and errors are the same as
// readTargetRows gives in-thread, which small files, stdin and the library keep using.
import { existsSync, statSync, type ReadStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { CsvRecord } from '../csv/records.js';
import { readTargetRows, type ReadTargetRowsOptions, type TargetRow, type TargetRows } from '../csv/target-rows.js';
import { AosError, type AosErrorCode } from '../errors.js';
import type { InputSource } from './inputs.js';

/** Below this size (~140k targets) the worker (~80 ms to its first rows) and reading the whole list cost more than they save. */
export const WORKER_MIN_BYTES = 4 * 1024 * 1024;

export interface WorkerRequest {
  path: string;
  options: ReadTargetRowsOptions;
  /** Send every row's fields (for --rejected); otherwise only the target value. */
  withFields: boolean;
}

export type WorkerMessage =
  | { type: 'meta'; header: CsvRecord | null; column: number; delimiter: string }
  | { type: 'rows'; values: string[]; lines: number[]; fields: string[][] | null; raw: Buffer | null; rawEnds: number[] | null }
  | { type: 'end' }
  | { type: 'error'; code: AosErrorCode | null; message: string; hint: string | undefined };

export interface OpenedTargetRows extends TargetRows {
  /** A file of WORKER_MIN_BYTES or more: many targets are coming. */
  large: boolean;
  /** Stops the reader; safe to call at any time, more than once. */
  close(): Promise<void>;
}

function workerScript(): URL | null {
  // Next to the bundled CLI, or next to this module in dist/; never under src/ (TypeScript).
  for (const name of ['./target-rows-worker.bundle.js', './target-rows-worker.js']) {
    const url = new URL(name, import.meta.url);
    if (existsSync(fileURLToPath(url))) return url;
  }
  return null;
}

/** 0 when it cannot be read: the in-thread reader then reports the problem as usual. */
function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

function fromMessage(m: Extract<WorkerMessage, { type: 'error' }>): Error {
  return m.code ? new AosError(m.code, m.message, m.hint) : new Error(m.message);
}

export async function openTargetRows(input: InputSource, options: ReadTargetRowsOptions, withFields: boolean): Promise<OpenedTargetRows> {
  const large = input.path !== undefined && fileSize(input.path) >= WORKER_MIN_BYTES;
  const script = large ? workerScript() : null;
  if (!script || input.path === undefined) {
    const rows = await readTargetRows(input.stream, options);
    return { ...rows, large, close: async () => void (await rows.rows.return(undefined)) };
  }
  (input.stream as ReadStream).destroy(); // the worker opens the file itself

  const request: WorkerRequest = { path: input.path, options, withFields };
  const worker = new Worker(script, { workerData: request });
  const queue: WorkerMessage[] = [];
  let waiting: (() => void) | null = null;
  const arrive = (m: WorkerMessage) => {
    queue.push(m);
    waiting?.();
    waiting = null;
  };
  worker.on('message', arrive);
  worker.on('error', (e: Error) => arrive({ type: 'error', code: null, message: e.message, hint: undefined }));
  worker.on('exit', (code) => arrive(code === 0 ? { type: 'end' } : { type: 'error', code: null, message: `target reader stopped (exit ${code})`, hint: undefined }));
  const next = async (): Promise<WorkerMessage> => {
    while (queue.length === 0) await new Promise<void>((resolve) => (waiting = resolve));
    return queue.shift() as WorkerMessage;
  };
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await worker.terminate();
  };

  const first = await next();
  if (first.type === 'error') {
    await close();
    throw fromMessage(first);
  }
  if (first.type !== 'meta') throw new Error('target reader sent rows before its header');

  async function* rows(): AsyncGenerator<TargetRow[]> {
    try {
      for (;;) {
        const m = await next();
        if (m.type === 'end') return;
        if (m.type === 'error') throw fromMessage(m);
        if (m.type !== 'rows') continue;
        worker.postMessage('more');
        const batch: TargetRow[] = new Array(m.values.length);
        let start = 0;
        for (let i = 0; i < m.values.length; i++) {
          const value = m.values[i] as string;
          const row: TargetRow = { value, line: m.lines[i] as number, fields: m.fields?.[i] ?? [value] };
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
      await close();
    }
  }
  return { header: first.header, column: first.column, delimiter: first.delimiter, rows: rows(), large, close };
}
