// Issue 25: every statement on a client-scoped table routes by client, so the data can be sharded by
// client_id (docs/scaling.md). A whole scenario runs — through the built CLI
// (each statement logged by AOS_STATEMENT_LOG) and through the library on both engines (each
// statement seen by openDatabase's onStatement) — and every statement that reaches a client-scoped
// table without a client_id equality fails the test, unless it is tagged as one of the cross-shard
// statements src/db/cross-shard.ts lists with their reasons.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CROSS_SHARD } from '../../src/db/cross-shard.js';
import type { Database } from '../../src/db/database.js';
import { AgencyListService } from '../../src/services/agency-list-service.js';
import { BuyerSignalService } from '../../src/services/buyer-signal-service.js';
import { ClientService } from '../../src/services/client-service.js';
import { CustomerImportService } from '../../src/services/import/customer-import-service.js';
import { CustomerService } from '../../src/services/customer-service.js';
import { ExpiryPolicyService } from '../../src/services/expiry-policy-service.js';
import { ExplainService } from '../../src/services/explain-service.js';
import { ImportRunService } from '../../src/services/import/run-service.js';
import { databaseStatus } from '../../src/services/status-service.js';
import { whoSuppresses } from '../../src/services/suppression-who-service.js';
import { SuppressionService } from '../../src/services/suppression-service.js';
import { ndjson, runAos } from '../helpers/cli.js';
import { cliEnginesUnderTest, enginesUnderTest, freshCliDatabase, freshDatabase, type CliDatabase, type FreshDatabase } from '../helpers/databases.js';
import { clientScopedTables, statementRouting } from '../helpers/statement-routing.js';

interface Statement {
  step: string;
  text: string;
  params: unknown[];
}

/** The statements that do not route by client, each once: `step: problem — statement`. */
async function unrouted(statements: readonly Statement[]): Promise<string[]> {
  const scoped = await clientScopedTables();
  const out = new Set<string>();
  for (const s of statements) {
    const { problems } = statementRouting(s.text, scoped, s.params);
    for (const p of problems) out.add(`${s.step}: ${p} — ${s.text.replace(/\s+/g, ' ').trim().slice(0, 300)}`);
  }
  return [...out];
}

function crossShardSeen(statements: readonly Statement[]): Set<string> {
  return new Set(statements.map((s) => statementRouting(s.text, new Set(), []).crossShard).filter((t): t is string => t !== undefined));
}

// Customers of acme: a status column with the client's own words, two email columns.
const CUSTOMERS = `Company,Website,Email,Personal Email,Status,Deal,Services
Acme Pty,acme.com,jo@acme.com,jo.home@gmail.com,Customer,1000,seo
Beta Ltd,beta.io,sam@beta.io,,Former,200,ppc
Gamma,gamma.net,kim@gamma.net,,Partner,50,seo
Delta,,dee@delta.org,,Customer,10,
Omega Holdings,,,,Customer,,
`;
const OTHER_CLIENT = `Company,Website,Status
Acme Pty,acme.com,active
Beta Ltd,beta.io,active
`;
// The CRM's complete list, then the same list without Zeta: a sync churns it.
const CRM = `Company,Website,Email,Status
Acme Pty,acme.com,jo@acme.com,Customer
Epsilon,epsilon.co,eve@epsilon.co,Customer
Zeta,zeta.io,zed@zeta.io,Customer
`;
const CRM_AFTER = `Company,Website,Email,Status
Acme Pty,acme.com,jo@acme.com,Customer
Epsilon,epsilon.co,eve@epsilon.co,Customer
`;
const LEADS = `Website,Email
acme.com,
new.com,
,jo@acme.com
shop.beta.io,x@new.com
`;
const TARGETS = `Website,Note
rival3.com,x
not a domain,y
`;
const IMPORT_MAP = ['--map', 'company_name=Company', '--map', 'domain=Website', '--map', 'contact_email=Email|Personal Email', '--map', 'status=Status', '--map', 'deal_value=Deal', '--map', 'services=Services'];

