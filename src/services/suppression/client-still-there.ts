// A streamed check resolves its client once and then looks entries up by the client's id. A client
// removed meanwhile has no entries left, and its rows would read as "allowed". A batch looked up
// in the database asks in its lookup statement (live-entries.ts clientEntries); a batch matched
// against a list read whole at the start asks here, after: a yes means the client existed when
// the list was read too (ids are never reused), so no lock is needed.
import { sql } from 'drizzle-orm';
import { rowsOf, type Database } from '../../db/database.js';
import { clients } from '../../db/schema.js';
import { AosError } from '../../errors.js';
import type { ClientRef } from '../client-service.js';

export async function requireClientStillThere(db: Database, ref: ClientRef): Promise<void> {
  const rows = await db.run((orm) => rowsOf(orm, sql`select 1 as found from ${clients} where ${clients.id} = ${ref.id}::uuid`));
  if (rows.length === 0) throw clientRemoved(ref);
}

export function clientRemoved(ref: ClientRef): AosError {
  return new AosError('input', `client "${ref.slug}" was removed while the check ran: the rows from here on were not checked`, 'check them again against the client they belong to');
}
