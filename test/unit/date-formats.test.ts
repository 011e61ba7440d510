import { describe, expect, it } from 'vitest';
import { likelyDateFormat } from '../../src/domain/date-formats.js';
import { datesNotIso, makeDateParser } from '../../src/domain/values.js';

describe('likelyDateFormat: the --date-format proposed for dates that are not ISO 8601', () => {
  const cases: Array<[string, string[], string]> = [
    ['dotted dates, day first', ['31.12.2024', '01.02.2023'], 'DD.MM.YYYY'],
    ['dotted dates, undecided order: day first', ['01.02.2023'], 'DD.MM.YYYY'],
    ['dotted dates with a time', ['31.12.2024 10:15'], 'DD.MM.YYYY'],
    ['slashed dates, day first', ['15/03/2022'], 'DD/MM/YYYY'],
    ['slashed dates, month first (one day above 12)', ['03/15/2022', '04/01/2022'], 'MM/DD/YYYY'],
    ['dashed dates', ['31-12-2024'], 'DD-MM-YYYY'],
    ['two-digit years', ['31.12.24'], 'DD.MM.YY'],
    ['single-digit day and month', ['1.2.2024', '28.2.2024'], 'DD.MM.YYYY'],
    ['year first with slashes', ['2024/12/31'], 'YYYY/MM/DD'],
    ['no numeric date: the default', ['Q1 2023', 'last spring'], 'DD/MM/YYYY'],
    ['nothing at all: the default', [], 'DD/MM/YYYY'],
    ['separators disagree: the default', ['31.12.2024', '31/12/2024'], 'DD/MM/YYYY'],
    ['day and month order disagree: the default', ['31.12.2024', '12.31.2024'], 'DD/MM/YYYY'],
  ];
  it.each(cases)('%s', (_what, samples, format) => {
    expect(likelyDateFormat(samples)).toBe(format);
  });

  it('every format it proposes reads the samples it was proposed for', () => {
    for (const [what, samples, format] of cases) {
      if (what.endsWith('the default')) continue;
      const parse = makeDateParser(format);
      for (const s of samples) expect(() => parse(s), `${s} with ${format}`).not.toThrow();
    }
  });

  it('a dropped date names the format read off it, and the warning gives the date back', () => {
    const warning = (() => {
      try {
        makeDateParser()('31.12.2024');
      } catch (e) {
        return (e as Error).message;
      }
      return '';
    })();
    expect(warning).toContain('e.g. DD.MM.YYYY');
    expect(datesNotIso(`customer_since: ${warning}`)).toEqual(['31.12.2024']);
  });
});
