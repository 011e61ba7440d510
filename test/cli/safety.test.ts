// The adversary's cases of issue 15 through the built binary: opt-outs and permanent entries are
// not weakened without --force, flags that do not parse are a clean exit 2, the audit trail reads
// in order, and a client reference names at most one client.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ndjson, runAos } from '../helpers/cli.js';
import { cliEnginesUnderTest, freshDatabase, type FreshDatabase } from '../helpers/databases.js';

const dir = mkdtempSync(join(tmpdir(), 'aos-safety-'));

for (const engine of cliEnginesUnderTest()) {
  describe(`issue 15 through the CLI [${engine}]`, () => {
    let fresh: FreshDatabase;
    const aos = (args: string[], input?: string) => runAos(args, { env: { ...fresh.env, USER: 'ops-anna' }, input });
    const oneErrorLine = (stderr: string) => {
      expect(stderr).toMatch(/^aos: error: [^\n]+\n(hint: [^\n]+\n)?$/);
      expect(stderr).not.toContain('undefined');
    };

    beforeAll(async () => {
      fresh = await freshDatabase(engine);
      await fresh.db.close();
      expect((await aos(['clients', 'add', 'demo'])).code).toBe(0);
      expect((await aos(['suppress', 'add', 'jane@optout.com', '--client', 'demo', '--reason', 'unsubscribed'])).code).toBe(0);
      expect((await aos(['suppress', 'add', 'buildright.com.au', '--client', 'demo', '--reason', 'existing_customer'])).code).toBe(0);
    });
    afterAll(async () => fresh.dispose());

    it('an opt-out is not turned into an expiring partner entry, nor removed, without --force', async () => {
      const r = await aos(['suppress', 'add', 'jane@optout.com', '--client', 'demo', '--reason', 'partner', '--for', '1h']);
      expect(r.code).toBe(2);
      oneErrorLine(r.stderr);
      expect(r.stderr).toContain('jane@optout.com: reason unsubscribed → partner');
      expect(r.stderr).toContain('--force');
      expect((await aos(['suppress', 'remove', 'jane@optout.com', '--client', 'demo'])).code).toBe(2);
      const check = await aos(['check', 'jane@optout.com', '--client', 'demo', '--json']);
      expect(ndjson(check.stdout)[0]).toMatchObject({ suppressed: true, reason: 'unsubscribed', expires_at: null });
    });

    it("a permanent entry is not made to expire without --force, and --file is all or nothing", async () => {
      const r = await aos(['suppress', 'add', 'buildright.com.au', '--client', 'demo', '--reason', 'partner', '--for', '1h']);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/buildright\.com\.au: .*expiry never →/);
      const file = join(dir, `targets-${engine}.txt`);
      writeFileSync(file, 'fresh-one.com\nbuildright.com.au\nfresh-two.com\n');
      const bulk = await aos(['suppress', 'add', '--file', file, '--client', 'demo', '--reason', 'competitor', '--for', '30d']);
      expect(bulk.code).toBe(2);
      expect(bulk.stderr).toContain('nothing written');
      expect((await aos(['check', 'fresh-one.com', '--client', 'demo'])).code).toBe(0);
      const forced = await aos(['suppress', 'add', '--file', file, '--client', 'demo', '--reason', 'competitor', '--for', '30d', '--force']);
      expect(forced.code).toBe(0);
      expect(forced.stdout).toBe('demo: 2 added, 1 updated, 0 unchanged\n');
    });

    it('history --json is ordered by id numerically', async () => {
      for (let i = 0; i < 10; i++) await aos(['suppress', 'add', `h${i}.com`, '--client', 'demo', '--reason', 'competitor']);
      const events = ndjson((await aos(['suppress', 'history', '--client', 'demo', '--json'])).stdout);
      expect(events.length).toBeGreaterThanOrEqual(12);
      const ids = events.map((e) => Number(e.id));
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
    });

    it('signals top/show --json: below k only the four fields, months only; AOS_SIGNALS_K sets k', async () => {
      const csv = join(dir, `customers-${engine}.csv`);
      writeFileSync(csv, 'Company,Website,Industry,Deal Size,Customer Since\nSecret Co,secret-co.com,Falconry,12345,2024-03-17\n');
      expect((await aos(['import', csv, '--client', 'demo', '--yes'])).code).toBe(0);
      const top = ndjson((await aos(['signals', 'top', '--json'])).stdout);
      const secret = top.find((s) => s.domain === 'secret-co.com');
      expect(secret && Object.keys(secret).sort()).toEqual(['buyer_boost', 'buyer_score', 'domain', 'times_bought']);
      const human = await aos(['signals', 'show', 'secret-co.com']);
      expect(human.stdout).not.toMatch(/Falconry|12345|Secret Co/);
      expect(human.stdout).toContain('withheld');
      const k1 = await runAos(['signals', 'show', 'secret-co.com', '--json'], { env: { ...fresh.env, AOS_SIGNALS_K: '1' } });
      expect(ndjson(k1.stdout)[0]).toMatchObject({ industry: 'Falconry', first_seen_at: expect.stringMatching(/^\d{4}-\d{2}-01T00:00:00\.000Z$/), last_converted_at: '2024-03-01T00:00:00.000Z' });
      expect(ndjson(k1.stdout)[0]?.buyer_boost).toBe(secret?.buyer_boost);
      const bad = await runAos(['signals', 'top'], { env: { ...fresh.env, AOS_SIGNALS_K: 'three' } });
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('invalid AOS_SIGNALS_K "three"');
      // An environment variable has no --help: its error says which values it takes, with --json too.
      for (const value of ['three', '0', '99999999999']) {
        const json = await runAos(['signals', 'top', '--json'], { env: { ...fresh.env, AOS_SIGNALS_K: value } });
        expect(json.code).toBe(2);
        expect(JSON.parse(json.stderr).error.hint).toBe('AOS_SIGNALS_K is k, the fewest clients a signal is shown for: a whole number from 1 (shows everything) up; unset it for the default, 3');
      }
    });

    it.each([
      [['suppress', 'add', 'x-corp.com', '--client', 'demo', '--reason', 'competitor', '--expires', '2027-13-45'], /invalid --expires "2027-13-45"/],
      [['suppress', 'add', 'x-corp.com', '--client', 'demo', '--reason', 'competitor', '--expires', '2027-02-30'], /invalid --expires "2027-02-30"/],
      [['signals', 'top', '--limit', '99999999999999999999'], /invalid --limit "99999999999999999999": at most/],
      [['signals', 'top', '--limit', '1; x'], /invalid --limit "1; x": expected a positive whole number/],
      [['signals', 'top', '--limit', 'abc'], /invalid --limit "abc"/],
      [['signals', 'top', '--limit', '0'], /invalid --limit "0"/],
      [['signals', 'show', 'a.com x'], /invalid/],
      [['signals', 'boost', 'not a domain'], /invalid/],
      [['clients', 'add', '123e4567-e89b-12d3-a456-426614174000'], /looks like a client id/],
    ])('%j exits 2 with one clear line', async (args, message) => {
      const r = await aos(args as string[]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message as RegExp);
      expect(r.stderr).not.toMatch(/internal error|NaN|undefined|database error/);
    });

    it("signals show --json: two attacker slugs with deal 1 do not read a third client's 37,500, name, industry or import month (issue 27)", async () => {
      const header = 'Company,Website,Industry,Deal Size,Customer Since,Services\r\n';
      for (const [slug, row] of [
        ['victim', 'Target Holdings,target-co.com,Falconry,"$37,500.00",2019-04-12,TikTok Ads'],
        ['att-1', 'Target Holdings,target-co.com,Falconry,1,2001-01-01,TikTok Ads'],
        ['att-2', 'Target Holdings,target-co.com,Falconry,1,2001-01-01,TikTok Ads'],
      ]) {
        const csv = join(dir, `${slug}-${engine}.csv`);
        writeFileSync(csv, `${header}${row}\r\n`);
        expect((await aos(['clients', 'add', slug as string])).code).toBe(0);
        expect((await aos(['import', csv, '--client', slug as string, '--yes'])).code).toBe(0);
      }
      const shown = await aos(['signals', 'show', 'target-co.com', '--json']);
      expect(shown.code, shown.stderr).toBe(0);
      expect(ndjson(shown.stdout)[0]).toMatchObject({ times_bought: 3, total_value: null, avg_deal_value: null, deal_value_band: null, company_name: null, industry: null, services_bought: [], first_seen_at: null, last_converted_at: null });
      const human = await aos(['signals', 'show', 'target-co.com']);
      for (const out of [shown.stdout, human.stdout]) expect(out).not.toMatch(/375|Target Holdings|Falconry|tiktok|2019|25k/);
    });
  });
}
