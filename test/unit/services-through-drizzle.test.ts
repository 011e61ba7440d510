import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// README "Design choices": services reach PostgreSQL through drizzle (run/transaction, the query
// builder and `sql` templates); `db.query(text, params)` is for tests and tools only.
describe('services speak to the database through drizzle', () => {
  it('no file under src/services sends a raw statement through query()', () => {
    const files = (dir: string): string[] =>
      readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? files(join(dir, n)) : n.endsWith('.ts') ? [join(dir, n)] : []));
    const offenders = files(new URL('../../src/services', import.meta.url).pathname).filter((f) =>
      /\.query\s*(<[^>]*>)?\s*\(|legacyQueryable/.test(readFileSync(f, 'utf8')),
    );
    expect(offenders).toEqual([]);
  });
});
