import { eq, sql } from 'drizzle-orm';
import type { Database, Orm } from '../db/database.js';
import { isoTimestamp, rowsOf } from '../db/database.js';
import { clientCustomers, clientExpiryDefaults, clients, suppressionList } from '../db/schema.js';
import { printable } from '../domain/printable.js';
import { didYouMean } from '../domain/suggest.js';
import { isUuid } from '../domain/uuid.js';
export { parseServices } from '../domain/values.js';
import { AosError } from '../errors.js';
import { crossShard } from '../db/cross-shard.js';
import { isDatabase, Service, type ServiceOptions } from './service-base.js';

export interface ClientSummary extends ClientRef {
  created_at: string;
  customers: number;
  suppressions: number;
}

/** A client as `clients list` shows it: its counts and its default expiry per reason. */
export interface ClientListing extends ClientSummary {
  expiry_defaults: Record<string, string>;
}

/** `clients add`: the client, and whether this call created it (false: it existed, existOk). */
export interface ClientAdded {
  client: ClientRef;
  created: boolean;
}

/** `clients add --json`: the client's fields with `created` beside them, one flat object. */
export type ClientAddedView = ClientRef & { created: boolean };

export const clientAddedView = ({ client, created }: ClientAdded): ClientAddedView => ({ ...client, created });

export interface ClientRef {
  id: string;
  slug: string;
  name: string;
  services: string[];
}

const SLUG = /^[a-z0-9-]+$/;
const SERVICE = /^[a-z0-9][a-z0-9_-]*$/;

/**
 * The documented case rule of a reference: ASCII letters only. String#toLowerCase also folds other
 * letters into ASCII ones (the Kelvin sign U+212A into "k", "İ" into "i̇"), so "\u212A1" would
 * have named the client k1: a reference is matched exactly, never after such folding.
 */
export function foldAsciiCase(text: string): string {
  return text.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
}

/** A client reference in the canonical id form: resolved by id, and only by id. */
export function isClientId(ref: string): boolean {
  return isUuid(ref.trim());
}

/**
 * A slug that PostgreSQL would read as a uuid (32 hex digits, dashes anywhere): refused, so that
 * no slug can ever be taken for, or be made to shadow, another client's id. The database holds
 * the same rule (clients_slug_not_uuid).
 */
export function slugLooksLikeId(slug: string): boolean {
  return /^[0-9a-f]{32}$/i.test(slug.replace(/-/g, ''));
}

/**
 * How a reference is looked up, by the rules resolve() follows: an id-shaped one by id, else a
 * slug-shaped one by slug (exact, after ASCII case folding only); null when it can name no client
 * (and some such strings, a NUL, the database would refuse as a statement's parameter).
 */
export function clientLookupKey(ref: string): { by: 'id' | 'slug'; value: string } | null {
  if (typeof ref !== 'string') return null;
  const folded = foldAsciiCase(ref.trim());
  if (isClientId(folded)) return { by: 'id', value: folded };
  return SLUG.test(folded) ? { by: 'slug', value: folded } : null;
}

export class ClientService extends Service {
  /**
   * `new ClientService({ db })`, as every service is built. `new ClientService(db)`, the database
   * alone, is the older form, still accepted: the platform's code calls it so.
   */
  constructor(options: ServiceOptions | Database) {
    super(isDatabase(options) ? { db: options } : options);
  }

  async add(input: { slug: string; name?: string | undefined; services?: string[] | undefined; existOk?: boolean }): Promise<ClientAdded> {
    const slug = input.slug.trim();
    if (slugLooksLikeId(slug)) {
      throw new AosError('input', `invalid client slug "${slug}": it looks like a client id`, 'pick a name, for example {command:clients add acme-digital}');
    }
    if (!SLUG.test(slug) || slug.length > 63) {
      throw new AosError('input', `invalid client slug "${slug}": use lowercase letters, digits and dashes`, 'for example {command:clients add acme-digital}');
    }
    // Kept sorted and distinct: the signals use a client's services as they are.
    const services = [...new Set(input.services ?? [])].sort();
    const bad = services.find((s) => !SERVICE.test(s));
    if (bad !== undefined) throw new AosError('input', `invalid service "${bad}": use lowercase words like seo, ppc, web-design`);
    const returned = { id: clients.id, slug: clients.slug, name: clients.name, services: clients.services };
    const rows = await this.db.run((orm) =>
      orm.insert(clients).values({ slug, name: input.name?.trim() || slug, services }).onConflictDoNothing({ target: clients.slug }).returning(returned),
    );
    if (rows[0]) return { client: rows[0], created: true };
    if (input.existOk) return { client: await this.resolve(slug), created: false };
    throw new AosError('input', `client "${slug}" already exists`, 'pick another slug, or pass {existOk} to accept the existing client');
  }

