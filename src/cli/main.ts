// Builds the commander program and is the ONE place that maps errors to exit codes (SPEC §1).
import { Command, CommanderError, type Option } from '@commander-js/extra-typings';
import { readFileSync } from 'node:fs';
import { driverError, isDatabaseFailure } from '../db/errors.js';
import { AosError, EXIT_CODES } from '../errors.js';
import { CLI_SPELLING } from './flags.js';
import { CliContext, type ContextProvider, type GlobalOptions } from './context.js';
import { commandWord } from './command-word.js';
import type { Program } from './program.js';
import { colorWanted, Output } from './output.js';
import { showReply, type Reply } from './reply.js';

export type { ContextProvider } from './context.js';

const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/**
 * An option's help line with its default as a person types it: `(default: 5)`, not commander's
 * JSON `"5"`, and no `(default: [])` for a repeatable flag that starts empty.
 */
function describeOption(option: Option): string {
  const extra: string[] = [];
  if (option.argChoices) extra.push(`choices: ${option.argChoices.join(', ')}`);
  const value: unknown = option.defaultValue;
  const shown = option.defaultValueDescription ?? (Array.isArray(value) ? (value.length > 0 ? value.join(',') : undefined) : typeof value === 'string' || typeof value === 'number' ? String(value) : undefined);
  if ((option.required || option.optional) && shown !== undefined) extra.push(`default: ${shown}`);
  return extra.length > 0 ? `${option.description} (${extra.join(', ')})`.trim() : option.description;
}

export async function buildProgram(getContext: ContextProvider, commands: Program, args: readonly string[] = []) {
  const program = new Command('aos')
    .description('Agency OS customer & suppression CLI: import customers, manage suppressions, check targets, rebuild buyer signals.')
    .version(VERSION, '-V, --version')
    .option('--database-url <url>', 'PostgreSQL URL (default: $DATABASE_URL, else the embedded database)')
    .option('--wait <seconds>', 'seconds to wait for another aos using the embedded database', '5')
    .option('--no-color', 'disable colors (also NO_COLOR)')
    .option('-q, --quiet', 'print results only: no progress or notes')
    .option('--actor <name>', 'who is acting, stored in audit rows (default: $USER)')
    .showSuggestionAfterError(true)
    // Set before the subcommands are made, which inherit it.
    .configureHelp({ optionDescription: describeOption })
    .addHelpText(
      'after',
      `
Examples:
  $ aos clients add acme --name "Acme Digital" --services seo,ppc
  $ aos import customers.csv --client acme
  $ aos check sarah@buildright.com.au --client acme
  $ aos suppress add competitor.com --client acme --reason competitor
  $ aos signals top --limit 10

Database: --database-url or DATABASE_URL (PostgreSQL), else the embedded database in
$AOS_DATA_DIR (default \${XDG_DATA_HOME:-~/.local/share}/aos).
Exit codes: 0 ok · 1 check found a suppressed target · 2 usage/input error · 3 database error ·
  4 a bulk check or boost could not read its input to the end · 70 internal error (a bug in aos) · 130 interrupted (Ctrl-C) · 141 the reader of stdout went away (aos … | head)
With --json an error is one JSON line on stderr: {"error":{"code","message","hint"}}.`,
    );

  const word = commandWord(args);
  // No command word or an unknown one (aos --help, a typo) needs them all: the list, the did-you-mean.
  const wanted = (word !== undefined && Object.hasOwn(commands.byWord, word) && commands.byWord[word]) || commands.commands;
  for (const register of await Promise.all(wanted.map((load) => load()))) register(program, getContext);
  return program;
}

function commandPath(cmd: { name(): string; parent: unknown }): string {
  const names: string[] = [];
  for (let c: { name(): string; parent: unknown } | null = cmd; c; c = c.parent as typeof c) names.unshift(c.name());
  return names.join(' ');
}

/** Command words ops type for another command: `aos unsuppress` means removing an entry, not adding one. */
const MEANT: Record<string, string> = {
  unsuppress: 'suppress remove',
  unblock: 'suppress remove',
  allow: 'suppress remove',
  block: 'suppress add',
};

