// A leads CSV scored by the buyer signals (SPEC §8): streamed back as it came, buyer_score and
// buyer_boost appended to every row, one query per batch of leads.
import { once } from 'node:events';
import { peopleCsv } from '../csv/people-csv.js';
import { readLeadRows } from '../csv/target-rows.js';
import { scoreBoost } from '../domain/buyer-score.js';
import { isLeadInvalid, leadTargets } from '../domain/lead-policy.js';
import { scoringDomain, type BuyerSignalService } from './buyer-signal-service.js';
import { incompleteReading, untilStopped } from './incomplete-reading.js';

/** Leads scored per query: one round trip per batch, never one per row. */
export const BOOST_BATCH_SIZE = 5000;

export interface BoostLeadsOptions {
  /** For messages: the file name or "stdin". */
  name: string;
  /** The column that holds the targets (default: read as `check` reads a lead). */
  column?: string | undefined;
  /** The file's encoding when its bytes do not tell (default: detected, as `check --file` detects it). */
  encoding?: string | undefined;
  /** Start the output with a UTF-8 BOM (it does anyway when the input had one). */
  bom: boolean;
  /** Ctrl-C: an aborted read is the interruption, not a stop of the input. */
  signal?: AbortSignal | undefined;
}

/**
 * The leads CSV on `out` as it came (same delimiter, its BOM and Excel's `sep=` line kept, so a
 * spreadsheet opens the scored file as it opened the leads), buyer_score and buyer_boost appended. A
 * lead scores as `check` reads it (SPEC §8): by its first target (emails first) that has a signal;
 * an invalid row scores nothing. Returns the number of leads written. Input that cannot be read to
 * the end (an unclosed quote, bad bytes in UTF-16) has every row before the stop scored and
 * written, then throws an `incomplete` error: a partial scored file never passes as a whole one.
 */
export async function boostLeadsCsv(signals: BuyerSignalService, input: AsyncIterable<Buffer | string>, out: NodeJS.WritableStream, options: BoostLeadsOptions): Promise<number> {
  const source = await readLeadRows(input, { name: options.name, column: options.column, encoding: options.encoding });
  const bom = options.bom || source.bom;
  // The sep= line goes between the BOM and the header, so both are written here, before the rows.
  if (source.sepLine !== null) out.write(`${bom ? '\ufeff' : ''}${source.sepLine}`);
  const csv = await peopleCsv(out, { delimiter: source.delimiter, bom: bom && source.sepLine === null });
  if (source.header) csv.write([...source.header.fields, 'buyer_score', 'buyer_boost']);
  let written = 0;
  let batch: Array<{ fields: string[]; domains: string[] }> = [];
  const flush = async () => {
    const scores = await signals.scores(batch.flatMap((r) => r.domains));
    for (const r of batch) {
      const score = r.domains.map((d) => scores.get(d)).find((x) => x !== undefined) ?? null;
      if (!csv.write([...r.fields, score === null ? '' : String(score), String(scoreBoost(score))])) await once(csv, 'drain');
    }
    written += batch.length;
    batch = [];
  };
  const reading = untilStopped(source.rows, options.signal);
  for await (const rows of reading.rows) {
    for (const row of rows) {
      const lead = leadTargets(row.cells, row.loose);
      const domains = isLeadInvalid(lead) ? [] : lead.map(scoringDomain).filter((d): d is string => d !== null);
      batch.push({ fields: row.fields, domains });
    }
    if (batch.length >= BOOST_BATCH_SIZE) await flush();
  }
  await flush();
  csv.end();
  await once(csv, 'end');
  if (reading.stopped) throw incompleteReading({ command: 'boost', done: 'scored', notDone: 'scored' }, reading, written);
  return written;
}
