import { describe, expect, it } from 'vitest';
import { printable, withoutControls } from '../../src/domain/printable.js';

describe('withoutControls', () => {
  // Every invisible or reordering character shows as "?", the zero-width ones as the RTL override.
  it.each([
    ['k1\u200b', 'k1?'], // zero-width space
    ['k1\u202e', 'k1?'], // right-to-left override
    ['\u2066k1\u2069', '?k1?'], // isolates
    ['k\u200c\u200d1', 'k??1'], // zero-width non-joiner, joiner
    ['\ufeffk1', '?k1'], // byte order mark
    ['k\u00ad1', 'k?1'], // soft hyphen
    ['k\u20601', 'k?1'], // word joiner
    ['a\u2028b\u2029c', 'a?b?c'], // line, paragraph separators
    ['esc\u001b[2J\u0007\u007f\u0085', 'esc?[2J???'],
    ['tab\there\nnewline', 'tab?here?newline'],
    ['BuildRight Pty Ltd', 'BuildRight Pty Ltd'],
    ['tęcza.pl café 東京 ✓', 'tęcza.pl café 東京 ✓'],
  ])('%j → %j', (input, expected) => expect(withoutControls(input)).toBe(expected));
  it('printable cuts long text after escaping it', () => expect(printable('\u200b'.repeat(100), 3)).toBe('???…'));
});
