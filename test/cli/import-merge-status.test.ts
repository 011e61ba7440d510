// Rows of one customer that disagree on its status (one contact "Former customer", another
// "Active"): the merged customer is active, its entry existing_customer, never a past customer
// whose entry expires with the client's past_customer rule while a row still calls it current.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ndjson, runAos } from '../helpers/cli.js';
import { cliEnginesUnderTest, freshDatabase, type FreshDatabase } from '../helpers/databases.js';

const dir = mkdtempSync(join(tmpdir(), 'aos-merge-status-'));

for (const engine of cliEnginesUnderTest()) {
  describe(`merged rows and their status, through the CLI [${engine}]`, () => {
    let fresh: FreshDatabase;
    const aos = (args: string[]) => runAos(args, { env: fresh.env });

    beforeAll(async () => {
      fresh = await freshDatabase(engine);
      await fresh.db.close();
      expect((await aos(['clients', 'add', 'acme'])).code).toBe(0);
    });
    afterAll(async () => fresh.dispose());

    it('an active row wins over an earlier churned row of the same customer', async () => {
      const file = join(dir, 'contacts.csv');
      writeFileSync(
        file,
        'Company,Website,Email,Status\n' +
          'Acme,acme.com,old@acme.com,Former customer\nAcme,acme.com,new@acme.com,Active\n' +
          'Beta,,b@gmail.com,Churned\nBeta,,b@gmail.com,Customer\n' +
          'Gone,gone.com,,Churned\nGone,gone.com,,Former customer\n',
      );
      const r = await aos(['import', file, '--client', 'acme', '--yes', '--json']);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ rows_read: 6, inserted: 3, merged: 3, rejected: 0, skipped: 0 });
      const list = await aos(['customers', 'list', '--client', 'acme', '--json']);
      expect(list.code, list.stderr).toBe(0);
      const status = Object.fromEntries(ndjson(list.stdout).map((c) => [c.company_name as string, c.status as string]));
      expect(status).toEqual({ Acme: 'active', Beta: 'active', Gone: 'churned' });
    });
  });
}
