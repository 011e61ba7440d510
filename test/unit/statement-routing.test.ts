// The routing checker of test/service/statement-routing.test.ts, on statements the services send
// (taken from the statement log of a scenario run), as sent and with their client filter removed.
import { beforeAll, describe, expect, it } from 'vitest';
import { CROSS_SHARD } from '../../src/db/cross-shard.js';
import { clientScopedTables, statementRouting } from '../helpers/statement-routing.js';

const A = 'e508e216-6f87-4ed8-8359-42eef8dbfc1e';
const B = '6fe403ed-32af-46ad-8b75-d17996eb4bd3';

// [what, statement, params]: each routes to one client's shard.
const ROUTED: Array<[string, string, unknown[]]> = [
  ['an OR beside the equality, in parentheses of its own', `select 1 from "suppression_list" s where s."client_id" = $1 and (s."domain" = $2 or s."email" = $3)`, [A, 'a.com', 'x@a.com']],
  [
    'a drizzle select filtered by client',
    `select "header_key", "mapping"->>'delimiter' from "import_runs" where (("import_runs"."client_id" = $1 and "import_runs"."status" = $2) and "import_runs"."header_key" = $3) order by "import_runs"."finished_at" desc limit $4`,
    [A, 'completed', 'k', 1],
  ],
  ['a parameter on the left, a cast on the right', `select 1 from "suppression_list" where $1::uuid = "suppression_list"."client_id"`, [A]],
  [
    'an aliased update joined to a temp table',
    `with cust as (select id, substr("natural_key", 3) as target from aos_import_customers where "natural_key" like 'd:%') update "suppression_list" s set "expires_at" = null, "updated_at" = $1::timestamptz from cust where s."client_id" = $2 and s."domain" = cust.target`,
    ['2026-12-07T00:07:50.398Z', A],
  ],
  [
    'a delete … using, aliased',
    `delete from "client_customers" t using aos_undo u where u.table_name = $1 and u.clean and t."client_id" = $2 and t."id" = u.row_id`,
    ['client_customers', A],
  ],
  [
    'a delete whose audit rows name the client once, in their SELECT',
    `with gone as (delete from "client_customers" where "client_customers"."client_id" = $1 and "client_customers"."id" = $2 returning *) insert into "customer_events" ("client_id", "customer_id", "natural_key", "action", "before", "actor", "source", "at") select $3::uuid, g."id", g."natural_key", 'remove', to_jsonb(g), $4, 'manual', $5::timestamptz from gone g`,
    [A, 'id', A, 'ops', '2026-12-07'],
  ],
  [
    'a drizzle insert of one row',
    `insert into "client_expiry_defaults" ("client_id", "reason", "period", "period_interval", "updated_by", "updated_at") values ($1, $2, $3, $4, $5, $6) on conflict ("client_id","reason") do update set "period" = $7`,
    [A, 'past_customer', '24m', '24 months', 'ops', 'now', '24m'],
  ],
  ['a drizzle insert of rows of one client', `insert into "suppression_events" ("client_id", "target") values ($1, $2), ($3, $4)`, [A, 'a.com', A, 'b.com']],
  [
    'a join pinned through client_id = client_id',
    `select distinct k.natural_key from "import_run_reads" join "import_runs" on "import_runs"."client_id" = "import_run_reads"."client_id" and "import_runs"."change_set" = "import_run_reads"."change_set" where "import_run_reads"."client_id" = $1 and "import_runs"."id" <> $2`,
    [A, 'run'],
  ],
  [
    'a lateral subquery and FOR UPDATE OF',
    `create temp table aos_customer_entries on commit drop as select "suppression_list"."id" as id, o.id as other_customer from "suppression_list" left join lateral (select "client_customers"."id" as id from "client_customers" where "client_customers"."client_id" = $1 and "client_customers"."id" <> $2 limit 1) o on true where "suppression_list"."client_id" = $3 and "suppression_list"."customer_id" = $4 for update of "suppression_list"`,
    [A, 'c', A, 'c'],
  ],
  ['a statement on temp tables only', `select count(*)::int as customers from aos_import_merged`, []],
  ['a reference table', `select "id", "slug" from "clients" where "clients"."slug" = $1`, ['acme']],
  ['a statement tagged cross-shard', `/* aos:cross-shard signal-refresh */ with g as (select cc."domain" from "client_customers" cc) select 1`, []],
];

