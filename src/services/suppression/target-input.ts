// What a manual change is given, read strictly: a reason from the list, and targets of which one
// invalid line refuses the whole call (nothing is written half).
import { SUPPRESSION_REASONS, type SuppressionReason } from '../../db/schema-constants.js';
import { didYouMean } from '../../domain/suggest.js';
import { parseTarget, printable, type Target, type TargetKind, type TargetResult } from '../../domain/targets.js';
import { AosError } from '../../errors.js';
import type { TargetInput } from './results.js';

/** How many problems a refusal names before it only counts the rest. */
export const MAX_LISTED_ERRORS = 20;

/** `a; b; c (and 5 more)`: the first MAX_LISTED_ERRORS problems and a count of the others. */
export function listSome(problems: readonly string[]): string {
  const shown = problems.slice(0, MAX_LISTED_ERRORS).join('; ');
  return problems.length > MAX_LISTED_ERRORS ? `${shown} (and ${problems.length - MAX_LISTED_ERRORS} more)` : shown;
}

export function parseReason(text: string): SuppressionReason {
  if (typeof text !== 'string') throw new AosError('usage', 'no reason given', `reasons: ${SUPPRESSION_REASONS.join(', ')}`);
  const reason = text.trim().toLowerCase().replace(/[\s-]+/g, '_');
  if ((SUPPRESSION_REASONS as readonly string[]).includes(reason)) return reason as SuppressionReason;
  const suggestion = didYouMean(reason, SUPPRESSION_REASONS);
  throw new AosError('usage', `invalid reason "${printable(text)}"`, `${suggestion ? `did you mean ${suggestion}? ` : ''}reasons: ${SUPPRESSION_REASONS.join(', ')}`);
}

function describeLine(item: TargetInput): string {
  return item.line !== undefined ? `line ${item.line}: ` : '';
}

/** Why a page on a platform (linkedin.com/in/jane, facebook.com/acme) is no target to suppress. */
export const PLATFORM_PAGE_ERROR = 'a page on a platform names a page, not a company';
const PLATFORM_PAGE_HINT = "suppress the company's own domain (its website) or its email address instead";

/**
 * A target as something to suppress: a page on a platform is invalid like any other bad line
 * (suppressing its domain would block the platform), so a file lists it with its line number and
 * --skip-invalid skips it, instead of one such line refusing the whole file after the others.
 */
export function parseTargetToAdd(value: string): TargetResult {
  const result = parseTarget(value);
  return result.ok && result.target.platformPage ? { ok: false, input: result.target.input, error: PLATFORM_PAGE_ERROR } : result;
}

/**
 * Parses every input first: one invalid target fails the whole call, naming each bad line. With
 * `toAdd`, a page on a platform is one of them (parseTargetToAdd).
 */
export function parseAllTargets(items: readonly TargetInput[], options: { toAdd?: boolean } = {}): Target[] {
  const parse = options.toAdd ? parseTargetToAdd : parseTarget;
  const targets: Target[] = [];
  const errors: string[] = [];
  let pages = 0;
  for (const item of items) {
    const result = parse(item.value);
    if (result.ok) targets.push(result.target);
    else {
      if (result.error === PLATFORM_PAGE_ERROR) pages += 1;
      errors.push(`${describeLine(item)}"${printable(result.input)}": ${result.error}`);
    }
  }
  if (errors.length > 0) {
    throw new AosError('input', `${errors.length} invalid target${errors.length === 1 ? '' : 's'}, nothing written: ${listSome(errors)}`, pages > 0 ? PLATFORM_PAGE_HINT : undefined, { kind: 'invalid-targets' });
  }
  return targets;
}

/** A manual change's targets, each once: a call that names a target twice changes it once. */
export interface DistinctTargets {
  domains: string[];
  emails: string[];
}

export function distinctTargets(targets: readonly Target[]): DistinctTargets {
  const of = (kind: TargetKind) => [...new Set(targets.filter((t) => t.kind === kind).map((t) => t.value))];
  return { domains: of('domain'), emails: of('email') };
}

/** The targets a change needs: none is a usage error that says how to give them. */
export function requireTargets(items: readonly TargetInput[], options: { toAdd?: boolean } = {}): Target[] {
  if (items.length === 0) throw new AosError('usage', 'no targets given', 'pass domains, URLs or emails, or {targets}');
  return parseAllTargets(items, options);
}