for (const engine of cliEnginesUnderTest()) {
  describe(`statement routing: the CLI scenario [${engine}]`, () => {
    let database: CliDatabase;
    let dir: string;
    const statements: Statement[] = [];
    const exits: string[] = [];

    /** Runs `aos ARGS`, expecting its exit code, and keeps the statements it sent. */
    async function aos(expected: number, ...args: string[]): Promise<string> {
      const log = join(dir, 'statements.ndjson');
      writeFileSync(log, '');
      const result = await runAos(args, { env: { ...database.env, AOS_STATEMENT_LOG: log }, cwd: dir, timeoutMs: 60_000 });
      if (result.code !== expected) exits.push(`aos ${args.join(' ')}: exit ${result.code}, expected ${expected}: ${result.stderr.trim()}`);
      const step = `aos ${args.join(' ')}`;
      const sent = ndjson(readFileSync(log, 'utf8')) as Array<{ text: string; params: unknown[] }>;
      if (sent.length === 0) exits.push(`${step}: no statement logged`);
      for (const s of sent) statements.push({ step, ...s });
      return result.stdout;
    }

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'aos-routing-'));
      database = await freshCliDatabase(engine);
      for (const [name, text] of Object.entries({ 'customers.csv': CUSTOMERS, 'other.csv': OTHER_CLIENT, 'crm.csv': CRM, 'crm-after.csv': CRM_AFTER, 'leads.csv': LEADS, 'targets.csv': TARGETS })) {
        writeFileSync(join(dir, name), text);
      }

      await aos(0, 'clients', 'add', 'acme', '--services', 'seo,ppc');
      await aos(0, 'clients', 'add', 'beta', '--services', 'seo');
      await aos(0, 'clients', 'set', 'acme', '--expire', 'past_customer=24m', '--expire', 'partner=12m');
      await aos(0, 'import', 'customers.csv', '--client', 'acme', '--yes', ...IMPORT_MAP, '--status-map', 'Customer=active,Former=churned,Partner=partner');
      await aos(0, 'import', 'other.csv', '--client', 'beta', '--yes');
      await aos(0, 'import', 'crm.csv', '--client', 'acme', '--yes', '--sync', '--source', 'crm', '--status-map', 'Customer=active');
      await aos(0, 'import', 'crm-after.csv', '--client', 'acme', '--yes', '--sync', '--source', 'crm', '--force', '--status-map', 'Customer=active');
      await aos(0, 'import', 'crm.csv', '--client', 'acme', '--dry-run', '--yes', '--status-map', 'Customer=active');
      const runs = ndjson(await aos(0, 'imports', 'list', '--client', 'acme', '--json'));
      const last = runs[0]?.id as string;
      await aos(0, 'imports', 'show', last);
      await aos(0, 'imports', 'undo', last.slice(0, 8), '--dry-run');
      await aos(0, 'imports', 'undo', last);
      const first = runs[runs.length - 1]?.id as string;
      await aos(2, 'imports', 'undo', first);
      await aos(0, 'imports', 'undo', first, '--force');
      await aos(0, 'import', 'customers.csv', '--client', 'acme', '--yes', '--status-map', 'Customer=active,Former=churned,Partner=partner');

      await aos(0, 'suppress', 'add', 'rival.com', '--client', 'acme', '--reason', 'competitor', '--for', '90d', '--note', 'lost the pitch');
      await aos(0, 'suppress', 'add', 'bob@rival2.com', 'sue@rival2.com', '--client', 'acme', '--reason', 'partner', '--for', '6m');
      await aos(0, 'suppress', 'add', 'optout@else.com', '--client', 'acme', '--reason', 'unsubscribed');
      await aos(2, 'suppress', 'add', 'optout@else.com', '--client', 'acme', '--reason', 'competitor');
      await aos(0, 'suppress', 'add', 'optout@else.com', '--client', 'acme', '--reason', 'competitor', '--force');
      await aos(0, 'suppress', 'add', '--file', 'targets.csv', '--column', 'Website', '--client', 'acme', '--reason', 'competitor', '--skip-invalid');
      await aos(2, 'suppress', 'remove', '--file', 'targets.csv', '--column', 'Website', '--client', 'acme');
      await aos(0, 'suppress', 'remove', 'rival3.com', '--client', 'acme');
      await aos(0, 'suppress', 'add', 'agencywide.com', '--all-clients', '--reason', 'do_not_contact');
      await aos(0, 'suppress', 'remove', 'rival.com', 'bob@rival2.com', '--client', 'acme');
      await aos(0, 'suppress', 'remove', 'optout@else.com', '--client', 'acme', '--force');
      await aos(0, 'suppress', 'add', 'rival.com', '--client', 'acme', '--reason', 'competitor', '--for', '30d');

      await aos(1, 'check', 'acme.com', '--client', 'acme');
      await aos(1, 'check', 'new.com', 'jo@acme.com', 'shop.rival.com', 'agencywide.com', '--client', 'acme', '--json');
      await aos(1, 'check', '--file', 'leads.csv', '--client', 'acme');
      await aos(0, 'check', '--file', 'leads.csv', '--client', 'acme', '--filter', '--rejected', 'rejected.csv');
      await aos(1, 'check', 'acme.com', 'nothere.com', 'sue@rival2.com', '--client', 'acme', '--explain');
      await aos(2, 'check', 'x.com', '--client', 'nope');

      await aos(0, 'customers', 'list', '--client', 'acme');
      await aos(0, 'customers', 'list', '--client', 'acme', '--search', 'acme', '--status', 'active', '--json');
      await aos(0, 'customers', 'show', 'acme.com', '--client', 'acme');
      await aos(0, 'customers', 'remove', 'gamma.net', '--client', 'acme');

      await aos(0, 'suppress', 'list', '--client', 'acme');
      await aos(0, 'suppress', 'list', '--client', 'acme', '--reason', 'competitor', '--all', '--json');
      await aos(0, 'suppress', 'list', '--all-clients');
      await aos(0, 'suppress', 'history', '--client', 'acme');
      await aos(0, 'suppress', 'history', '--all-clients');
      await aos(0, 'suppress', 'who', 'acme.com');
      await aos(0, 'suppress', 'expiring', '--client', 'acme', '--within', '1y');
      await aos(0, 'suppress', 'expiring', '--all', '--within', '3y');
      await aos(0, 'suppress', 'remove', 'agencywide.com', '--all-clients', '--force');

      await aos(0, 'signals', 'rebuild');
      await aos(0, 'signals', 'show', 'acme.com', 'nosignal.com');
      await aos(0, 'signals', 'top');
      await aos(0, 'signals', 'boost', 'acme.com', 'jo@beta.io');
      await aos(0, 'signals', 'boost', '--file', 'leads.csv');
      await aos(0, 'clients', 'list');
      await aos(0, 'db', 'status');
    }, 600_000);

    afterAll(async () => {
      await database?.dispose();
      rmSync(dir, { recursive: true, force: true });
    });

    it('the scenario ran: every command answered as expected and sent its statements', () => {
      expect(exits).toEqual([]);
      expect(statements.length).toBeGreaterThan(200);
    });

    it('every statement on a client-scoped table names one client, or is a listed cross-shard one', async () => {
      expect(await unrouted(statements)).toEqual([]);
    });

    it('each cross-shard entry but the migrations was sent by the scenario (none is listed for nothing)', () => {
      const listed = Object.keys(CROSS_SHARD).filter((name) => name !== 'migrations');
      expect([...crossShardSeen(statements)].sort()).toEqual(listed.sort());
    });
  });
}

