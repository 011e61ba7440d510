import { expect, it } from 'vitest';
import { ClientService } from '../../src/services/client-service.js';
import { SuppressionService } from '../../src/services/suppression-service.js';
import { databaseStatus, TABLES } from '../../src/services/status-service.js';
import { describeEachDatabase } from '../helpers/databases.js';

describeEachDatabase('ClientService', ({ db }) => {
  it('adds a client with services and lists it with zero counts', async () => {
    const service = new ClientService(db());
    const { client, created } = await service.add({ slug: 'acme', name: 'Acme Digital', services: ['ppc', 'seo'] });
    expect(created).toBe(true);
    expect(client).toMatchObject({ slug: 'acme', name: 'Acme Digital', services: ['ppc', 'seo'] });
    const list = await service.list();
    expect(list.find((c) => c.slug === 'acme')).toMatchObject({ customers: 0, suppressions: 0 });
  });

  it("lists each client's own customers, entries and default expiries (in reason order)", async () => {
    const service = new ClientService(db());
    const { client: counted } = await service.add({ slug: 'counted' });
    await service.add({ slug: 'other-counted' });
    await db().query(`insert into client_customers (client_id, company_name, domain, source, natural_key) values ($1, 'A', 'a.com', 'csv', 'd:a.com'), ($1, 'B', 'b.com', 'csv', 'd:b.com')`, [counted.id]);
    await db().query(`insert into suppression_list (client_id, domain, reason) values ($1, 'a.com', 'existing_customer')`, [counted.id]);
    await db().query(
      `insert into client_expiry_defaults (client_id, reason, period, period_interval, updated_by) values ($1, 'partner', '1y', '1 year', 't'), ($1, 'competitor', '30d', '30 days', 't')`,
      [counted.id],
    );
    const list = await service.list();
    expect(list.find((c) => c.slug === 'counted')).toMatchObject({ customers: 2, suppressions: 1 });
    expect(Object.keys(list.find((c) => c.slug === 'counted')?.expiry_defaults ?? {})).toEqual(['competitor', 'partner']);
    expect(list.find((c) => c.slug === 'other-counted')).toMatchObject({ customers: 0, suppressions: 0, expiry_defaults: {} });
  });

  it('refuses a duplicate slug unless existOk', async () => {
    const service = new ClientService(db());
    await service.add({ slug: 'dupe' });
    await expect(service.add({ slug: 'dupe' })).rejects.toMatchObject({ code: 'input' });
    await expect(service.add({ slug: 'dupe', existOk: true })).resolves.toMatchObject({ created: false });
  });

  it.each(['Bad Slug!', 'UPPER', '', 'a_b', 'ünï'])('refuses the invalid slug %j', async (slug) => {
    await expect(new ClientService(db()).add({ slug })).rejects.toMatchObject({ code: 'input' });
  });

  it('resolves by slug or id and suggests a near slug for a typo', async () => {
    const service = new ClientService(db());
    const { client } = await service.add({ slug: 'buildright-agency' });
    await expect(service.resolve('buildright-agency')).resolves.toMatchObject({ id: client.id });
    await expect(service.resolve(client.id)).resolves.toMatchObject({ slug: 'buildright-agency' });
    await expect(service.resolve('buildrite-agency')).rejects.toMatchObject({ code: 'usage', hint: 'did you mean "buildright-agency"?' });
  });

  it('entries whose client is missing (a clients table that lost rows) make an unknown client a damaged database, never "add one"', async () => {
    const service = new ClientService(db());
    const { client: lost } = await service.add({ slug: 'lost' });
    await db().query(`insert into suppression_list (client_id, email, reason) values ($1, 'jane@lost-optout.com', 'unsubscribed')`, [lost.id]);
    // What a zeroed page of clients leaves: the row gone, its entries still there (no cascade ran).
    await db().query(`set session_replication_role = replica`);
    try {
      await db().query(`delete from clients where id = $1`, [lost.id]);
    } finally {
      await db().query(`reset session_replication_role`);
    }
    try {
      for (const ref of ['lost', lost.id, 'never-was']) {
        await expect(service.resolve(ref), ref).rejects.toMatchObject({
          name: 'AosError',
          code: 'database',
          message: expect.stringContaining('is damaged: it holds suppression entries of a client that is missing'),
          hint: expect.stringContaining('restore it from a backup'),
        });
      }
      await expect(new SuppressionService({ db: db() }).isSuppressed('lost', 'jane@lost-optout.com')).rejects.toMatchObject({ code: 'database' });
    } finally {
      await db().query(`delete from suppression_list where client_id = $1`, [lost.id]);
    }
    await expect(service.resolve('lost')).rejects.toMatchObject({ code: 'usage', message: 'unknown client "lost"' });
  });

  it('the database enforces the slug format even past the service', async () => {
    await expect(db().query(`insert into clients (slug, name) values ('Not Valid', 'x')`)).rejects.toMatchObject({ code: 'database' });
  });

  it('reports status with migrations applied and row counts', async () => {
    const status = await databaseStatus(db());
    expect(status.migrations.up_to_date).toBe(true);
    expect(status.tables?.clients).toBeGreaterThanOrEqual(1);
  });

  it('counts every table of the schema, the newer ones included', async () => {
    const schema = await import('../../src/db/schema.js');
    const { getTableName, is, Table } = await import('drizzle-orm');
    const names = Object.values(schema).filter((v) => is(v, Table)).map((t) => getTableName(t as InstanceType<typeof Table>));
    expect([...TABLES].sort()).toEqual(names.sort());
    const status = await databaseStatus(db());
    expect(Object.keys(status.tables ?? {}).sort()).toEqual(names.sort());
    expect(status.tables).toMatchObject({ customer_events: expect.any(Number), import_run_changes: expect.any(Number), agency_suppression_list: expect.any(Number), client_expiry_defaults: expect.any(Number) });
  });
});
