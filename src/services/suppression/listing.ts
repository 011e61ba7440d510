// `suppress list`, on a client's list or the agency-wide one: entries streamed in pages, keyset
// paginated, so memory stays flat whatever the list's size.
import { and, asc, eq, gt, isNull, or, sql } from 'drizzle-orm';
import type { Database } from '../../db/database.js';
import type { SuppressionReason } from '../../db/schema-constants.js';
import { inList, type EntryList } from './entry-lists.js';
import { entryFields, entryView } from './entry-view.js';
import type { SuppressionEntryView } from './results.js';

const PAGE_SIZE = 5000;

export interface ListFilter {
  reason: SuppressionReason | null;
  /** Entries whose expiry has passed too. */
  includeExpired: boolean;
  now: Date;
}

/** One page of entries after the sort key `after`, in sort-key order (by domain, then email). */
async function page(db: Database, list: EntryList, filter: ListFilter, after: string) {
  const t = list.table;
  const sortKey = sql<string>`coalesce(${t.domain}, '') || chr(1) || coalesce(${t.email}, '')`;
  return db.run((orm) =>
    orm
      .select({ ...entryFields(list), sort_key: sortKey })
      .from(list.table)
      .where(
        and(
          inList(list),
          filter.reason === null ? undefined : eq(t.reason, filter.reason),
          filter.includeExpired ? undefined : or(isNull(t.expiresAt), gt(t.expiresAt, filter.now)),
          gt(sortKey, after),
        ),
      )
      .orderBy(asc(sortKey))
      .limit(PAGE_SIZE),
  );
}

export async function* listEntries(db: Database, list: EntryList, filter: ListFilter): AsyncGenerator<SuppressionEntryView> {
  let after = '';
  for (;;) {
    const rows = await page(db, list, filter, after);
    for (const row of rows) yield entryView(row);
    if (rows.length < PAGE_SIZE) return;
    after = (rows[rows.length - 1] as { sort_key: string }).sort_key;
  }
}
