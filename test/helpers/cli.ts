// Runs the built binary as a subprocess, the way ops and scripts run it.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/aos.js', import.meta.url));

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  input?: string | Buffer;
  timeoutMs?: number;
  cwd?: string;
}

export function runAos(args: string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', AOS_DEBUG: '', ...options.env };
    for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
    const child = spawn(process.execPath, [BIN, ...args], { env, cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
  });
}

/** NDJSON stdout → objects. */
export function ndjson(stdout: string): Array<Record<string, unknown>> {
  return stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/**
 * Resolves once `aos` (pid) has its database open — the embedded lock file names it, or the
 * server lists its connection — so its Ctrl-C handler is installed. A Ctrl-C test that sleeps a
 * fixed time instead waits needlessly on an idle machine and, on a loaded one, kills Node before
 * aos has started.
 */
export async function aosConnected(pid: number | undefined, env: Record<string, string>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const { readFileSync } = await import('node:fs');
  const sql = env.AOS_DATA_DIR ? undefined : (await import('postgres')).default(env.DATABASE_URL as string, { max: 1, onnotice: () => {} });
  try {
    for (;;) {
      if (sql) {
        const rows = await sql`select 1 from pg_stat_activity where pid <> pg_backend_pid() and datname = current_database() and application_name = 'aos'`;
        if (rows.length > 0) return;
      } else {
        try {
          // The lock file's first line is the holder's pid (then its start time and a token).
          if (readFileSync(`${env.AOS_DATA_DIR}.lock`, 'utf8').split('\n')[0]?.trim() === String(pid)) return;
        } catch {
          // no lock yet
        }
      }
      if (Date.now() > deadline) throw new Error(`aos (pid ${pid}) did not open its database in ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    await sql?.end({ timeout: 1 });
  }
}

/**
 * Resolves once the process has used no CPU for `quietMs` (Linux /proc): it is blocked, e.g. on a
 * pipe that sends nothing — after PGlite's start-up, which no Ctrl-C interrupts.
 */
export async function untilIdle(pid: number | undefined, quietMs = 300, timeoutMs = 30_000): Promise<void> {
  const { readFileSync } = await import('node:fs');
  const ticks = () => {
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  };
  const deadline = Date.now() + timeoutMs;
  let last = ticks();
  let quietSince = Date.now();
  while (Date.now() - quietSince < quietMs) {
    if (Date.now() > deadline) throw new Error(`pid ${pid} never went idle`);
    await new Promise((r) => setTimeout(r, 50));
    const now = ticks();
    if (now !== last) {
      last = now;
      quietSince = Date.now();
    }
  }
}
