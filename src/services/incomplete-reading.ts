// Reading a leads file that stops mid-way (an unclosed quote, rows that do not fit the header, bad
// bytes in UTF-16): a bulk command answers every row read before the stop, then says it could not
// read to the end in its own words and code (exit 4, `incomplete`), never as a finished run with
// invalid rows (exit 2). `check --file` and `signals boost --file` share this.
import { AosError } from '../errors.js';

export interface StoppedReading<T> {
  /** Why reading stopped, once it has; undefined while it goes on or when it read to the end. */
  stopped: unknown;
  /** The line of the last row read (0: none). */
  lastLine: number;
  /** The rows, ending quietly where reading stopped. */
  rows: AsyncGenerator<T[]>;
}

/**
 * The rows until reading them fails: the failure is kept, not thrown, so every row read before it
 * is still answered (a check holds a batch or two in flight). An interruption is thrown as it comes.
 */
export function untilStopped<T extends { line: number }>(rows: AsyncIterable<T[]>, signal: AbortSignal | undefined): StoppedReading<T> {
  const state = { stopped: undefined as unknown, lastLine: 0 };
  async function* read(): AsyncGenerator<T[]> {
    try {
      for await (const batch of rows) {
        const last = batch[batch.length - 1];
        if (last) state.lastLine = last.line;
        yield batch;
      }
    } catch (e) {
      if (signal?.aborted) throw e;
      state.stopped = e ?? new Error('reading stopped');
    }
  }
  return Object.assign(state, { rows: read() });
}

/** How a command words its rows: `check` answered and checked them, `boost` scored them. */
export interface IncompleteWords {
  command: string;
  /** What was done to the rows before the stop ("answered"). */
  done: string;
  /** What was not done to the rest ("checked"). */
  notDone: string;
}

/** A run that could not read its input to the end, in its own words (exit 4, not 2). */
export function incompleteReading(words: IncompleteWords, reading: Pick<StoppedReading<unknown>, 'stopped' | 'lastLine'>, rowsBefore: number): AosError {
  const cause = reading.stopped;
  const why = cause instanceof AosError ? cause.template.message : ((cause as Error)?.message ?? String(cause));
  const after = reading.lastLine > 0 ? `after line ${reading.lastLine}` : 'before its first row';
  return new AosError(
    'incomplete',
    `${words.command} incomplete: reading the input stopped ${after} (${why}); the ${rowsBefore} row(s) before it are ${words.done}, the rest of the input was not ${words.notDone}`,
    cause instanceof AosError && cause.template.hint ? cause.template.hint : 'fix the input where it stopped and run it again',
    { cause },
  );
}
