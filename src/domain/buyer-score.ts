// The buyer score formula (SPEC §8), in one place: the TypeScript function and the SQL expression
// that `signals rebuild` runs are both built from BUYER_SCORE_RULES.

export const BUYER_SCORE_RULES = {
  base: 50,
  /** [minimum times bought, points], highest first; one applies. */
  timesBought: [
    [3, 30],
    [2, 20],
    [0, 10],
  ] as const,
  diverseServices: { minimum: 2, points: 10 },
  bigDeals: { minimumAverage: 5000, points: 10 },
  max: 100,
  /** boost = floor(score × 15 / 100): integer arithmetic, since 60 × 0.15 is 8.999… in floating point. */
  boostPercent: 15,
} as const;

export interface BuyerSignalInput {
  timesBought: number;
  servicesCount: number;
  avgDealValue: number | null;
}

export function buyerScore(signal: BuyerSignalInput): number {
  const r = BUYER_SCORE_RULES;
  let score = r.base;
  score += (r.timesBought.find(([min]) => signal.timesBought >= min) ?? [0, 0])[1];
  if (signal.servicesCount >= r.diverseServices.minimum) score += r.diverseServices.points;
  if (signal.avgDealValue !== null && signal.avgDealValue >= r.bigDeals.minimumAverage) score += r.bigDeals.points;
  return Math.min(score, r.max);
}

/** Lead-score points (0-15) for a buyer score; 0 without a signal. */
export function scoreBoost(score: number | null | undefined): number {
  if (score === null || score === undefined) return 0;
  return Math.floor((score * BUYER_SCORE_RULES.boostPercent) / 100);
}

/** The same formula as SQL over the given column expressions. */
export function buyerScoreSql(timesBought: string, servicesCount: string, avgDealValue: string): string {
  const r = BUYER_SCORE_RULES;
  const times = r.timesBought.map(([min, points]) => `when ${timesBought} >= ${min} then ${points}`).join(' ');
  return `least(${r.max}, ${r.base}
    + case ${times} else 0 end
    + case when ${servicesCount} >= ${r.diverseServices.minimum} then ${r.diverseServices.points} else 0 end
    + case when ${avgDealValue} >= ${r.bigDeals.minimumAverage} then ${r.bigDeals.points} else 0 end)`;
}
