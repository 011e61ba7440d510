// The set-based refresh of platform_buyer_signals from every client's customers: one statement
// that recomputes the signals of the domains in scope, compares them with the stored ones and
// writes only what changed. Platform-wide by design (SPEC §8): the one statement that reads
// client_customers across clients, hence across shards on Citus (docs/scaling.md).
import { sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { rowsOf, type Orm } from '../db/database.js';
import { clientCustomers, clients, platformBuyerSignals } from '../db/schema.js';
import { aliased, arrayParam, bare, columnList } from '../db/sql.js';
import { buyerScoreSql, BUYER_SCORE_RULES, SCORE_SHARED_BY } from '../domain/buyer-score.js';
import { dealValueBandLabelsSql, dealValueBandSql } from '../domain/signal-anonymity.js';
import { crossShard } from '../db/cross-shard.js';

/**
 * Which domains to recompute: all, an explicit list, or the rows of a query that returns a
 * `domain` column (the import passes its staging table, so a million domains never travel).
 */
export type DomainScope = { all: true } | { domains: readonly string[] } | { query: SQL | string };

/** The scope as a predicate on a domain column. */
type InScope = (domain: SQL | AnyPgColumn) => SQL;

function inScope(scope: DomainScope): InScope {
  if ('all' in scope) return (domain) => sql`${domain} is not null`;
  if ('domains' in scope) {
    const domains = [...scope.domains];
    return (domain) => sql`${domain} = any(${arrayParam(domains, 'text')})`;
  }
  // A query written by the caller's code (never from input): a constant string or a `sql` template.
  const query = typeof scope.query === 'string' ? sql.raw(scope.query) : scope.query;
  return (domain) => sql`${domain} in (${query})`;
}

const p = platformBuyerSignals;
const t = clientCustomers;
const cc = (column: AnyPgColumn) => aliased('cc', column);

// Partners and competitors (from an import's status value mapping) are suppressed but bought nothing.
const BUYER_STATUSES = sql.raw(`'active', 'churned'`);
// The columns a refresh computes and compares; the fresh rows name theirs after them.
const CHANGING = [p.companyName, p.industry, p.employeeCountRange, p.timesBought, p.totalValue, p.avgDealValue, p.servicesBought, p.serviceClients, p.companyNameClients, p.industryClients, p.employeeCountRangeClients, p.dealValueBand, p.dealValueBandClients, p.buyerScore, p.firstSeenAt, p.lastConvertedAt];
// updated_at too is a month: the signals one import refreshes would otherwise share an instant.
const MONTH_NOW = sql.raw(`date_trunc('month', now(), 'UTC')`);

// One row per registrable domain over the customers of all clients, in one scan of them. A client
// has at most one customer per domain (client_customers_domain_key_check), so count(*) counts
// distinct clients. The scan keeps min() of each value, which is the value itself for the many
// domains with one customer; only shared domains pay for mode() (the most frequent value, the
// first in sort order on a tie) in a second pass over their few rows. Services: the customer's
// own, else its client's (both kept sorted and distinct); names never hold a comma
// (src/domain/values.ts), so a group's services travel as one string. A service listed k times
// in a group came from k clients (one customer per client and domain): service_clients. A deal
// value counts by its band (deal_value_band, from the most frequent band) and, for the score, by
// whether it is big (big_deals): exact figures are one client's once the others are known.
function groupedByDomain(scoped: InScope): SQL {
  const band = sql.raw(dealValueBandSql(`cc.${clientCustomers.dealValue.name}`));
  const services = sql`array_to_string(coalesce(nullif(${cc(t.services)}, '{}'::text[]), ${aliased('cl', clients.services)}, '{}'::text[]), ',')`;
  return sql`g as materialized (
      select ${cc(t.domain)} as domain, count(*)::int as n,
             min(${cc(t.companyName)}) as company_name, min(${cc(t.industry)}) as industry,
             min(${cc(t.employeeCountRange)}) as employee_count_range,
             sum(${cc(t.dealValue)}) as total_value, count(${cc(t.dealValue)}) as deals,
             count(*) filter (where ${cc(t.dealValue)} >= ${sql.raw(String(BUYER_SCORE_RULES.bigDeals.minimumValue))})::int as big_deals,
             string_agg(${services}, ',') as services,
             -- Months, not instants: one import's rows share their created_at to the microsecond,
             -- which would tie every domain of a client's file together.
             date_trunc('month', min(${cc(t.createdAt)}), 'UTC') as first_seen_at,
             date_trunc('month', max(${cc(t.customerSince)})::timestamp) at time zone 'UTC' as last_converted_at
        from ${t} cc join ${clients} cl on ${aliased('cl', clients.id)} = ${cc(t.clientId)}
       where ${cc(t.domain)} is not null and ${cc(t.status)} in (${BUYER_STATUSES}) and ${scoped(cc(t.domain))}
       group by ${cc(t.domain)}),
    modes as (
      select ${cc(t.domain)} as domain,
             mode() within group (order by ${cc(t.companyName)}) as company_name,
             mode() within group (order by ${cc(t.industry)}) as industry,
             mode() within group (order by ${cc(t.employeeCountRange)}) as employee_count_range,
             mode() within group (order by ${band}) as deal_value_band
        from ${t} cc where ${cc(t.domain)} in (select domain from g where n > 1) and ${cc(t.status)} in (${BUYER_STATUSES})
       group by ${cc(t.domain)}),
    -- How many clients gave each mode (one customer per client and domain): shown only from k.
    shared as (
      select m.domain, m.company_name, m.industry, m.employee_count_range, m.deal_value_band,
             count(*) filter (where ${cc(t.companyName)} = m.company_name)::int as company_name_clients,
             count(*) filter (where ${cc(t.industry)} = m.industry)::int as industry_clients,
             count(*) filter (where ${cc(t.employeeCountRange)} = m.employee_count_range)::int as employee_count_range_clients,
             count(*) filter (where ${band} = m.deal_value_band)::int as deal_value_band_clients
        from modes m join ${t} cc on ${cc(t.domain)} = m.domain and ${cc(t.status)} in (${BUYER_STATUSES})
       group by m.domain, m.company_name, m.industry, m.employee_count_range, m.deal_value_band)`;
}

/** The fresh signal rows (`s`), columns named as platform_buyer_signals names them. */
function freshSignals(): SQL {
  // Services and big deals count for the score only when SCORE_SHARED_BY clients share them, so
  // a domain with fewer clients never pays for the count (see src/domain/buyer-score.ts).
  const sharedServices = `case when ${p.timesBought.name} >= ${SCORE_SHARED_BY} then (select count(*) from unnest(${p.serviceClients.name}) as c where c >= ${SCORE_SHARED_BY}) else 0 end`;
  const score = sql.raw(buyerScoreSql(p.timesBought.name, sharedServices, 'big_deals'));
  return sql`s0 as (
      select domain as ${bare(p.domain)}, n as ${bare(p.timesBought)}, total_value as ${bare(p.totalValue)},
             round(total_value / nullif(deals, 0), 2) as ${bare(p.avgDealValue)},
             company_name as ${bare(p.companyName)}, industry as ${bare(p.industry)}, employee_count_range as ${bare(p.employeeCountRange)},
             coalesce(string_to_array(nullif(services, ''), ','), '{}'::text[]) as ${bare(p.servicesBought)},
             array_fill(1, array[coalesce(cardinality(string_to_array(nullif(services, ''), ',')), 0)]) as ${bare(p.serviceClients)},
             (company_name is not null)::int as ${bare(p.companyNameClients)}, (industry is not null)::int as ${bare(p.industryClients)},
             (employee_count_range is not null)::int as ${bare(p.employeeCountRangeClients)},
             -- One client's band is never shown (k + 1 clients at least), so it is not stored either.
             null::text as ${bare(p.dealValueBand)}, 0 as ${bare(p.dealValueBandClients)},
             first_seen_at as ${bare(p.firstSeenAt)}, last_converted_at as ${bare(p.lastConvertedAt)}, big_deals
        from g where n = 1
      union all
      select g.domain, g.n, g.total_value, round(g.total_value / nullif(g.deals, 0), 2),
             sh.company_name, sh.industry, sh.employee_count_range,
             array(select x from unnest(string_to_array(g.services, ',')) as x where x <> '' group by x order by x),
             array(select count(*)::int from unnest(string_to_array(g.services, ',')) as x where x <> '' group by x order by x),
             sh.company_name_clients, sh.industry_clients, sh.employee_count_range_clients,
             (${sql.raw(dealValueBandLabelsSql())})[sh.deal_value_band], sh.deal_value_band_clients,
             g.first_seen_at, g.last_converted_at, g.big_deals
        from g join shared sh on sh.domain = g.domain where g.n > 1),
    s as (
      select s0.*, ${score} as ${bare(p.buyerScore)} from s0)`;
}

// The fresh signals are compared with the stored ones in one full join: only new and changed
// domains are written and domains that lost their last customer deleted, so a rebuild that
// changes little writes (and locks) little, ids stay, and no dead rows pile up in the index.
// Refreshes run one at a time (see refreshSignals()), so new domains are plain inserts: ON
// CONFLICT's speculative insertion cost ~2.4 s per million new signals.
function writtenDifferences(scoped: InScope): SQL {
  const changing = (alias: string) => sql.join(CHANGING.map((c) => aliased(alias, c)), sql`, `);
  return sql`diff as materialized (
      select s.*, ${aliased('p', p.domain)} as stored_domain
        from s full join (select * from ${p} where ${scoped(p.domain)}) p on ${aliased('p', p.domain)} = ${aliased('s', p.domain)}
       where ${aliased('s', p.domain)} is null or ${aliased('p', p.domain)} is null
          or (${changing('p')}) is distinct from (${changing('s')})),
    inserted as (
      insert into ${p} (${bare(p.domain)}, ${columnList(CHANGING)}, ${bare(p.updatedAt)})
      select ${bare(p.domain)}, ${columnList(CHANGING)}, ${MONTH_NOW} from diff where stored_domain is null
      returning 1),
    updated as (
      update ${p} p set ${sql.join(CHANGING.map((c) => sql`${bare(c)} = ${aliased('d', c)}`), sql`, `)}, ${bare(p.updatedAt)} = ${MONTH_NOW}
        from diff d where ${aliased('d', p.domain)} is not null and ${aliased('p', p.domain)} = d.stored_domain
      returning 1),
    removed as (
      delete from ${p} p
       using diff d where ${aliased('d', p.domain)} is null and ${aliased('p', p.domain)} = d.stored_domain
      returning 1)`;
}

/**
 * Recomputes the signals of the domains in scope, inside the caller's transaction: how many
 * domains it looked at, and how many signals it wrote or deleted.
 */
export async function refreshSignals(tx: Orm, scope: DomainScope): Promise<{ domains: number; changed: number }> {
  // One refresh at a time, platform-wide, held to commit: imports of different clients can
  // share domains, and each refresh must start from the customers the previous one committed.
  // It is the last step of an import, so the wait is one commit.
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext('aos:signals'))`);
  const scoped = inScope(scope);
  const [row] = await rowsOf<{ n: number; changed: number; removed: number }>(
    tx,
    sql`${crossShard('signal-refresh')}with ${groupedByDomain(scoped)}, ${freshSignals()}, ${writtenDifferences(scoped)}
        select (select count(*)::int from g) as n,
               (select count(*)::int from inserted) + (select count(*)::int from updated) as changed,
               (select count(*)::int from removed) as removed`,
  );
  return { domains: row?.n ?? 0, changed: (row?.changed ?? 0) + (row?.removed ?? 0) };
}