function configureErrors(cmd: Command<unknown[], Record<string, unknown>, Record<string, unknown>>, output: () => Output): void {
  cmd.exitOverride();
  cmd.configureOutput({
    outputError: (text) => {
      // commander's messages start with "error: " and may add "(Did you mean x?)" on a 2nd line.
      const [first = '', ...rest] = text.trim().replace(/^error: /, '').split('\n');
      const unknown = first.match(/^unknown command '(.+)'$/)?.[1];
      const suggestion = (unknown !== undefined && Object.hasOwn(MEANT, unknown) ? MEANT[unknown] : undefined) ?? rest.join(' ').match(/Did you mean (.+)\?/)?.[1];
      const help = `see \`${commandPath(cmd)} --help\``;
      output().error(first, suggestion ? `did you mean ${suggestion}? ${help}` : help);
    },
  });
  // commander reports a missing required option before an unknown one, so `--clinet acme` said
  // "--client is missing"; the typo is the better answer (with its did-you-mean). The unknown
  // option is the first of what the command's own option parsing left unknown, as commander
  // reports it; never an operand, which may start with a dash after `--` (`aos check -- -x.com`).
  type Parsed = { operands: string[]; unknown: string[] };
  const internals = cmd as unknown as { parseOptions(args: string[]): Parsed; missingMandatoryOptionValue(o: unknown): void; unknownOption(flag: string): void };
  let unknownArgs: string[] = [];
  const parseOptions = internals.parseOptions.bind(cmd);
  internals.parseOptions = (args) => {
    const parsed = parseOptions(args);
    unknownArgs = parsed.unknown;
    return parsed;
  };
  const reportMissing = internals.missingMandatoryOptionValue.bind(cmd);
  internals.missingMandatoryOptionValue = (option) => {
    const unknown = unknownArgs[0];
    if (unknown !== undefined) internals.unknownOption(unknown.split('=')[0] as string);
    reportMissing(option);
  };
  for (const sub of cmd.commands) configureErrors(sub as never, output);
}

type ActionHolder = { _actionHandler: ((args: unknown[]) => unknown) | null; commands: readonly unknown[] };

/**
 * Keeps the action's return, its Reply, in `kept`: commander runs an action and drops what it
 * returns (its `_actionHandler`, as configureErrors reaches into its parsing), and main.ts alone
 * shows a reply and turns its outcome into the exit code.
 */
function keepReplies(cmd: ActionHolder, kept: { reply?: Reply | undefined } = {}): { reply?: Reply | undefined } {
  const handler = cmd._actionHandler;
  if (handler) {
    cmd._actionHandler = async (args) => {
      kept.reply = (await handler.call(cmd, args)) as Reply | undefined;
    };
  }
  for (const sub of cmd.commands) keepReplies(sub as ActionHolder, kept);
  return kept;
}

/** --json among the arguments (not an operand after `--`): its errors are JSON too, usage errors included. */
function jsonWanted(argv: readonly string[]): boolean {
  const args = argv.slice(2);
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).includes('--json');
}

/** A write that failed (a full disk, an I/O error): the output's fault, not a bug of aos. */
function outputError(e: NodeJS.ErrnoException): AosError {
  return new AosError('usage', `cannot write the output: ${e.message}`, 'free disk space where the output goes, or send it elsewhere, and run the command again', { cause: e });
}

const isWriteFailure = (e: unknown): e is NodeJS.ErrnoException =>
  e instanceof Error && (e as NodeJS.ErrnoException).syscall === 'write' && typeof (e as NodeJS.ErrnoException).code === 'string';

/** Says what went wrong on stderr and returns the exit code: an AosError's own, 3 for the database, 70 for a bug. */
function report(failure: unknown, output: Output, debug: boolean): number {
  const e = isWriteFailure(failure) && failure.code !== 'EPIPE' ? outputError(failure) : failure;
  if (e instanceof AosError) {
    const { message, hint } = e.spelled(CLI_SPELLING);
    output.error(message, hint, e.code);
    if (debug && e.cause) console.error(e.cause);
    return e.exitCode;
  }
  // Never drizzle's "Failed query: …" (it lists every parameter): the driver's own words.
  const err = driverError(e) as Error;
  const database = isDatabaseFailure(e);
  output.error(
    database ? `database error: ${err?.message ?? String(e)}` : `internal error: ${err?.message ?? String(e)}`,
    debug ? undefined : database ? undefined : 'this is a bug in aos; rerun with AOS_DEBUG=1 for the stack trace',
    database ? 'database' : 'internal',
  );
  if (debug) console.error(err?.stack ?? e);
  return database ? EXIT_CODES.database : EXIT_CODES.internal;
}

const INTERRUPTED = 'interrupted: nothing was written by the unfinished step';

/**
 * Ctrl-C (or SIGTERM) aborts the command's signal; a command that does not reach an abort point
 * in time is stopped (its lock file is released by its exit handler, the server rolls back the
 * open transaction), and a second Ctrl-C stops at once.
 */
