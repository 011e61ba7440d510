// CustomerService: a client's customers as ops see them — listed, shown with the entries and
// import runs behind them, and removed (audited) with the imported entries nobody else holds.
import { and, asc, eq, getTableName, ilike, inArray, or, sql, type SQL } from 'drizzle-orm';
import { Service } from './service-base.js';
import { isoTimestamp, rowsOf, type Orm } from '../db/database.js';
import { clientCustomers, customerEvents, importRunChanges, importRuns, suppressionEvents, suppressionList } from '../db/schema.js';
import { CUSTOMER_STATUSES, OPT_OUT_REASONS, type CustomerStatus } from '../db/schema-constants.js';
import { bare, columnList } from '../db/sql.js';
import { CUSTOMER_FIELDS, type ListedFieldValues } from '../domain/customer-fields.js';
import { parseTarget, printable } from '../domain/targets.js';
import { normalizeCompanyName } from '../domain/values.js';
import { isUuid } from '../domain/uuid.js';
import { AosError } from '../errors.js';
import { BuyerSignalService } from './buyer-signal-service.js';
import { lockClientWrites } from './client-lock.js';
import { ClientService, type ClientRef } from './client-service.js';

/** A customer as `customers list/show` give it: the listed fields of customer-fields.ts and its keys. */
export interface CustomerView extends ListedFieldValues {
  id: string;
  /** The addresses after the contact email (other email columns, multi-value cells), or null. */
  other_emails: string[] | null;
  source: string;
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

const PAGE = 5000;
const c = clientCustomers;
const s = suppressionList;

// The listed fields under their snake_case names; dates and money as PostgreSQL writes them
// (2024-01-31, 15000.00) whichever driver reads them.
const CUSTOMER_SELECTION = {
  id: c.id,
  ...Object.fromEntries(
    CUSTOMER_FIELDS.filter((f) => f.listed).map((f) => [f.name, f.cell === 'date' || f.cell === 'money' ? sql`${c[f.column]}::text` : c[f.column]]),
  ),
  other_emails: c.otherEmails,
  source: c.source,
  natural_key: c.naturalKey,
  imported_at: c.importedAt,
  created_at: c.createdAt,
  updated_at: c.updatedAt,
};

/** A row of CUSTOMER_SELECTION: the view with its timestamps as the driver gave them. */
type CustomerRow = Omit<CustomerView, 'imported_at' | 'created_at' | 'updated_at'> & Record<'imported_at' | 'created_at' | 'updated_at', unknown>;

function customerView(row: CustomerRow): CustomerView {
  return { ...row, imported_at: isoTimestamp(row.imported_at), created_at: isoTimestamp(row.created_at), updated_at: isoTimestamp(row.updated_at) };
}

export function parseCustomerStatus(text: string | undefined): CustomerStatus | null {
  if (text === undefined) return null;
  const v = text.trim().toLowerCase();
  if ((CUSTOMER_STATUSES as readonly string[]).includes(v)) return v as CustomerStatus;
  throw new AosError('usage', `invalid status "${printable(text)}"`, `statuses: ${CUSTOMER_STATUSES.join(', ')}`);
}

/** Name, domain or contact holds the text, as a literal substring (% and _ match themselves). */
function searchFilter(search: string | undefined): SQL | undefined {
  const text = search?.trim();
  if (!text) return undefined;
  const pattern = `%${text.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
  return or(ilike(c.companyName, pattern), ilike(c.domain, pattern), ilike(c.contactEmail, pattern), ilike(c.contactName, pattern));
}

/** What a TARGET can name: a customer id, a domain key, an email key or contact, a name key, the name itself. */
function targetFilter(text: string): SQL | undefined {
  if (isUuid(text)) return or(eq(c.id, text.toLowerCase()), sql`lower(${c.companyName}) = lower(${text})`);
  const keys: string[] = [];
  let email: SQL | undefined;
  const parsed = parseTarget(text);
  let furtherDomain: SQL | undefined;
  if (parsed.ok && parsed.target.kind === 'domain') {
    keys.push(`d:${parsed.target.registrableDomain}`);
    // A further domain of the customer (Insightly's `Email Domains`) names it through its entry.
    furtherDomain = sql`exists (select 1 from ${s} where ${s.clientId} = ${c.clientId} and ${s.customerId} = ${c.id} and ${s.domain} = ${parsed.target.registrableDomain})`;
  }
  if (parsed.ok && parsed.target.kind === 'email') {
    // Any of its addresses names the customer: the contact email or one of the others.
    email = or(eq(c.contactEmail, parsed.target.value), sql`${parsed.target.value} = any(${c.otherEmails})`);
    keys.push(`e:${parsed.target.value}`);
  }
  const name = normalizeCompanyName(text);
  if (name !== '') keys.push(`n:${name}`);
  return or(keys.length ? inArray(c.naturalKey, keys) : undefined, email, furtherDomain, sql`lower(${c.companyName}) = lower(${text})`);
}

export class CustomerService extends Service {

  /** A client's customers by company name, streamed in pages; search matches name, domain, contact. */
  async *list(options: { client: string; search?: string | undefined; status?: string | undefined }): AsyncGenerator<CustomerView> {
    const client = await new ClientService(this.shared).resolve(options.client);
    const status = parseCustomerStatus(options.status);
    const filter = and(eq(c.clientId, client.id), status === null ? undefined : eq(c.status, status), searchFilter(options.search));
    let after: SQL | undefined;
    for (;;) {
      const where = and(filter, after);
      const rows = (await this.db.run((orm) =>
        orm.select(CUSTOMER_SELECTION).from(c).where(where).orderBy(asc(c.companyName), asc(c.id)).limit(PAGE),
      )) as CustomerRow[];
      for (const row of rows) yield customerView(row);
      const last = rows[rows.length - 1];
      if (rows.length < PAGE || last === undefined) return;
      after = sql`(${c.companyName}, ${c.id}) > (${last.company_name}, ${last.id}::uuid)`;
    }
  }

  /**
   * The customer a TARGET names: its id, its domain (any URL or host of it), its contact email,
   * or its company name. Several matches are an input error listing them. `lock` holds the row
   * for the caller's transaction.
   */
  async resolve(client: ClientRef, target: string, orm?: Orm, lock = false): Promise<CustomerView> {
    if (!orm) return this.db.run((o) => this.resolve(client, target, o, lock));
    const text = target.trim();
    if (text === '') throw new AosError('usage', 'no customer given', 'name it by domain, contact email, company name or id');
    const query = orm
      .select(CUSTOMER_SELECTION)
      .from(c)
      .where(and(eq(c.clientId, client.id), targetFilter(text)))
      .orderBy(asc(c.companyName), asc(c.id))
      .limit(11);
    const rows = (await (lock ? query.for('update') : query)) as CustomerRow[];
    const [first] = rows;
    if (first === undefined) {
      throw new AosError('input', `no customer "${printable(text)}" for client ${client.slug}`, `find it with {command:customers list} {client=${client.slug}} {search}`);
    }
    if (rows.length > 1) {
      const names = rows.slice(0, 10).map((r) => `${r.company_name} (${r.domain ?? r.contact_email ?? r.id})`);
      throw new AosError('input', `"${printable(text)}" names ${rows.length > 10 ? 'more than 10' : rows.length} customers of ${client.slug}: ${names.join(', ')}`, 'name one by its domain, contact email or id');
    }
    return customerView(first);
  }

  async show(options: { client: string; target: string }): Promise<CustomerDetail> {
    const client = await new ClientService(this.shared).resolve(options.client);
    return this.db.run(async (orm) => {
      const customer = await this.resolve(client, options.target, orm);
      return { client: client.slug, customer, entries: await entriesOf(orm, client, customer), import_runs: await runsOf(orm, client, customer) };
    });
  }

  /**
   * Removes a customer, audited, with its imported entries — except an entry that is an opt-out,
   * that someone added by hand, or that another customer of the client also stands behind (it
   * is linked to that customer instead). The next import of the customer brings it back.
   */
  async remove(options: { client: string; target: string }): Promise<CustomerRemoveResult> {
    const client = await new ClientService(this.shared).resolve(options.client);
    return this.db.transaction(async (tx) => {
      // Not while an import of this client runs: it could re-link the entries being removed.
      await lockClientWrites(tx, client.id);
      // Timed once the lock is held: its events follow, in time too, those of a writer it waited for.
      const now = this.now().toISOString();
      const customer = await this.resolve(client, options.target, tx, true);
      const { kept, removed } = await sortEntries(tx, client, customer);
      await relinkKeptEntries(tx, client, now);
      await deleteRemovedEntries(tx, client, { notes: `customer ${customer.company_name} removed`, actor: this.actor, at: now });
      await deleteCustomer(tx, client, customer, { actor: this.actor, at: now });
      const signals = customer.domain ? (await BuyerSignalService.refresh(tx, { domains: [customer.domain] })).changed : 0;
      return { client: client.slug, customer, entries_removed: removed, entries_kept: kept, signals_refreshed: signals };
    });
  }
}

/** The entries that suppress a customer: linked to it, or on its domain, contact email or email key. */
async function entriesOf(orm: Orm, client: ClientRef, customer: CustomerView): Promise<CustomerEntryView[]> {
  const emails = [customer.contact_email, customer.natural_key.startsWith('e:') ? customer.natural_key.slice(2) : null].filter((e) => e !== null);
  const rows = await orm
    .select({ domain: s.domain, email: s.email, reason: s.reason, source: s.source, expires_at: s.expiresAt, customer_id: s.customerId })
    .from(s)
    .where(and(eq(s.clientId, client.id), or(eq(s.customerId, customer.id), customer.domain === null ? undefined : eq(s.domain, customer.domain), emails.length ? inArray(s.email, emails) : undefined)))
    .orderBy(sql`${s.domain} nulls last`, asc(s.email));
  return rows.map((e) => ({
    kind: e.domain !== null ? 'domain' : 'email',
    target: (e.domain ?? e.email) as string,
    reason: e.reason,
    source: e.source,
    expires_at: isoTimestamp(e.expires_at),
    linked: e.customer_id === customer.id,
  }));
}

/** The import runs that wrote the customer's row. Only this client's runs are searched: each is a primary-key range of the change log. */
async function runsOf(orm: Orm, client: ClientRef, customer: CustomerView): Promise<CustomerRunView[]> {
  const r = importRuns;
  const ch = importRunChanges;
  const rows = await orm
    .selectDistinctOn([r.finishedAt, r.id], {
      id: r.id,
      file_name: r.fileName,
      finished_at: r.finishedAt,
      actor: r.actor,
      status: r.status,
      change: sql<CustomerRunView['change']>`case when ${ch.befores} is null then 'inserted' when ${ch.afterHashes} is null then 'deleted' else 'updated' end`,
    })
    .from(r)
    .innerJoin(ch, and(eq(ch.clientId, r.clientId), eq(ch.changeSet, r.changeSet), eq(ch.tableName, getTableName(c)), sql`${customer.id}::uuid = any(${ch.rowIds})`))
    .where(eq(r.clientId, client.id))
    .orderBy(asc(r.finishedAt), asc(r.id), asc(ch.seq));
  return rows.map((row) => ({ ...row, finished_at: isoTimestamp(row.finished_at) }));
}

const ENTRIES = sql.raw('aos_customer_entries');

/**
 * Sorts the customer's entries (locked) into a temp table: kept (an opt-out, added by hand, or
 * held by another customer, named) or removed with it.
 */
async function sortEntries(tx: Orm, client: ClientRef, customer: CustomerView): Promise<{ kept: KeptEntry[]; removed: Array<{ target: string; reason: string }> }> {
  await tx.execute(sql`
    create temp table ${ENTRIES} on commit drop as
    select ${s.id} as id, coalesce(${s.domain}, ${s.email}) as target, ${s.reason} as reason,
           case when ${s.reason} in ${[...OPT_OUT_REASONS]} then 'opt_out'
                when ${s.source} is distinct from 'import' then 'manual'
                when o.id is not null then 'other_customer' end as why,
           o.id as other_customer
      from ${s}
      left join lateral (
        select ${c.id} as id from ${c}
         where ${c.clientId} = ${client.id} and ${c.id} <> ${customer.id}
           and (${c.naturalKey} = 'd:' || ${s.domain} or ${c.naturalKey} = 'e:' || ${s.email} or ${c.contactEmail} = ${s.email}
                or ${s.email} = any(${c.otherEmails}))
         order by ${c.createdAt} limit 1) o on true
     where ${s.clientId} = ${client.id} and ${s.customerId} = ${customer.id}
       for update of ${s}`);
  const kept = await rowsOf<KeptEntry>(tx, sql`select target, reason, why from ${ENTRIES} where why is not null order by target`);
  const removed = await rowsOf<{ target: string; reason: string }>(tx, sql`select target, reason from ${ENTRIES} where why is null order by target`);
  return { kept, removed };
}

/** A kept entry another customer holds is linked to that customer now (the others to none). */
async function relinkKeptEntries(tx: Orm, client: ClientRef, at: string): Promise<void> {
  await tx.execute(sql`
    update ${s} set ${bare(s.customerId)} = e.other_customer, ${bare(s.updatedAt)} = ${at}::timestamptz
      from ${ENTRIES} e where ${s.clientId} = ${client.id} and ${s.id} = e.id and e.why is not null`);
}

/** Deletes the entries that go with the customer, each audited as a manual removal. */
async function deleteRemovedEntries(tx: Orm, client: ClientRef, audit: { notes: string; actor: string; at: string }): Promise<void> {
  const ev = suppressionEvents;
  await tx.execute(sql`
    with gone as (
      delete from ${s} using ${ENTRIES} e where ${s.clientId} = ${client.id} and ${s.id} = e.id and e.why is null
      returning ${s.domain} as domain, ${s.email} as email, ${s.reason} as reason, ${s.expiresAt} as expires_at)
    insert into ${ev} (${columnList([ev.clientId, ev.target, ev.kind, ev.action, ev.reasonBefore, ev.reasonAfter, ev.expiresAt, ev.notes, ev.actor, ev.source, ev.at])})
    select ${client.id}::uuid, coalesce(domain, email), case when domain is not null then 'domain' else 'email' end, 'remove', reason, null,
           expires_at, ${audit.notes}, ${audit.actor}, 'manual', ${audit.at}::timestamptz from gone`);
}

/** Deletes the customer, its row kept in the audit (customer_events). */
async function deleteCustomer(tx: Orm, client: ClientRef, customer: CustomerView, audit: { actor: string; at: string }): Promise<void> {
  const ev = customerEvents;
  await tx.execute(sql`
    with gone as (delete from ${c} where ${c.clientId} = ${client.id} and ${c.id} = ${customer.id} returning *)
    insert into ${ev} (${columnList([ev.clientId, ev.customerId, ev.naturalKey, ev.action, ev.before, ev.actor, ev.source, ev.at])})
    select ${client.id}::uuid, g.${bare(c.id)}, g.${bare(c.naturalKey)}, 'remove', to_jsonb(g), ${audit.actor}, 'manual', ${audit.at}::timestamptz from gone g`);
}
