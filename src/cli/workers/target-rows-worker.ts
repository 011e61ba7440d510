// Worker thread of target-rows.ts: reads and parses the file and posts the rows in batches.
import { createReadStream } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { readTargetRows } from '../../csv/target-rows.js';
import { outbox } from './channel.js';
import type { TargetRowsMessage, TargetRowsRequest } from './target-rows.js';

const BATCH = 10_000;
const request = workerData as TargetRowsRequest;
const out = outbox<TargetRowsMessage>(parentPort);

async function main(): Promise<void> {
  const source = await readTargetRows(createReadStream(request.path), request.options);
  const header = source.header && { ...source.header, ...(source.header.raw ? { raw: Buffer.from(source.header.raw) } : {}) };
  await out.send({ type: 'meta', header, column: source.column, otherColumns: source.otherColumns, delimiter: source.delimiter }, false);
  const keepRaw = Boolean(request.options.keepRaw);
  const withOthers = Boolean(request.options.preferEmail) && source.otherColumns.length > 0;
  let values: string[] = [];
  let others: string[][] = [];
  let lines: number[] = [];
  let fields: string[][] = [];
  let raws: Buffer[] = [];
  const flush = async () => {
    let raw: Buffer | null = null;
    let rawEnds: number[] | null = null;
    if (keepRaw) {
      // One buffer per batch: a Buffer view would drag its whole pooled chunk through the clone.
      raw = Buffer.concat(raws);
      rawEnds = [];
      let end = 0;
      for (const r of raws) rawEnds.push((end += r.length));
    }
    await out.send({ type: 'rows', values, others: withOthers ? others : null, lines, fields: request.withFields ? fields : null, raw, rawEnds }, true);
    values = [];
    others = [];
    lines = [];
    fields = [];
    raws = [];
  };
  for await (const batch of source.rows) {
    for (const row of batch) {
      values.push(row.value);
      if (withOthers) others.push(row.others ?? []);
      lines.push(row.line);
      if (request.withFields) fields.push(row.fields);
      if (keepRaw) raws.push(row.raw ?? Buffer.alloc(0));
    }
    if (values.length >= BATCH) await flush();
  }
  if (values.length > 0) await flush();
  await out.send({ type: 'end' }, false);
}

main().catch((e: unknown) => out.fail(e));
