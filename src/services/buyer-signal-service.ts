// BuyerSignalService: platform-wide, anonymous buyer signals per company domain (SPEC §8).
// Rebuilds and refreshes are set-based SQL; nothing client-private ever leaves client_customers.
import type { Database, Queryable } from '../db/database.js';
import { legacyQueryable } from '../db/database.js';
import { isoTimestamp } from '../db/database.js';
import { buyerScoreSql, scoreBoost } from '../domain/buyer-score.js';
import { MAX_COUNT } from '../domain/numbers.js';
import { parseTarget, printable, type Target } from '../domain/targets.js';
import { AosError } from '../errors.js';

/**
 * What `show`, `top` and their JSON give for a domain that fewer than k clients have as a customer
 * (SPEC §8 "Anonymity"): a name, industry, service list, value or date of such a domain could
 * name the client it came from, or tie it to that client's other customers.
 */
export interface AnonymousSignalView {
  domain: string;
  times_bought: number;
  buyer_score: number;
  buyer_boost: number;
}

/** A domain's signal in full: only for a domain at least k clients have as a customer. */
export interface BuyerSignalView {
  domain: string;
  company_name: string | null;
  industry: string | null;
  employee_count_range: string | null;
  times_bought: number;
  services_bought: string[];
  total_value: string | null;
  avg_deal_value: string | null;
  buyer_score: number;
  buyer_boost: number;
  first_seen_at: string | null;
  last_converted_at: string | null;
}

export type SignalView = BuyerSignalView | AnonymousSignalView;

/** Full signal or the anonymous four fields? */
export const isFullSignal = (v: SignalView): v is BuyerSignalView => 'company_name' in v;

/** k: a domain fewer clients than this have shows only its domain, times bought, score and boost. */
export const DEFAULT_MIN_CLIENTS = 3;

export interface BuyerSignalServiceOptions {
  db: Database;
  now?: () => Date;
  /** k of SPEC §8 "Anonymity" (default DEFAULT_MIN_CLIENTS); the score and boost never depend on it. */
  minClients?: number | undefined;
}

export interface RebuildResult {
  domains: number;
  /** Signals written or deleted: 0 when the customers had not changed since the last refresh. */
  changed: number;
  /** buyer_score → number of domains. */
  distribution: Record<string, number>;
  seconds: number;
}

/**
 * Which domains to recompute: all, an explicit list, or the rows of a query that returns a
 * `domain` column (the import passes its staging table, so a million domains never travel).
 */
export type DomainScope = { all: true } | { domains: readonly string[] } | { query: string };

function scopeFilter(scope: DomainScope, param: number): { where: string; params: unknown[] } {
  if ('all' in scope) return { where: 'domain is not null', params: [] };
  if ('domains' in scope) return { where: `domain = any($${param}::text[])`, params: [[...scope.domains]] };
  return { where: `domain in (${scope.query})`, params: [] };
}

// One row per registrable domain over the customers of all clients, in one scan of them. A client
// has at most one customer per domain (client_customers_domain_key_check), so count(*) counts
// distinct clients. The scan keeps min() of each value, which is the value itself for the many
// domains with one customer; only shared domains pay for mode() (the most frequent value, the
// first in sort order on a tie) in a second pass over their few rows. Services: the customer's
// own, else its client's (both kept sorted and distinct); names never hold a comma
// (src/domain/values.ts), so a group's services travel as one string.
// Partners and competitors (from an import's status value mapping) are suppressed but bought nothing.
const BUYER_STATUSES = `'active', 'churned'`;
const CHANGING = ['company_name', 'industry', 'employee_count_range', 'times_bought', 'total_value', 'avg_deal_value', 'services_bought', 'buyer_score', 'first_seen_at', 'last_converted_at'];

// updated_at too is a month: the signals one import refreshes would otherwise share an instant.
const MONTH_NOW = `date_trunc('month', now(), 'UTC')`;

