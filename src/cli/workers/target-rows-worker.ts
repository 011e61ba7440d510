// Worker thread of target-rows.ts: reads and parses the file and posts the leads in batches.
import { createReadStream } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { readLeadRows, type LeadRow } from '../../csv/target-rows.js';
import { outbox } from './channel.js';
import type { TargetRowsMessage, TargetRowsRequest } from './target-rows.js';

const BATCH = 10_000;
const request = workerData as TargetRowsRequest;
const out = outbox<TargetRowsMessage>(parentPort);

/** The rows read since the last batch went out, column by column as a batch message carries them. */
class RowBatch {
  readonly lines: number[] = [];
  private readonly cells: string[] = [];
  private readonly cellCounts: number[] = [];
  private single = true; // every row so far has exactly one cell: no counts to send
  private readonly loose: string[] = [];
  private readonly looseCounts: number[] = [];
  private readonly fields: string[][] = [];
  private readonly raws: Buffer[] = [];

  constructor(private readonly keepRaw: boolean) {}

  add(row: LeadRow): void {
    this.lines.push(row.line);
    for (const c of row.cells) this.cells.push(c);
    this.cellCounts.push(row.cells.length);
    if (row.cells.length !== 1) this.single = false;
    this.looseCounts.push(row.loose?.length ?? 0);
    if (row.loose) for (const c of row.loose) this.loose.push(c);
    if (request.withFields) this.fields.push(row.fields);
    if (this.keepRaw) this.raws.push(row.raw ?? Buffer.alloc(0));
  }

  message(): TargetRowsMessage {
    let raw: Buffer | null = null;
    let rawEnds: number[] | null = null;
    if (this.keepRaw) {
      raw = Buffer.concat(this.raws);
      rawEnds = [];
      let end = 0;
      for (const r of this.raws) rawEnds.push((end += r.length));
    }
    const anyLoose = this.loose.length > 0;
    return {
      type: 'rows', lines: this.lines, cells: this.cells, cellCounts: this.single ? null : this.cellCounts, loose: anyLoose ? this.loose : null, looseCounts: anyLoose ? this.looseCounts : null,
      fields: request.withFields ? this.fields : null, raw, rawEnds,
    };
  }
}

async function main(): Promise<void> {
  const source = await readLeadRows(createReadStream(request.path), request.options);
  // Buffers cross as copies of their bytes: a view would drag its whole pooled chunk through the clone.
  const header = source.header && { ...source.header, ...(source.header.raw ? { raw: Buffer.from(source.header.raw) } : {}) };
  await out.send({ type: 'meta', layout: source.layout, header, delimiter: source.delimiter, preamble: Buffer.from(source.preamble), bom: source.bom, sepLine: source.sepLine }, false);
  const keepRaw = Boolean(request.options.keepRaw);
  let batch = new RowBatch(keepRaw);
  const flush = async () => {
    const message = batch.message();
    batch = new RowBatch(keepRaw);
    await out.send(message, true);
  };
  try {
    for await (const rows of source.rows) {
      for (const row of rows) batch.add(row);
      if (batch.lines.length >= BATCH) await flush();
    }
  } catch (e) {
    // The rows read before the failure go out first: the check answers every one of them.
    if (batch.lines.length > 0) await flush();
    throw e;
  }
  if (batch.lines.length > 0) await flush();
  await out.send({ type: 'end' }, false);
}

main().catch((e: unknown) => out.fail(e));
