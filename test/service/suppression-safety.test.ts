// Nothing weakens an entry silently (SPEC §5): opt-outs keep their reason, permanent entries stay
// permanent and expiries only move later, unless the caller passes force. And the audit trail
// reads in the order it was written.
import { Readable } from 'node:stream';
import { beforeAll, expect, it } from 'vitest';
import type { Orm } from '../../src/db/database.js';
import { openDatabase } from '../../src/db/open.js';
import { ClientService } from '../../src/services/client-service.js';
import { CustomerImportService } from '../../src/services/import/customer-import-service.js';
import { SuppressionService, type SuppressionEntryView } from '../../src/services/suppression-service.js';
import { describeEachDatabase } from '../helpers/databases.js';

const NOW = new Date('2026-06-01T12:00:00Z');
const DAY = 86_400_000;
const t = (...values: string[]) => values.map((value) => ({ value }));

describeEachDatabase('SuppressionService never weakens an entry without force', ({ db }) => {
  let service: SuppressionService;
  const entry = async (target: string): Promise<SuppressionEntryView | undefined> => {
    for await (const e of service.list({ client: 'demo', includeExpired: true })) if (e.target === target) return e;
    return undefined;
  };
  const events = async () => (await db().query<{ n: number }>('select count(*)::int as n from suppression_events'))[0]?.n;

  beforeAll(async () => {
    await new ClientService(db()).add({ slug: 'demo' });
    service = new SuppressionService({ db: db(), now: () => NOW, actor: 'tester' });
  });

  it.each(['unsubscribed', 'do_not_contact', 'bounced'])('changing the reason of a %s entry needs force', async (optOut) => {
    const target = `jane.${optOut}@optout.com`;
    await service.add({ client: 'demo', targets: t(target), reason: optOut });
    const before = await events();
    const attempt = service.add({ client: 'demo', targets: t(target), reason: 'partner', expiresAt: new Date(NOW.getTime() + 3_600_000) });
    await expect(attempt).rejects.toMatchObject({ code: 'input', message: expect.stringContaining(target), hint: expect.stringContaining('option force') });
    await expect(attempt).rejects.toMatchObject({ message: expect.stringContaining(`${optOut} → partner`) });
    expect(await entry(target)).toMatchObject({ reason: optOut, expires_at: null });
    expect(await events()).toBe(before);
    await expect(service.add({ client: 'demo', targets: t(target), reason: 'partner', force: true })).resolves.toMatchObject({ updated: 1 });
    expect(await entry(target)).toMatchObject({ reason: 'partner' });
  });

  it('giving a permanent entry an expiry needs force', async () => {
    await service.add({ client: 'demo', targets: t('buildright.com.au'), reason: 'existing_customer' });
    const attempt = service.add({ client: 'demo', targets: t('buildright.com.au'), reason: 'partner', expiresAt: new Date(NOW.getTime() + 3_600_000) });
    await expect(attempt).rejects.toMatchObject({ code: 'input', message: expect.stringMatching(/buildright\.com\.au.*expiry.*never → 2026-06-01T13:00:00\.000Z/) });
    expect(await entry('buildright.com.au')).toMatchObject({ reason: 'existing_customer', expires_at: null });
    // The same reason with an expiry is a weakening too.
    await expect(service.add({ client: 'demo', targets: t('buildright.com.au'), reason: 'existing_customer', expiresAt: new Date(NOW.getTime() + 90 * DAY) })).rejects.toMatchObject({ code: 'input' });
    // A non-opt-out reason change that keeps it permanent is fine.
    await expect(service.add({ client: 'demo', targets: t('buildright.com.au'), reason: 'partner' })).resolves.toMatchObject({ updated: 1 });
  });

  it('an earlier expiry needs force; a later one or none is a strengthening', async () => {
    const in30 = new Date(NOW.getTime() + 30 * DAY);
    await service.add({ client: 'demo', targets: t('rival.io'), reason: 'competitor', expiresAt: in30 });
    await expect(service.add({ client: 'demo', targets: t('rival.io'), reason: 'competitor', expiresAt: new Date(NOW.getTime() + 10 * DAY) })).rejects.toMatchObject({
      code: 'input',
      message: expect.stringContaining('rival.io'),
    });
    expect(await entry('rival.io')).toMatchObject({ expires_at: in30.toISOString() });
    await expect(service.add({ client: 'demo', targets: t('rival.io'), reason: 'competitor', expiresAt: new Date(NOW.getTime() + 60 * DAY) })).resolves.toMatchObject({ updated: 1 });
    await expect(service.add({ client: 'demo', targets: t('rival.io'), reason: 'competitor' })).resolves.toMatchObject({ updated: 1 });
    expect(await entry('rival.io')).toMatchObject({ expires_at: null });
    await expect(service.add({ client: 'demo', targets: t('rival.io'), reason: 'competitor', expiresAt: in30, force: true })).resolves.toMatchObject({ updated: 1 });
    expect(await entry('rival.io')).toMatchObject({ expires_at: in30.toISOString() });
  });

  it('an expired entry may be revived with any future expiry', async () => {
    await db().query(`insert into suppression_list (client_id, domain, reason, expires_at) select id, 'lapsed.io', 'competitor', $1::timestamptz from clients where slug = 'demo'`, [
      new Date(NOW.getTime() - DAY).toISOString(),
    ]);
    await expect(service.add({ client: 'demo', targets: t('lapsed.io'), reason: 'competitor', expiresAt: new Date(NOW.getTime() + DAY) })).resolves.toMatchObject({ updated: 1 });
  });

  it('a multi-target add is all or nothing: one weakening writes none, and every one is named', async () => {
    await service.add({ client: 'demo', targets: t('keep1@x-corp.com', 'keep2.com'), reason: 'unsubscribed' });
    const before = await events();
    const attempt = service.add({ client: 'demo', targets: t('brand-new.com', 'keep1@x-corp.com', 'keep2.com'), reason: 'competitor' });
    await expect(attempt).rejects.toMatchObject({ message: expect.stringMatching(/keep2\.com.*keep1@x-corp\.com|keep1@x-corp\.com.*keep2\.com/) });
    await expect(attempt).rejects.toMatchObject({ message: expect.stringContaining('nothing written') });
    expect(await entry('brand-new.com')).toBeUndefined();
    expect(await events()).toBe(before);
  });

  it('an expiry in the past is refused: it would be a removal in disguise', async () => {
    await expect(service.add({ client: 'demo', targets: t('past.io'), reason: 'competitor', expiresAt: new Date(NOW.getTime() - 1) })).rejects.toMatchObject({ code: 'usage' });
    expect(await entry('past.io')).toBeUndefined();
  });

  it("an imported customer's permanent entry cannot be made to expire by a manual add", async () => {
    await new CustomerImportService({ db: db() }).import({
      client: 'demo',
      input: Readable.from([Buffer.from('Company,Website\nImported Co,imported-co.com\n')]),
      fileName: 'c.csv',
    });
    await expect(service.add({ client: 'demo', targets: t('imported-co.com'), reason: 'partner', expiresAt: new Date(NOW.getTime() + 3_600_000) })).rejects.toMatchObject({ code: 'input' });
    expect(await entry('imported-co.com')).toMatchObject({ reason: 'existing_customer', expires_at: null });
  });

  it.each([
    ['an invalid Date', new Date(Number.NaN)],
    ['a date past the year 9999', new Date('+010000-01-01T00:00:00Z')],
  ])('a library expiresAt that is %s is a usage error, nothing written', async (_what, expiresAt) => {
    const before = await events();
    await expect(service.add({ client: 'demo', targets: t('odd-expiry.io'), reason: 'competitor', expiresAt })).rejects.toMatchObject({ code: 'usage' });
    expect(await entry('odd-expiry.io')).toBeUndefined();
    expect(await events()).toBe(before);
  });

  it("an import of an active customer clears a live manual entry's expiry, keeps its reason, and audits it (SPEC §7)", async () => {
    const in30 = new Date(NOW.getTime() + 30 * DAY);
    await service.add({ client: 'demo', targets: t('expiring-customer.com', 'expiring-churned.com'), reason: 'partner', expiresAt: in30 });
    const importer = new CustomerImportService({ db: db(), now: () => NOW });
    const csv = (_status: string, domain: string) => Readable.from([Buffer.from(`Company,Website\nCo,${domain}\n`)]);
    await importer.import({ client: 'demo', input: csv('active', 'expiring-customer.com'), fileName: 'a.csv', defaultStatus: 'active' });
    await importer.import({ client: 'demo', input: csv('churned', 'expiring-churned.com'), fileName: 'b.csv', defaultStatus: 'churned' });
    expect(await entry('expiring-customer.com')).toMatchObject({ reason: 'partner', expires_at: null });
    // Only an active customer's entry is made permanent: a churned one keeps what the person set.
    expect(await entry('expiring-churned.com')).toMatchObject({ reason: 'partner', expires_at: in30.toISOString() });
    const trail = await service.history({ client: 'demo', target: 'expiring-customer.com' });
    expect(trail.at(-1)).toMatchObject({ action: 'update', source: 'import', reason_before: 'partner', reason_after: 'partner', expires_at: null });
    // Re-importing changes nothing more.
    await importer.import({ client: 'demo', input: csv('active', 'expiring-customer.com'), fileName: 'a.csv', defaultStatus: 'active' });
    expect(await service.history({ client: 'demo', target: 'expiring-customer.com' })).toHaveLength(trail.length);
  });

  it.each(['unsubscribed', 'do_not_contact', 'bounced'])('removing a %s entry needs force', async (optOut) => {
    const target = `gone.${optOut.replace(/_/g, '-')}.com`;
    await service.add({ client: 'demo', targets: t(target), reason: optOut, force: true });
    await expect(service.remove({ client: 'demo', targets: t(target) })).rejects.toMatchObject({ code: 'input', message: expect.stringContaining(`${target} (${optOut})`) });
    expect(await entry(target)).toBeDefined();
    await expect(service.remove({ client: 'demo', targets: t(target), force: true })).resolves.toMatchObject({ removed: [expect.objectContaining({ reason: optOut })] });
  });
});

