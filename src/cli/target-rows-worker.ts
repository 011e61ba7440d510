// Worker thread of target-rows-thread.ts: reads and parses the file, and posts the rows in
// batches, at most two ahead of what the main thread has taken.
import { createReadStream } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { readTargetRows } from '../csv/target-rows.js';
import { AosError } from '../errors.js';
import type { WorkerMessage, WorkerRequest } from './target-rows-thread.js';

const BATCH = 10_000;
const port = parentPort;
const request = workerData as WorkerRequest;
let credits = 2;
let wake: (() => void) | null = null;
port?.on('message', () => {
  credits++;
  wake?.();
  wake = null;
});

const post = (m: WorkerMessage) => port?.postMessage(m);

async function main(): Promise<void> {
  const source = await readTargetRows(createReadStream(request.path), request.options);
  const header = source.header && { ...source.header, ...(source.header.raw ? { raw: Buffer.from(source.header.raw) } : {}) };
  post({ type: 'meta', header, column: source.column, delimiter: source.delimiter });
  const keepRaw = Boolean(request.options.keepRaw);
  let values: string[] = [];
  let lines: number[] = [];
  let fields: string[][] = [];
  let raws: Buffer[] = [];
  const flush = async () => {
    while (credits === 0) await new Promise<void>((resolve) => (wake = resolve));
    credits--;
    let raw: Buffer | null = null;
    let rawEnds: number[] | null = null;
    if (keepRaw) {
      // One buffer per batch: a Buffer view would drag its whole pooled chunk through the clone.
      raw = Buffer.concat(raws);
      rawEnds = [];
      let end = 0;
      for (const r of raws) rawEnds.push((end += r.length));
    }
    post({ type: 'rows', values, lines, fields: request.withFields ? fields : null, raw, rawEnds });
    values = [];
    lines = [];
    fields = [];
    raws = [];
  };
  for await (const batch of source.rows) {
    for (const row of batch) {
      values.push(row.value);
      lines.push(row.line);
      if (request.withFields) fields.push(row.fields);
      if (keepRaw) raws.push(row.raw ?? Buffer.alloc(0));
    }
    if (values.length >= BATCH) await flush();
  }
  if (values.length > 0) await flush();
  post({ type: 'end' });
}

main().catch((e: unknown) => {
  const err = e as Error;
  post({ type: 'error', code: e instanceof AosError ? e.code : null, message: err?.message ?? String(e), hint: e instanceof AosError ? e.hint : undefined });
});
