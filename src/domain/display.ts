// Targets as people read them. Stored and JSON forms stay ASCII (punycode) — the canonical key
// scripts compare; people see an IDN as they would type it (bücher.de, not xn--bcher-kva.de).
import { domainToUnicode } from 'node:url';

/** A stored domain, hostname or email in Unicode; anything that does not decode is left as it is. */
export function displayTarget(value: string): string {
  if (!value.includes('xn--')) return value;
  const at = value.lastIndexOf('@');
  const host = value.slice(at + 1);
  const unicode = domainToUnicode(host);
  return unicode === '' ? value : `${value.slice(0, at + 1)}${unicode}`;
}

/**
 * "acme.com  ← https://www.ACME.com/pricing": the canonical target, and beside it what was typed
 * when that reads differently (a URL, a +tag, a `www.`), so ops see which input it answers.
 */
export function targetAsTyped(target: string, input: string): string {
  const shown = displayTarget(target);
  const typed = input.trim();
  return typed.toLowerCase() === shown || typed.toLowerCase() === target ? shown : `${shown}  ← ${typed}`;
}