describeEachDatabase('suppress history order', ({ db }) => {
  it('lists events by id numerically (and so by time), past id 10', async () => {
    await new ClientService(db()).add({ slug: 'hist' });
    const service = new SuppressionService({ db: db() });
    for (let i = 1; i <= 12; i++) await service.add({ client: 'hist', targets: t(`h${i}.com`), reason: 'competitor' });
    const history = await service.history({ client: 'hist' });
    const ids = history.map((e) => e.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(history.map((e) => e.target)).toEqual(Array.from({ length: 12 }, (_, i) => `h${i + 1}.com`));
    const times = history.map((e) => e.at as string);
    expect(times).toEqual([...times].sort());
  });
});

interface PreparedQuery {
  execute(...args: unknown[]): Promise<unknown>;
}
interface Session {
  prepareQuery(query: { sql: string }, ...rest: unknown[]): PreparedQuery;
}

/**
 * `tx` with `before` run once, right before the first statement whose SQL matches `pattern` is
 * sent, however the service issues it: drizzle's execute() of a `sql` template and its query
 * builders alike prepare every statement through the transaction's session.
 */
function beforeStatement(tx: Orm, pattern: RegExp, before: () => Promise<void>): Orm {
  let fired = false;
  const session = (tx as unknown as { session: Session }).session;
  const hooked = new Proxy(session, {
    get(target, prop, receiver) {
      if (prop !== 'prepareQuery') return Reflect.get(target, prop, receiver) as unknown;
      return (query: { sql: string }, ...rest: unknown[]): PreparedQuery => {
        const prepared = target.prepareQuery(query, ...rest);
        if (fired || !pattern.test(query.sql)) return prepared;
        fired = true;
        const execute = prepared.execute.bind(prepared);
        prepared.execute = async (...args: unknown[]) => {
          await before();
          return execute(...args);
        };
        return prepared;
      };
    },
  });
  return new Proxy(tx, { get: (target, prop, receiver) => (prop === 'session' ? hooked : (Reflect.get(target, prop, receiver) as unknown)) });
}

describeEachDatabase('suppress remove never deletes an opt-out it did not check', ({ db }) => {
  it('an opt-out committed between the check and the delete stays (server: two connections)', async () => {
    const real = db();
    // The embedded database has one connection: no other writer can commit in between.
    if (real.kind !== 'postgres') return;
    await new ClientService(real).add({ slug: 'racer' });
    // The test server trusts local connections: the redacted location is the URL.
    const other = await openDatabase({ url: real.location, migrations: 'skip' });
    let injected = false;
    // The delete statement of remove() runs only after another writer's opt-out has committed.
    const racing: typeof real = Object.assign(Object.create(real) as typeof real, {
      transaction: <T>(fn: (tx: Orm) => Promise<T>) =>
        real.transaction((tx) =>
          fn(
            beforeStatement(tx, /\bdelete from "?suppression_list"?(?![\w"])/i, async () => {
              injected = true;
              await other.query(`insert into suppression_list (client_id, email, reason, source) select id, 'late@optout.com', 'unsubscribed', 'manual' from clients where slug = 'racer'`);
            }),
          ),
        ),
    });
    const service = new SuppressionService({ db: racing, now: () => NOW });
    await service.add({ client: 'racer', targets: t('gone.com'), reason: 'competitor' });
    const result = await service.remove({ client: 'racer', targets: t('gone.com', 'late@optout.com') }).finally(() => other.close());
    expect(injected).toBe(true);
    expect(result.removed.map((e) => e.target)).toEqual(['gone.com']);
    const left = await real.query<{ email: string; reason: string }>(`select email, reason from suppression_list where email = 'late@optout.com'`);
    expect(left).toEqual([{ email: 'late@optout.com', reason: 'unsubscribed' }]);
  });
});
