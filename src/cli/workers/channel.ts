// Batches from a worker thread to the main thread, at most AHEAD batches in flight: the worker
// waits for an acknowledgement before running further ahead, so memory stays flat however big
// the file. Errors cross as plain data and become an AosError again on the main side.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker, type MessagePort } from 'node:worker_threads';
import { AosError, type AosErrorCode, type AosErrorKind } from '../../errors.js';

const AHEAD = 2;

export type ErrorMessage = { type: 'error'; code: AosErrorCode | null; kind?: AosErrorKind; message: string; hint: string | undefined };

/** The worker script next to the bundled CLI, or next to the compiled module; null under src/. */
export function workerScript(name: string, from: string): URL | null {
  for (const file of [`./${name}.bundle.js`, `./${name}.js`]) {
    const url = new URL(file, from);
    if (existsSync(fileURLToPath(url))) return url;
  }
  return null;
}

export interface WorkerInbox<M> {
  /** The next message; a worker that failed or stopped gives an error message. */
  next(): Promise<M | ErrorMessage>;
  /** The main thread has taken a batch: the worker may send another. */
  ack(): void;
  close(): Promise<void>;
}

export function startWorker<M>(script: URL, workerData: unknown): WorkerInbox<M> {
  const worker = new Worker(script, { workerData });
  const queue: Array<M | ErrorMessage> = [];
  let waiting: (() => void) | null = null;
  let closed = false;
  const arrive = (m: M | ErrorMessage) => {
    queue.push(m);
    waiting?.();
    waiting = null;
  };
  worker.on('message', arrive);
  worker.on('error', (e: Error) => arrive({ type: 'error', code: null, message: e.message, hint: undefined }));
  worker.on('exit', (code) => {
    if (!closed) arrive({ type: 'error', code: null, message: `reader thread stopped (exit ${code})`, hint: undefined });
  });
  return {
    async next() {
      while (queue.length === 0) await new Promise<void>((resolve) => (waiting = resolve));
      return queue.shift() as M | ErrorMessage;
    },
    ack: () => worker.postMessage('ack'),
    async close() {
      if (closed) return;
      closed = true;
      await worker.terminate();
    },
  };
}

export function errorFrom(m: ErrorMessage): Error {
  return m.code ? new AosError(m.code, m.message, m.hint, { kind: m.kind ?? 'general' }) : new Error(m.message);
}

/** Worker side: post messages, waiting for acknowledgements when AHEAD batches are unread. */
export function outbox<M>(port: MessagePort | null): { send(m: M, batch: boolean): Promise<void>; fail(e: unknown): void } {
  let credits = AHEAD;
  let wake: (() => void) | null = null;
  port?.on('message', () => {
    credits++;
    wake?.();
    wake = null;
  });
  return {
    async send(m, batch) {
      if (batch) {
        while (credits === 0) await new Promise<void>((resolve) => (wake = resolve));
        credits--;
      }
      port?.postMessage(m);
    },
    fail(e) {
      const err = e as Error;
      const message: ErrorMessage = { type: 'error', code: e instanceof AosError ? e.code : null, ...(e instanceof AosError ? { kind: e.kind } : {}), message: e instanceof AosError ? e.template.message : (err?.message ?? String(e)), hint: e instanceof AosError ? e.template.hint : undefined };
      port?.postMessage(message);
    },
  };
}
