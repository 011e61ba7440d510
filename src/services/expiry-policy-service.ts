// Expiry policy: a client's default expiry per reason, and what is about to lapse, so that a
// win-back campaign is a decision rather than an accident.
import { AuditedService } from './service-base.js';
import { isoTimestamp } from '../db/database.js';
import { legacyQueryable } from '../db/database.js';
import { expiryFromDuration } from '../domain/expiry.js';
import { parseExpirySetting, type ExpirySetting } from '../domain/expiry-policy.js';
import { AosError } from '../errors.js';
import { ALL_CLIENTS } from './agency-list-service.js';
import { ClientService } from './client-service.js';

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

export class ExpiryPolicyService extends AuditedService {

  /** Sets (or, with `none`, drops) default expiries of a client: `past_customer=24m`. */
  async set(options: { client: string; expire: readonly string[] }): Promise<{ client: string; expiry_defaults: Record<string, string> }> {
    if (options.expire.length === 0) throw new AosError('usage', 'nothing to set', 'for example: aos clients set acme --expire past_customer=24m');
    const settings: ExpirySetting[] = options.expire.map(parseExpirySetting);
    const client = await new ClientService(this.db).resolve(options.client);
    await this.db.transaction(async (orm) => {
      const tx = legacyQueryable(orm);
      for (const s of settings) {
        if (s.period === null) await tx.query('delete from client_expiry_defaults where client_id = $1 and reason = $2', [client.id, s.reason]);
        else {
          await tx.query(
            `insert into client_expiry_defaults (client_id, reason, period, period_interval, updated_by, updated_at)
             values ($1, $2, $3, $4::interval, $5, $6::timestamptz)
             on conflict (client_id, reason) do update set period = excluded.period, period_interval = excluded.period_interval,
               updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
            [client.id, s.reason, s.period, s.interval, this.actor, this.now().toISOString()],
          );
        }
      }
    });
    return { client: client.slug, expiry_defaults: (await this.defaults()).get(client.id) ?? {} };
  }

  /** Every client's defaults: client id → reason → period (24m). */
  async defaults(): Promise<Map<string, Record<string, string>>> {
    const rows = await this.db.query<{ client_id: string; reason: string; period: string }>('select client_id, reason, period from client_expiry_defaults order by reason');
    const out = new Map<string, Record<string, string>>();
    for (const r of rows) out.set(r.client_id, { ...(out.get(r.client_id) ?? {}), [r.reason]: r.period });
    return out;
  }

  /** Live entries that expire within the period (`30d`), soonest first; one client or all. */
  async *expiring(options: { client?: string | undefined; within: string }): AsyncGenerator<ExpiringEntry> {
    const now = this.now();
    let until: Date;
    try {
      until = expiryFromDuration(options.within, now);
    } catch {
      throw new AosError('usage', `invalid --within "${options.within}": expected a number and a unit, like 30d, 12w or 6m`);
    }
    const client = options.client !== undefined ? await new ClientService(this.db).resolve(options.client) : null;
    let after = { at: now.toISOString(), id: '00000000-0000-0000-0000-000000000000' };
    for (;;) {
      const rows = await this.db.query<Record<string, unknown>>(
        // With every client, the agency-wide entries too (they lapse for all of them at once).
        `select * from (
           select s.id, c.slug, s.domain, s.email, s.reason, s.source, s.company_name, s.notes, s.expires_at, s.expires_at::text as at_key
             from suppression_list s join clients c on c.id = s.client_id where $1::uuid is null or s.client_id = $1
           union all
           select a.id, '${ALL_CLIENTS}', a.domain, a.email, a.reason, a.source, null, a.notes, a.expires_at, a.expires_at::text
             from agency_suppression_list a where $1::uuid is null) x
          where expires_at > $2::timestamptz and expires_at <= $3::timestamptz and (expires_at, id) > ($4::timestamptz, $5::uuid)
          order by expires_at, id limit 5000`,
        [client?.id ?? null, now.toISOString(), until.toISOString(), after.at, after.id],
      );
      for (const r of rows) {
        yield {
          client: r.slug as string,
          kind: r.domain !== null ? 'domain' : 'email',
          target: (r.domain ?? r.email) as string,
          reason: r.reason as string,
          source: (r.source as string | null) ?? null,
          company_name: (r.company_name as string | null) ?? null,
          notes: (r.notes as string | null) ?? null,
          expires_at: isoTimestamp(r.expires_at) as string,
        };
      }
      if (rows.length < 5000) return;
      const last = rows[rows.length - 1] as Record<string, unknown>;
      after = { at: last.at_key as string, id: last.id as string };
    }
  }
}
