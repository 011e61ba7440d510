// Where a command's bytes come from: a file path, or stdin for "-".
import { createReadStream, createWriteStream, fstatSync, openSync, statSync, type Stats, type WriteStream } from 'node:fs';
import { basename, resolve } from 'node:path';
import { addAbortSignal, type Readable } from 'node:stream';
import { AosError } from '../errors.js';

export interface InputSource {
  name: string;
  /** The file's path; none for stdin. */
  path?: string;
  stream: Readable & AsyncIterable<Buffer>;
  /**
   * Stdin from a pipe, a socket or a terminal: its writer may be a script that waits for each
   * answer before it writes the next line (a co-process), so the input can pause. A file never does.
   */
  pauses?: boolean;
}

/** signal (Ctrl-C) ends a read at once, also one waiting on a pipe that sends nothing. */
export function openInput(path: string, signal: AbortSignal): InputSource {
  if (path === '-') return { name: 'stdin', stream: addAbortSignal(signal, process.stdin), pauses: statOrNull(() => fstatSync(0))?.isFile() !== true };
  try {
    const stat = statSync(path);
    if (stat.isDirectory()) throw new AosError('usage', `${path} is a directory, not a file`);
  } catch (e) {
    if (e instanceof AosError) throw e;
    throw new AosError('usage', `cannot read ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  return { name: basename(path), path, stream: addAbortSignal(signal, createReadStream(path)) };
}

/**
 * Targets come as arguments or from --file (a path, or - for stdin), not both and not neither:
 * the file, when that is where they come from. `hint`: what to pass instead of nothing.
 */
export function targetsFile(args: readonly string[], file: string | undefined, hint: string): string | undefined {
  if (file && args.length > 0) throw new AosError('usage', 'give targets as arguments or with --file, not both');
  if (!file && args.length === 0) throw new AosError('usage', 'no targets given', hint);
  return file;
}

/** Opens an output file (--rejects, --rejected) at once, so a bad path fails before any work. */
export function openOutputFile(path: string, flag: string): WriteStream {
  let fd: number;
  try {
    fd = openSync(path, 'w');
  } catch (e) {
    throw new AosError('usage', `cannot write ${flag} ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such directory' : (e as Error).message}`);
  }
  return createWriteStream(path, { fd });
}

/** A file's stat, or null when it cannot be had (a path that does not exist yet, a closed fd). */
function statOrNull(f: () => Stats): Stats | null {
  try {
    return f();
  } catch {
    return null;
  }
}

/** One file, however reached (another spelling, a symlink, a hard link, /dev/fd/N): device and inode. */
const sameInode = (a: Stats, b: Stats): boolean => a.dev === b.dev && a.ino === b.ino;

/**
 * Refuses an output (a path, or a file descriptor such as 1 for stdout) that is the input itself,
 * however it is spelled (relative, `./`, a symlink, a hard link): the same device and inode.
 */
export function refuseOverwritingInput(output: string | number, flag: string, input: InputSource): void {
  // An output that does not exist yet cannot be the input.
  const out = statOrNull(() => (typeof output === 'number' ? fstatSync(output) : statSync(output)));
  const from = statOrNull(() => (input.path !== undefined ? statSync(input.path) : fstatSync(0)));
  if (!out || !from || !out.isFile() || !from.isFile()) return;
  if (sameInode(out, from)) {
    const name = typeof output === 'number' ? flag : `${flag} ${output}`;
    throw new AosError('usage', `${name} is the input file ${input.path ?? '(stdin)'}: writing it would destroy what is being read`, 'write the output to another file');
  }
}

/**
 * Refuses an output path that is where stdout already goes (`/dev/stdout`, `/dev/fd/1`, the file
 * or pipe stdout was redirected to): with `check --filter`, the rejected rows would be mixed into
 * the allowed ones, and whatever reads stdout as "safe to email" would get the suppressed leads.
 */
export function refuseOutputOnStdout(output: string, flag: string): void {
  // An output that does not exist yet is no stream of this process; nothing is mixed in /dev/null.
  const out = statOrNull(() => statSync(output));
  const stdout = statOrNull(() => fstatSync(1));
  const discard = statOrNull(() => statSync('/dev/null'));
  if (!out || !stdout || !discard || sameInode(out, discard)) return;
  if (sameInode(out, stdout) && (out.isFile() || out.isFIFO() || out.isSocket() || out.isCharacterDevice())) {
    throw new AosError('usage', `${flag} ${output} is where stdout goes: the rejected rows would be mixed into the allowed ones`, `write ${flag} to a file of its own, e.g. ${flag} blocked.csv`);
  }
}

/** Whether two paths name one file, also through another spelling, a link or a hard link. */
function sameFile(a: string, b: string): boolean {
  const x = statOrNull(() => statSync(a));
  const y = statOrNull(() => statSync(b));
  return x && y ? sameInode(x, y) : resolve(a) === resolve(b);
}

/** Opening `--rejects` (`--skipped`) truncates it: refused, before anything is opened, when it is the input file. */
export function refuseOutputOnInput(flag: '--rejects' | '--skipped', path: string, input: string): void {
  if (input === '-' || !sameFile(path, input)) return;
  const example = flag === '--rejects' ? 'rejected.csv' : 'skipped.csv';
  throw new AosError('usage', `${flag} ${path} is the input file: it would be emptied before it is read`, `write them to another path, e.g. ${flag} ${example}`);
}
