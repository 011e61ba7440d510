// CustomerService: a client's customers as ops see them — listed, shown with the entries and
// import runs behind them, and removed (audited) with the imported entries nobody else holds.
import { AuditedService } from './service-base.js';
import type { Queryable } from '../db/database.js';
import { legacyQueryable } from '../db/database.js';
import { isoTimestamp } from '../db/database.js';
import { CUSTOMER_STATUSES, OPT_OUT_REASONS, type CustomerStatus } from '../db/schema-constants.js';
import { parseTarget, printable } from '../domain/targets.js';
import { normalizeCompanyName } from '../domain/values.js';
import { AosError } from '../errors.js';
import { BuyerSignalService } from './buyer-signal-service.js';
import { ClientService, type ClientRef } from './client-service.js';

export interface CustomerView {
  id: string;
  company_name: string;
  domain: string | null;
  contact_email: string | null;
  contact_name: string | null;
  contact_title: string | null;
  industry: string | null;
  employee_count_range: string | null;
  status: CustomerStatus;
  customer_since: string | null;
  churned_at: string | null;
  deal_value: string | null;
  services: string[] | null;
  source: string;
  external_id: string | null;
  natural_key: string;
  imported_at: string | null;
  created_at: string | null;
  updated_at: string | null;
}

export interface CustomerEntryView {
  kind: 'domain' | 'email';
  target: string;
  reason: string;
  source: string | null;
  expires_at: string | null;
  linked: boolean;
}

export interface CustomerRunView {
  id: string;
  file_name: string;
  finished_at: string | null;
  actor: string;
  status: string;
  change: 'inserted' | 'updated' | 'deleted';
}

export interface CustomerDetail {
  client: string;
  customer: CustomerView;
  entries: CustomerEntryView[];
  import_runs: CustomerRunView[];
}

export interface KeptEntry {
  target: string;
  reason: string;
  why: 'opt_out' | 'manual' | 'other_customer';
}

export interface CustomerRemoveResult {
  client: string;
  customer: CustomerView;
  entries_removed: Array<{ target: string; reason: string }>;
  entries_kept: KeptEntry[];
  signals_refreshed: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PAGE = 5000;
const CUSTOMER_COLUMNS = `id, company_name, domain, contact_email, contact_name, contact_title, industry, employee_count_range,
  status, customer_since::text as customer_since, churned_at::text as churned_at, deal_value::text as deal_value, services,
  source, external_id, natural_key, imported_at, created_at, updated_at`;

function customerView(r: Record<string, unknown>): CustomerView {
  return {
    id: r.id as string,
    company_name: r.company_name as string,
    domain: (r.domain as string | null) ?? null,
    contact_email: (r.contact_email as string | null) ?? null,
    contact_name: (r.contact_name as string | null) ?? null,
    contact_title: (r.contact_title as string | null) ?? null,
    industry: (r.industry as string | null) ?? null,
    employee_count_range: (r.employee_count_range as string | null) ?? null,
    status: r.status as CustomerStatus,
    customer_since: (r.customer_since as string | null) ?? null,
    churned_at: (r.churned_at as string | null) ?? null,
    deal_value: (r.deal_value as string | null) ?? null,
    services: (r.services as string[] | null) ?? null,
    source: r.source as string,
    external_id: (r.external_id as string | null) ?? null,
    natural_key: r.natural_key as string,
    imported_at: isoTimestamp(r.imported_at),
    created_at: isoTimestamp(r.created_at),
    updated_at: isoTimestamp(r.updated_at),
  };
}

export function parseCustomerStatus(text: string | undefined): CustomerStatus | null {
  if (text === undefined) return null;
  const v = text.trim().toLowerCase();
  if ((CUSTOMER_STATUSES as readonly string[]).includes(v)) return v as CustomerStatus;
  throw new AosError('usage', `invalid status "${printable(text)}"`, `statuses: ${CUSTOMER_STATUSES.join(', ')}`);
}

const optOutList = OPT_OUT_REASONS.map((r) => `'${r}'`).join(', ');

export class CustomerService extends AuditedService {

