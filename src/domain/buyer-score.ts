// The buyer score formula (SPEC §8), in one place: the TypeScript function and the SQL expression
// that `signals rebuild` runs are both built from BUYER_SCORE_RULES.
//
// The score is shown at every count (below k too) and is what a scorer reads, so it must not be
// an oracle for one client's private values. An exact average or a per-client service list in
// it was one: a client with k-1 accounts set the other contributions and read the victim's deal
// value off the +10 (binary search over its own figures), and below k every customer of a client
// selling two services scored 70, of one selling one 60, which grouped domains by client. So the
// services and deal points count only what at least SCORE_SHARED_BY clients of the domain have
// in common: one client can never flip them, and k-1 = 2 attacker accounts plus one victim
// cannot either. Below SCORE_SHARED_BY clients the score is the times-bought part alone, the same
// for every domain with that count (times_bought is shown anyway).

/** Clients that must share a service or a big deal before it counts: the default k (3) + 1. */
export const SCORE_SHARED_BY = 4;

export const BUYER_SCORE_RULES = {
  base: 50,
  /** [minimum times bought, points], highest first; one applies. */
  timesBought: [
    [3, 30],
    [2, 20],
    [0, 10],
  ] as const,
  /** Services at least SCORE_SHARED_BY of the domain's clients bought. */
  diverseServices: { minimum: 2, points: 10 },
  /** At least SCORE_SHARED_BY clients each with a deal of this value or more. */
  bigDeals: { minimumValue: 5000, points: 10 },
  max: 100,
  /** boost = floor(score × 15 / 100): integer arithmetic, since 60 × 0.15 is 8.999… in floating point. */
  boostPercent: 15,
} as const;

export interface BuyerSignalInput {
  timesBought: number;
  /** Services at least SCORE_SHARED_BY of the domain's clients bought. */
  sharedServices: number;
  /** Clients whose deal value for the domain is at least bigDeals.minimumValue. */
  bigDealClients: number;
}

export function buyerScore(signal: BuyerSignalInput): number {
  const r = BUYER_SCORE_RULES;
  let score = r.base;
  score += (r.timesBought.find(([min]) => signal.timesBought >= min) ?? [0, 0])[1];
  if (signal.sharedServices >= r.diverseServices.minimum) score += r.diverseServices.points;
  if (signal.bigDealClients >= SCORE_SHARED_BY) score += r.bigDeals.points;
  return Math.min(score, r.max);
}

/** Lead-score points (0-15) for a buyer score; 0 without a signal. */
export function scoreBoost(score: number | null | undefined): number {
  if (score === null || score === undefined) return 0;
  return Math.floor((score * BUYER_SCORE_RULES.boostPercent) / 100);
}

/** The same formula as SQL over the given column expressions. */
export function buyerScoreSql(timesBought: string, sharedServices: string, bigDealClients: string): string {
  const r = BUYER_SCORE_RULES;
  const times = r.timesBought.map(([min, points]) => `when ${timesBought} >= ${min} then ${points}`).join(' ');
  return `least(${r.max}, ${r.base}
    + case ${times} else 0 end
    + case when ${sharedServices} >= ${r.diverseServices.minimum} then ${r.diverseServices.points} else 0 end
    + case when ${bigDealClients} >= ${SCORE_SHARED_BY} then ${r.bigDeals.points} else 0 end)`;
}
