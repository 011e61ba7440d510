// BuyerSignalService: platform-wide, anonymous buyer signals per company domain (SPEC §8).
// Rebuilds and refreshes are set-based SQL; nothing client-private ever leaves client_customers.
import { asc, desc, eq, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { isoTimestamp, rowsOf, type Orm } from '../db/database.js';
import { platformBuyerSignals } from '../db/schema.js';
import { arrayParam } from '../db/sql.js';
import { scoreBoost } from '../domain/buyer-score.js';
import { MAX_COUNT } from '../domain/numbers.js';
import { valueThreshold } from '../domain/signal-anonymity.js';
import { parseTarget, printable, type Target } from '../domain/targets.js';
import { AosError } from '../errors.js';
import { refreshSignals, type DomainScope } from './signal-refresh.js';
import { secondsSince } from './elapsed.js';
import { Service, type ServiceOptions } from './service-base.js';

export type { DomainScope } from './signal-refresh.js';

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

/**
 * A domain's signal in full: only for a domain at least k clients have as a customer. Each value
 * shows only when k + 1 of its clients gave it (src/domain/signal-anonymity.ts), so that a client
 * with k-1 accounts never reads the k-th client's; the exact figures and dates only at k = 1.
 */
export interface BuyerSignalView {
  domain: string;
  company_name: string | null;
  industry: string | null;
  employee_count_range: string | null;
  times_bought: number;
  services_bought: string[];
  /** The band (`5k-25k`) k + 1 of the domain's clients' deal values fall in. */
  deal_value_band: string | null;
  /** Exact figures: with anonymity off (k = 1) only, since one client's value is solvable from them. */
  total_value: string | null;
  avg_deal_value: string | null;
  buyer_score: number;
  buyer_boost: number;
  /** Earliest import and latest customer_since, months: with anonymity off (k = 1) only. */
  first_seen_at: string | null;
  last_converted_at: string | null;
}

export type SignalView = BuyerSignalView | AnonymousSignalView;

/** Full signal or the anonymous four fields? */
export const isFullSignal = (v: SignalView): v is BuyerSignalView => 'company_name' in v;

/** k: a domain fewer clients than this have shows only its domain, times bought, score and boost. */
export const DEFAULT_MIN_CLIENTS = 3;

export interface BuyerSignalServiceOptions extends ServiceOptions {
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

/** The company domain a target scores by: its registrable domain; none for a free-mail person. */
export function scoringDomain(target: Target): string | null {
  return target.kind === 'email' && target.freeMail ? null : target.registrableDomain;
}

/** scoringDomain of raw input; null when it is not a valid target. */
export function scoringDomainOf(input: string): string | null {
  const parsed = parseTarget(input);
  return parsed.ok ? scoringDomain(parsed.target) : null;
}

const p = platformBuyerSignals;

/** A signal's columns; those that could identify a client are read only at or above k. */
function signalColumns(minClients: number) {
  const fromK = <T>(column: SQL | AnyPgColumn) => sql<T | null>`case when ${p.timesBought} >= ${minClients} then ${column} end`;
  // A name, industry, size, service or deal band only when k + 1 of the domain's clients gave it:
  // at k, a client with k-1 accounts that supplies a guess would read the k-th client's value.
  const given = valueThreshold(minClients);
  const givenByK = <T>(column: SQL | AnyPgColumn, clients: AnyPgColumn) =>
    sql<T | null>`case when ${p.timesBought} >= ${minClients} and ${clients} >= ${given} then ${column} end`;
  // Sums, averages, earliest and latest dates: one client's value whenever the others are known.
  const withoutAnonymity = <T>(column: SQL | AnyPgColumn) => (minClients === 1 ? sql<T | null>`${column}` : sql<T | null>`null`);
  return {
    domain: p.domain,
    times_bought: p.timesBought,
    buyer_score: p.buyerScore,
    company_name: givenByK<string>(p.companyName, p.companyNameClients),
    industry: givenByK<string>(p.industry, p.industryClients),
    employee_count_range: givenByK<string>(p.employeeCountRange, p.employeeCountRangeClients),
    deal_value_band: givenByK<string>(p.dealValueBand, p.dealValueBandClients),
    total_value: withoutAnonymity<string>(sql`${p.totalValue}::text`),
    avg_deal_value: withoutAnonymity<string>(sql`${p.avgDealValue}::text`),
    // Only the services k + 1 of the domain's clients bought: a service one agency alone sells
    // would otherwise mark the domains it reaches as that agency's customers.
    services_bought: fromK<string[]>(
      sql`array(select u.service from unnest(${p.servicesBought}, ${p.serviceClients}) as u(service, clients) where u.clients >= ${given} order by u.service)`,
    ),
    first_seen_at: withoutAnonymity<string>(p.firstSeenAt),
    last_converted_at: withoutAnonymity<string>(p.lastConvertedAt),
  };
}

/** The signals, as shown at k = minClients. */
function selectSignals(orm: Orm, minClients: number) {
  return orm.select(signalColumns(minClients)).from(p);
}

type SignalRow = Awaited<ReturnType<typeof selectSignals>>[number];

/**
 * A row as shown: in full when at least minClients clients have the domain, else the anonymous
 * four fields. The score is the stored one either way, so the boost never depends on k.
 */
function signalView(r: SignalRow, minClients: number): SignalView {
  const score = Number(r.buyer_score);
  const timesBought = Number(r.times_bought);
  if (timesBought < minClients) return { domain: r.domain, times_bought: timesBought, buyer_score: score, buyer_boost: scoreBoost(score) };
  return {
    domain: r.domain,
    company_name: r.company_name,
    industry: r.industry,
    employee_count_range: r.employee_count_range,
    times_bought: timesBought,
    services_bought: r.services_bought ?? [],
    deal_value_band: r.deal_value_band,
    total_value: r.total_value,
    avg_deal_value: r.avg_deal_value,
    buyer_score: score,
    buyer_boost: scoreBoost(score),
    first_seen_at: isoTimestamp(r.first_seen_at),
    last_converted_at: isoTimestamp(r.last_converted_at),
  };
}

// getScoreBoost runs once per lead in a scorer's loop: its statement is built once per database
// handle, not per call (building it cost about as much as the round trip's own client work).
const scoreQueries = new WeakMap<Orm, ReturnType<typeof prepareScoreQuery>>();

function prepareScoreQuery(orm: Orm) {
  return orm
    .select({ buyer_score: p.buyerScore })
    .from(p)
    .where(eq(p.domain, sql.placeholder('domain')))
    .prepare('aos_buyer_score');
}

function scoreQuery(orm: Orm): ReturnType<typeof prepareScoreQuery> {
  let query = scoreQueries.get(orm);
  if (!query) scoreQueries.set(orm, (query = prepareScoreQuery(orm)));
  return query;
}

export class BuyerSignalService extends Service {
  private readonly minClients: number;

  constructor(options: BuyerSignalServiceOptions) {
    super(options);
    const k = options.minClients ?? DEFAULT_MIN_CLIENTS;
    if (!Number.isInteger(k) || k < 1) throw new AosError('usage', `invalid minClients ${String(k)}: expected a whole number of clients, at least 1`);
    this.minClients = k;
  }

  /**
   * Recomputes the signals of the domains in scope, inside the caller's transaction: how many
   * domains it looked at, and how many signals it wrote or deleted (what people ask "refreshed").
   */
  static async refresh(tx: Orm, scope: DomainScope): Promise<{ domains: number; changed: number }> {
    return refreshSignals(tx, scope);
  }

  /** Recomputes the whole table in one transaction: readers see the old table until commit. */
  async rebuild(): Promise<RebuildResult> {
    const started = performance.now();
    const { domains, changed } = await this.db.transaction((tx) => refreshSignals(tx, { all: true }));
    const dist = await this.db.run((orm) =>
      orm
        .select({ buyer_score: p.buyerScore, n: sql<number>`count(*)::int` })
        .from(p)
        .groupBy(p.buyerScore)
        .orderBy(asc(p.buyerScore)),
    );
    return {
      domains,
      changed,
      distribution: Object.fromEntries(dist.map((d) => [String(d.buyer_score), Number(d.n)])),
      seconds: secondsSince(started),
    };
  }

  /** Signals of the registrable domains of the given domains, URLs or emails. */
  async show(inputs: readonly string[]): Promise<Array<SignalView | { input: string; domain: string | null; signal: null; error?: string }>> {
    const keys = inputs.map((input) => {
      const parsed = parseTarget(input);
      if (!parsed.ok) return { input, domain: null, error: parsed.error };
      return { input, domain: scoringDomain(parsed.target) };
    });
    const domains = keys.map((k) => k.domain).filter((d): d is string => d !== null);
    const rows = domains.length
      ? await this.db.run((orm) => selectSignals(orm, this.minClients).where(sql`${p.domain} = any(${arrayParam(domains, 'text')})`))
      : [];
    const byDomain = new Map(rows.map((r) => [r.domain as string, signalView(r, this.minClients)]));
    return keys.map((k) => (k.domain && byDomain.get(k.domain)) || { input: k.input, domain: k.domain, signal: null, ...('error' in k ? { error: k.error } : {}) });
  }

  async top(limit = 20): Promise<SignalView[]> {
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_COUNT) throw new AosError('usage', `invalid {limit} ${String(limit)}: expected a whole number from 1 to ${MAX_COUNT}`);
    const rows = await this.db.run((orm) =>
      selectSignals(orm, this.minClients)
        .orderBy(desc(p.buyerScore), desc(p.timesBought), asc(p.domain))
        .limit(limit),
    );
    return rows.map((r) => signalView(r, this.minClients));
  }

  /** Lead-score boost (0-15) for a domain, URL or email; 0 without a signal or for free-mail. */
  async getScoreBoost(target: string): Promise<number> {
    const parsed = parseTarget(target);
    if (!parsed.ok) throw new AosError('input', `invalid target "${printable(parsed.input)}": ${parsed.error}`);
    const domain = scoringDomain(parsed.target);
    if (domain === null) return 0;
    const rows = await this.db.run((orm) => scoreQuery(orm).execute({ domain }));
    return scoreBoost(rows[0]?.buyer_score);
  }

  /** Scores for many inputs in one query per batch: registrable domain → buyer score. */
  async scores(domains: readonly string[], orm?: Orm): Promise<Map<string, number>> {
    if (domains.length === 0) return new Map();
    if (!orm) return this.db.run((o) => this.scores(domains, o));
    // A batch of thousands of domains: one `= any` statement, rows read as the driver gives them.
    const rows = await rowsOf<{ domain: string; buyer_score: number }>(
      orm,
      sql`select ${p.domain}, ${p.buyerScore} from ${p} where ${p.domain} = any(${arrayParam([...new Set(domains)], 'text')})`,
    );
    return new Map(rows.map((r) => [r.domain, Number(r.buyer_score)]));
  }
}
