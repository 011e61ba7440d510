// Worker thread of target-rows.ts: reads and parses the file and posts the leads in batches.
import { createReadStream } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { readLeadRows } from '../../csv/target-rows.js';
import { outbox } from './channel.js';
import type { TargetRowsMessage, TargetRowsRequest } from './target-rows.js';

const BATCH = 10_000;
const request = workerData as TargetRowsRequest;
const out = outbox<TargetRowsMessage>(parentPort);

async function main(): Promise<void> {
  const source = await readLeadRows(createReadStream(request.path), request.options);
  // Buffers cross as copies of their bytes: a view would drag its whole pooled chunk through the clone.
  const header = source.header && { ...source.header, ...(source.header.raw ? { raw: Buffer.from(source.header.raw) } : {}) };
  await out.send({ type: 'meta', layout: source.layout, header, delimiter: source.delimiter, preamble: Buffer.from(source.preamble), bom: source.bom, sepLine: source.sepLine }, false);
  const keepRaw = Boolean(request.options.keepRaw);
  let lines: number[] = [];
  let cells: string[] = [];
  let cellCounts: number[] = [];
  let single = true; // every row so far has exactly one cell: no counts to send
  let loose: string[] = [];
  let looseCounts: number[] = [];
  let fields: string[][] = [];
  let raws: Buffer[] = [];
  const flush = async () => {
    let raw: Buffer | null = null;
    let rawEnds: number[] | null = null;
    if (keepRaw) {
      raw = Buffer.concat(raws);
      rawEnds = [];
      let end = 0;
      for (const r of raws) rawEnds.push((end += r.length));
    }
    const anyLoose = loose.length > 0;
    await out.send(
      {
        type: 'rows', lines, cells, cellCounts: single ? null : cellCounts, loose: anyLoose ? loose : null, looseCounts: anyLoose ? looseCounts : null,
        fields: request.withFields ? fields : null, raw, rawEnds,
      },
      true,
    );
    lines = [];
    cells = [];
    cellCounts = [];
    single = true;
    loose = [];
    looseCounts = [];
    fields = [];
    raws = [];
  };
  try {
    await readAll();
  } catch (e) {
    // The rows read before the failure go out first: the check answers every one of them.
    if (lines.length > 0) await flush();
    throw e;
  }
  if (lines.length > 0) await flush();
  await out.send({ type: 'end' }, false);

  async function readAll(): Promise<void> {
    for await (const batch of source.rows) {
      for (const row of batch) {
        lines.push(row.line);
        for (const c of row.cells) cells.push(c);
        cellCounts.push(row.cells.length);
        if (row.cells.length !== 1) single = false;
        looseCounts.push(row.loose?.length ?? 0);
        if (row.loose) for (const c of row.loose) loose.push(c);
        if (request.withFields) fields.push(row.fields);
        if (keepRaw) raws.push(row.raw ?? Buffer.alloc(0));
      }
      if (lines.length >= BATCH) await flush();
    }
  }
}

main().catch((e: unknown) => out.fail(e));
