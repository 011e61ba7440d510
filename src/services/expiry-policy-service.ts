// Expiry policy: a client's default expiry per reason, and what is about to lapse, so that a
// win-back campaign is a decision rather than an accident.
import { and, asc, eq, sql, type SQL } from 'drizzle-orm';
import { Service } from './service-base.js';
import { isoTimestamp, rowsOf, type Orm } from '../db/database.js';
import { agencySuppressionList, clientExpiryDefaults, clients, suppressionList } from '../db/schema.js';
import { expiryFromDuration } from '../domain/expiry.js';
import { parseExpirySetting, type ExpirySetting } from '../domain/expiry-policy.js';
import { AosError } from '../errors.js';
import type { EntryRow } from './suppression/entry-view.js';
import { ALL_CLIENTS } from './agency-list-service.js';
import { ClientService } from './client-service.js';
import { crossShard } from '../db/cross-shard.js';

export interface ExpiringEntry {
  client: string;
  kind: 'domain' | 'email';
  target: string;
  reason: string;
  source: string | null;
  company_name: string | null;
  notes: string | null;
  expires_at: string;
}

/** An entry of `expiring` as read, with the keyset position the next page starts after. */
interface ExpiringRow extends Pick<EntryRow, 'domain' | 'email' | 'reason' | 'source' | 'company_name' | 'notes'> {
  id: string;
  slug: string;
  expires_at: unknown;
  /** expires_at as PostgreSQL prints it: compared back exactly, to the microsecond. */
  at_key: string;
}

const PAGE = 5000;

/** The entries that may lapse: one client's own (filtered by client_id, one shard on Citus), or every client's and the agency-wide list. */
function lapsingEntries(clientId: string | null): SQL {
  const s = suppressionList;
  const own = sql`select ${s.id} as id, ${clients.slug} as slug, ${s.domain} as domain, ${s.email} as email, ${s.reason} as reason,
      ${s.source} as source, ${s.companyName} as company_name, ${s.notes} as notes, ${s.expiresAt} as expires_at, ${s.expiresAt}::text as at_key
    from ${s} join ${clients} on ${clients.id} = ${s.clientId}`;
  if (clientId !== null) return sql`${own} where ${s.clientId} = ${clientId}`;
  // With every client, the agency-wide entries too (they lapse for all of them at once).
  const a = agencySuppressionList;
  return sql`${crossShard('expiring-all-clients')}${own} union all
    select ${a.id}, ${ALL_CLIENTS}::text, ${a.domain}, ${a.email}, ${a.reason}, ${a.source}, null, ${a.notes}, ${a.expiresAt}, ${a.expiresAt}::text
      from ${a}`;
}

function expiringEntry(r: ExpiringRow): ExpiringEntry {
  return {
    client: r.slug,
    kind: r.domain !== null ? 'domain' : 'email',
    target: (r.domain ?? r.email) as string,
    reason: r.reason,
    source: r.source ?? null,
    company_name: r.company_name ?? null,
    notes: r.notes ?? null,
    expires_at: isoTimestamp(r.expires_at) as string,
  };
}

export class ExpiryPolicyService extends Service {

  /** Sets (or, with `none`, drops) default expiries of a client: `past_customer=24m`. */
  async set(options: { client: string; expire: readonly string[] }): Promise<{ client: string; expiry_defaults: Record<string, string> }> {
    if (options.expire.length === 0) throw new AosError('usage', 'nothing to set', 'give {expire}, for example past_customer=24m');
    const now = this.now();
    const settings: ExpirySetting[] = options.expire.map((text) => parseExpirySetting(text, now));
    const client = await new ClientService(this.shared).resolve(options.client);
    const expiryDefaults = await this.db.transaction(async (tx) => {
      for (const s of settings) await this.applySetting(tx, client.id, s);
      return this.defaultsOf(tx, client.id);
    });
    return { client: client.slug, expiry_defaults: expiryDefaults };
  }

  private async applySetting(tx: Orm, clientId: string, s: ExpirySetting): Promise<void> {
    const t = clientExpiryDefaults;
    if (s.period === null || s.interval === null) {
      await tx.delete(t).where(and(eq(t.clientId, clientId), eq(t.reason, s.reason)));
      return;
    }
    const row = { period: s.period, periodInterval: s.interval, updatedBy: this.actor, updatedAt: this.now() };
    await tx
      .insert(t)
      .values({ clientId, reason: s.reason, ...row })
      .onConflictDoUpdate({ target: [t.clientId, t.reason], set: row });
  }

  /** One client's defaults: reason → period (24m), by reason. */
  private async defaultsOf(orm: Orm, clientId: string): Promise<Record<string, string>> {
    const t = clientExpiryDefaults;
    const rows = await orm.select({ reason: t.reason, period: t.period }).from(t).where(eq(t.clientId, clientId)).orderBy(asc(t.reason));
    return Object.fromEntries(rows.map((r) => [r.reason, r.period]));
  }

  /** Live entries that expire within the period (`30d`), soonest first; one client or all. */
  async *expiring(options: { client?: string | undefined; within: string }): AsyncGenerator<ExpiringEntry> {
    const now = this.now();
    let until: Date;
    try {
      until = expiryFromDuration(options.within, now);
    } catch {
      throw new AosError('usage', `invalid {within} "${options.within}": expected a number and a unit, like 30d, 12w or 6m`);
    }
    const client = options.client !== undefined ? await new ClientService(this.shared).resolve(options.client) : null;
    const entries = lapsingEntries(client?.id ?? null);
    let after = { at: now.toISOString(), id: '00000000-0000-0000-0000-000000000000' };
    for (;;) {
      const rows = await this.db.run((orm) =>
        rowsOf<ExpiringRow>(
          orm,
          sql`select * from (${entries}) x
               where x.expires_at > ${now.toISOString()}::timestamptz and x.expires_at <= ${until.toISOString()}::timestamptz
                 and (x.expires_at, x.id) > (${after.at}::timestamptz, ${after.id}::uuid)
               order by x.expires_at, x.id limit ${PAGE}`,
        ),
      );
      for (const r of rows) yield expiringEntry(r);
      if (rows.length < PAGE) return;
      const last = rows[rows.length - 1] as ExpiringRow;
      after = { at: last.at_key, id: last.id };
    }
  }
}
