// The platform imports the package by name; this does the same from a separate Node process.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enginesUnderTest, freshCliDatabase, type CliDatabase } from '../helpers/databases.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

const SCRIPT = `
import { openDatabase, ClientService, SuppressionService, CustomerImportService, BuyerSignalService, normalizeTarget } from 'aos';
import { Readable } from 'node:stream';
const db = await openDatabase({ url: process.env.DATABASE_URL || undefined, dataDir: process.env.AOS_DATA_DIR });
try {
  // The older form, the database alone, and the one every service takes: { db, actor?, now? }.
  const added = await new ClientService(db).add({ slug: 'platform-test' });
  const resolved = await new ClientService({ db, actor: 'platform' }).resolve('platform-test');
  const csv = 'Company,Website,Deal Size\\nBuildRight,buildright.com.au,15000\\n';
  await new CustomerImportService({ db, actor: 'platform' }).import({ client: 'platform-test', input: Readable.from([Buffer.from(csv)]), fileName: 'x.csv' });
  const suppression = new SuppressionService({ db });
  const signals = new BuyerSignalService({ db, actor: 'platform', now: () => new Date(), minClients: 3 });
  console.log(JSON.stringify({
    target: normalizeTarget('https://WWW.BuildRight.com.au/x').value,
    suppressed: await suppression.isSuppressed('platform-test', 'sarah@buildright.com.au'),
    allowed: await suppression.isSuppressed('platform-test', 'other.com'),
    boost: await signals.getScoreBoost('buildright.com.au'),
    none: await signals.getScoreBoost('other.com'),
    bothForms: resolved.id === added.client.id,
  }));
} finally {
  await db.close();
}
`;

for (const engine of enginesUnderTest()) {
  describe(`the package as a library [${engine}]`, () => {
    let fresh: CliDatabase;
    beforeAll(async () => {
      fresh = await freshCliDatabase(engine);
    });
    afterAll(async () => fresh.dispose());

    it("import 'aos' by name: isSuppressed and getScoreBoost, services built either way", async () => {
      const { stdout } = await run(process.execPath, ['--input-type=module', '-e', SCRIPT], { cwd: ROOT, env: { ...process.env, ...fresh.env } });
      expect(JSON.parse(stdout)).toEqual({
        target: 'buildright.com.au',
        suppressed: { input: 'sarah@buildright.com.au', target: 'sarah@buildright.com.au', kind: 'email', suppressed: true, reason: 'existing_customer', match: 'buildright.com.au', expires_at: null },
        allowed: { input: 'other.com', target: 'other.com', kind: 'domain', suppressed: false, reason: null, match: null, expires_at: null },
        // One client: score 60 (its deal of 15,000 counts only from four clients), boost 9.
        boost: 9,
        none: 0,
        bothForms: true,
      });
    });
  });
}
