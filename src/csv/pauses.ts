// A co-process (`aos check -` driven by a script) writes a line and waits for its answer, so the
// reader must know when the input has paused: then every stage answers what it holds instead of
// waiting to fill a batch. A pause travels up the pipeline as an empty chunk (an empty Buffer, an
// empty string, an empty batch), which a stage that batches takes as "answer now" and every other
// stage passes on. Files never pause: only a pipe, socket or terminal does.
import type { Readable } from 'node:stream';

const paused = Symbol('paused');

/**
 * One turn of the event loop with an I/O poll in it: setImmediate runs after the poll phase, so
 * the second one runs after the next poll, by when bytes already waiting in the pipe have been
 * read and have reached the reader. Data that is waiting therefore never looks like a pause.
 */
const afterNextPoll = (): Promise<typeof paused> => new Promise((resolve) => setImmediate(() => setImmediate(() => resolve(paused))));

/**
 * The first pause must last this long. What came before it decides how the input is read (its
 * encoding, delimiter, header and columns, from up to 50 rows): a writer that is merely slow (a
 * script generating rows, a network pipe) must not have that decided from its first few rows,
 * while a co-process, which waits for its first answer, pays it once, beside its start-up.
 */
export const FIRST_PAUSE_MS = 50;

/** The next chunk, or `paused` when none has come after the next poll (the first time: FIRST_PAUSE_MS). */
async function nextOrPause<T>(next: Promise<T>, first: boolean): Promise<T | typeof paused> {
  if (!first) return Promise.race([next, afterNextPoll()]);
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([next, new Promise<typeof paused>((resolve) => (timer = setTimeout(() => resolve(paused), FIRST_PAUSE_MS)))]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The stream's chunks, with an empty Buffer wherever nothing more was waiting to be read (no
 * pause is reported before the first chunk, nor twice in a row).
 */
export async function* withPauses(stream: Readable & AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const chunks = stream[Symbol.asyncIterator]();
  let reported = true;
  let first = true;
  try {
    for (;;) {
      const next = chunks.next();
      let got = reported ? await next : await nextOrPause(next, first);
      if (got === paused) {
        reported = true;
        first = false;
        // Kept for when the consumer asks again; a failure then is thrown there, not unhandled.
        next.catch(() => {});
        yield Buffer.alloc(0);
        got = await next;
      }
      if (got.done) return;
      reported = false;
      yield got.value;
    }
  } finally {
    // A read may still be pending on a pipe the writer keeps open: destroying the stream ends it,
    // where returning the iterator would wait for that read.
    stream.destroy();
  }
}