// [what, statement, params]: each would fan out to every shard (or names two clients).
const FANNING_OUT: Array<[string, string, unknown[]]> = [
  ['an equality OR-ed with another condition', `select 1 from "suppression_list" where "suppression_list"."client_id" = $1 or "suppression_list"."created_by" is not null`, [A]],
  ['an equality OR-ed with true', `select 1 from "suppression_list" where "suppression_list"."client_id" = $1 or true`, [A]],
  ['an equality OR-ed inside its parentheses', `select 1 from "suppression_list" s where (s."client_id" = $1 or s."domain" = $2) and s."email" is null`, [A, 'a.com']],
  [
    'the remembered mapping without its client filter',
    `select "mapping" from "import_runs" where ("import_runs"."status" = $1 and "import_runs"."header_key" = $2) order by "import_runs"."finished_at" desc limit $3`,
    ['completed', 'k', 1],
  ],
  [
    'the import expiry clearing without s.client_id',
    `with cust as (select id, substr("natural_key", 3) as target from aos_import_customers) update "suppression_list" s set "expires_at" = null, "updated_at" = $1::timestamptz from cust where s."domain" = cust.target`,
    ['now'],
  ],
  [
    "the undo's delete without t.client_id",
    `delete from "client_customers" t using aos_undo u where u.table_name = $1 and u.clean and t."id" = u.row_id`,
    ['client_customers'],
  ],
  [
    "the undo's restore as it was: rows from before images, no client named",
    `insert into "client_customers" select (jsonb_populate_record(null::"client_customers", u.before)).* from aos_undo u where u.table_name = $1 and u.clean`,
    ['client_customers'],
  ],
  [
    'a join on change_set alone, only one side pinned',
    `select distinct k.natural_key from "import_run_reads" join "import_runs" on "import_runs"."change_set" = "import_run_reads"."change_set" where "import_run_reads"."client_id" = $1`,
    [A],
  ],
  [
    'the lateral subquery without its own client filter',
    `create temp table aos_customer_entries on commit drop as select "suppression_list"."id" as id from "suppression_list" left join lateral (select "client_customers"."id" as id from "client_customers" where "client_customers"."id" <> $1 limit 1) o on true where "suppression_list"."client_id" = $2 for update of "suppression_list"`,
    ['c', A],
  ],
  [
    'the same alias twice, one of them unfiltered',
    `select 1 from "suppression_list" s where s."client_id" = $1 and exists (select 1 from "suppression_list" s where s."domain" = $2)`,
    [A, 'a.com'],
  ],
  ['a client_id = ANY: several clients', `select 1 from "suppression_list" where "suppression_list"."client_id" = any($1::uuid[])`, [[A, B]]],
  [
    "clients list's correlated count (client_id = clients.id is every client)",
    `select (select count(*)::int from "client_customers" where "client_customers"."client_id" = "clients"."id") as customers from "clients"`,
    [],
  ],
  ['an insert that gives no client_id', `insert into "import_run_reads" ("change_set", "natural_keys") values ($1, $2)`, ['cs', []]],
  [
    'an insert whose client_id comes from a column',
    `insert into "import_run_reads" ("client_id", "change_set", "natural_keys") select r.client_id, $1, r.keys from aos_rows r`,
    ['cs'],
  ],
  ['a drizzle insert of rows of two clients', `insert into "suppression_events" ("client_id", "target") values ($1, $2), ($3, $4)`, [A, 'a.com', B, 'b.com']],
  ['two equalities naming two clients', `select 1 from "suppression_list" s join "client_customers" c on c."client_id" = $2 where s."client_id" = $1`, [A, B]],
  ['a tag src/db/cross-shard.ts does not list', `/* aos:cross-shard whatever */ select 1 from "client_customers"`, []],
];

describe('statement routing checker', () => {
  let scoped: Set<string>;
  beforeAll(async () => {
    scoped = await clientScopedTables();
  });

  it('the client-scoped tables are those of schema.ts with a client_id', () => {
    expect([...scoped].sort()).toEqual(
      ['client_customers', 'client_expiry_defaults', 'customer_events', 'import_run_changes', 'import_run_reads', 'import_runs', 'suppression_events', 'suppression_list'].sort(),
    );
  });

  it.each(ROUTED)('routes: %s', (_what, text, params) => {
    expect(statementRouting(text, scoped, params).problems).toEqual([]);
  });

  it.each(FANNING_OUT)('fails: %s', (_what, text, params) => {
    expect(statementRouting(text, scoped, params).problems).not.toEqual([]);
  });

  it('a tagged statement says which cross-shard entry it is, and every entry has its reason', () => {
    expect(statementRouting(`/* aos:cross-shard import-run-by-id */ select 1 from "import_runs" where "import_runs"."id" = $1`, scoped).crossShard).toBe('import-run-by-id');
    for (const [name, reason] of Object.entries(CROSS_SHARD)) expect(reason.length, name).toBeGreaterThan(20);
  });
});
