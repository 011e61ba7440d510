// Buyer-signal lookups beyond BuyerSignalService's own: lead-score boosts (SPEC §8) for targets
// given one by one, and the answer `show` gives per target. A leads CSV: signal-export.ts.
import { scoreBoost } from '../domain/buyer-score.js';
import { parseTarget } from '../domain/targets.js';
import { AosError } from '../errors.js';
import { scoringDomain, type BuyerSignalService, type SignalView } from './buyer-signal-service.js';
import type { InvalidTarget } from './suppression-service.js';

/** What BuyerSignalService.show answers for a target: its domain's signal, or none (and why, when invalid). */
export type SignalLookup = Awaited<ReturnType<BuyerSignalService['show']>>[number];

/** A target without a signal: `error` says why when the target is invalid. */
export type NoSignal = Exclude<SignalLookup, SignalView>;

/** A target's buyer score (null: no signal, or a free-mail person) and its lead-score boost (0-15). */
export interface TargetBoost {
  input: string;
  /** The company domain it scores by; null for a free-mail address. */
  domain: string | null;
  buyer_score: number | null;
  buyer_boost: number;
}

export type BoostOutcome = TargetBoost | InvalidTarget;

/** The boost of each target, in order; an invalid target says why. One query for them all. */
export async function boostTargets(signals: BuyerSignalService, targets: readonly string[]): Promise<BoostOutcome[]> {
  const parsed = targets.map((input) => ({ input, parsed: parseTarget(input) }));
  const domains = parsed.map((t) => (t.parsed.ok ? scoringDomain(t.parsed.target) : null));
  const scores = await signals.scores(domains.filter((d): d is string => d !== null));
  return parsed.map(({ input, parsed: p }, i) => {
    if (!p.ok) return { input, error: p.error };
    const domain = domains[i] ?? null;
    const score = domain === null ? null : (scores.get(domain) ?? null);
    return { input, domain, buyer_score: score, buyer_boost: scoreBoost(score) };
  });
}

/**
 * Every target is answered first; then an invalid one fails the call, as in `check`: the error
 * that ends it, or undefined when every target was read. For the outcomes of boostTargets and
 * BuyerSignalService.show, where only an invalid target has `error`.
 */
export function invalidTargetsError(outcomes: ReadonlyArray<object>): AosError | undefined {
  const invalid = outcomes.filter((o) => 'error' in o && o.error).length;
  return invalid > 0 ? new AosError('input', `${invalid} invalid target${invalid === 1 ? '' : 's'}`, 'give domains, URLs or emails') : undefined;
}
