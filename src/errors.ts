/**
 * The only error a user should ever see. Services throw it; src/cli/main.ts alone maps its code
 * to an exit code (see EXIT_CODES). Anything else reaching the top is a bug.
 */
export type AosErrorCode = 'usage' | 'input' | 'database' | 'interrupted';

export const EXIT_CODES: Record<AosErrorCode, number> = {
  usage: 2,
  input: 2,
  database: 3,
  interrupted: 130,
};

export class AosError extends Error {
  readonly code: AosErrorCode;
  readonly hint: string | undefined;

  constructor(code: AosErrorCode, message: string, hint?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AosError';
    this.code = code;
    this.hint = hint;
  }

  get exitCode(): number {
    return EXIT_CODES[this.code];
  }
}

