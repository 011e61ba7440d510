// Which command the arguments name, read before any command is loaded: it decides which
// program bundle bin/aos.js starts and which command modules main.ts loads. No imports, so
// bin/aos.js loads it alone.

/** Global options that take a value: the word after one is not the command. */
const GLOBAL_WITH_VALUE = new Set(['--database-url', '--wait', '--actor']);

/**
 * The command word of the arguments (`--wait 3 check x.com` → check), or undefined. Undefined too
 * when -h/--help comes before it: `aos --help check` prints the program's help, which lists every command.
 */
export function commandWord(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--') return args[i + 1];
    if (arg === '-h' || arg === '--help') return undefined;
    if (GLOBAL_WITH_VALUE.has(arg)) i++;
    else if (!arg.startsWith('-')) return arg;
  }
  return undefined;
}
