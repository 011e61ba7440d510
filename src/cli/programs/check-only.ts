// `aos check` alone, bundled on its own (dist/cli/check.script.js, run with V8's code cache by
// src/cli/code-cache.ts): it is run once per lead from
// shell scripts, and in the full program's bundle the modules it shares with other commands
// come split over ~35 of its chunk files, each resolved, read and compiled on every start
// (BENCHMARKS.md).
// bin/aos.js starts this program only when the command word is `check`.
import { registerCheckCommand } from '../commands/check.js';
import * as databaseModule from '../../db/open.js';
import type { Program } from '../program.js';
import { run as runProgram } from '../main.js';

const check = async () => registerCheckCommand;

export const CHECK_ONLY: Program = { commands: [check], byWord: { check: [check] }, databaseModule: async () => databaseModule };

export const run = (argv: string[]): Promise<void> => runProgram(argv, CHECK_ONLY);
