// The statements of a manual change, on either list (entry-lists.ts): read and lock the entries it
// touches, upsert entries, delete entries; each write audits itself in the same statement, so an
// entry never changes without its event in suppression_events.
import { and, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { rowsOf, type Orm } from '../../db/database.js';
import { OPT_OUT_REASONS, type SuppressionReason } from '../../db/schema-constants.js';
import { suppressionEvents } from '../../db/schema.js';
import { aliased, arrayParam, bare, columnList } from '../../db/sql.js';
import type { TargetKind } from '../../domain/targets.js';
import { auditClientId, inList, targetColumn, type EntryList } from './entry-lists.js';
import { entryFields, entryView } from './entry-view.js';
import type { DistinctTargets } from './target-input.js';
import type { SuppressionEntryView } from './results.js';
import { defaultExpiryJoin, expiryOrDefault } from '../default-expiry.js';

const EVENT_COLUMNS = columnList([
  suppressionEvents.clientId,
  suppressionEvents.target,
  suppressionEvents.kind,
  suppressionEvents.action,
  suppressionEvents.reasonBefore,
  suppressionEvents.reasonAfter,
  suppressionEvents.expiresAt,
  suppressionEvents.notes,
  suppressionEvents.actor,
  suppressionEvents.source,
  suppressionEvents.at,
]);

/** The upserted row as it was (`s`, the alias of the list's table) and as the insert proposed it. */
const was = (column: AnyPgColumn) => aliased('s', column);
const proposed = (column: AnyPgColumn) => aliased('excluded', column);

function holdsAny(list: EntryList, { domains, emails }: DistinctTargets): SQL {
  const t = list.table;
  return sql`(${t.domain} = any(${arrayParam(domains, 'text')}) or ${t.email} = any(${arrayParam(emails, 'text')}))`;
}

/** The list's entries for these targets, locked until the transaction ends: what a change is checked against. */
export async function lockEntries(tx: Orm, list: EntryList, targets: DistinctTargets): Promise<SuppressionEntryView[]> {
  const rows = await tx
    .select(entryFields(list))
    .from(list.table)
    .where(and(inList(list), holdsAny(list, targets)))
    .for('update');
  return rows.map(entryView);
}

/** A manual add or update, as every row it writes records it. */
export interface ManualChange {
  reason: SuppressionReason;
  note: string | null;
  expiresAt: string | null;
  actor: string;
  now: string;
  /** Weaken entries another writer committed after the check too (the caller's force). */
  force: boolean;
}

/**
 * `and not (…)`: an update that would weaken the entry is skipped. The caller refused every
 * weakening it saw; an entry another writer committed since is left as it is rather than weakened unseen.
 */
function unlessWeakening(list: EntryList, c: ManualChange): SQL {
  const t = list.table;
  const expires = givenExpiry(c);
  return sql` and not ((${was(t.reason)} = any(${arrayParam(OPT_OUT_REASONS, 'text')}) and ${proposed(t.reason)} <> ${was(t.reason)})
    or (${expires} is not null and (${was(t.expiresAt)} is null
        or (${was(t.expiresAt)} > ${c.now}::timestamptz and ${expires} < ${was(t.expiresAt)}))))`;
}

/**
 * The expiry the change gives. An updated entry takes exactly this; an inserted one may take the
 * client's default instead (default-expiry.ts), so `excluded.expires_at` is not what an update sets.
 */
const givenExpiry = (c: ManualChange): SQL => sql`${c.expiresAt}::timestamptz`;

/** The expiry of an inserted entry: the one given, else (a client's list) the client's default for the reason. */
function insertedExpiry(list: EntryList, c: ManualChange): { value: SQL; join: SQL } {
  if (list.clientId === null) return { value: givenExpiry(c), join: sql`` };
  return { value: expiryOrDefault('d', givenExpiry(c), sql`${c.now}::timestamptz`), join: defaultExpiryJoin('d', list.clientId, sql`${c.reason}::text`) };
}

/** `insert … on conflict do update` of one kind of target; returns the targets it wrote. */
function upsertEntries(list: EntryList, kind: TargetKind, values: SQL, c: ManualChange): SQL {
  const t = list.table;
  const col = targetColumn(list, kind);
  const key = list.clientId === null ? { columns: sql``, value: sql`` } : { columns: sql`${bare(list.table.clientId)}, `, value: sql`${list.clientId}::uuid, ` };
  const expires = givenExpiry(c);
  const inserted = insertedExpiry(list, c);
  return sql`insert into ${t} as s (${key.columns}${columnList([col, t.reason, t.source, t.notes, t.expiresAt, t.createdBy, t.createdAt, t.updatedAt])})
    select ${key.value}input.value, ${c.reason}, 'manual', ${c.note}, ${inserted.value}, ${c.actor}, ${c.now}::timestamptz, ${c.now}::timestamptz
      from (select distinct unnest(${values}) as value) input ${inserted.join}
    on conflict (${key.columns}${bare(col)}) do update
       set ${bare(t.reason)} = ${proposed(t.reason)}, ${bare(t.source)} = 'manual', ${bare(t.expiresAt)} = ${expires},
           ${bare(t.notes)} = coalesce(${proposed(t.notes)}, ${was(t.notes)}), ${bare(t.updatedAt)} = ${proposed(t.updatedAt)}
     where ((${was(t.reason)}, ${was(t.source)}, ${was(t.expiresAt)}) is distinct from (${proposed(t.reason)}, 'manual', ${expires})
        or (${proposed(t.notes)} is not null and ${proposed(t.notes)} is distinct from ${was(t.notes)}))${c.force ? sql`` : unlessWeakening(list, c)}
    returning ${was(col)} as value`;
}

/**
 * Upserts manual entries of one kind and writes an audit event for each row that changed, in one
 * statement. `before` reads the snapshot the insert started from, so reason_before is exact.
 */
export async function upsertWithAudit(tx: Orm, list: EntryList, kind: TargetKind, targets: readonly string[], c: ManualChange): Promise<{ added: number; updated: number }> {
  const t = list.table;
  const col = targetColumn(list, kind);
  const values = arrayParam(targets, 'text');
  const rows = await rowsOf<{ action: string; n: number }>(
    tx,
    sql`with before as (
        select ${was(col)} as value, ${was(t.reason)} as reason from ${t} s where ${inList(list, 's')} and ${was(col)} = any(${values})),
      upserted as (${upsertEntries(list, kind, values, c)}),
      events as (
        insert into ${suppressionEvents} (${EVENT_COLUMNS})
        select ${auditClientId(list)}::uuid, u.value, ${kind}, case when b.value is null then 'add' else 'update' end,
               b.reason, ${c.reason}, ${c.expiresAt}::timestamptz, ${c.note}, ${c.actor}, 'manual', ${c.now}::timestamptz
          from upserted u left join before b on b.value = u.value
        returning ${bare(suppressionEvents.action)} as action)
      select action, count(*)::int as n from events group by action`,
  );
  const count = (action: string) => rows.find((r) => r.action === action)?.n ?? 0;
  return { added: count('add'), updated: count('update') };
}

/**
 * Deletes these entries (those the caller read and locked, and only those: an entry another writer
 * committed since, an opt-out say, was never checked) and audits each removal, in one statement.
 * The event's notes are the removal's note (why it was removed, as an add's are why it was added),
 * else the entry's own, which would otherwise be gone with it.
 */
export async function deleteWithAudit(tx: Orm, list: EntryList, entries: readonly SuppressionEntryView[], audit: { actor: string; now: string; note: string | null }): Promise<void> {
  const { actor, now, note } = audit;
  if (entries.length === 0) return;
  const t = list.table;
  const checked = (kind: TargetKind) => entries.filter((e) => e.kind === kind).map((e) => e.target);
  await tx.execute(
    sql`with gone as (
        delete from ${t} where ${inList(list)} and ${holdsAny(list, { domains: checked('domain'), emails: checked('email') })}
        returning ${t.domain} as domain, ${t.email} as email, ${t.reason} as reason, ${t.expiresAt} as expires_at, ${t.notes} as notes)
      insert into ${suppressionEvents} (${EVENT_COLUMNS})
      select ${auditClientId(list)}::uuid, coalesce(domain, email), case when domain is not null then 'domain' else 'email' end,
             'remove', reason, null, expires_at, coalesce(${note}::text, notes), ${actor}, 'manual', ${now}::timestamptz from gone`,
  );
}
