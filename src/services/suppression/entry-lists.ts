// The two lists manual changes work on, a client's own (suppression_list, keyed by client) and the
// agency-wide one (agency_suppression_list, no client), described once so that the add, remove,
// listing and audit statements are written once for both.
import { sql, type SQL } from 'drizzle-orm';
import { AGENCY_WIDE_CLIENT_ID } from '../../db/schema-constants.js';
import { agencySuppressionList, suppressionList } from '../../db/schema.js';
import { aliased } from '../../db/sql.js';
import type { TargetKind } from '../../domain/targets.js';

export type EntryList =
  | { table: typeof suppressionList; clientId: string }
  | { table: typeof agencySuppressionList; clientId: null };

export const clientList = (clientId: string): EntryList => ({ table: suppressionList, clientId });
export const agencyList: EntryList = { table: agencySuppressionList, clientId: null };

/** The client_id of a list's audit events: the agency-wide list's carry AGENCY_WIDE_CLIENT_ID. */
export const auditClientId = (list: EntryList): string => list.clientId ?? AGENCY_WIDE_CLIENT_ID;

/**
 * Keeps a statement to the list's rows: `client_id = …` (every statement on a client's list filters
 * by client, so it can be distributed by client), or true for the agency-wide table. With an alias
 * for statements that name the table under one (`s.client_id`).
 */
export function inList(list: EntryList, alias?: string): SQL {
  if (list.clientId === null) return sql`true`;
  const column = alias ? aliased(alias, list.table.clientId) : sql`${list.table.clientId}`;
  return sql`${column} = ${list.clientId}::uuid`;
}

/** The list's column that holds targets of a kind. */
export const targetColumn = (list: EntryList, kind: TargetKind) => (kind === 'domain' ? list.table.domain : list.table.email);
