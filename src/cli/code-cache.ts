// Runs the `aos check` program (dist/cli/check.script.js, one classic script built by
// scripts/bundle-cli.mjs) with V8's code cache. Node 20 keeps no compiled code between runs of ES
// modules; a vm.Script takes the code V8 compiled in an earlier run (`cachedData`), so a cold check
// neither parses nor compiles what it ran last time (BENCHMARKS.md, issue 24). No imports but
// Node's: bin/aos.js loads this module before anything else.
//
// The cache is an optimization and never a reason to fail: a cache that is missing, unreadable,
// of another build or Node, damaged, or refused by V8 is ignored, the script compiles from its
// source as it would without one, and a fresh cache is written after the run.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';

const MAGIC = 'aos-code-cache-2';

/** Set by code that changes V8's flags mid-run (the embedded engine's lean start, src/db/embedded-engine.ts). */
const V8_FLAGS_CHANGED = Symbol.for('aos.v8FlagsChanged');

interface ScriptModule {
  run(argv: string[]): Promise<void>;
}

/** Where the cache of one installed script lives: one file per script path, rewritten when stale. */
export function codeCacheFile(scriptPath: string, env: NodeJS.ProcessEnv = process.env): string {
  const dir = join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'aos');
  return join(dir, `check-${createHash('sha1').update(scriptPath).digest('hex').slice(0, 16)}.v8cache`);
}

/**
 * What a cache must have been made for: this script's source (its hash: V8 compares only the
 * source's length, and npm, tar -x or rsync -a give a rebuilt script of the same size the same
 * time, so size and time would hand a new build the old build's compiled code) under this Node
 * and V8. Hashing the 0.7 MB already read costs ~2 ms.
 */
export function codeCacheIdentity(source: string): string {
  const digest = createHash('sha1').update(source).digest('hex');
  return `${MAGIC} ${process.version} ${process.arch} ${process.versions.v8} ${digest}`;
}

/** The cached code, when the file holds a whole cache for this script; otherwise undefined. */
export function readCodeCache(file: string, expected: string): Buffer | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return undefined;
  }
  // Header line: identity, then the SHA-1 of the payload. A torn or damaged file never reaches V8.
  const newline = bytes.indexOf(10);
  if (newline < 0) return undefined;
  const header = bytes.subarray(0, newline).toString('utf8');
  const payload = bytes.subarray(newline + 1);
  const space = header.lastIndexOf(' ');
  if (header.slice(0, space) !== expected) return undefined;
  if (createHash('sha1').update(payload).digest('hex') !== header.slice(space + 1)) return undefined;
  return payload;
}

/** Writes the cache whole or not at all (a temporary file renamed over it); failures are ignored. */
function writeCodeCache(file: string, expected: string, payload: Buffer): void {
  try {
    mkdirSync(join(file, '..'), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    const header = `${expected} ${createHash('sha1').update(payload).digest('hex')}\n`;
    writeFileSync(tmp, Buffer.concat([Buffer.from(header, 'utf8'), payload]));
    renameSync(tmp, file);
  } catch {
    // A read-only home or a full disk: the next run compiles from source, as without a cache.
  }
}

/** Runs the script's `run(argv)`, compiled with its code cache when there is a good one. */
export async function runCachedScript(scriptPath: string, argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const source = readFileSync(scriptPath, 'utf8');
  const expected = codeCacheIdentity(source);
  let file: string | undefined;
  try {
    if (env.AOS_CODE_CACHE !== '0') file = codeCacheFile(scriptPath, env);
  } catch {
    // No home directory to keep a cache in: run without one.
  }
  const cachedData = file === undefined ? undefined : readCodeCache(file, expected);
  const url = pathToFileURL(scriptPath).href;
  // The script was bundled as CommonJS with import.meta.url renamed __aosUrl: it finds
  // package.json, drizzle/ and the worker bundle beside itself like the ES modules do, and
  // requires PGlite and exceljs (a script compiled from a cache cannot import()).
  const wrapped = `(function (exports, require, module, __filename, __dirname, __aosUrl) {${source}\n})`;
  const script = new vm.Script(wrapped, {
    filename: scriptPath,
    cachedData,
  });
  const module = { exports: {} as ScriptModule };
  (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(scriptPath), module, scriptPath, join(scriptPath, '..'), url);
  try {
    await module.exports.run(argv);
  } finally {
    // After the run, so that the cache holds every function the check compiled, not only the top
    // level. Not when V8's flags changed during the run: V8 would refuse that cache next time.
    const flagsChanged = (globalThis as Record<symbol, unknown>)[V8_FLAGS_CHANGED] === true;
    if (file !== undefined && (cachedData === undefined || script.cachedDataRejected === true) && !flagsChanged) {
      writeCodeCache(file, expected, script.createCachedData());
    }
  }
}