  /** A client's customers by company name, streamed in pages; search matches name, domain, contact. */
  async *list(options: { client: string; search?: string | undefined; status?: string | undefined }): AsyncGenerator<CustomerView> {
    const client = await new ClientService(this.db).resolve(options.client);
    const status = parseCustomerStatus(options.status);
    // The search text is a literal substring, not a LIKE pattern: % and _ in it match themselves.
    const search = options.search?.trim() ? `%${options.search.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
    let after = { name: '', id: '00000000-0000-0000-0000-000000000000' };
    for (;;) {
      const rows = await this.db.query<Record<string, unknown>>(
        `select ${CUSTOMER_COLUMNS} from client_customers
          where client_id = $1 and ($2::text is null or status = $2)
            and ($3::text is null or company_name ilike $3 or domain ilike $3 or contact_email ilike $3 or contact_name ilike $3)
            and (company_name, id) > ($4, $5::uuid)
          order by company_name, id limit ${PAGE}`,
        [client.id, status, search, after.name, after.id],
      );
      for (const row of rows) yield customerView(row);
      if (rows.length < PAGE) return;
      const last = rows[rows.length - 1] as Record<string, unknown>;
      after = { name: last.company_name as string, id: last.id as string };
    }
  }

  /**
   * The customer a TARGET names: its id, its domain (any URL or host of it), its contact email,
   * or its company name. Several matches are an input error listing them.
   */
  async resolve(client: ClientRef, target: string, db: Queryable = this.db, lock = false): Promise<CustomerView> {
    const text = target.trim();
    if (text === '') throw new AosError('usage', 'no customer given', 'name it by domain, contact email, company name or id');
    const keys: string[] = [];
    let email: string | null = null;
    let id: string | null = null;
    if (UUID.test(text)) id = text.toLowerCase();
    else {
      const parsed = parseTarget(text);
      if (parsed.ok && parsed.target.kind === 'domain') keys.push(`d:${parsed.target.registrableDomain}`);
      if (parsed.ok && parsed.target.kind === 'email') {
        email = parsed.target.value;
        keys.push(`e:${parsed.target.value}`);
      }
      const name = normalizeCompanyName(text);
      if (name !== '') keys.push(`n:${name}`);
    }
    const rows = await db.query<Record<string, unknown>>(
      `select ${CUSTOMER_COLUMNS} from client_customers
        where client_id = $1 and (id = $2::uuid or natural_key = any($3::text[]) or contact_email = $4 or lower(company_name) = lower($5))
        order by company_name, id limit 11 ${lock ? 'for update' : ''}`,
      [client.id, id, keys, email, text],
    );
    if (rows.length === 0) {
      throw new AosError('input', `no customer "${printable(text)}" for client ${client.slug}`, `search with \`aos customers list --client ${client.slug} --search TEXT\``);
    }
    if (rows.length > 1) {
      const names = rows.slice(0, 10).map((r) => `${r.company_name as string} (${(r.domain as string | null) ?? (r.contact_email as string | null) ?? (r.id as string)})`);
      throw new AosError('input', `"${printable(text)}" names ${rows.length > 10 ? 'more than 10' : rows.length} customers of ${client.slug}: ${names.join(', ')}`, 'name one by its domain, contact email or id');
    }
    return customerView(rows[0] as Record<string, unknown>);
  }

  async show(options: { client: string; target: string }): Promise<CustomerDetail> {
    const client = await new ClientService(this.db).resolve(options.client);
    const customer = await this.resolve(client, options.target);
    const entries = await this.db.query<Record<string, unknown>>(
      `select domain, email, reason, source, expires_at, customer_id from suppression_list
        where client_id = $1 and (customer_id = $2 or domain = $3 or email = any($4::text[]))
        order by domain nulls last, email`,
      [client.id, customer.id, customer.domain, [customer.contact_email, customer.natural_key.startsWith('e:') ? customer.natural_key.slice(2) : null].filter((e) => e !== null)],
    );
    // Only this client's runs are searched: each is a primary-key range of the change log.
    const runs = await this.db.query<Record<string, unknown>>(
      `select distinct on (r.finished_at, r.id) r.id, r.file_name, r.finished_at, r.actor, r.status,
              case when ch.befores is null then 'inserted' when ch.after_hashes is null then 'deleted' else 'updated' end as change
         from import_runs r join import_run_changes ch
           on ch.change_set = r.change_set and ch.table_name = 'client_customers' and $2 = any(ch.row_ids)
        where r.client_id = $1 order by r.finished_at, r.id, ch.seq`,
      [client.id, customer.id],
    );
    return {
      client: client.slug,
      customer,
      entries: entries.map((e) => ({
        kind: e.domain !== null ? 'domain' : 'email',
        target: (e.domain ?? e.email) as string,
        reason: e.reason as string,
        source: (e.source as string | null) ?? null,
        expires_at: isoTimestamp(e.expires_at),
        linked: e.customer_id === customer.id,
      })),
      import_runs: runs.map((r) => ({
        id: r.id as string,
        file_name: r.file_name as string,
        finished_at: isoTimestamp(r.finished_at),
        actor: r.actor as string,
        status: r.status as string,
        change: r.change as CustomerRunView['change'],
      })),
    };
  }

  /**
   * Removes a customer, audited, with its imported entries — except an entry that is an opt-out,
   * that someone added by hand, or that another customer of the client also stands behind (it
   * is linked to that customer instead). The next import of the customer brings it back.
   */
  async remove(options: { client: string; target: string }): Promise<CustomerRemoveResult> {
    const client = await new ClientService(this.db).resolve(options.client);
    const now = this.now().toISOString();
    return this.db.transaction(async (orm) => {
      const tx = legacyQueryable(orm);
      // Not while an import of this client runs: it could re-link the entries being removed.
      await tx.query(`select pg_advisory_xact_lock(hashtext('aos:import:' || $1::text))`, [client.id]);
      const customer = await this.resolve(client, options.target, tx, true);
      await tx.query(
        `create temp table aos_customer_entries on commit drop as
         select s.id, coalesce(s.domain, s.email) as target, s.reason,
                case when s.reason in (${optOutList}) then 'opt_out'
                     when s.source is distinct from 'import' then 'manual'
                     when o.id is not null then 'other_customer' end as why,
                o.id as other_customer
           from suppression_list s
           left join lateral (
             select c.id from client_customers c
              where c.client_id = $1 and c.id <> $2
                and (c.natural_key = 'd:' || s.domain or c.natural_key = 'e:' || s.email or c.contact_email = s.email)
              order by c.created_at limit 1) o on true
          where s.client_id = $1 and s.customer_id = $2 for update of s`,
        [client.id, customer.id],
      );
      const kept = await tx.query<KeptEntry>(`select target, reason, why from aos_customer_entries where why is not null order by target`);
      const removed = await tx.query<{ target: string; reason: string }>(`select target, reason from aos_customer_entries where why is null order by target`);
      await tx.query(
        `update suppression_list s set customer_id = e.other_customer, updated_at = $1::timestamptz
           from aos_customer_entries e where s.id = e.id and e.why is not null`,
        [now],
      );
      await tx.query(
        `with gone as (
           delete from suppression_list s using aos_customer_entries e where s.id = e.id and e.why is null
           returning s.domain, s.email, s.reason, s.expires_at)
         insert into suppression_events (client_id, target, kind, action, reason_before, reason_after, expires_at, notes, actor, source, at)
         select $1, coalesce(domain, email), case when domain is not null then 'domain' else 'email' end, 'remove', reason, null,
                expires_at, $2, $3, 'manual', $4::timestamptz from gone`,
        [client.id, `customer ${customer.company_name} removed`, this.actor, now],
      );
      await tx.query(
        `with gone as (delete from client_customers c where c.id = $2 returning c.*)
         insert into customer_events (client_id, customer_id, natural_key, action, before, actor, source, at)
         select $1, g.id, g.natural_key, 'remove', to_jsonb(g), $3, 'manual', $4::timestamptz from gone g`,
        [client.id, customer.id, this.actor, now],
      );
      const signals = customer.domain ? (await BuyerSignalService.refresh(orm, { domains: [customer.domain] })).changed : 0;
      return { client: client.slug, customer, entries_removed: removed, entries_kept: kept, signals_refreshed: signals };
    });
  }
}
