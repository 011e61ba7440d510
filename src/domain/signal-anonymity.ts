// What the signals may show of a domain without one client's values being read off it (SPEC §8
// "Anonymity"), against a client that controls k-1 accounts: it imports the domain k-1 times
// with values of its choice, so whatever appears once the k-th client (the victim) is counted
// hinges on that one client. A value is therefore shown only when k + 1 clients gave it: the
// attacker's k-1 at most, plus at least two others, so a shown value is never one client's.
// Exact sums, averages and earliest/latest dates are one client's value whenever the others are
// known, so they are shown only with anonymity off (k = 1); deal values show as a band that k + 1
// clients' deals fall in.

/** Clients that must have given a value (a name, industry, size, service, deal band) for it to show at k. */
export function valueThreshold(k: number): number {
  // k = 1 asks for no anonymity: every value shows.
  return k === 1 ? 1 : k + 1;
}

/** Deal value bands, [lowest value, label], ascending; a deal falls in the last band it reaches. */
export const DEAL_VALUE_BANDS: ReadonlyArray<readonly [number, string]> = [
  [0, '<1k'],
  [1_000, '1k-5k'],
  [5_000, '5k-25k'],
  [25_000, '25k-100k'],
  [100_000, '100k+'],
];

/** The band of a deal value (1-based, as SQL arrays index), or null without one. */
export function dealValueBand(value: number | null): number | null {
  if (value === null || Number.isNaN(value)) return null;
  let band = 1;
  DEAL_VALUE_BANDS.forEach(([min], i) => {
    if (value >= min) band = i + 1;
  });
  return band;
}

/** The label of a band number. */
export function dealValueBandLabel(band: number | null): string | null {
  return band === null ? null : (DEAL_VALUE_BANDS[band - 1]?.[1] ?? null);
}

/** dealValueBand as SQL over a numeric expression: the band number, null for null. */
export function dealValueBandSql(value: string): string {
  const whens = DEAL_VALUE_BANDS.map(([min], i) => [min, i + 1] as const)
    .reverse()
    .map(([min, band]) => `when ${value} >= ${min} then ${band}`)
    .join(' ');
  return `(case when ${value} is null then null ${whens} else 1 end)`;
}

/** The labels as a SQL array literal, indexed by band number. */
export function dealValueBandLabelsSql(): string {
  return `array[${DEAL_VALUE_BANDS.map(([, label]) => `'${label}'`).join(', ')}]::text[]`;
}
