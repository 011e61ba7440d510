// A client reference names at most one client, and an unknown one is an error everywhere, the
// library included (SPEC §2, §9).
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { beforeAll, expect, it } from 'vitest';
import { ClientService, type ClientRef } from '../../src/services/client-service.js';
import { CustomerImportService } from '../../src/services/import/customer-import-service.js';
import { SuppressionService } from '../../src/services/suppression-service.js';
import { migrationFile } from '../helpers/migration-file.js';
import { describeEachDatabase } from '../helpers/databases.js';

const UNKNOWN_ID = '123e4567-e89b-12d3-a456-426614174000';
const t = (...values: string[]) => values.map((value) => ({ value }));

describeEachDatabase('client references', ({ db }) => {
  let demo: ClientRef;
  let other: ClientRef;

  beforeAll(async () => {
    demo = (await new ClientService(db()).add({ slug: 'demo' })).client;
    other = (await new ClientService(db()).add({ slug: 'other' })).client;
  });

  it.each([
    ['a client id', () => demo.id],
    ['an upper-case id', () => demo.id.toUpperCase()],
    ['an id without dashes', () => demo.id.replace(/-/g, '')],
    ['an id with other dashes', () => demo.id.replace(/-/g, '').replace(/(.{4})/g, '$1-').replace(/-$/, '')],
    ['an unknown uuid', () => UNKNOWN_ID],
  ])('a slug shaped like %s is refused', async (_, slug) => {
    await expect(new ClientService(db()).add({ slug: slug() })).rejects.toMatchObject({ code: 'input', message: expect.stringContaining('looks like a client id') });
  });

  it('the database refuses a uuid-shaped slug past the service too', async () => {
    await expect(db().query(`insert into clients (slug, name) values ($1, 'x')`, [other.id])).rejects.toMatchObject({ code: 'database' });
  });

  it('slugs like "cafe", "12345678" and a 31-digit hex string are still fine', async () => {
    for (const slug of ['cafe', '12345678', 'a'.repeat(31), 'deadbeef-2024']) await expect(new ClientService(db()).add({ slug })).resolves.toMatchObject({ created: true });
  });

  it('resolves by id only for an id-shaped reference, else by slug only', async () => {
    const clients = new ClientService(db());
    await expect(clients.resolve(demo.id)).resolves.toMatchObject({ slug: 'demo' });
    await expect(clients.resolve(` ${demo.id.toUpperCase()} `)).resolves.toMatchObject({ slug: 'demo' });
    await expect(clients.resolve('demo')).resolves.toMatchObject({ id: demo.id });
    // The undashed form is not an id reference, and no slug can have it.
    await expect(clients.resolve(demo.id.replace(/-/g, ''))).rejects.toMatchObject({ code: 'usage' });
    await expect(clients.resolve(UNKNOWN_ID)).rejects.toMatchObject({ code: 'usage', message: `unknown client "${UNKNOWN_ID}"` });
    await expect(clients.resolve('')).rejects.toMatchObject({ code: 'usage' });
  });

  it('every SuppressionService method throws a usage error for an unknown client, never answers "allowed"', async () => {
    const service = new SuppressionService({ db: db() });
    const rows = (async function* () {
      yield [{ cells: ['a.com'] }];
    })();
    const calls: Array<[string, () => Promise<unknown>]> = [
      ['isSuppressed', () => service.isSuppressed(UNKNOWN_ID, 'a.com')],
      ['checkMany', () => service.checkMany(UNKNOWN_ID, ['a.com'])],
      ['checkBatch', () => service.checkBatch(UNKNOWN_ID, ['a.com'])],
      ['checkBatch by slug-like garbage', () => service.checkBatch('not-a-client', ['a.com'])],
      ['checkStream', async () => { for await (const _ of service.checkStream(UNKNOWN_ID, rows)) void _; }],
      ['add', () => service.add({ client: UNKNOWN_ID, targets: t('a.com'), reason: 'competitor' })],
      ['remove', () => service.remove({ client: UNKNOWN_ID, targets: t('a.com') })],
      ['list', async () => { for await (const _ of service.list({ client: UNKNOWN_ID })) void _; }],
      ['history', () => service.history({ client: UNKNOWN_ID })],
      ['resolveClient', () => service.resolveClient(UNKNOWN_ID)],
    ];
    for (const [name, call] of calls) await expect(call(), name).rejects.toMatchObject({ name: 'AosError', code: 'usage' });
  });

  it('checkBatch with a real id still answers', async () => {
    const service = new SuppressionService({ db: db() });
    await service.add({ client: 'demo', targets: t('sneaky.com'), reason: 'competitor' });
    expect(await service.checkBatch(demo.id, ['sneaky.com'])).toMatchObject([{ suppressed: true }]);
    expect(await service.checkBatch(other.id, ['sneaky.com'])).toMatchObject([{ suppressed: false }]);
  });

  it('CustomerImportService.import throws a usage error for an unknown client', async () => {
    const importer = new CustomerImportService({ db: db() });
    await expect(importer.import({ client: UNKNOWN_ID, input: Readable.from([Buffer.from('Company,Website\nA,a.com\n')]), fileName: 'a.csv' })).rejects.toMatchObject({ code: 'usage' });
  });

  it('a reference matches a slug exactly after ASCII case folding, never after compatibility folding (the Kelvin sign is no "k")', async () => {
    const k1 = (await new ClientService(db()).add({ slug: 'k1' })).client;
    const clients = new ClientService(db());
    await expect(clients.resolve('K1')).resolves.toMatchObject({ id: k1.id });
    for (const ref of ['\u212A1', 'k\uFF11', '\uFF4B1']) {
      await expect(clients.resolve(ref), JSON.stringify(ref)).rejects.toMatchObject({ name: 'AosError', code: 'usage', message: expect.stringContaining('unknown client') });
      await expect(new SuppressionService({ db: db() }).isSuppressed(ref, 'a.com'), JSON.stringify(ref)).rejects.toMatchObject({ code: 'usage' });
    }
  });

  it('a reference with a NUL or another character no slug has is an unknown client (a usage error), not a database error', async () => {
    const clients = new ClientService(db());
    for (const ref of ['de\u0000mo', 'demo\u0000', '\u0000', 'de mo', 'demo;drop']) {
      await expect(clients.resolve(ref), JSON.stringify(ref)).rejects.toMatchObject({ name: 'AosError', code: 'usage', message: expect.stringContaining('unknown client') });
    }
    await expect(new SuppressionService({ db: db() }).checkMany('demo\u0000', ['a.com'])).rejects.toMatchObject({ code: 'usage' });
  });

  it('CustomerImportService.rememberedMapping and proposeMapping resolve the client first: its own mapping by slug or id, an unknown one throws', async () => {
    const importer = new CustomerImportService({ db: db() });
    const headers = ['Organisation', 'Web Address'];
    await importer.import({ client: 'demo', input: Readable.from([Buffer.from('Organisation,Web Address\nMemo Co,memo.com\n')]), fileName: 'm.csv', mapOverrides: { company_name: 'Organisation', domain: 'Web Address' } });
    await expect(importer.rememberedMapping('demo', headers)).resolves.toMatchObject({ fields: expect.anything() });
    await expect(importer.rememberedMapping(demo.id.toUpperCase(), headers)).resolves.toMatchObject({ fields: expect.anything() });
    await expect(importer.rememberedMapping('other', headers)).resolves.toBeNull();
    await expect(importer.rememberedMapping(UNKNOWN_ID, headers)).rejects.toMatchObject({ name: 'AosError', code: 'usage' });
    await expect(importer.rememberedMapping('nobody', headers)).rejects.toMatchObject({ name: 'AosError', code: 'usage' });
    await expect(importer.proposeMapping('nobody', headers, [])).rejects.toMatchObject({ code: 'usage' });
    await expect(importer.proposeMapping({ ...other, id: UNKNOWN_ID }, headers, [])).rejects.toMatchObject({ code: 'usage' });
    expect((await importer.proposeMapping('demo', headers, [])).remembered).toBe(true);
    expect((await importer.proposeMapping(other, headers, [])).remembered).toBe(false);
  });

  it('the migration renames existing uuid-shaped slugs to client-<8 hex>, unique', async () => {
    const sql = readFileSync(migrationFile('rename_uuid_shaped_slugs'), 'utf8');
    await db().query('alter table clients drop constraint clients_slug_not_uuid');
    try {
      await db().query(`insert into clients (slug, name) values ($1, 'a'), ($2, 'b'), ($3, 'c'), ('client-aaaaaaaa', 'taken')`, [
        demo.id,
        `${demo.id.slice(0, 8)}-0000-4000-8000-000000000000`, // same first 8 hex digits as the first
        'aaaaaaaa-1111-4111-8111-111111111111', // its base slug is taken
      ]);
      await db().query(sql);
      const rows = await db().query<{ slug: string; name: string; id: string }>(`select slug, name, id from clients where name in ('a', 'b', 'c', 'taken') order by name`);
      const prefix = demo.id.slice(0, 8);
      const idHex = (id: string) => id.replace(/-/g, '').slice(0, 8);
      expect(rows.map((r) => r.slug)).toEqual([
        `client-${prefix}-${idHex(rows[0]!.id)}`,
        `client-${prefix}-${idHex(rows[1]!.id)}`,
        `client-aaaaaaaa-${idHex(rows[2]!.id)}`,
        'client-aaaaaaaa',
      ]);
      const lone = await db().query<{ slug: string }>(`insert into clients (slug, name) values ('bbbbbbbb-2222-4222-8222-222222222222', 'lone') returning slug`);
      expect(lone[0]?.slug).toBe('bbbbbbbb-2222-4222-8222-222222222222');
      await db().query(sql);
      expect((await db().query<{ slug: string }>(`select slug from clients where name = 'lone'`))[0]?.slug).toBe('client-bbbbbbbb');
    } finally {
      await db().query(`delete from clients where name in ('a', 'b', 'c', 'taken', 'lone')`);
      await db().query(`alter table clients add constraint clients_slug_not_uuid check (replace(slug, '-', '') !~ '^[0-9a-f]{32}$')`);
    }
  });
});
