import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { rowsOf } from '../../src/db/database.js';
import { clients } from '../../src/db/schema.js';
import { describeEachDatabase } from '../helpers/databases.js';

const slugs = async (db: Parameters<Parameters<typeof describeEachDatabase>[1]>[0]['db']) =>
  (await db().query<{ slug: string }>(`select slug from clients where slug like 'rehearsed-%' order by slug`)).map((r) => r.slug);

describeEachDatabase('Database.transaction({ rollback: true })', ({ db }) => {
  it('returns what the body returns and writes nothing, with no exception on the way', async () => {
    const result = await db().transaction(
      async (tx) => {
        await tx.insert(clients).values({ slug: 'rehearsed-a', name: 'A' });
        // Inside, the write is there, and constraints and triggers are met as in a real run.
        return (await rowsOf<{ n: number }>(tx, sql`select count(*)::int as n from ${clients} where ${clients.slug} = 'rehearsed-a'`))[0]?.n;
      },
      { rollback: true },
    );
    expect(result).toBe(1);
    expect(await slugs(db)).toEqual([]);
  });

  it('a failing body still fails (as a database error for a statement), and the database stays usable', async () => {
    await expect(
      db().transaction(
        async (tx) => {
          await tx.insert(clients).values({ slug: 'rehearsed-b', name: 'B' });
          await tx.insert(clients).values({ slug: 'Not Valid', name: 'x' });
        },
        { rollback: true },
      ),
    ).rejects.toMatchObject({ code: 'database' });
    await expect(db().transaction(async () => Promise.reject(new Error('the caller’s own')), { rollback: true })).rejects.toThrow('the caller’s own');
    await db().transaction(async (tx) => tx.insert(clients).values({ slug: 'rehearsed-c', name: 'C' }));
    expect(await slugs(db)).toEqual(['rehearsed-c']);
  });
});
