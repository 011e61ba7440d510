// csv-parse's delimiter_auto also weighs '.', ':', '/' and ' ', which are everywhere in domains and
// URLs; a CRM export uses one of these four, so the choice is made among them alone.
export const DELIMITERS = [',', ';', '\t', '|'] as const;

/** Counts each candidate per line (outside quotes) over the first lines; the steadiest wins. */
export function detectDelimiter(sample: string, maxLines = 20): string {
  const counts = new Map<string, number[]>(DELIMITERS.map((d) => [d, []]));
  let inQuotes = false;
  let line = new Map<string, number>();
  let lines = 0;
  const finishLine = () => {
    for (const d of DELIMITERS) counts.get(d)?.push(line.get(d) ?? 0);
    line = new Map();
    lines++;
  };
  for (let i = 0; i < sample.length && lines < maxLines; i++) {
    const ch = sample[i] as string;
    if (ch === '"') inQuotes = !inQuotes;
    else if (!inQuotes && (ch === '\n' || ch === '\r')) {
      if (ch === '\r' && sample[i + 1] === '\n') i++;
      finishLine();
    } else if (!inQuotes && (DELIMITERS as readonly string[]).includes(ch)) line.set(ch, (line.get(ch) ?? 0) + 1);
  }
  if (line.size > 0) finishLine();

  let best: string = ',';
  let bestScore = 0;
  for (const d of DELIMITERS) {
    const perLine = counts.get(d) ?? [];
    if (perLine.length === 0) continue;
    const header = perLine[0] ?? 0;
    if (header === 0) continue;
    // Lines that agree with the header's count; a field with a stray delimiter costs a little.
    const agreeing = perLine.filter((n) => n === header).length / perLine.length;
    const score = agreeing * 10 + Math.min(header, 10) / 10;
    if (score > bestScore) {
      best = d;
      bestScore = score;
    }
  }
  return best;
}

/** How a delimiter is written on the command line. */
export function delimiterName(d: string): string {
  return d === '\t' ? 'tab' : d;
}

/**
 * A header that came out as one column, read with `used`: the candidate that would split it into
 * the most columns, or null when none appears (a one-column file is not a wrong delimiter).
 */
export function betterDelimiter(header: string, used: string): { delimiter: string; columns: number } | null {
  let best: { delimiter: string; columns: number } | null = null;
  for (const d of DELIMITERS) {
    if (d === used) continue;
    const columns = header.split(d).length;
    if (columns > 1 && (!best || columns > best.columns)) best = { delimiter: d, columns };
  }
  return best;
}