// The fresh signals are compared with the stored ones in one full join: only new and changed
// domains are written and domains that lost their last customer deleted, so a rebuild that
// changes little writes (and locks) little, ids stay, and no dead rows pile up in the index.
// Refreshes run one at a time (see refresh()), so new domains are plain inserts: ON CONFLICT's
// speculative insertion cost ~2.4 s per million new signals.
function refreshSql(where: string): string {
  const services = `array_to_string(coalesce(nullif(cc.services, '{}'::text[]), cl.services, '{}'::text[]), ',')`;
  return `
    with g as materialized (
      select cc.domain, count(*)::int as n,
             min(cc.company_name) as company_name, min(cc.industry) as industry,
             min(cc.employee_count_range) as employee_count_range,
             sum(cc.deal_value) as total_value, count(cc.deal_value) as deals,
             string_agg(${services}, ',') as services,
             -- Months, not instants: one import's rows share their created_at to the microsecond,
             -- which would tie every domain of a client's file together.
             date_trunc('month', min(cc.created_at), 'UTC') as first_seen_at,
             date_trunc('month', max(cc.customer_since)::timestamp) at time zone 'UTC' as last_converted_at
        from client_customers cc join clients cl on cl.id = cc.client_id
       where cc.domain is not null and cc.status in (${BUYER_STATUSES}) and cc.${where}
       group by cc.domain),
    shared as (
      select cc.domain,
             mode() within group (order by cc.company_name) as company_name,
             mode() within group (order by cc.industry) as industry,
             mode() within group (order by cc.employee_count_range) as employee_count_range
        from client_customers cc where cc.domain in (select domain from g where n > 1) and cc.status in (${BUYER_STATUSES})
       group by cc.domain),
    s0 as (
      select domain, n as times_bought, total_value, round(total_value / nullif(deals, 0), 2) as avg_deal_value,
             company_name, industry, employee_count_range,
             coalesce(string_to_array(nullif(services, ''), ','), '{}'::text[]) as services_bought,
             first_seen_at, last_converted_at
        from g where n = 1
      union all
      select g.domain, g.n, g.total_value, round(g.total_value / nullif(g.deals, 0), 2),
             sh.company_name, sh.industry, sh.employee_count_range,
             array(select distinct x from unnest(string_to_array(g.services, ',')) as x where x <> '' order by 1),
             g.first_seen_at, g.last_converted_at
        from g join shared sh on sh.domain = g.domain where g.n > 1),
    s as (
      select s0.*, ${buyerScoreSql('times_bought', 'cardinality(services_bought)', 'avg_deal_value')} as buyer_score from s0),
    diff as materialized (
      select s.*, p.domain as stored_domain
        from s full join (select * from platform_buyer_signals where ${where}) p on p.domain = s.domain
       where s.domain is null or p.domain is null
          or (${CHANGING.map((c) => `p.${c}`).join(', ')}) is distinct from (${CHANGING.map((c) => `s.${c}`).join(', ')})),
    inserted as (
      insert into platform_buyer_signals (domain, ${CHANGING.join(', ')}, updated_at)
      select domain, ${CHANGING.join(', ')}, ${MONTH_NOW} from diff where stored_domain is null
      returning 1),
    updated as (
      update platform_buyer_signals p set ${CHANGING.map((c) => `${c} = d.${c}`).join(', ')}, updated_at = ${MONTH_NOW}
        from diff d where d.domain is not null and p.domain = d.stored_domain
      returning 1),
    removed as (
      delete from platform_buyer_signals p
       using diff d where d.domain is null and p.domain = d.stored_domain
      returning 1)
    select (select count(*)::int from g) as n,
           (select count(*)::int from inserted) + (select count(*)::int from updated) as changed,
           (select count(*)::int from removed) as removed`;
}

/** The company domain a target scores by: its registrable domain; none for a free-mail person. */
export function scoringDomain(target: Target): string | null {
  return target.kind === 'email' && target.freeMail ? null : target.registrableDomain;
}

/** scoringDomain of raw input; null when it is not a valid target. */
export function scoringDomainOf(input: string): string | null {
  const p = parseTarget(input);
  return p.ok ? scoringDomain(p.target) : null;
}

/**
 * A row as shown: in full when at least minClients clients have the domain, else the anonymous
 * four fields. The score is the stored one either way, so the boost never depends on k.
 */
function signalView(r: Record<string, unknown>, minClients: number): SignalView {
  const score = Number(r.buyer_score);
  const timesBought = Number(r.times_bought);
  if (timesBought < minClients) return { domain: r.domain as string, times_bought: timesBought, buyer_score: score, buyer_boost: scoreBoost(score) };
  return {
    domain: r.domain as string,
    company_name: r.company_name as string | null,
    industry: r.industry as string | null,
    employee_count_range: r.employee_count_range as string | null,
    times_bought: timesBought,
    services_bought: (r.services_bought as string[] | null) ?? [],
    total_value: r.total_value as string | null,
    avg_deal_value: r.avg_deal_value as string | null,
    buyer_score: score,
    buyer_boost: scoreBoost(score),
    first_seen_at: isoTimestamp(r.first_seen_at),
    last_converted_at: isoTimestamp(r.last_converted_at),
  };
}

/** The columns of a signal; those that could identify a client are read only at or above k ($1). */
const SIGNAL_COLUMNS = ['company_name', 'industry', 'employee_count_range', 'total_value::text', 'avg_deal_value::text', 'services_bought', 'first_seen_at', 'last_converted_at']
  .map((c) => `case when times_bought >= $1 then ${c} end as ${c.replace('::text', '')}`)
  .join(', ');
