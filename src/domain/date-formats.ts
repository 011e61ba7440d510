// Which --date-format to propose for dates that are not ISO 8601: read off the dates themselves,
// so a column of 31.12.2024 is offered DD.MM.YYYY, not a format that would drop every value again.

/** The format proposed when the dates say nothing (no numeric date, or day and month undecided). */
export const DEFAULT_DATE_FORMAT = 'DD/MM/YYYY';

const NUMERIC_DATE = /^(\d{1,4})([./-])(\d{1,2})\2(\d{1,4})(?:[T ]|$)/;

/**
 * A date format matching the samples: their separator, where the year is and its digits, and the
 * day first unless one reads only month first (12/31/2024). Day first when nothing tells (most of
 * the world writes it so); DEFAULT_DATE_FORMAT when the samples disagree or are no numeric dates.
 */
export function likelyDateFormat(samples: readonly string[]): string {
  const shapes = new Set<string>();
  let dayFirst = false;
  let monthFirst = false;
  for (const sample of samples) {
    const m = NUMERIC_DATE.exec(sample.trim());
    if (!m) continue;
    const [, a = '', sep = '', b = '', c = ''] = m;
    if (a.length === 4) {
      shapes.add(`YYYY${sep}MM${sep}DD`);
      continue;
    }
    if (a.length > 2 || (c.length !== 4 && c.length !== 2)) continue;
    shapes.add(`${sep}${c.length === 4 ? 'YYYY' : 'YY'}`);
    if (Number(a) > 12) dayFirst = true;
    if (Number(b) > 12) monthFirst = true;
  }
  if (shapes.size !== 1 || (dayFirst && monthFirst)) return DEFAULT_DATE_FORMAT;
  const [shape = ''] = shapes;
  if (shape.startsWith('YYYY')) return shape;
  const sep = shape.slice(0, 1);
  const year = shape.slice(1);
  return monthFirst ? `MM${sep}DD${sep}${year}` : `DD${sep}MM${sep}${year}`;
}
