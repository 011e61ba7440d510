// The streaming check's pipeline: rows arrive in chunks of any size, go out in batches of a fixed
// size with their answers, and each batch is looked up while the next one is read. Memory stays
// flat whatever the input's length.
import type { CheckOutcome } from './results.js';

export interface CheckedBatch<T> {
  rows: T[];
  outcomes: CheckOutcome[];
}

export async function* lookUpWhileReading<T>(
  rows: AsyncIterable<T[]>,
  size: number,
  lookup: (batch: T[]) => Promise<CheckOutcome[]>,
  signal?: AbortSignal,
): AsyncGenerator<CheckedBatch<T>> {
  const start = (batch: T[]): Promise<CheckedBatch<T>> => {
    signal?.throwIfAborted();
    const pending = lookup(batch).then((outcomes) => ({ rows: batch, outcomes }));
    pending.catch(() => {}); // awaited, and thrown, when its turn comes
    return pending;
  };
  let inflight: Promise<CheckedBatch<T>> | undefined;
  let batch: T[] = [];
  for await (const chunk of rows) {
    for (const row of chunk) batch.push(row);
    if (batch.length >= size) {
      const next = start(batch);
      batch = [];
      if (inflight) yield await inflight;
      inflight = next;
    }
  }
  const last = batch.length > 0 ? start(batch) : undefined;
  if (inflight) yield await inflight;
  if (last) yield await last;
}
