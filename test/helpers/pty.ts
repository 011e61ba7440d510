// Runs the binary on a real pseudo-terminal (util-linux `script`), so stdin and stdout are TTYs
// and the interactive prompts run exactly as for a person; keys are typed when text appears.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { BIN } from './cli.js';

export interface PtySession {
  /** Waits until `text` has appeared `times` times in the screen output. */
  waitFor(text: string, times?: number, timeoutMs?: number): Promise<void>;
  type(keys: string): void;
  done(): Promise<{ code: number | null; output: string }>;
  output(): string;
}

export const KEYS = { up: '\u001b[A', down: '\u001b[B', enter: '\r' };

const shellQuote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

// eslint-disable-next-line no-control-regex
const stripAnsi = (s: string) => s.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '');

export function runOnPty(args: string[], env: Record<string, string>): PtySession {
  const command = [process.execPath, BIN, ...args].map(shellQuote).join(' ');
  const child: ChildProcessWithoutNullStreams = spawn('script', ['-qfec', command, '/dev/null'], {
    env: { ...process.env, NO_COLOR: '1', TERM: 'xterm', COLUMNS: '120', LINES: '50', ...env },
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const count = (text: string) => stripAnsi(output).split(text).length - 1;
  return {
    async waitFor(text, times = 1, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (count(text) < times) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${JSON.stringify(text)} ×${times}; screen:\n${stripAnsi(output)}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    type(keys) {
      child.stdin.write(keys);
    },
    async done() {
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      const code = await exited;
      clearTimeout(timer);
      return { code, output: stripAnsi(output) };
    },
    output: () => stripAnsi(output),
  };
}
