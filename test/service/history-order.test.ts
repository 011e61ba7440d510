// `suppress history` reads in the order things happened: a writer that waited for another writer
// of the client (an import, an undo) is dated after it, not when it started to wait.
import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { openDatabase } from '../../src/db/open.js';
import { lockClientWrites } from '../../src/services/client-lock.js';
import { ClientService } from '../../src/services/client-service.js';
import { SuppressionService } from '../../src/services/suppression-service.js';
import { describeEachDatabase } from '../helpers/databases.js';

describeEachDatabase('suppress history', ({ db }) => {
  it('a change that waited for another writer of the client is dated after it (server: two connections)', async () => {
    const real = db();
    // The embedded database has one connection: no writer ever waits for another.
    if (real.kind !== 'postgres') return;
    await new ClientService(real).add({ slug: 'hist' });
    const client = await new ClientService(real).resolve('hist');
    const other = await openDatabase({ url: real.location, migrations: 'skip' });
    const watcher = await openDatabase({ url: real.location, migrations: 'skip' });
    // One clock for both writers, a second later at each reading.
    let ms = Date.parse('2030-01-01T00:00:00Z');
    const clock = () => new Date((ms += 1000));
    const service = new SuppressionService({ db: real, now: clock });
    try {
      await service.add({ client: 'hist', targets: [{ value: 'jane@one.com' }], reason: 'competitor' });
      let started!: () => void;
      const waiting = new Promise<void>((resolve) => (started = resolve));
      // Another writer (as an import does) holds the client's lock; the add and the remove start
      // meanwhile and wait; the writer then writes an event of its own and commits.
      const holder = other.transaction(async (tx) => {
        await lockClientWrites(tx, client.id);
        started();
        for (let i = 0; ; i++) {
          const [w] = await watcher.query<{ n: number }>(`select count(*)::int as n from pg_locks where locktype = 'advisory' and not granted`);
          if ((w?.n ?? 0) >= 1) break;
          if (i > 500) throw new Error('the add never waited for the lock');
          await new Promise((r) => setTimeout(r, 20));
        }
        await tx.execute(sql`insert into suppression_events (client_id, target, kind, action, reason_after, actor, source, at)
          values (${client.id}::uuid, 'held@two.com', 'email', 'add', 'existing_customer', 'importer', 'import', ${clock().toISOString()}::timestamptz)`);
      });
      await waiting;
      const adding = service.add({ client: 'hist', targets: [{ value: 'late@three.com' }], reason: 'unsubscribed' });
      await holder;
      await adding;
      const history = await service.history({ client: 'hist' });
      expect(history.map((e) => e.target)).toEqual(['jane@one.com', 'held@two.com', 'late@three.com']);
      const times = history.map((e) => Date.parse(e.at as string));
      expect(times, 'dated in the order written').toEqual([...times].sort((a, b) => a - b));
    } finally {
      await other.close();
      await watcher.close();
    }
  });
});
