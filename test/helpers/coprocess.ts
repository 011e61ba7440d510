// Drives the built binary as a co-process, the way a script does: write a line, read one answer
// line, write the next. Every wait has its own deadline, so an aos that does not answer until its
// input ends fails the test by timeout instead of hanging the suite.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { BIN } from './cli.js';

export interface CoProcess {
  child: ChildProcessWithoutNullStreams;
  /** Writes `line` and a line break, and resolves with the next answer line. */
  ask(line: string, timeoutMs?: number): Promise<string>;
  /** Writes text as it is (no answer awaited). */
  write(text: string): void;
  /** The next line on stdout. */
  answer(timeoutMs?: number): Promise<string>;
  /** Closes stdin and waits for the exit. */
  end(timeoutMs?: number): Promise<Exit>;
  /** Waits for the exit without closing stdin. */
  exit(timeoutMs?: number): Promise<Exit>;
  stderr(): string;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  /** Stdout not read as answers. */
  rest: string;
}

export const ANSWER_TIMEOUT_MS = 20_000;

function deadline<T>(what: string, ms: number, promise: Promise<T>, onTimeout: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms; ${onTimeout()}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export function startCoProcess(args: string[], env: Record<string, string | undefined>): CoProcess {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', AOS_DEBUG: '', ...env };
  for (const [k, v] of Object.entries(childEnv)) if (v === undefined) delete childEnv[k];
  const child = spawn(process.execPath, [BIN, ...args], { env: childEnv, stdio: ['pipe', 'pipe', 'pipe'] });
  let buffered = '';
  let stderr = '';
  const waiting: Array<() => void> = [];
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    buffered += d;
    for (const wake of waiting.splice(0)) wake();
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdin.on('error', () => {}); // EPIPE once aos has exited: the exit code tells
  const exited = new Promise<Exit>((resolve) => {
    child.on('close', (code, signal) => {
      for (const wake of waiting.splice(0)) wake();
      resolve({ code, signal, stderr, rest: buffered });
    });
  });
  let done = false;
  void exited.then(() => (done = true));

  async function nextLine(): Promise<string> {
    for (;;) {
      const at = buffered.indexOf('\n');
      if (at >= 0) {
        const line = buffered.slice(0, at);
        buffered = buffered.slice(at + 1);
        return line;
      }
      if (done) throw new Error(`aos exited (code ${child.exitCode}) without answering; stderr: ${stderr}`);
      await new Promise<void>((resolve) => waiting.push(resolve));
    }
  }
  const kill = () => {
    if (!done) child.kill('SIGKILL');
  };
  const answer = (timeoutMs = ANSWER_TIMEOUT_MS) =>
    deadline('no answer', timeoutMs, nextLine(), () => {
      kill();
      return `stdout so far: ${JSON.stringify(buffered)}; stderr: ${stderr}`;
    });
  const exit = (timeoutMs = ANSWER_TIMEOUT_MS) =>
    deadline('aos did not exit', timeoutMs, exited, () => {
      kill();
      return `stderr: ${stderr}`;
    });
  return {
    child,
    write: (text) => void child.stdin.write(text),
    ask(line, timeoutMs) {
      child.stdin.write(`${line}\n`);
      return answer(timeoutMs);
    },
    answer,
    exit,
    end(timeoutMs) {
      child.stdin.end();
      return exit(timeoutMs);
    },
    stderr: () => stderr,
  };
}
