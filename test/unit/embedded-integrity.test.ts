import { describe, expect, it } from 'vitest';
import { firstDamagedBlock } from '../../src/db/embedded-integrity.js';

const PAGE = 8192;

/** A heap file of pages: 'd' a page with data (pd_upper set), '0' a zeroed one. */
function heap(layout: string): Buffer {
  const file = Buffer.alloc(layout.length * PAGE);
  [...layout].forEach((p, i) => {
    if (p === 'd') {
      file.writeUInt16LE(40, i * PAGE + 12); // pd_lower
      file.writeUInt16LE(8000, i * PAGE + 14); // pd_upper
    }
  });
  return file;
}

describe('firstDamagedBlock: a zeroed page where data must be', () => {
  it.each([
    ['', null],
    ['d', null],
    ['ddd', null],
    // Extending a table writes zeroed pages first: at the end they are harmless.
    ['dd0', null],
    ['d00', null],
    // The first page, or any page before one with data, held rows that now read as absent.
    ['0', 0],
    ['0dd', 0],
    ['d0d', 1],
    ['dd00d', 2],
    ['d0d0', 1],
  ])('%j → %s', (layout, damaged) => {
    const file = heap(layout);
    expect(firstDamagedBlock((position, into) => file.copy(into, 0, position, position + into.length), file.length)).toBe(damaged);
  });

  it('reads past its chunk of 128 pages', () => {
    const file = heap(`${'d'.repeat(300)}0${'d'.repeat(10)}`);
    expect(firstDamagedBlock((position, into) => file.copy(into, 0, position, position + into.length), file.length)).toBe(300);
  });
});
