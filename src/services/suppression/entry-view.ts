// An entry of either list as the library shows it (SuppressionEntryView), read with the query builder.
import { sql } from 'drizzle-orm';
import { isoTimestamp } from '../../db/database.js';
import type { SuppressionReason } from '../../db/schema-constants.js';
import type { EntryList } from './entry-lists.js';
import type { SuppressionEntryView } from './results.js';

/** The columns of an entry view; the agency-wide list has no customer behind its entries. */
export function entryFields(list: EntryList) {
  const t = list.table;
  return {
    domain: t.domain,
    email: t.email,
    reason: t.reason,
    source: t.source,
    notes: t.notes,
    expires_at: t.expiresAt,
    company_name: list.clientId === null ? sql<string | null>`null::text` : list.table.companyName,
    customer_id: list.clientId === null ? sql<string | null>`null::uuid` : list.table.customerId,
    created_by: t.createdBy,
    created_at: t.createdAt,
    updated_at: t.updatedAt,
  };
}

export interface EntryRow {
  domain: string | null;
  email: string | null;
  reason: string;
  source: string | null;
  notes: string | null;
  expires_at: Date | string | null;
  company_name: string | null;
  customer_id: string | null;
  created_by: string | null;
  created_at: Date | string | null;
  updated_at: Date | string | null;
}

export function entryView(r: EntryRow): SuppressionEntryView {
  return {
    kind: r.domain !== null ? 'domain' : 'email',
    target: (r.domain ?? r.email) as string,
    reason: r.reason as SuppressionReason,
    source: r.source,
    notes: r.notes,
    expires_at: isoTimestamp(r.expires_at),
    company_name: r.company_name,
    customer_id: r.customer_id,
    created_by: r.created_by,
    created_at: isoTimestamp(r.created_at),
    updated_at: isoTimestamp(r.updated_at),
  };
}
