import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Output } from '../../src/cli/output.js';

describe('Output.table', () => {
  it('aligns columns to the widest cell', () => {
    const stdout = new PassThrough();
    new Output({ quiet: false, color: false, stdout }).table(['target', 'reason'], [['a.com', 'partner'], ['longer.com', 'competitor']]);
    expect(String(stdout.read())).toBe('target      reason\na.com       partner\nlonger.com  competitor\n');
  });

  it('prints a list of 300k rows (suppress list of a large client): no call stack overflow', () => {
    const stdout = new PassThrough();
    stdout.resume();
    const rows = Array.from({ length: 300_000 }, (_, i) => [`d${i}.com`, 'competitor']);
    expect(() => new Output({ quiet: false, color: false, stdout }).table(['target', 'reason'], rows)).not.toThrow();
  });
});
