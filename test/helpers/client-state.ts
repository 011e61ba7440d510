import type { Database } from '../../src/db/database.js';

/** Everything an undo must put back: the client's customers and entries, every column. */
export async function clientState(db: Database, client: string) {
  const q = (table: string) =>
    db.query<{ j: unknown }>(`select to_jsonb(t)::text as j from ${table} t join clients c on c.id = t.client_id where c.slug = $1 order by t.id`, [client]);
  return { customers: (await q('client_customers')).map((r) => r.j), entries: (await q('suppression_list')).map((r) => r.j) };
}
