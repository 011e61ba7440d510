import postgres from 'postgres';
import { beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/open.js';
import { ClientService } from '../../src/services/client-service.js';
import { AgencyListService } from '../../src/services/agency-list-service.js';
import { isInvalid, SuppressionService, type CheckOutcome, type CheckResult } from '../../src/services/suppression-service.js';
import { describeEachDatabase, freshDatabase } from '../helpers/databases.js';

const NOW = new Date('2026-06-01T12:00:00Z');

describeEachDatabase('SuppressionService matching', ({ db }) => {
  let service: SuppressionService;

  beforeAll(async () => {
    const clients = new ClientService(db());
    await clients.add({ slug: 'acme' });
    await clients.add({ slug: 'other' });
    service = new SuppressionService({ db: db(), now: () => NOW, actor: 'tester' });
    const add = (targets: string[], reason: string, extra: { expiresAt?: Date; force?: boolean; client?: string } = {}) =>
      service.add({ client: extra.client ?? 'acme', targets: targets.map((value) => ({ value })), reason, expiresAt: extra.expiresAt ?? null, force: extra.force });
    await add(['bigcorp.com', 'buildright.com.au', 'acme.github.io'], 'existing_customer');
    await add(['shop.smallco.com'], 'past_customer');
    await add(['a.b.deep.co.uk'], 'partner');
    await add(['sarah@eu.bigcorp-mail.com', 'john.smith@gmail.com', 'jane+x@outlook.com'], 'unsubscribed');
    await add(['rival.io'], 'competitor', { expiresAt: new Date('2026-12-31T00:00:00Z') });
    await add(['oldrival.io'], 'competitor', { expiresAt: new Date('2026-07-01T00:00:00Z') });
    await add(['boundary.io'], 'competitor', { expiresAt: new Date('2026-06-01T12:00:00.001Z') });
    // Entries of another client never match for acme.
    await add(['otherclient.com', 'shared@private.com'], 'existing_customer', { client: 'other' });
    // The agency-wide list: entries for every client, matched exactly like a client's own.
    const agency = new AgencyListService({ db: db(), now: () => NOW, actor: 'tester' });
    await agency.add({ targets: [{ value: 'complaints.io' }, { value: 'legal@lawfirm.com' }, { value: 'overlap.io' }], reason: 'do_not_contact' });
    await add(['overlap.io', 'lawfirm.com'], 'competitor');
    await db().query(`insert into agency_suppression_list (domain, reason, expires_at) values ('lapsed-agency.io', 'competitor', '2026-06-01T12:00:00Z')`);
    // An expired entry, written directly since the service refuses past expiry dates.
    await db().query(
      `insert into suppression_list (client_id, domain, reason, expires_at) select id, 'expired.com', 'competitor', '2026-06-01T12:00:00Z' from clients where slug = 'acme'`,
    );
  });

  // [target, suppressed?, match, reason]
  const cases: Array<[string, boolean, string | null, string | null]> = [
    ['bigcorp.com', true, 'bigcorp.com', 'existing_customer'],
    ['BIGCORP.COM', true, 'bigcorp.com', 'existing_customer'],
    ['www.bigcorp.com', true, 'bigcorp.com', 'existing_customer'],
    ['shop.bigcorp.com', true, 'bigcorp.com', 'existing_customer'],
    ['a.b.c.bigcorp.com', true, 'bigcorp.com', 'existing_customer'],
    ['https://Shop.BigCorp.com/pricing?x=1', true, 'bigcorp.com', 'existing_customer'],
    ['sarah@bigcorp.com', true, 'bigcorp.com', 'existing_customer'],
    ['sarah@eu.bigcorp.com', true, 'bigcorp.com', 'existing_customer'],
    ['sarah+crm@bigcorp.com', true, 'bigcorp.com', 'existing_customer'],
    ['bigcorp.co', false, null, null],
    ['notbigcorp.com', false, null, null],
    ['bigcorp.com.au', false, null, null],
    ['bigcorp.com.evil.io', false, null, null],
    ['buildright.com.au', true, 'buildright.com.au', 'existing_customer'],
    ['sales.buildright.com.au', true, 'buildright.com.au', 'existing_customer'],
    ['sarah@buildright.com.au', true, 'buildright.com.au', 'existing_customer'],
    ['buildright.com', false, null, null],
    ['com.au', false, null, null], // invalid, see below; listed to keep the table honest
    ['acme.github.io', true, 'acme.github.io', 'existing_customer'],
    ['docs.acme.github.io', true, 'acme.github.io', 'existing_customer'],
    ['other.github.io', false, null, null],
    ['shop.smallco.com', true, 'shop.smallco.com', 'past_customer'],
    ['eu.shop.smallco.com', true, 'shop.smallco.com', 'past_customer'],
    ['smallco.com', false, null, null],
    ['blog.smallco.com', false, null, null],
    ['sarah@smallco.com', false, null, null],
    ['sarah@shop.smallco.com', true, 'shop.smallco.com', 'past_customer'],
    ['a.b.deep.co.uk', true, 'a.b.deep.co.uk', 'partner'],
    ['x.a.b.deep.co.uk', true, 'a.b.deep.co.uk', 'partner'],
    ['b.deep.co.uk', false, null, null],
    ['deep.co.uk', false, null, null],
    ['sarah@eu.bigcorp-mail.com', true, 'sarah@eu.bigcorp-mail.com', 'unsubscribed'],
    ['SARAH+news@EU.bigcorp-mail.com', true, 'sarah@eu.bigcorp-mail.com', 'unsubscribed'],
    ['tom@eu.bigcorp-mail.com', false, null, null],
    ['eu.bigcorp-mail.com', false, null, null],
    ['john.smith@gmail.com', true, 'johnsmith@gmail.com', 'unsubscribed'],
    ['JohnSmith@gmail.com', true, 'johnsmith@gmail.com', 'unsubscribed'],
    ['j.o.h.n.s.m.i.t.h+promo@googlemail.com', true, 'johnsmith@gmail.com', 'unsubscribed'],
    ['john.smith2@gmail.com', false, null, null],
    ['gmail.com', false, null, null],
    ['jane@outlook.com', true, 'jane@outlook.com', 'unsubscribed'],
    ['ja.ne@outlook.com', false, null, null],
    ['rival.io', true, 'rival.io', 'competitor'],
    ['oldrival.io', true, 'oldrival.io', 'competitor'],
    ['boundary.io', true, 'boundary.io', 'competitor'],
    ['expired.com', false, null, null],
    ['www.expired.com', false, null, null],
    ['otherclient.com', false, null, null],
    ['shared@private.com', false, null, null],
    // Agency-wide entries (all_clients, see below).
    ['complaints.io', true, 'complaints.io', 'do_not_contact'],
    ['www.eu.complaints.io', true, 'complaints.io', 'do_not_contact'],
    ['anyone@complaints.io', true, 'complaints.io', 'do_not_contact'],
    ['complaints.io.evil.com', false, null, null],
    ['Legal+intake@LawFirm.com', true, 'legal@lawfirm.com', 'do_not_contact'],
    ['partner@lawfirm.com', true, 'lawfirm.com', 'competitor'],
    ['overlap.io', true, 'overlap.io', 'do_not_contact'],
    ['lapsed-agency.io', false, null, null],
  ];
  const AGENCY_WIDE = new Set(['complaints.io', 'www.eu.complaints.io', 'anyone@complaints.io', 'Legal+intake@LawFirm.com', 'overlap.io']);

  it.each(cases.filter(([t]) => t !== 'com.au'))('%s → suppressed=%s (match %s)', async (target, suppressed, match, reason) => {
    const result = (await service.isSuppressed('acme', target)) as CheckResult;
    expect(isInvalid(result)).toBe(false);
    expect(result).toMatchObject({ input: target, suppressed, match, reason });
    // all_clients is there exactly when the agency-wide list matched (the §6 shape otherwise).
    expect(result.all_clients).toBe(AGENCY_WIDE.has(target) ? true : undefined);
  });

  it('reports an invalid target as { input, error }, never as allowed', async () => {
    const result = await service.isSuppressed('acme', 'com.au');
    expect(result).toEqual({ input: 'com.au', error: expect.stringContaining('public suffix') });
    expect('suppressed' in result).toBe(false);
  });

  it('checkMany answers in input order with the §6 shape, mixing valid and invalid', async () => {
    const out = await service.checkMany('acme', ['shop.bigcorp.com', 'nope', 'allowed.com', 'sarah@eu.bigcorp-mail.com']);
    expect(out).toEqual([
      { input: 'shop.bigcorp.com', target: 'shop.bigcorp.com', kind: 'domain', suppressed: true, reason: 'existing_customer', match: 'bigcorp.com', expires_at: null },
      { input: 'nope', error: expect.any(String) },
      { input: 'allowed.com', target: 'allowed.com', kind: 'domain', suppressed: false, reason: null, match: null, expires_at: null },
      { input: 'sarah@eu.bigcorp-mail.com', target: 'sarah@eu.bigcorp-mail.com', kind: 'email', suppressed: true, reason: 'unsubscribed', match: 'sarah@eu.bigcorp-mail.com', expires_at: null },
    ]);
  });

  it('an entry expires exactly at expires_at (≤ now never matches)', async () => {
    const at = new Date('2026-07-01T00:00:00Z');
    const before = new SuppressionService({ db: db(), now: () => new Date(at.getTime() - 1) });
    const atExpiry = new SuppressionService({ db: db(), now: () => at });
    expect(await before.isSuppressed('acme', 'oldrival.io')).toMatchObject({ suppressed: true, expires_at: at.toISOString() });
    expect(await atExpiry.isSuppressed('acme', 'oldrival.io')).toMatchObject({ suppressed: false });
  });

  it('tenant isolation: the other client sees only its own entries', async () => {
    const out = await service.checkMany('other', ['otherclient.com', 'bigcorp.com', 'shared@private.com', 'john.smith@gmail.com', 'lawfirm.com', 'partner@lawfirm.com']);
    expect(out.map((o) => !isInvalid(o) && o.suppressed)).toEqual([true, false, true, false, false, false]);
    // …and the agency-wide list, which holds for every client.
    expect(await service.checkMany('other', ['complaints.io', 'legal@lawfirm.com'])).toMatchObject([
      { suppressed: true, match: 'complaints.io', all_clients: true },
      { suppressed: true, match: 'legal@lawfirm.com', all_clients: true },
    ]);
  });

  it('looks up thousands of targets in batches and matches each', async () => {
    const targets = Array.from({ length: 12_000 }, (_, i) => (i % 3 === 0 ? `s${i}.bigcorp.com` : `free${i}.example.com`));
    const out = await service.checkMany('acme', targets);
    expect(out.filter((o) => !isInvalid(o) && o.suppressed)).toHaveLength(4000);
  });

  it('checkStream gives checkMany\'s answers, with the list read whole (large) or looked up per batch', async () => {
    const targets = [...cases.map(([t]) => t), ...Array.from({ length: 25_000 }, (_, i) => (i % 4 === 0 ? `x${i}.shop.smallco.com` : `lead${i}@free${i % 97}.example.com`))];
    const expected = await service.checkMany('acme', targets);
    const stream = async (svc: SuppressionService, large: boolean) => {
      const rows = (async function* () {
        for (let i = 0; i < targets.length; i += 3_000) yield targets.slice(i, i + 3_000).map((value) => ({ cells: [value] }));
      })();
      const out: unknown[] = [];
      for await (const batch of svc.checkStream('acme', rows, { large })) {
        expect(batch.outcomes).toHaveLength(batch.rows.length);
        out.push(...batch.outcomes);
      }
      return out;
    };
    expect(await stream(service, true)).toEqual(expected);
    expect(await stream(service, false)).toEqual(expected);
    // A list longer than the preload limit is looked up per batch, with the same answers.
    expect(await stream(new SuppressionService({ db: db(), now: () => NOW, preloadMaxEntries: 1 }), true)).toEqual(expected);
  });

  it('checkStream decides each lead by the lead policy: any suppressed target suppresses it, any unreadable cell or no target makes it invalid', async () => {
    // Changed with issue 13: a row's other target cells are no longer "checked where the first is
    // allowed, and ignored when invalid": every cell of a target column must read, and counts.
    const rows: Array<{ cells: string[]; loose?: string[] }> = [
      { cells: ['lead@free1.example.com', 'https://shop.smallco.com/x'] }, // allowed email, suppressed website
      { cells: ['lead@free2.example.com', 'not a site', 'fine.example.com'] }, // an unreadable cell: invalid
      { cells: ['lead@free2.example.com'], loose: ['not a site', 'fine.example.com'] }, // loose junk is no error
      { cells: ['lead@free3.example.com'], loose: ['Acme Pty', 'eu.shop.smallco.com'] }, // a loose target counts
      { cells: ['not an email', 'shop.smallco.com'] }, // invalid even beside a suppressed one
      { cells: ['x.shop.smallco.com'] },
      { cells: [] }, // nothing to check: invalid, never allowed
      { cells: ['linkedin.com/company/smallco'] }, // a platform page alone: no target
      { cells: ['linkedin.com/company/x', 'shop.smallco.com'] }, // the page is skipped, the website decides
      { cells: ['fine.example.com', 'boss@shop.smallco.com'] }, // the email answers first
    ];
    for (const large of [true, false]) {
      const out: CheckOutcome[] = [];
      for await (const batch of service.checkStream('acme', (async function* () { yield rows; })(), { large })) out.push(...batch.outcomes);
      expect(out.map((o) => (isInvalid(o) ? `invalid ${o.input}` : o.suppressed ? `suppressed by ${o.input}` : `allowed ${o.input}`))).toEqual([
        'suppressed by https://shop.smallco.com/x',
        'invalid not a site',
        'allowed lead@free2.example.com',
        'suppressed by eu.shop.smallco.com',
        'invalid not an email',
        'suppressed by x.shop.smallco.com',
        'invalid ',
        'invalid linkedin.com/company/smallco',
        'suppressed by shop.smallco.com',
        'suppressed by boss@shop.smallco.com',
      ]);
    }
  });

  it('every lookup resolves the client: an unknown slug or id throws, never answers allowed', async () => {
    const unknownId = '00000000-0000-4000-8000-000000000000';
    await expect(service.checkBatch(unknownId, ['bigcorp.com'])).rejects.toMatchObject({ code: 'usage' });
    await expect(service.checkBatch('acmee', ['bigcorp.com'])).rejects.toMatchObject({ code: 'usage' });
    await expect(service.checkMany(unknownId, ['bigcorp.com'])).rejects.toMatchObject({ code: 'usage' });
    await expect(service.isSuppressed(unknownId, 'bigcorp.com')).rejects.toMatchObject({ code: 'usage' });
    const stream = service.checkStream(unknownId, (async function* () { yield [{ cells: ['bigcorp.com'] }]; })());
    await expect(stream.next()).rejects.toMatchObject({ code: 'usage' });
    // The client's id works like its slug.
    const [row] = await db().query<{ id: string }>(`select id from clients where slug = 'acme'`);
    expect(await service.checkBatch(row?.id as string, ['bigcorp.com'])).toMatchObject([{ suppressed: true }]);
  });

  it('an unknown client is a usage error', async () => {
    await expect(service.isSuppressed('acmee', 'bigcorp.com')).rejects.toMatchObject({ code: 'usage', hint: 'did you mean "acme"?' });
  });
});

describeEachDatabase('SuppressionService changes', ({ db }) => {
  let service: SuppressionService;
  const t = (...values: string[]) => values.map((value) => ({ value }));

  beforeAll(async () => {
    await new ClientService(db()).add({ slug: 'acme' });
    service = new SuppressionService({ db: db(), actor: 'ops-anna' });
  });

  it('adds, then re-adding the same entry changes nothing, and a new reason updates it', async () => {
    expect(await service.add({ client: 'acme', targets: t('https://www.Rival.com/x', 'rival.com'), reason: 'competitor' })).toMatchObject({ added: 1, updated: 0, unchanged: 0 });
    expect(await service.add({ client: 'acme', targets: t('rival.com'), reason: 'competitor' })).toMatchObject({ added: 0, updated: 0, unchanged: 1 });
    expect(await service.add({ client: 'acme', targets: t('rival.com'), reason: 'partner', note: 'merged with us' })).toMatchObject({ added: 0, updated: 1 });
    const history = await service.history({ client: 'acme', target: 'rival.com' });
    expect(history.map((e) => [e.action, e.reason_before, e.reason_after, e.actor, e.source])).toEqual([
      ['add', null, 'competitor', 'ops-anna', 'manual'],
      ['update', 'competitor', 'partner', 'ops-anna', 'manual'],
    ]);
  });

  it('keeps the hostname as given (not collapsed to the registrable domain)', async () => {
    await service.add({ client: 'acme', targets: t('eu.shop.widgetcorp.com'), reason: 'partner' });
    const entries = [];
    for await (const e of service.list({ client: 'acme' })) entries.push(e.target);
    expect(entries).toContain('eu.shop.widgetcorp.com');
    expect(entries).not.toContain("widgetcorp.com");
  });

  it('validates every target before writing anything', async () => {
    await expect(
      service.add({ client: 'acme', targets: [{ value: 'fine.com', line: 1 }, { value: 'com.au', line: 2 }, { value: 'also-fine.com', line: 3 }, { value: 'localhost', line: 4 }], reason: 'competitor' }),
    ).rejects.toMatchObject({ code: 'input', message: expect.stringMatching(/2 invalid targets.*line 2.*line 4/) });
    expect((await service.isSuppressed('acme', 'fine.com')) as CheckResult).toMatchObject({ suppressed: false });
  });

  it('refuses a free-mail domain without force, accepts it with force', async () => {
    await expect(service.add({ client: 'acme', targets: t('gmail.com'), reason: 'competitor' })).rejects.toMatchObject({ code: 'input', hint: expect.stringContaining('option force') });
    await service.add({ client: 'acme', targets: t('yahoo.co.uk'), reason: 'do_not_contact', force: true });
    expect(await service.isSuppressed('acme', 'someone.else@yahoo.co.uk')).toMatchObject({ suppressed: false });
    expect(await service.isSuppressed('acme', 'yahoo.co.uk')).toMatchObject({ suppressed: true });
  });

  it('rejects an invalid reason with the list of reasons', async () => {
    await expect(service.add({ client: 'acme', targets: t('x.com'), reason: 'competiter' })).rejects.toMatchObject({ code: 'usage', hint: expect.stringContaining('did you mean competitor') });
  });

  it('protects legal opt-outs: remove needs force, and nothing is removed without it', async () => {
    await service.add({ client: 'acme', targets: t('optout@person.com', 'plain.com'), reason: 'unsubscribed' });
    await service.add({ client: 'acme', targets: t('plain.com'), reason: 'bounced', force: true }); // an opt-out's reason changes only with force
    await expect(service.remove({ client: 'acme', targets: t('plain.com', 'optout@person.com') })).rejects.toMatchObject({ code: 'input', message: expect.stringContaining('optout@person.com (unsubscribed)') });
    expect(await service.isSuppressed('acme', 'plain.com')).toMatchObject({ suppressed: true });
    const result = await service.remove({ client: 'acme', targets: t('plain.com', 'optout@person.com', 'never-added.com'), force: true });
    expect(result.removed.map((e) => e.target).sort()).toEqual(['optout@person.com', 'plain.com']);
    expect(result.not_found).toEqual(['never-added.com']);
    expect(await service.isSuppressed('acme', 'optout@person.com')).toMatchObject({ suppressed: false });
    const history = await service.history({ client: 'acme', target: 'optout@person.com' });
    expect(history.at(-1)).toMatchObject({ action: 'remove', reason_before: 'unsubscribed', reason_after: null, actor: 'ops-anna' });
  });

  it('removing a subdomain entry says when a parent entry still covers it', async () => {
    await service.add({ client: 'acme', targets: t('parent.com', 'shop.parent.com'), reason: 'competitor' });
    const result = await service.remove({ client: 'acme', targets: t('shop.parent.com') });
    expect(result.still_suppressed).toEqual([expect.objectContaining({ target: 'shop.parent.com', match: 'parent.com' })]);
  });

  it('lists with reason filter and hides expired entries unless asked', async () => {
    await db().query(`insert into suppression_list (client_id, domain, reason, expires_at) select id, 'lapsed.com', 'competitor', now() - interval '1 day' from clients where slug = 'acme'`);
    const collect = async (o: { reason?: string; includeExpired?: boolean }) => {
      const out: string[] = [];
      for await (const e of service.list({ client: 'acme', ...o })) out.push(e.target);
      return out;
    };
    expect(await collect({ reason: 'competitor' })).not.toContain('lapsed.com');
    expect(await collect({ reason: 'competitor', includeExpired: true })).toContain('lapsed.com');
    expect(await collect({ reason: 'partner' })).toEqual(['eu.shop.widgetcorp.com', 'rival.com']);
  });

  it('every change leaves exactly one audit row', async () => {
    const before = (await db().query<{ n: number }>('select count(*)::int as n from suppression_events'))[0]?.n ?? 0;
    await service.add({ client: 'acme', targets: t('audit1.com', 'audit2.com', 'a@audit3.com'), reason: 'competitor' });
    await service.add({ client: 'acme', targets: t('audit1.com'), reason: 'competitor' }); // unchanged: no row
    await service.add({ client: 'acme', targets: t('audit1.com'), reason: 'competitor', expiresAt: new Date(Date.now() + 86_400_000), force: true }); // an expiry for a permanent entry needs force
    await service.remove({ client: 'acme', targets: t('audit2.com') });
    const after = (await db().query<{ n: number }>('select count(*)::int as n from suppression_events'))[0]?.n ?? 0;
    expect(after - before).toBe(5);
  });
});

// Through a transaction-pooling PgBouncer (before 1.21: no named statements kept across server
// connections) with AOS_PREPARE at its default, on: the check's named lookup meets server
// connections that never saw it, and every answer must still be right.
describe.runIf(process.env.AOS_TEST_THROUGH === 'pgbouncer')('the check through a transaction-pooling PgBouncer, AOS_PREPARE on', () => {
  it('a warm service whose checks land on other server connections answers each right (the handle goes unnamed)', async () => {
    const fresh = await freshDatabase('postgres');
    const holder = postgres(fresh.env.DATABASE_URL as string, { max: 1, prepare: false, onnotice: () => {} });
    try {
      const db = await openDatabase({ url: fresh.env.DATABASE_URL, prepare: true });
      try {
        await new ClientService(db).add({ slug: 'pooled' });
        const service = new SuppressionService({ db });
        await service.add({ client: 'pooled', targets: [{ value: 'bigcorp.com' }], reason: 'existing_customer' });
        const held = await holder.reserve();
        try {
          for (let i = 0; i < 12; i++) {
            // Every other check, another client holds the server connection the last one ran on
            // (PgBouncer hands out the one used last), so the check lands on another.
            if (i % 2 === 1) await held.unsafe('begin');
            const outcomes = await service.checkMany('pooled', ['shop.bigcorp.com', 'free.com']);
            expect(outcomes.map((o) => ('error' in o ? 'invalid' : o.suppressed ? 'suppressed' : 'allowed'))).toEqual(['suppressed', 'allowed']);
            if (i % 2 === 1) await held.unsafe('commit');
          }
        } finally {
          held.release();
        }
      } finally {
        await db.close();
      }
    } finally {
      await holder.end({ timeout: 5 });
      await fresh.dispose();
    }
  });
});