function watchInterrupts(abort: AbortController, reason: AosError, output: () => Output) {
  let interrupted = false;
  const onSigint = () => {
    if (interrupted) process.exit(EXIT_CODES.interrupted);
    interrupted = true;
    abort.abort(reason);
    setTimeout(() => {
      output().error(INTERRUPTED, undefined, 'interrupted');
      process.exit(EXIT_CODES.interrupted);
    }, 5000).unref();
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  return {
    get interrupted() {
      return interrupted;
    },
    stop() {
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigint);
    },
  };
}

/** What no command catches: a reader of stdout that went away, and errors outside any await. */
function watchProcess(fail: (e: unknown) => void, usesServer: () => boolean): void {
  // A reader that went away (`aos … | head`) ends the command quietly with 141, as SIGPIPE does
  // to Unix tools: not 0, since the work (a check, say) did not finish.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(EXIT_CODES.brokenPipe);
      // A full disk or a failing device under stdout: the answer never reached its reader, so
      // the command did not succeed, whatever it found (`aos check x.com > /dev/full` said 0).
      if (stream === process.stdout) {
        fail(outputError(e));
        process.exit(process.exitCode ?? EXIT_CODES.usage);
      }
    });
  }
  // postgres.js can throw a TypeError from a socket callback after a connection loss
  // (porsager/postgres#1133). Only with a server: on the embedded database a TypeError is a bug.
  const lastResort = (e: unknown) => {
    const lostConnection = isDatabaseFailure(e) || ((e as Error)?.name === 'TypeError' && usesServer());
    fail(lostConnection ? new AosError('database', `database connection lost: ${(e as Error)?.message ?? e}`) : e);
    process.exit(process.exitCode ?? EXIT_CODES.internal);
  };
  process.on('uncaughtException', lastResort);
  process.on('unhandledRejection', lastResort);
}

/**
 * Runs a program (src/cli/programs/: every command, or `check` alone in its own fast-starting
 * bundle) on the process's arguments.
 */
export async function run(argv: string[], program: Program, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const debug = env.AOS_DEBUG === '1';
  const jsonErrors = jsonWanted(argv);
  let output = new Output({ quiet: false, color: colorWanted(!argv.includes('--no-color'), env), jsonErrors });
  const abort = new AbortController();
  let context: CliContext | undefined;
  const fail = (e: unknown): void => {
    process.exitCode = report(e, output, debug);
  };
  watchProcess(fail, () => Boolean(context?.usesServer));
  // What aborted reads and queries throw after Ctrl-C; a command's own account of it is another error.
  const abortReason = new AosError('interrupted', 'interrupted');
  const interrupts = watchInterrupts(abort, abortReason, () => output);

  const getContext: ContextProvider = () => {
    if (!context) {
      const globals = commander.opts() as GlobalOptions;
      output = new Output({ quiet: Boolean(globals.quiet), color: colorWanted(globals.color, env), jsonErrors });
      context = new CliContext(globals, output, abort.signal, program.databaseModule, env);
    }
    return context;
  };
  const commander = await buildProgram(getContext, program, argv.slice(2));
  configureErrors(commander as never, () => output);
  const kept = keepReplies(commander as unknown as ActionHolder);

  let closed = true;
  try {
    await commander.parseAsync(argv);
    if (kept.reply) await showReply(kept.reply, output);
    const outcome = kept.reply?.outcome ?? 'ok';
    if (outcome instanceof AosError) fail(outcome);
    else process.exitCode = EXIT_CODES[outcome];
  } catch (e) {
    if (e instanceof CommanderError) {
      process.exitCode = e.exitCode === 0 ? 0 : EXIT_CODES.usage;
    } else {
      // After Ctrl-C, any failure is the interruption's doing (an aborted read, a cancelled
      // query); a command that says what its interruption left (import, check) is heard.
      const said = e instanceof AosError && e.code === 'interrupted' && e !== abortReason;
      fail(interrupts.interrupted && !said ? new AosError('interrupted', INTERRUPTED) : e);
    }
  } finally {
    try {
      await context?.close();
    } catch (e) {
      closed = false;
      if (!process.exitCode) fail(e);
    }
    interrupts.stop();
  }
  if (interrupts.interrupted) process.exitCode = EXIT_CODES.interrupted;
  // After a database failure, or a database that did not close, an engine that stopped
  // mid-statement (PGlite's WebAssembly after a failed write, a damaged directory) may keep the
  // process alive with nothing left to do: the outcome is said, so the process ends with it.
  // Unref'd: a process that ends by itself is never delayed.
  if (process.exitCode === EXIT_CODES.database || !closed) setTimeout(() => process.exit(), 3000).unref();
}
