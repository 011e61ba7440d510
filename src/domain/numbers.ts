import { AosError } from '../errors.js';

/** The largest count any flag takes: far beyond any real need, far below what breaks SQL or JS. */
export const MAX_COUNT = 1_000_000_000;

/**
 * A flag that takes a count (`--limit 20`): digits only, at least 1, at most MAX_COUNT. The one
 * parser every such flag uses, so `1; x`, `abc`, `1.5`, `1e3` and 20-digit numbers all get the
 * same clear usage error instead of NaN or a database overflow. An environment variable, which has
 * no --help to look its values up in, passes a hint that gives them.
 */
export function parsePositiveInteger(flag: string, text: string, max: number = MAX_COUNT, hint?: string): number {
  const trimmed = text.trim();
  const shown = JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
  if (!/^\d+$/.test(trimmed)) throw new AosError('usage', `invalid ${flag} ${shown}: expected a positive whole number, like 20`, hint);
  // Compared as digits first: Number() of 20 digits is rounded, and could pass a bound check.
  const digits = trimmed.replace(/^0+(?=\d)/, '');
  if (digits.length > String(max).length || Number(digits) > max) throw new AosError('usage', `invalid ${flag} ${shown}: at most ${max}`, hint);
  const n = Number(digits);
  if (n < 1) throw new AosError('usage', `invalid ${flag} ${shown}: must be at least 1`, hint);
  return n;
}
