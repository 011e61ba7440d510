import { beforeAll, expect, it } from 'vitest';
import * as library from '../../src/index.js';
import { ClientService } from '../../src/services/client-service.js';
import { SuppressionService } from '../../src/services/suppression-service.js';
import { whoSuppresses } from '../../src/services/suppression-who-service.js';
import { describeEachDatabase } from '../helpers/databases.js';

describeEachDatabase('whoSuppresses', ({ db }) => {
  beforeAll(async () => {
    for (const slug of ['acme', 'beta', 'gamma']) await new ClientService(db()).add({ slug });
    const s = new SuppressionService({ db: db(), actor: 'ops-anna' });
    await s.add({ client: 'acme', targets: [{ value: 'bigcorp.com' }], reason: 'existing_customer', note: 'signed 2024' });
    await s.add({ client: 'beta', targets: [{ value: 'jane@bigcorp.com' }], reason: 'unsubscribed' });
    // An expired entry: added by a clock two days back with an expiry one day back.
    const past = new SuppressionService({ db: db(), actor: 'ops-anna', now: () => new Date(Date.now() - 2 * 86_400_000) });
    await past.add({ client: 'gamma', targets: [{ value: 'shop.bigcorp.com' }], reason: 'competitor', expiresAt: new Date(Date.now() - 1000) });
    await s.add({ client: 'gamma', targets: [{ value: 'otherco.com' }], reason: 'competitor' });
  });

  it('names every client whose list covers the target, with how, reason and source', async () => {
    const r = await whoSuppresses(db(), 'Jane@BigCorp.com');
    expect(r).toMatchObject({ target: 'jane@bigcorp.com', kind: 'email' });
    expect(r.clients.map((m) => [m.client, m.match, m.covers, m.reason, m.source, m.created_by])).toEqual([
      ['acme', 'bigcorp.com', 'email_domain', 'existing_customer', 'manual', 'ops-anna'],
      ['beta', 'jane@bigcorp.com', 'exact', 'unsubscribed', 'manual', 'ops-anna'],
    ]);
    expect(r.clients[0]?.notes).toBe('signed 2024');
  });

  it('expired entries only with includeExpired, marked as such', async () => {
    expect((await whoSuppresses(db(), 'https://shop.bigcorp.com/x')).clients.map((m) => [m.client, m.covers])).toEqual([['acme', 'parent_domain']]);
    const all = await whoSuppresses(db(), 'shop.bigcorp.com', { includeExpired: true });
    expect(all.clients.map((m) => [m.client, m.covers, m.expired])).toEqual([['acme', 'parent_domain', false], ['gamma', 'exact', true]]);
  });

  it('nobody suppresses an unrelated target; an invalid one is an input error', async () => {
    expect((await whoSuppresses(db(), 'nobody.io')).clients).toEqual([]);
    await expect(whoSuppresses(db(), 'co.uk')).rejects.toMatchObject({ code: 'input' });
  });

  it('is not part of the library: client-scoped calls only', () => {
    expect(Object.keys(library)).not.toContain('whoSuppresses');
    expect(JSON.stringify(Object.getOwnPropertyNames(library.SuppressionService.prototype))).not.toMatch(/who/i);
  });
});
