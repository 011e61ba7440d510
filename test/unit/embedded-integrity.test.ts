import { describe, expect, it } from 'vitest';
import { firstIndexedBlock, newPages } from '../../src/db/embedded-integrity.js';

const PAGE = 8192;
const readOf = (file: Buffer) => (position: number, into: Buffer) => file.copy(into, 0, position, position + into.length);

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

function writeTid(page: Buffer, at: number, block: number, offset: number): void {
  page.writeUInt16LE(Math.floor(block / 0x10000), at);
  page.writeUInt16LE(block % 0x10000, at + 2);
  page.writeUInt16LE(offset, at + 4);
}

/**
 * A b-tree index file as PostgreSQL lays it out: a metapage, then leaf pages whose items point at
 * heap blocks. An item that is an array is a posting list (deduplicated entries); `hikey` gives
 * the page a right sibling, so its first item is the high key (no heap pointer).
 */
function btree(leaves: Array<{ items: Array<number | number[]>; hikey?: number; flags?: number }>, meta = true): Buffer {
  const file = Buffer.alloc((leaves.length + 1) * PAGE);
  if (meta) {
    file.writeUInt16LE(PAGE - 16, 14);
    file.writeUInt16LE(PAGE - 16, 16);
    file.writeUInt32LE(0x053162, 24);
    file.writeUInt16LE(8, PAGE - 16 + 12);
  }
  leaves.forEach((leaf, n) => {
    const page = file.subarray((n + 1) * PAGE, (n + 2) * PAGE);
    const special = PAGE - 16;
    page.writeUInt16LE(special, 16);
    page.writeUInt32LE(leaf.hikey === undefined ? 0 : 99, special + 4);
    page.writeUInt16LE(leaf.flags ?? 1, special + 12);
    const items: Array<number | number[]> = leaf.hikey === undefined ? leaf.items : [leaf.hikey, ...leaf.items];
    let upper = special;
    items.forEach((item, i) => {
      const blocks = Array.isArray(item) ? item : [item];
      const size = 16 + (Array.isArray(item) ? blocks.length * 6 : 0);
      upper -= size;
      if (Array.isArray(item)) {
        writeTid(page, upper, 16, 0x2000 | blocks.length); // where the list starts, how many
        page.writeUInt16LE(size | 0x2000, upper + 6);
        blocks.forEach((b, j) => writeTid(page, upper + 16 + j * 6, b, 1));
      } else {
        writeTid(page, upper, item, 1);
        page.writeUInt16LE(size, upper + 6);
      }
      page.writeUInt32LE((upper | (1 << 15) | (size << 17)) >>> 0, 24 + i * 4);
    });
    page.writeUInt16LE(24 + items.length * 4, 12);
    page.writeUInt16LE(upper, 14);
  });
  return file;
}

describe('newPages: the zeroed pages of a heap file', () => {
  it.each([
    ['', []],
    ['ddd', []],
    ['dd0', [2]],
    ['0dd', [0]],
    ['d0d0', [1, 3]],
  ])('%j → %j', (layout, zeroed) => {
    const file = heap(layout);
    expect(newPages(readOf(file), file.length)).toEqual(zeroed);
  });

  it('reads past its chunk of 128 pages', () => {
    const file = heap(`${'d'.repeat(300)}0${'d'.repeat(10)}`);
    expect(newPages(readOf(file), file.length)).toEqual([300]);
  });
});

describe('firstIndexedBlock: a zeroed page held rows when the primary key points into it', () => {
  const index = btree([{ items: [0, 1, 1, 2], hikey: 7 }, { items: [3, [5, 5, 6]] }]);
  const first = (zeroed: number[], file = index) => firstIndexedBlock([{ read: readOf(file), size: file.length }], new Set(zeroed));

  it.each([
    // The last page, a middle page, the first page: rows pointed to are lost.
    [[6], 6],
    [[2], 2],
    [[0], 0],
    [[3, 6], 3],
    // A page no entry points to never held a row (an extension a crash or a full disk cut short).
    [[4], null],
    [[8, 9], null],
    // The high key is a bound, not a heap pointer.
    [[7], null],
  ])('zeroed %j → %s', (zeroed, damaged) => {
    expect(first(zeroed)).toBe(damaged);
  });

  it.each([
    // The heap file holds 6 pages (0-5): entries pointing at 6 point past its end (cut short).
    [[], 6, 6],
    [[], 7, null],
    [[2], 6, 2],
    [[4], 6, 6],
    [[], 3, 3],
  ])('zeroed %j, heap of %i pages → %s', (zeroed, heapPages, damaged) => {
    expect(firstIndexedBlock([{ read: readOf(index), size: index.length }], new Set(zeroed), heapPages)).toBe(damaged);
  });

  it('an index without its metapage and no zeroed page: nothing to report', () => {
    const noMeta = btree([{ items: [1] }], false);
    expect(firstIndexedBlock([{ read: readOf(noMeta), size: noMeta.length }], new Set(), 2)).toBeNull();
  });

  it('skips deleted and inner pages', () => {
    const file = btree([{ items: [4], flags: 1 | 4 }, { items: [5], flags: 0 }]);
    expect(first([4, 5], file)).toBeNull();
  });

  it('an index without its metapage cannot tell: every zeroed page is taken as lost', () => {
    expect(first([4, 9], btree([{ items: [1] }], false))).toBe(4);
  });
});
