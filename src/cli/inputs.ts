// Where a command's bytes come from: a file path, or stdin for "-".
import { createReadStream, createWriteStream, openSync, statSync, type WriteStream } from 'node:fs';
import { basename } from 'node:path';
import { addAbortSignal, type Readable } from 'node:stream';
import { AosError } from '../errors.js';

export interface InputSource {
  name: string;
  /** The file's path; none for stdin. */
  path?: string;
  stream: Readable & AsyncIterable<Buffer>;
}

/** signal (Ctrl-C) ends a read at once, also one waiting on a pipe that sends nothing. */
export function openInput(path: string, signal: AbortSignal): InputSource {
  if (path === '-') return { name: 'stdin', stream: addAbortSignal(signal, process.stdin) };
  try {
    const stat = statSync(path);
    if (stat.isDirectory()) throw new AosError('usage', `${path} is a directory, not a file`);
  } catch (e) {
    if (e instanceof AosError) throw e;
    throw new AosError('usage', `cannot read ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  return { name: basename(path), path, stream: addAbortSignal(signal, createReadStream(path)) };
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
