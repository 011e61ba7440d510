import { describe, expect, it } from 'vitest';
import { firstIndexedBlock, newPages, scanIndex } from '../../src/db/embedded-integrity.js';

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

/** A page of a synthetic b-tree: items point at heap blocks (a leaf) or at child pages (inner). */
interface TreePage {
  items?: Array<number | number[]>;
  hikey?: number;
  flags?: number;
  /** Sibling links (0: none); a right sibling means the first item is a high key. */
  prev?: number;
  next?: number;
  /** Written as a page PostgreSQL reads as new: all zero. */
  zero?: boolean;
}

/**
 * A b-tree index file as PostgreSQL lays it out: a metapage (its root `root`, 0 for none), then
 * pages whose items point at heap blocks (leaves) or child pages (inner pages, flags 0). An item
 * that is an array is a posting list (deduplicated entries); `hikey` (or a right sibling) gives
 * the page a high key first (no pointer).
 */
function btree(leaves: TreePage[], meta = true, root = 0): Buffer {
  const file = Buffer.alloc((leaves.length + 1) * PAGE);
  if (meta) {
    file.writeUInt16LE(PAGE - 16, 14);
    file.writeUInt16LE(PAGE - 16, 16);
    file.writeUInt32LE(0x053162, 24);
    file.writeUInt32LE(root, 32);
    file.writeUInt32LE(root, 40);
    file.writeUInt16LE(8, PAGE - 16 + 12);
  }
  leaves.forEach((leaf, n) => {
    if (leaf.zero) return;
    const page = file.subarray((n + 1) * PAGE, (n + 2) * PAGE);
    const special = PAGE - 16;
    const next = leaf.next ?? (leaf.hikey === undefined ? 0 : 99);
    page.writeUInt16LE(special, 16);
    page.writeUInt32LE(leaf.prev ?? 0, special);
    page.writeUInt32LE(next, special + 4);
    page.writeUInt16LE(leaf.flags ?? 1, special + 12);
    const items: Array<number | number[]> = next === 0 ? (leaf.items ?? []) : [leaf.hikey ?? 0, ...(leaf.items ?? [])];
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

describe('scanIndex: a zeroed heap page whose primary-key entries were lost with it is still damage (27.6)', () => {
  // Blocks 1 and 2: leaves (siblings) pointing at heap blocks 0-1 and 2-3; block 3: the root, an
  // inner page whose downlinks are 1 and 2. Zeroing a leaf loses the entries that would tell
  // which heap page held rows; `check` reads the table through other indexes, never this one.
  const pages = (zeroed: number[] = [], extra: TreePage[] = []): TreePage[] =>
    [{ items: [0, 1], next: 2 }, { items: [2, 3], prev: 1 }, { items: [1, 2], flags: 0 }, ...extra].map((p, i) => (zeroed.includes(i + 1) ? { zero: true } : p));
  const scan = (file: Buffer, zeroedHeap: number[] = [], heapPages = Infinity) => scanIndex([{ read: readOf(file), size: file.length }], new Set(zeroedHeap), heapPages);

  it.each<[string, Buffer, number[], { heapBlock: number | null; indexBlock: number | null }]>([
    ['a whole tree', btree(pages(), true, 3), [], { heapBlock: null, indexBlock: null }],
    ['a whole tree, heap page 3 zeroed', btree(pages(), true, 3), [3], { heapBlock: 3, indexBlock: null }],
    ['the leaf pointing into zeroed heap page 3 zeroed too (the adversary\'s zero-both)', btree(pages([2]), true, 3), [3], { heapBlock: null, indexBlock: 2 }],
    ['the first leaf zeroed, the heap whole', btree(pages([1]), true, 3), [], { heapBlock: null, indexBlock: 1 }],
    ['both leaves zeroed (linked from the root only)', btree(pages([1, 2]), true, 3), [0, 3], { heapBlock: null, indexBlock: 1 }],
    ['the root zeroed (linked from the metapage)', btree(pages([3]), true, 3), [], { heapBlock: null, indexBlock: 3 }],
    ['a single leaf, the root, zeroed', btree([{ zero: true }], true, 1), [0], { heapBlock: null, indexBlock: 1 }],
    ['an extension nothing links to, zeroed (a crash or a full disk cut it short)', btree(pages([4], [{ items: [9] }]), true, 3), [], { heapBlock: null, indexBlock: null }],
    ['a deleted page still naming a zeroed sibling: out of the tree', btree(pages([5], [{ items: [], next: 5, flags: 1 | 4 }, {}]), true, 3), [], { heapBlock: null, indexBlock: null }],
    ['the root past the end of the file (cut to its metapage)', btree([], true, 3), [], { heapBlock: null, indexBlock: 3 }],
    ['an empty index (no root yet)', btree([], true, 0), [], { heapBlock: null, indexBlock: null }],
    ['no metapage', btree([{ items: [1] }], false), [], { heapBlock: null, indexBlock: 0 }],
    ['an index file of 0 bytes, heap page 4 zeroed', Buffer.alloc(0), [4], { heapBlock: 4, indexBlock: 0 }],
  ])('%s', (_, file, zeroedHeap, found) => {
    expect(scan(file, zeroedHeap)).toMatchObject(found);
  });

  it('a leaf whose right sibling is past the end of the file: the index was cut short', () => {
    const file = btree(pages(), true, 3).subarray(0, 2 * PAGE);
    expect(scan(file)).toEqual({ heapBlock: null, indexBlock: 2, indexPages: 2 });
  });
});
