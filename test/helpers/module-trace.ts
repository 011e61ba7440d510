// Which files a run of the shipped binary loads: a module hook (NODE_OPTIONS=--import) records
// every URL Node loads into a trace file, one a line.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = mkdtempSync(join(tmpdir(), 'aos-module-trace-'));
const REGISTER = join(dir, 'register.mjs');
writeFileSync(join(dir, 'hooks.mjs'), `
import { appendFileSync } from 'node:fs';
let file;
export function initialize(data) { file = data.file; }
export async function load(url, context, next) {
  appendFileSync(file, url + '\\n');
  return next(url, context);
}
`);
writeFileSync(REGISTER, `
import { register } from 'node:module';
register(new URL('./hooks.mjs', import.meta.url), { data: { file: process.env.AOS_TRACE_FILE } });
`);

let runs = 0;

/** A fresh trace: run aos with `env` added to its environment, then read `loaded()`. */
export function moduleTrace(): { env: Record<string, string>; loaded(): string[] } {
  const file = join(dir, `trace-${++runs}.txt`);
  writeFileSync(file, '');
  return {
    env: { NODE_OPTIONS: `--import=${REGISTER}`, AOS_TRACE_FILE: file },
    loaded: () =>
      readFileSync(file, 'utf8')
        .split('\n')
        .filter((url) => url.startsWith('file:'))
        .map((url) => fileURLToPath(url)),
  };
}
