#!/usr/bin/env node
// `aos check` starts a program bundled with the check command alone (src/cli/programs/check-only.ts).
import { commandWord } from '../dist/cli/command-word.js';

const program = commandWord(process.argv.slice(2)) === 'check' ? '../dist/cli/check.bundle.js' : '../dist/cli/aos.bundle.js';
const { run } = await import(program);
await run(process.argv);
