import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addClients, enginesUnderTest, freshCliDatabase, freshDatabase, type CliDatabase } from '../helpers/databases.js';
import { createServerDatabase } from '../helpers/server.js';
import { inject } from 'vitest';
import { runAos } from '../helpers/cli.js';

describe('aos without a database', () => {
  it('--version prints the package version and exits 0', async () => {
    const r = await runAos(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('--help lists the commands and examples', async () => {
    const r = await runAos(['--help']);
    expect(r.code).toBe(0);
    for (const word of ['import', 'suppress', 'check', 'signals', 'clients', 'db', 'Examples:']) expect(r.stdout).toContain(word);
  });

  it.each([['--help', 'check'], ['-h', 'suppress'], ['-q', '--help', 'import']])('%s %s lists every command too (commands load lazily)', async (...args) => {
    const r = await runAos(args);
    expect(r.code).toBe(0);
    for (const word of ['db ', 'clients ', 'suppress ', 'check ', 'import ', 'imports ', 'customers ', 'signals ']) expect(r.stdout).toContain(`\n  ${word}`);
  });

  it('an unknown flag is a usage error: one line, a hint, exit 2', async () => {
    const r = await runAos(['clients', 'list', '--bogus'], { env: { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/x' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("aos: error: unknown option '--bogus'\nhint: see `aos clients list --help`\n");
    expect(r.stdout).toBe('');
  });

  it('an unknown command suggests the right one', async () => {
    const r = await runAos(['clients', 'lst']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('did you mean list?');
    // `unsuppress` is closest to `suppress` by its letters, and means the opposite.
    const un = await runAos(['unsuppress', 'acme.com']);
    expect(un.code).toBe(2);
    expect(un.stderr).toContain('did you mean suppress remove?');
  });

  it('an unreachable DATABASE_URL is exit 3 with the URL redacted and no stack trace', async () => {
    const r = await runAos(['clients', 'list'], { env: { DATABASE_URL: 'postgres://ops:s3cret@127.0.0.1:1/agencyos' } });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^aos: error: cannot reach database postgres:\/\/ops:\*\*\*@127\.0\.0\.1:1\/agencyos/);
    expect(r.stderr).not.toContain('s3cret');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('a server database behind on migrations', () => {
  it.runIf(inject('postgresAvailable'))('fails every command but db migrate with exit 3 and the hint', async () => {
    const server = await createServerDatabase();
    try {
      const env = { DATABASE_URL: server.url };
      const before = await runAos(['clients', 'list'], { env });
      expect(before.code).toBe(3);
      expect(before.stderr).toContain('run `aos db migrate`');
      const migrate = await runAos(['db', 'migrate'], { env });
      expect(migrate.code).toBe(0);
      expect(migrate.stdout).toMatch(/applied \d+ migration/);
      const again = await runAos(['db', 'migrate'], { env });
      expect(again.stdout).toContain('already up to date');
      const after = await runAos(['clients', 'add', 'demo'], { env });
      expect(after.code).toBe(0);
    } finally {
      await server.drop();
    }
  });
});

for (const engine of enginesUnderTest()) {
  describe(`aos clients [${engine}]`, () => {
    let fresh: CliDatabase;
    beforeAll(async () => {
      fresh = await freshCliDatabase(engine);
    });
    afterAll(async () => fresh.dispose());

    it('adds and lists clients, human and --json', async () => {
      const add = await runAos(['clients', 'add', 'demo', '--name', 'Demo Agency', '--services', 'SEO, ppc'], { env: fresh.env });
      expect(add.stderr).toBe('');
      expect(add.code).toBe(0);
      expect(add.stdout).toMatch(/^added client demo \(/);
      const list = await runAos(['clients', 'list', '--json'], { env: fresh.env });
      expect(list.code).toBe(0);
      const clients = JSON.parse(list.stdout) as Array<Record<string, unknown>>;
      expect(clients).toEqual([expect.objectContaining({ slug: 'demo', name: 'Demo Agency', services: ['ppc', 'seo'], customers: 0 })]);
      const human = await runAos(['clients', 'list'], { env: fresh.env });
      expect(human.stdout).toMatch(/demo\s+Demo Agency\s+ppc,seo/);
    });

    it("refuses 'Bad Slug!' with exit 2 and one clear line", async () => {
      const r = await runAos(['clients', 'add', 'Bad Slug!'], { env: fresh.env });
      expect(r.code).toBe(2);
      expect(r.stderr.split('\n')[0]).toBe('aos: error: invalid client slug "Bad Slug!": use lowercase letters, digits and dashes');
    });

    it('db status --json names the database and counts rows', async () => {
      const r = await runAos(['db', 'status', '--json'], { env: fresh.env });
      expect(r.code).toBe(0);
      const status = JSON.parse(r.stdout) as { kind: string; tables: Record<string, number>; migrations: { up_to_date: boolean } };
      expect(status.kind).toBe(engine);
      expect(status.migrations.up_to_date).toBe(true);
      expect(status.tables.clients).toBe(1);
    });
  });
}

describe('output to a closed pipe', () => {
  it('stops quietly with 141 (never 0) when the reader goes away (aos … | head)', async () => {
    const { spawn } = await import('node:child_process');
    const { BIN } = await import('../helpers/cli.js');
    const fresh = await freshCliDatabase('embedded', (db) => addClients(db, ['pipe']));
    try {
      const child = spawn(process.execPath, [BIN, 'check', '-', '--client', 'pipe', '--json'], { env: { ...process.env, ...fresh.env }, stdio: ['pipe', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.stdout.once('data', () => child.stdout.destroy());
      child.stdin.on('error', () => {});
      child.stdin.end(Array.from({ length: 50_000 }, (_, i) => `lead${i}.example-corp.com`).join('\n'));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(stderr).toBe('');
      expect(code).toBe(141);
    } finally {
      await fresh.dispose();
    }
  });
});
