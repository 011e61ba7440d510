#!/usr/bin/env node
// `aos check` runs a program built with the check command alone (src/cli/programs/check-only.ts), through V8's code cache.
import { fileURLToPath } from 'node:url';
import { commandWord } from '../dist/cli/command-word.js';

if (commandWord(process.argv.slice(2)) === 'check') {
  const { runCachedScript } = await import('../dist/cli/code-cache.js');
  await runCachedScript(fileURLToPath(new URL('../dist/cli/check.script.js', import.meta.url)), process.argv);
} else {
  const { run } = await import('../dist/cli/aos.bundle.js');
  await run(process.argv);
}
