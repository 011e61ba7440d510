// The embedded engine (PGlite) as a data directory's instance runs it: started lean for a brief
// open, statements whose promise settles even when the engine stops under them, and closes that
// wait only so long. src/db/embedded.ts builds the embedded database on these.
import { setFlagsFromString } from 'node:v8';
import { engineStoppedError } from './embedded-failures.js';

export type PGliteInstance = import('@electric-sql/pglite').PGlite;
type PGliteClass = typeof import('@electric-sql/pglite').PGlite;

/**
 * PGlite options for a brief open, and the process-wide V8 setting that goes with it. Measured on a
 * single check (BENCHMARKS.md): by default V8 compiles PGlite's 9 MB of WebAssembly twice, with its
 * baseline compiler and then, on the other core, with its optimizing one, for code a check runs
 * once; and PostgreSQL sets up 128 MB of shared buffers for a lookup that reads a few pages.
 * Baseline code alone halves the CPU of a start and 16 MB of buffers halve its memory. Both cost
 * a long run speed (baseline WebAssembly is slower), hence only for a brief open. Neither changes
 * what is read or written: the integrity check and the lock are the same.
 */
function leanEngine(PGlite: PGliteClass): import('@electric-sql/pglite').PGliteOptions {
  // Must come before the module is compiled; it holds for the rest of the process. The code cache
  // of the check program is not written after such a run: V8 refuses caches made under other flags.
  setFlagsFromString('--liftoff-only');
  (globalThis as Record<symbol, unknown>)[Symbol.for('aos.v8FlagsChanged')] = true;
  return { startParams: [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'] };
}

// Drizzle asks PGlite, with every statement, to hand dates, times, intervals and numeric[] over as
// PostgreSQL sends them (identity parsers, as drizzle's postgres.js driver sets once on its client),
// and PGlite merges that request into its ~300 parsers on each call: ~0.2 ms of CPU a statement,
// which doubled the cost of a one-row lookup (getScoreBoost). The instance parses those types
// that way itself, so the request changes nothing and is dropped.
const AS_SENT_TYPES = new Set(['1082', '1114', '1184', '1186', '1115', '1182', '1185', '1187', '1231']);
const asSent = (value: string) => value;

function parseAsSent(instance: { parsers: Record<string, (value: string, typeId?: number) => unknown> }): void {
  for (const oid of AS_SENT_TYPES) instance.parsers[oid] = asSent;
}

export function withoutAsSentParsers<O extends { parsers?: object }>(options: O | undefined): O | undefined {
  if (!options?.parsers || !Object.keys(options.parsers).every((oid) => AS_SENT_TYPES.has(oid))) return options;
  const { parsers: _asSent, ...rest } = options;
  return rest as O;
}

/**
 * Closes a PGlite instance, waiting at most `ms`: one whose WebAssembly stopped (a failed write, a
 * damaged directory) may never settle its close(), and the command must still end.
 */
export async function closeWithin(instance: { close(): Promise<void> }, ms = 2000): Promise<void> {
  await settledWithin(instance.close().catch(() => {}), ms);
}

/** Whether `work` settled within `ms` (its rejection passes on). */
export async function settledWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work.then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * How long a healthy instance may take to close (it writes out what it holds in memory, a second or
 * two after a large import on a loaded machine) before it is taken for stopped and left behind.
 */
export const CLOSE_MS = 10_000;

/**
 * A function that starts an instance on the data directory, ready and parsing as sent; a start that
 * fails leaves no instance open (closing it is waited for only so long).
 */
export function engineStarter(PGlite: PGliteClass, dataDir: string, brief: boolean): () => Promise<PGliteInstance> {
  const engineOptions = brief ? leanEngine(PGlite) : {};
  return async () => {
    let instance: PGliteInstance | undefined;
    try {
      instance = new PGlite(dataDir, engineOptions);
      await instance.waitReady;
      parseAsSent(instance);
      return instance;
    } catch (e) {
      // A failed instance may never finish closing: the error is the news, never a hang.
      if (instance) await closeWithin(instance);
      throw e;
    }
  };
}

/**
 * PGlite can stop for good in the middle of a statement (an abort inside its WebAssembly after a
 * failed write): the statement's promise then never settles, and Node, with nothing left to
 * do, would exit with code 13 and not a word. When the event loop runs dry while statements are
 * pending, they fail instead, as an engine failure (kind 'engine-stopped').
 */
export class StallWatch {
  private readonly pending = new Set<(e: unknown) => void>();
  private readonly onDry = () => {
    const stalled = engineStoppedError();
    for (const reject of [...this.pending]) reject(stalled);
    this.pending.clear();
  };

  constructor() {
    process.on('beforeExit', this.onDry);
  }

  /** `work`, failing when the engine stops before it settles. */
  settles<T>(work: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const fail = (e: unknown) => {
        this.pending.delete(fail);
        reject(e);
      };
      this.pending.add(fail);
      work.then(
        (v) => {
          this.pending.delete(fail);
          resolve(v);
        },
        fail,
      );
    });
  }

  stop(): void {
    process.off('beforeExit', this.onDry);
  }
}
