import { describe, expect, it } from 'vitest';
import { partitionTargets } from '../../src/services/target-validation.js';

describe('partitionTargets (--skip-invalid)', () => {
  it.each([
    [['a.com', 'b@c.io'], 2, []],
    [['a.com', 'not a target', 'co.uk'], 1, [2, 3]],
    [['', 'x.org'], 1, [1]],
    // A page on a platform is invalid like any other line: skipped, never the platform's domain.
    [['a.com', 'https://www.linkedin.com/in/jane-doe-4b2a1/', 'b@c.io', 'facebook.com/acmeplumbing'], 2, [2, 4]],
  ])('%j: %i valid, invalid lines %j', (values, valid, invalidLines) => {
    const r = partitionTargets(values.map((value, i) => ({ value, line: i + 1 })));
    expect(r.valid).toHaveLength(valid);
    expect(r.invalid.map((x) => x.line)).toEqual(invalidLines);
    for (const bad of r.invalid) expect(bad.error).not.toBe('');
  });

  it('a file with no valid line is an input error, not an empty success', () => {
    expect(() => partitionTargets([{ value: 'nope', line: 1 }])).toThrow(expect.objectContaining({ code: 'input' }));
  });
});