for (const engine of enginesUnderTest()) {
  describe(`statement routing: the library [${engine}]`, () => {
    let fresh: FreshDatabase;
    let listening = false;
    let step = 'setup';
    const statements: Statement[] = [];

    beforeAll(async () => {
      fresh = await freshDatabase(engine, { onStatement: (text, params) => listening && statements.push({ step, text, params: [...params] }) });
      listening = true;
      const db: Database = fresh.db;
      const at = (name: string) => (step = name);
      const input = (text: string) => Readable.from([Buffer.from(text)]);

      at('clients add');
      const clients = new ClientService(db);
      await clients.add({ slug: 'acme', services: ['seo'] });
      await clients.add({ slug: 'beta' });
      at('clients set');
      await new ExpiryPolicyService({ db }).set({ client: 'acme', expire: ['past_customer=24m'] });

      at('import');
      const importer = new CustomerImportService({ db });
      await importer.import({
        client: 'acme',
        input: input(CUSTOMERS),
        fileName: 'customers.csv',
        mapOverrides: { company_name: 'Company', domain: 'Website', contact_email: ['Email', 'Personal Email'], status: 'Status', deal_value: 'Deal' },
        statusMap: { customer: 'active', former: 'churned', partner: 'partner' },
      });
      await importer.import({ client: 'beta', input: input(OTHER_CLIENT), fileName: 'other.csv' });
      at('import sync');
      await importer.import({ client: 'acme', input: input(CRM), fileName: 'crm.csv', sync: true, sourceName: 'crm', statusMap: { customer: 'active' } });
      const synced = await importer.import({ client: 'acme', input: input(CRM_AFTER), fileName: 'crm.csv', sync: true, sourceName: 'crm', statusMap: { customer: 'active' }, allowMassChurn: true });

      at('imports');
      const runs = new ImportRunService({ db });
      await runs.list({ client: 'acme' });
      await runs.show(synced.import_run_id as string);
      await runs.undo({ run: synced.import_run_id as string, dryRun: true });
      await runs.undo({ run: synced.import_run_id as string });

      at('suppress add/remove');
      const list = new SuppressionService({ db, actor: 'ops' });
      const month = new Date(Date.now() + 30 * 86_400_000);
      await list.add({ client: 'acme', targets: [{ value: 'rival.com' }, { value: 'bob@rival2.com' }], reason: 'competitor', expiresAt: month });
      await list.remove({ client: 'acme', targets: [{ value: 'bob@rival2.com' }] });
      const agency = new AgencyListService({ db, actor: 'ops' });
      await agency.add({ targets: [{ value: 'agencywide.com' }], reason: 'do_not_contact' });
      await agency.history();
      for await (const _ of agency.list()) void _;

      at('check');
      await list.isSuppressed('acme', 'acme.com');
      await list.checkMany('acme', ['acme.com', 'jo@acme.com', 'shop.rival.com', 'agencywide.com', 'new.com', 'not a target']);
      await list.checkBatch('acme', ['beta.io']);
      const rows = async function* () {
        yield [{ cells: ['acme.com', ''] }, { cells: ['', 'x@new.com'] }];
      };
      for (const large of [false, true]) for await (const _ of list.checkStream('acme', rows(), { large })) void _;
      at('check --explain');
      await new ExplainService({ db }).explain('acme', ['acme.com', 'nothere.com', 'rival.com']);

      at('customers');
      const customers = new CustomerService({ db, actor: 'ops' });
      for await (const _ of customers.list({ client: 'acme', search: 'a' })) void _;
      await customers.show({ client: 'acme', target: 'acme.com' });
      await customers.remove({ client: 'acme', target: 'gamma.net' });

      at('suppress list/history/who/expiring');
      for await (const _ of list.list({ client: 'acme', includeExpired: true })) void _;
      await list.history({ client: 'acme' });
      await list.history({ client: 'acme', target: 'rival.com' });
      await whoSuppresses(db, 'acme.com');
      const policy = new ExpiryPolicyService({ db });
      for await (const _ of policy.expiring({ client: 'acme', within: '1y' })) void _;
      for await (const _ of policy.expiring({ within: '3y' })) void _;

      at('signals');
      const signals = new BuyerSignalService({ db });
      await signals.rebuild();
      await signals.show(['acme.com']);
      await signals.top();
      await signals.getScoreBoost('acme.com');
      await signals.scores(['acme.com', 'beta.io']);

      at('clients list, db status, unknown client');
      await clients.list();
      await databaseStatus(db);
      await list.checkMany('nope', ['x.com']).catch(() => {});
      listening = false;
    }, 300_000);

    afterAll(async () => {
      await fresh?.dispose();
    });

    it('every statement on a client-scoped table names one client, or is a listed cross-shard one', async () => {
      expect(statements.length).toBeGreaterThan(150);
      expect(await unrouted(statements)).toEqual([]);
    });
  });
}