  async list(): Promise<ClientListing[]> {
    // One statement in the sql template: in a one-table select() drizzle drops the table name of
    // every column, so the correlated subqueries' "client_id" = "id" would compare within one table.
    const c = clients;
    const rows = await this.db.run((orm) =>
      rowsOf<{ id: string; slug: string; name: string; services: string[]; created_at: string; customers: number; suppressions: number; expiry_defaults: unknown }>(
        orm,
        sql`${crossShard('clients-list')}select ${c.id} as id, ${c.slug} as slug, ${c.name} as name, ${c.services} as services, ${c.createdAt} as created_at,
                   (select count(*)::int from ${clientCustomers} where ${clientCustomers.clientId} = ${c.id}) as customers,
                   (select count(*)::int from ${suppressionList} where ${suppressionList.clientId} = ${c.id}) as suppressions,
                   coalesce((select json_object_agg(${clientExpiryDefaults.reason}, ${clientExpiryDefaults.period} order by ${clientExpiryDefaults.reason})
                               from ${clientExpiryDefaults} where ${clientExpiryDefaults.clientId} = ${c.id}), '{}'::json) as expiry_defaults
              from ${c} order by ${c.slug}`,
      ),
    );
    // No clients but entries of one: the clients table lost them, and "add one" would orphan them.
    if (rows.length === 0) await this.db.run((orm) => this.refuseOrphans(orm));
    return rows.map((r) => ({
      id: r.id,
      slug: r.slug,
      name: r.name,
      services: r.services,
      created_at: isoTimestamp(r.created_at) ?? '',
      customers: r.customers,
      suppressions: r.suppressions,
      expiry_defaults: (typeof r.expiry_defaults === 'string' ? JSON.parse(r.expiry_defaults) : r.expiry_defaults) as Record<string, string>,
    }));
  }

  /**
   * Entries or customers whose client is missing: the foreign keys never allow them, so the clients
   * table lost rows (a page of it zeroed in a crash). Then an unknown client may be a lost one, and
   * adding it again, as the unknown-client hint says, would give it a new id and leave its entries
   * orphaned: the database is damaged (exit 3), to be restored from a backup. Asked only on the
   * unknown-client path, never on a check that resolves.
   */
  private async refuseOrphans(orm: Orm): Promise<void> {
    const [orphan] = await rowsOf<{ what: string }>(
      orm,
      sql`${crossShard('orphan-check')}(select 'suppression entries' as what from ${suppressionList} s
             where not exists (select 1 from ${clients} c where c.id = s.client_id) limit 1)
          union all
          (select 'customers' from ${clientCustomers} cc
             where not exists (select 1 from ${clients} c where c.id = cc.client_id) limit 1)`,
    );
    if (!orphan) return;
    throw new AosError(
      'database',
      `the database ${this.db.location} is damaged: it holds ${orphan.what} of a client that is missing from its clients table`,
      'restore it from a backup; do not add the client again (a new client gets a new id, and the entries of the lost one would stay orphaned)',
    );
  }

  /**
   * Finds a client by id (when the reference is id-shaped) or else by slug — never by either, so a
   * reference names at most one client. An unknown one is a usage error with a did-you-mean.
   */
  async resolve(ref: string, orm?: Orm): Promise<ClientRef> {
    if (typeof ref !== 'string' || ref.trim() === '') throw new AosError('usage', 'no client given', 'pass a client slug or id ({client})');
    if (!orm) return this.db.run((o) => this.resolve(ref, o));
    const key = ref.trim();
    const folded = foldAsciiCase(key);
    // Only a string that can be a slug or an id is looked up: anything else names no client.
    const by = clientLookupKey(key);
    const lookup = by === null ? null : by.by === 'id' ? eq(clients.id, by.value) : eq(clients.slug, by.value);
    const rows = lookup === null ? [] : await orm.select({ id: clients.id, slug: clients.slug, name: clients.name, services: clients.services }).from(clients).where(lookup);
    if (rows.length === 1 && rows[0]) return rows[0];
    await this.refuseOrphans(orm);
    const slugs = (await orm.select({ slug: clients.slug }).from(clients)).map((r) => r.slug);
    const suggestion = isClientId(key) ? undefined : didYouMean(folded, slugs);
    throw new AosError(
      'usage',
      `unknown client "${printable(key)}"`,
      suggestion ? `did you mean "${suggestion}"?` : slugs.length ? 'list clients with {command:clients list}' : 'no clients yet: add one with {command:clients add SLUG}',
    );
  }
}
