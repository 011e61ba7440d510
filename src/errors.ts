/**
 * The only error a user should ever see. Services throw it; src/cli/main.ts alone maps its code
 * to an exit code (see EXIT_CODES). Anything else reaching the top is a bug.
 */
export type AosErrorCode = 'usage' | 'input' | 'database' | 'incomplete' | 'interrupted';

/**
 * Which error it is, for code that must tell one from another: a message is worded for people and
 * may change, a kind does not. Set where the error is thrown; `code` (the exit code) is apart.
 *  - `general`: any error no code tells apart (the default).
 *  - `engine-stopped`: the embedded engine stopped in the middle of a statement (src/db/embedded.ts):
 *    its instance cannot be trusted and is reopened before the next statement.
 *  - `invalid-targets`: a write refused because some of its targets are invalid, nothing written
 *    (services/suppression/target-input.ts): the caller may offer to add the valid ones.
 */
export type AosErrorKind = 'general' | 'engine-stopped' | 'invalid-targets';

/** What a finished command found, beyond success (`check`: a suppressed target, an invalid one). */
export type Outcome = 'ok' | 'suppressed' | 'invalid';

/**
 * The one exit-code table (SPEC §1): a finished command's outcome, an AosError's code, and what
 * src/cli/main.ts decides itself (a bug, a reader of stdout that went away).
 *
 * `incomplete` (4): a bulk check (or `signals boost --file`) answered every row it read but could
 * not read its input to the end (a quote never closed, rows that do not fit the header, bad bytes
 * in UTF-16). Not 2, which says "finished, some rows invalid": a script must not take a half-read
 * file for a checked (or scored) one.
 */
export const EXIT_CODES = {
  ok: 0,
  suppressed: 1,
  invalid: 2,
  usage: 2,
  input: 2,
  database: 3,
  incomplete: 4,
  internal: 70,
  interrupted: 130,
  brokenPipe: 141,
} as const satisfies Record<Outcome | AosErrorCode | 'internal' | 'brokenPipe', number>;

/**
 * Names an option or a command in a message: `{force}` is the library option `force`,
 * `{command:clients list}` a command. The library spells them as options and method-neutral words;
 * the CLI as flags (`--force`) and commands (`aos clients list`), see src/cli/flags.ts. So the
 * library never tells a platform caller to "pass --force".
 */
export interface Spelling {
  option(name: string): string;
  /** `options`: the options written right after the command (`{command:imports list} {client}`), already spelled. */
  command(words: string, options?: readonly string[]): string;
}

/**
 * The library options a message may name. Only these are spelled: a `{word}` that came from input
 * (a path, a typed value) is left as it is, never turned into a flag.
 */
export const OPTION_NAMES: ReadonlySet<string> = new Set([
  'allowMassChurn', 'client', 'column', 'dateFormat', 'defaultStatus', 'delimiter', 'dryRun', 'encoding', 'existOk',
  'expire', 'expires', 'for', 'force', 'limit', 'mapOverrides', 'mapping', 'onReject', 'search', 'skipInvalid',
  'sheet', 'sourceName', 'statusMap', 'strict', 'sync', 'targets', 'url', 'waitSeconds', 'within',
]);

/** The commands a message may name, by their first word. */
const COMMANDS = /^(db|clients|suppress|check|import|imports|customers|signals)( [a-zA-Z -]+)?$/;

const LIBRARY_SPELLING: Spelling = {
  option: (name) => `option ${name}`,
  // The CLI is how a library caller runs such a command too (`aos db migrate`).
  command: (words, options = []) => (options.length ? `"aos ${words}" (${options.join(', ')})` : `"aos ${words}"`),
};

/**
 * `{command:…}` with the option names that follow it, or one `{option}`, written as a word of its
 * own (after a space or `(`, before a space, `,;:)` or a closing `.`): braces inside a typed value
 * or a path (`"{force}"`, `{force}.csv`, `/data/{force}`) are what the user typed and stay as typed.
 */
const NAMES = /(?<![^\s(])(?:\{command:([a-zA-Z][\w -]*)\}((?: \{[a-zA-Z]\w*(?:=[a-z0-9-]+)?\})*)|\{([a-zA-Z][\w -]*)\})(?=$|[\s,;:)]|\.(?:\s|$))/g;

/**
 * A message or hint with its `{option}` and `{command:…}` names spelled out. Options written right
 * after a command are its own: the CLI spells `{command:imports list} {client}` as one command line
 * (`aos imports list --client SLUG`), not a command and then a flag outside it.
 */
export function spell(template: string, spelling: Spelling): string {
  return template.replace(NAMES, (whole: string, command: string | undefined, trailing: string | undefined, name: string | undefined) => {
    if (command === undefined) return OPTION_NAMES.has(name as string) ? spelling.option(name as string) : whole;
    const after = trailing ?? '';
    // `{client=acme}`: the option with its value, when the message knows it (a slug: [a-z0-9-]).
    const ownOptions = [...after.matchAll(/\{(\w+)(?:=([a-z0-9-]+))?\}/g)].map((m) => ({ name: m[1] as string, value: m[2] }));
    if (!COMMANDS.test(command)) return `{command:${command}}${spell(after, spelling)}`;
    if (ownOptions.length && ownOptions.every((o) => OPTION_NAMES.has(o.name))) return spelling.command(command, ownOptions.map((o) => withValue(spelling.option(o.name), o.value)));
    return spelling.command(command) + spell(after, spelling);
  });
}

/** `--client SLUG` with its value given: `--client acme` (a spelling without a placeholder gets the value after it). */
function withValue(spelled: string, value: string | undefined): string {
  if (value === undefined) return spelled;
  return / [A-Z][A-Z_]*$/.test(spelled) ? spelled.replace(/ [A-Z][A-Z_]*$/, ` ${value}`) : `${spelled} ${value}`;
}

export class AosError extends Error {
  readonly code: AosErrorCode;
  readonly kind: AosErrorKind;
  readonly hint: string | undefined;
  /** The message and hint as written, with their `{option}` names unspelled. */
  readonly template: { message: string; hint: string | undefined };

  constructor(code: AosErrorCode, message: string, hint?: string, options?: { cause?: unknown; kind?: AosErrorKind }) {
    super(spell(message, LIBRARY_SPELLING), options && 'cause' in options ? { cause: options.cause } : undefined);
    this.name = 'AosError';
    this.code = code;
    this.kind = options?.kind ?? 'general';
    this.hint = hint === undefined ? undefined : spell(hint, LIBRARY_SPELLING);
    this.template = { message, hint };
  }

  get exitCode(): number {
    return EXIT_CODES[this.code];
  }

  /** The message and hint in another spelling (the CLI's flags and commands). */
  spelled(spelling: Spelling): { message: string; hint: string | undefined } {
    return {
      message: spell(this.template.message, spelling),
      hint: this.template.hint === undefined ? undefined : spell(this.template.hint, spelling),
    };
  }
}
