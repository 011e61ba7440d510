// With --json an error is JSON too (issue 26): one line {"error": {code, message, hint}} on
// stderr, the exit code unchanged, so a script parses one format. Without --json, today's text.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAos } from '../helpers/cli.js';
import { cliEnginesUnderTest, freshDatabase, type FreshDatabase } from '../helpers/databases.js';

/** stderr as exactly one JSON line, parsed. */
function jsonError(stderr: string): unknown {
  expect(stderr.endsWith('\n')).toBe(true);
  expect(stderr.trimEnd().split('\n')).toHaveLength(1);
  return JSON.parse(stderr);
}

describe('--json errors without a database', () => {
  it('a usage error is one JSON line on stderr, exit 2, nothing on stdout', async () => {
    const r = await runAos(['clients', 'list', '--json', '--bogus'], { env: { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/x' } });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(jsonError(r.stderr)).toEqual({ error: { code: 'usage', message: "unknown option '--bogus'", hint: 'see `aos clients list --help`' } });
  });

  it('without --json the same usage error is the text line and hint', async () => {
    const r = await runAos(['clients', 'list', '--bogus'], { env: { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/x' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("aos: error: unknown option '--bogus'\nhint: see `aos clients list --help`\n");
  });

  it('a database error is JSON with code "database", exit 3, the URL redacted', async () => {
    const r = await runAos(['clients', 'list', '--json'], { env: { DATABASE_URL: 'postgres://ops:s3cret@127.0.0.1:1/agencyos' } });
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).not.toContain('s3cret');
    expect(jsonError(r.stderr)).toMatchObject({ error: { code: 'database', message: expect.stringMatching(/^cannot reach database/), hint: expect.any(String) } });
  });

  it('--json after `--` is an operand, not the flag: the error stays text', async () => {
    const r = await runAos(['check', '--client', 'acme', '--bogus', '--', '--json'], { env: { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/x' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^aos: error: unknown option '--bogus'/);
  });
});

for (const engine of cliEnginesUnderTest()) {
  describe(`--json errors [${engine}]`, () => {
    let fresh: FreshDatabase;
    const aos = (args: string[]) => runAos(args, { env: fresh.env });
    beforeAll(async () => {
      fresh = await freshDatabase(engine);
      await fresh.db.close();
      expect((await aos(['clients', 'add', 'acme'])).code).toBe(0);
    });
    afterAll(async () => fresh.dispose());

    it('an unknown client is JSON with code "usage" and a hint, exit 2', async () => {
      const r = await aos(['check', 'x.com', '--client', 'nope', '--json']);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(jsonError(r.stderr)).toEqual({ error: { code: 'usage', message: 'unknown client "nope"', hint: 'list clients with `aos clients list`' } });
    });

    it('a client reference with a zero-width space or an RTL override shows each as "?", text and JSON alike', async () => {
      for (const [client, shown] of [['acme\u200b', 'acme?'], ['acme\u202e', 'acme?'], ['ac\u2066me', 'ac?me']]) {
        const text = await aos(['check', 'x.com', '--client', client as string]);
        expect(text.code).toBe(2);
        expect(text.stderr).toContain(`aos: error: unknown client "${shown}"`);
        expect(text.stderr).not.toMatch(/[\u200b\u202e\u2066]/);
        const json = await aos(['check', 'x.com', '--client', client as string, '--json']);
        expect((jsonError(json.stderr) as { error: { message: string } }).error.message).toBe(`unknown client "${shown}"`);
      }
    });

    it('a result shown, then the command fails: NDJSON on stdout, the error as JSON on stderr, exit 2', async () => {
      const r = await aos(['signals', 'show', 'a.com x', '--json']);
      expect(r.code).toBe(2);
      expect(JSON.parse(r.stdout)).toMatchObject({ input: 'a.com x', error: expect.any(String) });
      expect(jsonError(r.stderr)).toEqual({ error: { code: 'input', message: '1 invalid target', hint: 'give domains, URLs or emails' } });
    });

    it('an error without a hint has "hint": null', async () => {
      const r = await aos(['suppress', 'expiring', '--within', '30d', '--json']);
      expect(r.code).toBe(2);
      expect(jsonError(r.stderr)).toEqual({ error: { code: 'usage', message: 'give --client C or --all (one of them)', hint: null } });
    });
  });
}
