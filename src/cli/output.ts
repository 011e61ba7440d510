// stdout carries results only; progress, warnings and errors go to stderr (SPEC §1).
import { Chalk, type ChalkInstance } from 'chalk';
import { withoutControls } from '../domain/printable.js';

export interface OutputOptions {
  quiet: boolean;
  color: boolean;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WriteStream | NodeJS.WritableStream;
  /** --json: an error is one JSON line on stderr too, so a script parses one format. */
  jsonErrors?: boolean;
}

export interface Spinner {
  update(text: string): void;
  succeed(text?: string): void;
  stop(): void;
}

const NO_SPINNER: Spinner = { update() {}, succeed() {}, stop() {} };

export function colorWanted(flag: boolean, env: NodeJS.ProcessEnv = process.env): boolean {
  if (!flag || (env.NO_COLOR !== undefined && env.NO_COLOR !== '')) return false;
  if (env.FORCE_COLOR && env.FORCE_COLOR !== '0') return true;
  return Boolean(process.stdout.isTTY || process.stderr.isTTY);
}

export class Output {
  readonly quiet: boolean;
  readonly c: ChalkInstance;
  private readonly stdout: NodeJS.WritableStream;
  private readonly stderr: NodeJS.WriteStream | NodeJS.WritableStream;
  private readonly jsonErrors: boolean;

  constructor(options: OutputOptions) {
    this.jsonErrors = options.jsonErrors ?? false;
    this.quiet = options.quiet;
    this.c = new Chalk({ level: options.color ? 1 : 0 });
    this.stdout = options.stdout ?? process.stdout;
    this.stderr = options.stderr ?? process.stderr;
  }

  /** A result line on stdout. */
  line(text = ''): void {
    this.stdout.write(`${text}\n`);
  }

  get stdoutStream(): NodeJS.WritableStream {
    return this.stdout;
  }

  /** One JSON object (or one NDJSON record) on stdout. */
  json(value: unknown): void {
    this.stdout.write(`${JSON.stringify(value)}\n`);
  }

  info(text: string): void {
    if (!this.quiet) this.stderr.write(`${text}\n`);
  }

  // Warnings and errors quote file cells and arguments: one line each, never terminal controls.
  warn(text: string): void {
    this.stderr.write(`${this.c.yellow('aos: warning:')} ${withoutControls(text)}\n`);
  }

  /** A next step after a result (not an error): stderr, and not with -q. */
  hint(text: string): void {
    if (!this.quiet) this.stderr.write(`${this.c.dim('hint:')} ${withoutControls(text)}\n`);
  }

  /** `code`: the error's kind (an AosError's code, or `internal`), said only in the --json form. */
  error(message: string, hint?: string, code = 'usage'): void {
    if (this.jsonErrors) {
      this.stderr.write(`${JSON.stringify({ error: { code, message, hint: hint ?? null } })}\n`);
      return;
    }
    this.stderr.write(`${this.c.red('aos: error:')} ${withoutControls(message)}\n`);
    if (hint) this.stderr.write(`${this.c.dim('hint:')} ${withoutControls(hint)}\n`);
  }

  /** An ora spinner on stderr when it is a TTY and not quiet; otherwise a no-op. */
  async spinner(text: string): Promise<Spinner> {
    const stream = this.stderr as NodeJS.WriteStream;
    if (this.quiet || !stream.isTTY) return NO_SPINNER;
    const { default: ora } = await import('ora');
    const s = ora({ text, stream, color: 'cyan', isEnabled: true, discardStdin: false }).start();
    return {
      update: (t) => {
        s.text = t;
      },
      succeed: (t) => {
        s.succeed(t);
      },
      stop: () => {
        s.stop();
      },
    };
  }

  /** Aligned columns for human output; cells are data, shown without control characters. */
  table(header: string[], dataRows: string[][]): void {
    const rows = dataRows.map((r) => r.map(withoutControls));
    // A loop, not Math.max(...spread): a list of ~100k entries would overflow the call stack.
    const widths = header.map((h) => h.length);
    for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
    const fmt = (cells: string[]) => cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
    this.line(this.c.bold(fmt(header)));
    for (const row of rows) this.line(fmt(row));
  }
}
