// The streaming check's pipeline: rows arrive in chunks of any size, go out in batches of a fixed
// size with their answers, and each batch is looked up while the next one is read. Memory stays
// flat whatever the input's length. An empty chunk means the input paused (a co-process waits for
// its answer, src/csv/pauses.ts): everything read by then is looked up and answered at once.
import type { LeadCells } from '../../domain/lead-policy.js';
import { driverError } from '../../db/errors.js';
import { AosError } from '../../errors.js';
import type { CheckOutcome } from './results.js';

export interface CheckedBatch<T> {
  rows: T[];
  outcomes: CheckOutcome[];
}

/**
 * The answer for a row whose lookup failed: an error, never "allowed". What it says is the
 * failure's own message (the process then exits with the failure's code).
 */
function notChecked(row: LeadCells, failure: unknown): CheckOutcome {
  const e = driverError(failure);
  const why = e instanceof AosError ? e.template.message : e instanceof Error ? e.message : String(e);
  return { input: row.cells[0] ?? row.loose?.[0] ?? '', error: `not checked: ${why}` };
}

export async function* lookUpWhileReading<T extends LeadCells>(
  rows: AsyncIterable<T[]>,
  size: number,
  lookup: (batch: T[]) => Promise<CheckOutcome[]>,
  signal?: AbortSignal,
): AsyncGenerator<CheckedBatch<T>> {
  type Pending = { rows: T[]; outcomes: Promise<CheckOutcome[]> };
  const start = (batch: T[]): Pending => {
    signal?.throwIfAborted();
    const outcomes = lookup(batch);
    outcomes.catch(() => {}); // awaited, and thrown, when its turn comes
    return { rows: batch, outcomes };
  };
  // Batches being looked up, in input order.
  const inflight: Pending[] = [];
  let batch: T[] = [];
  /**
   * Answered batches, until at most `keep` are in flight. A lookup that fails answers every row
   * read so far and not answered with an error (a co-process gets its line), then throws.
   */
  async function* answered(keep: number): AsyncGenerator<CheckedBatch<T>> {
    while (inflight.length > keep) {
      const first = inflight[0] as Pending;
      let outcomes: CheckOutcome[];
      try {
        outcomes = await first.outcomes;
      } catch (e) {
        if (signal?.aborted) throw e;
        const unanswered = [...inflight.flatMap((p) => p.rows), ...batch];
        inflight.length = 0;
        batch = [];
        yield { rows: unanswered, outcomes: unanswered.map((row) => notChecked(row, e)) };
        throw e;
      }
      inflight.shift();
      yield { rows: first.rows, outcomes };
    }
  }
  for await (const chunk of rows) {
    if (chunk.length === 0) {
      if (batch.length > 0) inflight.push(start(batch));
      batch = [];
      yield* answered(0);
      continue;
    }
    for (const row of chunk) batch.push(row);
    if (batch.length >= size) {
      inflight.push(start(batch));
      batch = [];
      yield* answered(1);
    }
  }
  if (batch.length > 0) inflight.push(start(batch));
  batch = [];
  yield* answered(0);
}
