import type { Database, Queryable } from '../db/database.js';
import { isoTimestamp } from '../db/database.js';
import { printable } from '../domain/printable.js';
import { didYouMean } from '../domain/suggest.js';
export { parseServices } from '../domain/values.js';
import { AosError } from '../errors.js';

export interface ClientSummary {
  id: string;
  slug: string;
  name: string;
  services: string[];
  created_at: string;
  customers: number;
  suppressions: number;
}

export interface ClientRef {
  id: string;
  slug: string;
  name: string;
  services: string[];
}

const SLUG = /^[a-z0-9-]+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SERVICE = /^[a-z0-9][a-z0-9_-]*$/;

/** A client reference in the canonical id form: resolved by id, and only by id. */
export function isClientId(ref: string): boolean {
  return UUID.test(ref.trim());
}

/**
 * A slug that PostgreSQL would read as a uuid (32 hex digits, dashes anywhere): refused, so that
 * no slug can ever be taken for, or be made to shadow, another client's id. The database holds
 * the same rule (clients_slug_not_uuid).
 */
export function slugLooksLikeId(slug: string): boolean {
  return /^[0-9a-f]{32}$/i.test(slug.replace(/-/g, ''));
}

export class ClientService {
  constructor(private readonly db: Database) {}

  async add(input: { slug: string; name?: string | undefined; services?: string[] | undefined; existOk?: boolean }): Promise<{ client: ClientRef; created: boolean }> {
    const slug = input.slug.trim();
    if (slugLooksLikeId(slug)) {
      throw new AosError('input', `invalid client slug "${slug}": it looks like a client id`, 'pick a name, for example: aos clients add acme-digital');
    }
    if (!SLUG.test(slug) || slug.length > 63) {
      throw new AosError('input', `invalid client slug "${slug}": use lowercase letters, digits and dashes`, 'for example: aos clients add acme-digital --name "Acme Digital"');
    }
    // Kept sorted and distinct: the signals use a client's services as they are.
    const services = [...new Set(input.services ?? [])].sort();
    const bad = services.find((s) => !SERVICE.test(s));
    if (bad !== undefined) throw new AosError('input', `invalid service "${bad}": use lowercase words like seo, ppc, web-design`);
    const rows = await this.db.query<{ id: string; slug: string; name: string; services: string[] }>(
      `insert into clients (slug, name, services) values ($1, $2, $3::text[])
       on conflict (slug) do nothing returning id, slug, name, services`,
      [slug, input.name?.trim() || slug, services],
    );
    if (rows[0]) return { client: rows[0], created: true };
    if (input.existOk) return { client: await this.resolve(slug), created: false };
    throw new AosError('input', `client "${slug}" already exists`, 'pick another slug, or pass --exist-ok to accept the existing client');
  }

  async list(): Promise<ClientSummary[]> {
    const rows = await this.db.query<{ id: string; slug: string; name: string; services: string[]; created_at: unknown; customers: number; suppressions: number }>(
      `select c.id, c.slug, c.name, c.services, c.created_at,
              (select count(*)::int from client_customers cc where cc.client_id = c.id) as customers,
              (select count(*)::int from suppression_list s where s.client_id = c.id) as suppressions
         from clients c order by c.slug`,
    );
    return rows.map((r) => ({
      id: r.id,
      slug: r.slug,
      name: r.name,
      services: r.services,
      created_at: isoTimestamp(r.created_at) ?? '',
      customers: r.customers,
      suppressions: r.suppressions,
    }));
  }

  /**
   * Finds a client by id (when the reference is id-shaped) or else by slug — never by either, so a
   * reference names at most one client. An unknown one is a usage error with a did-you-mean.
   */
  async resolve(ref: string, db: Queryable = this.db): Promise<ClientRef> {
    if (typeof ref !== 'string' || ref.trim() === '') throw new AosError('usage', 'no client given', 'pass a client slug or id (--client SLUG)');
    const key = ref.trim();
    const rows = isClientId(key)
      ? await db.query<ClientRef>('select id, slug, name, services from clients where id = $1', [key.toLowerCase()])
      : await db.query<ClientRef>('select id, slug, name, services from clients where slug = $1', [key.toLowerCase()]);
    if (rows.length === 1 && rows[0]) return rows[0];
    const slugs = (await db.query<{ slug: string }>('select slug from clients')).map((r) => r.slug);
    const suggestion = isClientId(key) ? undefined : didYouMean(key.toLowerCase(), slugs);
    throw new AosError(
      'usage',
      `unknown client "${printable(key)}"`,
      suggestion ? `did you mean "${suggestion}"?` : slugs.length ? 'list clients with `aos clients list`' : 'no clients yet: add one with `aos clients add SLUG`',
    );
  }
}
