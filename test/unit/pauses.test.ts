// A pause of the input (an empty chunk, src/csv/pauses.ts) lets every complete record read by then
// out of the reading pipeline, with an empty batch after them, before any more input comes.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { withPauses } from '../../src/csv/pauses.js';
import { RecordEnds } from '../../src/csv/record-ends.js';
import { readLeadRows, type LeadRow } from '../../src/csv/target-rows.js';

/** A source the test feeds by hand: chunks, pauses (empty Buffers), the end. */
function handFed() {
  const queue: Array<Buffer | null> = [];
  let wake: (() => void) | null = null;
  async function* source(): AsyncGenerator<Buffer> {
    for (;;) {
      while (queue.length === 0) await new Promise<void>((r) => (wake = r));
      const next = queue.shift() as Buffer | null;
      if (next === null) return;
      yield next;
    }
  }
  const push = (b: Buffer | null) => {
    queue.push(b);
    wake?.();
    wake = null;
  };
  return { source: source(), send: (text: string | Buffer) => push(Buffer.from(text)), pause: () => push(Buffer.alloc(0)), end: () => push(null) };
}

/** The next batch, or a failure when none comes (the pipeline waiting for more input). */
async function nextBatch(rows: AsyncGenerator<LeadRow[]>): Promise<LeadRow[] | 'ended'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('no batch within 2 s: the reader waits for more input')), 2000)));
  try {
    const next = await Promise.race([rows.next(), timeout]);
    return next.done ? 'ended' : next.value;
  } finally {
    clearTimeout(timer);
  }
}

/** Batches until the pause's empty one; the rows before it. */
async function untilPause(rows: AsyncGenerator<LeadRow[]>): Promise<LeadRow[]> {
  const got: LeadRow[] = [];
  for (;;) {
    const batch = await nextBatch(rows);
    if (batch === 'ended') throw new Error('ended before a pause');
    if (batch.length === 0) return got;
    got.push(...batch);
  }
}

const summary = (rows: LeadRow[]) => rows.map((r) => ({ line: r.line, cells: r.cells, raw: r.raw?.toString('utf8') }));

describe('reading leads from an input that pauses', () => {
  it('answers each line at its pause, with its own line number and bytes', async () => {
    const input = handFed();
    input.send('bigcorp.com\n');
    input.pause();
    const leads = await readLeadRows(input.source, { name: 'stdin', pauses: true, keepRaw: true });
    expect(summary(await untilPause(leads.rows))).toEqual([{ line: 1, cells: ['bigcorp.com'], raw: 'bigcorp.com\n' }]);
    input.send('a.com\r\nb.com\r\n');
    input.pause();
    expect(summary(await untilPause(leads.rows))).toEqual([
      { line: 2, cells: ['a.com'], raw: 'a.com\r\n' },
      { line: 3, cells: ['b.com'], raw: 'b.com\r\n' },
    ]);
    input.send('\n');
    input.pause();
    expect(await untilPause(leads.rows)).toEqual([]); // a blank line is no lead
    input.send('c.com\n');
    input.end();
    expect(summary([...((await nextBatch(leads.rows)) as LeadRow[])])).toEqual([{ line: 5, cells: ['c.com'], raw: 'c.com\n' }]);
    expect(await nextBatch(leads.rows)).toBe('ended');
  });

  it('half a line, or a quoted cell still open, waits for the rest', async () => {
    const input = handFed();
    input.send('Name,Email\n"Jane, Q",jane@');
    input.pause();
    const leads = await readLeadRows(input.source, { name: 'stdin', pauses: true });
    expect(leads.header?.fields).toEqual(['Name', 'Email']);
    expect(await untilPause(leads.rows)).toEqual([]);
    input.send('smallco.io\n"Two\n');
    input.pause();
    expect(summary(await untilPause(leads.rows))).toEqual([{ line: 2, cells: ['jane@smallco.io'], raw: undefined }]);
    input.send('Lines ""quoted""",bob@acme.io\n');
    input.pause();
    const [row] = await untilPause(leads.rows);
    expect(row?.fields).toEqual(['Two\nLines "quoted"', 'bob@acme.io']);
    expect(row?.line).toBe(4);
  });

  it('Excel for Mac lines (CR alone) are answered at a pause too', async () => {
    const input = handFed();
    input.send('a.com\rb.com\r');
    input.pause();
    const leads = await readLeadRows(input.source, { name: 'stdin', pauses: true });
    expect(summary(await untilPause(leads.rows)).map((r) => [r.line, r.cells[0]])).toEqual([
      [1, 'a.com'],
      [2, 'b.com'],
    ]);
  });
});

describe('RecordEnds', () => {
  const endsAfter = (chunks: string[], crLines = false) => {
    const ends = new RecordEnds(',', crLines);
    for (const c of chunks) ends.feed(c);
    return ends.atRecordEnd;
  };
  it.each([
    [['a.com\n'], true],
    [['a.com'], false],
    [['"a\n'], false],
    [['"a\n', 'b"\n'], true],
    [['"a""\n'], false],
    [['"a"', '"\n'], false],
    [['"a"', '\n'], true],
    [['x,"y\n'], false],
    [['Bob "The Builder" Ltd\n'], true],
    [['O"Brien,a.com\n'], true],
    [['a.com\r'], false],
  ])('%j ends a record: %s', (chunks, expected) => {
    expect(endsAfter(chunks)).toBe(expected);
  });
  it('a CR ends a record when lines end with CR alone', () => {
    expect(endsAfter(['a.com\r'], true)).toBe(true);
  });
});

describe('withPauses', () => {
  it('reports a pause when nothing more is waiting, and none while chunks keep coming', async () => {
    const stream = new PassThrough();
    const chunks = withPauses(stream);
    stream.write('a\n');
    stream.write('b\n');
    const seen: string[] = [];
    seen.push(String((await chunks.next()).value));
    const second = (await chunks.next()).value as Buffer;
    seen.push(second.length === 0 ? '(pause)' : String(second));
    if (second.length > 0) seen.push((((await chunks.next()).value as Buffer).length === 0 ? '(pause)' : 'no pause'));
    expect(seen.join('')).toBe('a\nb\n(pause)');
    stream.end('c\n');
    expect(String((await chunks.next()).value)).toBe('c\n');
    expect((await chunks.next()).done).toBe(true);
  });
});
