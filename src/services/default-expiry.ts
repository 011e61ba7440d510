// A client's default expiry per reason (client_expiry_defaults), given by the statements that
// insert entries (an import, a manual add) to each entry they insert with that reason and no
// expiry of its own. Only inserted rows: an entry an upsert updates keeps its expiry, so a default
// never silently shortens what is there; an entry an undo puts back is not a new one. Opt-outs and
// existing_customer never get one (the table's check says so too).
// The arithmetic is done in UTC whatever the session's time zone, so `1m` from 31 January is one
// calendar rule (expiryFromDuration's) on every connection.
import { sql, type SQL } from 'drizzle-orm';
import { OPT_OUT_REASONS } from '../db/schema-constants.js';
import { clientExpiryDefaults as ed } from '../db/schema.js';
import { aliased, arrayParam } from '../db/sql.js';

/** `left join` of the client's default for `reason` as `alias` (no row: no default). */
export function defaultExpiryJoin(alias: string, clientId: string, reason: SQL): SQL {
  const never = arrayParam([...OPT_OUT_REASONS, 'existing_customer'], 'text');
  return sql`left join ${ed} ${sql.raw(alias)} on ${aliased(alias, ed.clientId)} = ${clientId}::uuid and ${aliased(alias, ed.reason)} = ${reason}
    and not (${reason} = any(${never}))`;
}

/** The expiry an inserted entry gets: its own, else its creation plus the joined default. */
export function expiryOrDefault(alias: string, given: SQL, createdAt: SQL): SQL {
  return sql`coalesce(${given}, ((${createdAt}) at time zone 'UTC' + ${aliased(alias, ed.periodInterval)}) at time zone 'UTC')`;
}
