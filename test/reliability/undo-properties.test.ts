// Property test of `aos imports undo` (issue 16), on both engines: for random sequences of
// imports (some --sync, some under a default expiry), manual changes, customer removals and
// undos, undoing the last import restores exactly the state before it, and no import, undo or
// customer removal removes or weakens an opt-out.
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { ClientService } from '../../src/services/client-service.js';
import { CustomerImportService } from '../../src/services/import/customer-import-service.js';
import { CustomerService } from '../../src/services/customer-service.js';
import { ExpiryPolicyService } from '../../src/services/expiry-policy-service.js';
import { ImportRunService } from '../../src/services/import/run-service.js';
import { SuppressionService } from '../../src/services/suppression-service.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { clientState } from '../helpers/client-state.js';

const RUNS = process.env.AOS_STRESS === '1' ? 60 : 10;

// A small universe, so that runs, manual entries and removals keep meeting on the same rows.
const COMPANIES = [['Acme', 'acme.com'], ['Beta', 'beta.io'], ['Gamma', ''], ['Delta', 'shop.delta.co.uk']] as const;
const EMAILS = ['', 'ann@gmail.com', 'bob@acme.com', 'cy@beta.io'];
const TARGETS = ['acme.com', 'beta.io', 'delta.co.uk', 'shop.delta.co.uk', 'ann@gmail.com', 'bob@acme.com', 'cy@beta.io'];

const row = fc.record({ company: fc.nat({ max: COMPANIES.length - 1 }), email: fc.constantFrom(...EMAILS), status: fc.constantFrom('active', 'churned', 'Churned') });
const file = fc.array(row, { minLength: 1, maxLength: 5 });
const step = fc.oneof(
  { weight: 4, arbitrary: fc.record({ t: fc.constant('import' as const), rows: file, sync: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('optout' as const), target: fc.constantFrom(...TARGETS), reason: fc.constantFrom('unsubscribed', 'do_not_contact') }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('manual' as const), target: fc.constantFrom(...TARGETS) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('removeCustomer' as const), company: fc.nat({ max: COMPANIES.length - 1 }) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('undo' as const), back: fc.nat({ max: 3 }), force: fc.boolean() }) },
);

const toCsv = (rows: Array<{ company: number; email: string; status: string }>) =>
  ['Company,Website,Contact Email,Status', ...rows.map((r) => `${COMPANIES[r.company]?.[0]},${COMPANIES[r.company]?.[1]},${r.email},${r.status}`)].join('\n');

/** Live opt-outs: target → expiry (null: never). */
async function optOuts(db: Database, client: string): Promise<Map<string, number | null>> {
  const rows = await db.query<{ target: string; expires: string | null }>(
    `select coalesce(s.domain, s.email) as target, s.expires_at::text as expires from suppression_list s join clients c on c.id = s.client_id
      where c.slug = $1 and s.reason in ('unsubscribed', 'do_not_contact') and (s.expires_at is null or s.expires_at > now())`,
    [client],
  );
  return new Map(rows.map((r) => [r.target, r.expires === null ? null : Date.parse(r.expires)]));
}

function expectNoOptOutWeakened(before: Map<string, number | null>, after: Map<string, number | null>, what: string): void {
  for (const [target, expires] of before) {
    expect(after.has(target), `${what} removed the opt-out ${target}`).toBe(true);
    const now = after.get(target) ?? null;
    if (expires === null) expect(now, `${what} gave the opt-out ${target} an expiry`).toBeNull();
    else if (now !== null) expect(now, `${what} shortened the opt-out ${target}`).toBeGreaterThanOrEqual(expires);
  }
}

describeEachDatabase('imports undo properties', ({ db }) => {
  let n = 0;

  it('undoing the last import restores exactly the state before it; nothing removes or weakens an opt-out', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 8 }), file, fc.boolean(), fc.boolean(), async (steps, last, lastSync, expiryDefault) => {
        const client = (await new ClientService(db()).add({ slug: `u${++n}` })).client.slug;
        // Some clients give new past_customer entries a default expiry: undo must remove those too.
        if (expiryDefault) await new ExpiryPolicyService({ db: db() }).set({ client, expire: ['past_customer=24m'] });
        const importer = new CustomerImportService({ db: db(), actor: 'importer' });
        const runs = new ImportRunService({ db: db(), actor: 'ops' });
        const suppress = new SuppressionService({ db: db(), actor: 'ops' });
        const customers = new CustomerService({ db: db(), actor: 'ops' });
        const runIds: string[] = [];
        const importCsv = async (rows: Array<{ company: number; email: string; status: string }>, sync = false) => {
          // --sync churns what the file lacks (of source csv, named as a sync must); a mass churn is allowed here (--yes --force).
          const summary = await importer.import({ client, input: Readable.from([Buffer.from(toCsv(rows))]), fileName: 'p.csv', sync, sourceName: 'csv', allowMassChurn: true });
          runIds.push(summary.import_run_id as string);
          return summary.import_run_id as string;
        };

        for (const s of steps) {
          const before = await optOuts(db(), client);
          if (s.t === 'import') await importCsv(s.rows, s.sync);
          // A second opt-out of another reason on the same target is refused (one opt-out cannot weaken another): skipped.
          else if (s.t === 'optout') {
            if (!(await optOuts(db(), client)).has(s.target)) await suppress.add({ client, targets: [{ value: s.target }], reason: s.reason });
          }
          else if (s.t === 'manual') {
            // A manual change that is not itself the weakening of an opt-out (that needs a human).
            if (!(await optOuts(db(), client)).has(s.target)) await suppress.add({ client, targets: [{ value: s.target }], reason: 'competitor', note: 'by hand' });
          } else if (s.t === 'removeCustomer') {
            const [name, domain] = COMPANIES[s.company] as readonly [string, string];
            await customers.remove({ client, target: domain || name }).catch((e: { code?: string }) => expect(e.code).toBe('input'));
          } else {
            const run = runIds[runIds.length - 1 - s.back];
            if (run) {
              await runs.undo({ run, force: s.force }).catch((e: { code?: string; message: string }) => {
                // Refused (rows changed since, or already undone): then nothing changed.
                expect(e.code).toBe('input');
              });
            }
          }
          if (s.t !== 'optout' && s.t !== 'manual') expectNoOptOutWeakened(before, await optOuts(db(), client), s.t);
        }

        const state = await clientState(db(), client);
        const beforeLast = await optOuts(db(), client);
        const run = await importCsv(last, lastSync);
        expectNoOptOutWeakened(beforeLast, await optOuts(db(), client), 'the last import');
        await runs.undo({ run });
        expect(await clientState(db(), client)).toEqual(state);
        expectNoOptOutWeakened(beforeLast, await optOuts(db(), client), 'the undo');
      }),
      { numRuns: RUNS },
    );
  });
});