const SIGNAL_SELECT = `domain, times_bought, buyer_score, ${SIGNAL_COLUMNS}`;

export class BuyerSignalService {
  private readonly minClients: number;

  constructor(private readonly options: BuyerSignalServiceOptions) {
    const k = options.minClients ?? DEFAULT_MIN_CLIENTS;
    if (!Number.isInteger(k) || k < 1) throw new AosError('usage', `invalid minClients ${String(k)}: expected a whole number of clients, at least 1`);
    this.minClients = k;
  }

  /**
   * Recomputes the signals of the domains in scope, inside the caller's transaction: how many
   * domains it looked at, and how many signals it wrote or deleted (what people ask "refreshed").
   */
  static async refresh(tx: Queryable, scope: DomainScope): Promise<{ domains: number; changed: number }> {
    // One refresh at a time, platform-wide, held to commit: imports of different clients can
    // share domains, and each refresh must start from the customers the previous one committed.
    // It is the last step of an import, so the wait is one commit.
    await tx.query(`select pg_advisory_xact_lock(hashtext('aos:signals'))`);
    const filter = scopeFilter(scope, 1);
    const rows = await tx.query<{ n: number; changed: number; removed: number }>(refreshSql(filter.where), filter.params);
    return { domains: rows[0]?.n ?? 0, changed: (rows[0]?.changed ?? 0) + (rows[0]?.removed ?? 0) };
  }

  /** Recomputes the whole table in one transaction: readers see the old table until commit. */
  async rebuild(): Promise<RebuildResult> {
    const started = performance.now();
    const { domains, changed } = await this.options.db.transaction((orm) => BuyerSignalService.refresh(legacyQueryable(orm), { all: true }));
    const dist = await this.options.db.query<{ buyer_score: number; n: number }>(
      'select buyer_score, count(*)::int as n from platform_buyer_signals group by buyer_score order by buyer_score',
    );
    return {
      domains,
      changed,
      distribution: Object.fromEntries(dist.map((d) => [String(d.buyer_score), d.n])),
      seconds: Number(((performance.now() - started) / 1000).toFixed(3)),
    };
  }

  /** Signals of the registrable domains of the given domains, URLs or emails. */
  async show(inputs: readonly string[]): Promise<Array<SignalView | { input: string; domain: string | null; signal: null; error?: string }>> {
    const keys = inputs.map((input) => {
      const p = parseTarget(input);
      if (!p.ok) return { input, domain: null, error: p.error };
      return { input, domain: scoringDomain(p.target) };
    });
    const domains = keys.map((k) => k.domain).filter((d): d is string => d !== null);
    const rows = domains.length
      ? await this.options.db.query(`select ${SIGNAL_SELECT} from platform_buyer_signals where domain = any($2::text[])`, [this.minClients, domains])
      : [];
    const byDomain = new Map(rows.map((r) => [r.domain as string, signalView(r, this.minClients)]));
    return keys.map((k) => (k.domain && byDomain.get(k.domain)) || { input: k.input, domain: k.domain, signal: null, ...('error' in k ? { error: k.error } : {}) });
  }

  async top(limit = 20): Promise<SignalView[]> {
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_COUNT) throw new AosError('usage', `invalid limit ${String(limit)}: expected a whole number from 1 to ${MAX_COUNT}`);
    const rows = await this.options.db.query(
      `select ${SIGNAL_SELECT} from platform_buyer_signals order by buyer_score desc, times_bought desc, domain limit $2`,
      [this.minClients, limit],
    );
    return rows.map((r) => signalView(r, this.minClients));
  }

  /** Lead-score boost (0-15) for a domain, URL or email; 0 without a signal or for free-mail. */
  async getScoreBoost(target: string): Promise<number> {
    const p = parseTarget(target);
    if (!p.ok) throw new AosError('input', `invalid target "${printable(p.input)}": ${p.error}`);
    const domain = scoringDomain(p.target);
    if (domain === null) return 0;
    const rows = await this.options.db.query<{ buyer_score: number }>('select buyer_score from platform_buyer_signals where domain = $1', [domain]);
    return scoreBoost(rows[0]?.buyer_score);
  }

  /** Scores for many inputs in one query per batch: registrable domain → buyer score. */
  async scores(domains: readonly string[], db: Queryable = this.options.db): Promise<Map<string, number>> {
    if (domains.length === 0) return new Map();
    const rows = await db.query<{ domain: string; buyer_score: number }>('select domain, buyer_score from platform_buyer_signals where domain = any($1::text[])', [[...new Set(domains)]]);
    return new Map(rows.map((r) => [r.domain, Number(r.buyer_score)]));
  }
}
