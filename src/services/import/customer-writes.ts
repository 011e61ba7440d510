// The import's customer steps, set-based over the staged rows (staging.ts): the rows of one
// natural key merged into one customer, then the customers written into client_customers.
import { and, eq, gte, isNull, lt, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { rowsOf, type Orm } from '../../db/database.js';
import { clientCustomers as cc } from '../../db/schema.js';
import { aliased, arrayParam, bare, columnList, hasRow } from '../../db/sql.js';
import { KEPT_IF_MISSING, LIST_SEPARATOR, OTHER_EMAILS, REPLACED, type StagedField } from './staged-columns.js';
import { createScratchTable, MERGED_COLUMNS, mergedCustomers as merged, stagedRows, touchedCustomers as touched } from './scratch-tables.js';
import { loggedColumns, logWrites, type ImportChangeLog } from './change-log-writes.js';

export interface MergeCounts {
  /** Customers in the file. */
  customers: number;
  /** Rows folded into another row of the same customer. */
  merged: number;
  /** Customers with neither domain nor email: nothing to suppress them by. */
  withoutTarget: number;
}

export interface CustomerCounts {
  inserted: number;
  updated: number;
  unchanged: number;
}

const key = bare(cc.naturalKey);
/** touchedCustomers' columns, in the order a statement fills them. */
const TOUCHED = [touched.id, touched.naturalKey, touched.status, touched.companyName, touched.inserted];

// Rows of one natural key merge into one customer: the first non-empty value of each field.
// Most keys occur once and are copied as they are; only repeated keys pay for the aggregation.
// email_entries and domain_entries stay per row: every off-domain address and every further
// domain of a customer's rows gets its entry.
// The merged table's columns in the order mergedCustomers declares them: the key, rows_merged, the fields.
const MERGED_FIELDS = MERGED_COLUMNS.map((c) => sql.identifier(c.name));
const line = bare(stagedRows.line);
// The name a row gave wins over one derived from a domain or address (with its name_derived).
const NAMED = [merged.companyName.name, merged.nameDerived.name];
const MERGE = sql`
  create temp table ${merged} on commit drop as
  with repeated as materialized (
    select ${key} from ${stagedRows} group by ${key} having count(*) > 1)
  select ${key}, 1 as ${bare(merged.rowsMerged)}, ${sql.join(MERGED_FIELDS, sql`, `)}
    from ${stagedRows} r where not exists (select 1 from repeated d where d.${key} = r.${key})
  union all
  select ${key}, count(*)::int as ${bare(merged.rowsMerged)},
         ${sql.join(
           MERGED_COLUMNS.map(({ name }) => {
             const f = sql.identifier(name);
             // A status: an active row wins over the first (a customer a row still calls current is
             // not a past one whose entry expires); the others, the first non-empty value.
             return name === merged.status.name
               ? sql`(array_agg(${f} order by (${f} = 'active') desc, ${line}) filter (where ${f} is not null))[1] as ${f}`
               : NAMED.includes(name)
                 ? sql`(array_agg(${f} order by ${bare(stagedRows.nameDerived)}, ${line}) filter (where ${f} is not null))[1] as ${f}`
                 : sql`(array_agg(${f} order by ${line}) filter (where ${f} is not null))[1] as ${f}`;
           }),
           sql`, `,
         )}
    from ${stagedRows} where ${key} in (select ${key} from repeated)
   group by ${key}`;

/**
 * Merges the staged rows into one row per customer. First, when some rows have a name but no
 * company domain (namedWithoutDomain), they may take a stored customer's key (claimStoredKeys).
 */
export async function mergeRows(tx: Orm, clientId: string, namedWithoutDomain: boolean, derivedNames = false): Promise<MergeCounts> {
  // A pass over the client's stored customers: only for files with rows that may need it.
  if (namedWithoutDomain) await tx.execute(claimStoredKeys(clientId));
  await tx.execute(MERGE);
  if (derivedNames) await tx.execute(keepStoredNames(clientId));
  const [counts] = await tx
    .select({
      customers: sql<number>`count(*)::int`,
      rows: sql<number>`coalesce(sum(${merged.rowsMerged}), 0)::int`,
      withoutTarget: sql<number>`(count(*) filter (where ${merged.naturalKey} like 'n:%'))::int`,
    })
    .from(merged);
  const customers = counts?.customers ?? 0;
  return { customers, merged: (counts?.rows ?? 0) - customers, withoutTarget: counts?.withoutTarget ?? 0 };
}

// A company name the file did not give (no company column, or an empty cell) is the domain's or
// the address's: it names a new customer, but a stored customer keeps its name — an import of
// only `Website,Email` must not rename "Bluegum Cafe" to "bluegumcafe.com.au".
function keepStoredNames(clientId: string): SQL {
  return sql`
    update ${merged} m set ${bare(cc.companyName)} = ${aliased('c', cc.companyName)}
      from ${cc} c
     where ${aliased('m', merged.nameDerived)} and ${aliased('c', cc.clientId)} = ${clientId} and ${aliased('c', cc.naturalKey)} = m.${key}`;
}

// A row that comes with a name (and maybe a webmail contact) but no company domain — its website
// cell empty, "TBC", a page on Facebook — while the client has exactly one stored customer of that
// name with a domain or email key, is that customer: the row takes its key (and domain), so it is
// neither stored twice nor churned by a sync because one cell went bad.
// Stored names are compared in SQL only when printable ASCII, where lower + [^a-z0-9]+ → ' ' is
// exactly normalizeCompanyName; other names are left alone rather than matched wrongly.
function claimStoredKeys(clientId: string): SQL {
  return sql`
    with weak as materialized (
      select distinct ${bare(stagedRows.nameKey)} from ${stagedRows} where ${bare(stagedRows.nameKey)} is not null and ${key} not like 'd:%'),
    stored as (
      select k.name_key, min(k.${key}) as ${key}, count(*) as n
        from (select ${cc.naturalKey}, btrim(regexp_replace(lower(${cc.companyName}), '[^a-z0-9]+', ' ', 'g')) as name_key
                from ${cc}
               where ${cc.clientId} = ${clientId} and ${cc.naturalKey} not like 'n:%' and ${cc.companyName} ~ '^[ -~]*$') k
       where k.name_key in (select ${bare(stagedRows.nameKey)} from weak)
       group by k.name_key)
    update ${stagedRows} r
       set ${key} = s.${key},
           ${bare(cc.domain)} = case when s.${key} like 'd:%' then substr(s.${key}, 3) else ${aliased('r', cc.domain)} end
      from stored s
     where s.n = 1 and ${aliased('r', stagedRows.nameKey)} = s.name_key and r.${key} not like 'd:%'
       and r.${key} <> s.${key}
       and not exists (select 1 from ${cc} x where ${aliased('x', cc.clientId)} = ${clientId} and ${aliased('x', cc.naturalKey)} = r.${key})`;
}

/**
 * Writes the merged customers into client_customers and lists the ones this import touches in
 * touchedCustomers: the changed ones from RETURNING, the unchanged ones looked up after (none on
 * a first import). `customers`: how many the file holds (mergeRows).
 */
export async function upsertCustomers(tx: Orm, o: { log: ImportChangeLog; sourceName: string; now: Date; customers: number }): Promise<CustomerCounts> {
  const clientId = o.log.clientId;
  await tx.execute(createScratchTable(touched));
  // A pass over the import: most clients have no customer stored by name alone for it to find.
  const rekeyed = (await hasNamedCustomers(tx, clientId)) ? await rekeyNamedCustomers(tx, o.log, o.now) : [];
  await tx.execute(upsertStatement(o.log, o.sourceName, o.now));
  let written = await touchedCounts(tx);
  // Unchanged customers are not in RETURNING: look them up, unless every one was written.
  if (written.inserted + written.updated < o.customers) await tx.execute(addUnchangedCustomers(clientId));
  if (rekeyed.length > 0) {
    // A customer that only took its new key is updated all the same.
    await tx.update(touched).set({ inserted: false }).where(and(isNull(touched.inserted), sql`${touched.naturalKey} = any(${arrayParam(rekeyed, 'text')})`));
    written = await touchedCounts(tx);
  }
  return { ...written, unchanged: o.customers - written.inserted - written.updated };
}

function hasNamedCustomers(tx: Orm, clientId: string): Promise<boolean> {
  return hasRow(tx, cc, and(eq(cc.clientId, clientId), gte(cc.naturalKey, 'n:'), lt(cc.naturalKey, 'n;')));
}

// A customer first imported by its name alone (no domain or email in the file, or the domain
// mapped to an empty column) that now comes with a domain or email is the same company: its row
// takes the new key, so a remapped import updates it instead of storing the company twice.
async function rekeyNamedCustomers(tx: Orm, log: ImportChangeLog, now: Date): Promise<string[]> {
  const clientId = log.clientId;
  const rows = await rowsOf<{ natural_key: string }>(
    tx,
    sql`
      with claims as (
        select distinct on (${bare(merged.nameKey)}) ${bare(merged.nameKey)}, ${key}, ${bare(merged.domain)}
          from ${merged} where ${bare(merged.nameKey)} is not null and ${key} not like 'n:%'
         order by ${bare(merged.nameKey)}, ${key}),
      rekeyed as (
      update ${cc} c set ${key} = k.${key}, ${bare(cc.domain)} = ${aliased('k', cc.domain)}, ${bare(cc.updatedAt)} = ${now.toISOString()}::timestamptz
        from claims k
       where ${aliased('c', cc.clientId)} = ${clientId} and ${aliased('c', cc.naturalKey)} = 'n:' || ${aliased('k', merged.nameKey)}
         and not exists (select 1 from ${cc} x where ${aliased('x', cc.clientId)} = ${clientId} and ${aliased('x', cc.naturalKey)} = k.${key})
      returning ${aliased('c', cc.naturalKey)} as natural_key, ${loggedColumns('c', sql`false`)}),
      logged as (${logWrites(log, cc, sql.raw('rekeyed'))})
      select natural_key from rekeyed`,
  );
  return rows.map((r) => r.natural_key);
}

const listOf = (parts: readonly SQL[]) => sql.join([...parts], sql`, `);

function upsertStatement(log: ImportChangeLog, sourceName: string, now: Date): SQL {
  const clientId = log.clientId;
  const at = sql`${now.toISOString()}::timestamptz`;
  const excluded = (column: AnyPgColumn) => aliased('excluded', column);
  // A list is staged as joined text (staged-columns.ts): split again here.
  const staged = (f: StagedField) => (f.list ? sql`string_to_array(${sql.identifier(f.name)}, ${LIST_SEPARATOR})` : sql`${sql.identifier(f.name)}`);
  // New values win where the file has them; fields the file lacks keep what is stored (the field
  // table says which is which). The source is the import's own, and replaced.
  // The other addresses are kept like the contact email they come with.
  const written = [...REPLACED.map((f) => f.column), cc.source, ...KEPT_IF_MISSING.map((f) => f.column), cc.otherEmails];
  const values = [...REPLACED.map(staged), sql`${sourceName}`, ...KEPT_IF_MISSING.map(staged), sql`string_to_array(${sql.identifier(OTHER_EMAILS.name)}, ${LIST_SEPARATOR})`];
  const next = [
    ...REPLACED.map((f) => excluded(f.column)),
    excluded(cc.source),
    ...[...KEPT_IF_MISSING.map((f) => f.column), cc.otherEmails].map((column) => sql`coalesce(${excluded(column)}, ${aliased('c', column)})`),
  ];
  return sql`
    with up as (
      insert into ${cc} as c (${columnList([cc.clientId, cc.naturalKey, ...written, cc.importedAt, cc.createdAt, cc.updatedAt])})
      select ${clientId}, ${key}, ${listOf(values)}, ${at}, ${at}, ${at}
        from ${merged}
      on conflict (${columnList([cc.clientId, cc.naturalKey])}) do update set
        ${listOf(written.map((c, i) => sql`${bare(c)} = ${next[i] as SQL}`))},
        ${bare(cc.importedAt)} = ${excluded(cc.importedAt)}, ${bare(cc.updatedAt)} = ${excluded(cc.updatedAt)}
      where (${listOf(written.map((c) => aliased('c', c)))}) is distinct from (${listOf(next)})
      returning ${aliased('c', cc.naturalKey)}, ${aliased('c', cc.status)}, ${aliased('c', cc.companyName)}, ${loggedColumns('c', sql`(xmax = 0)`)}),
    logged as (${logWrites(log, cc, sql.raw('up'))})
    insert into ${touched} (${columnList(TOUCHED)}) select ${columnList(TOUCHED)} from up`;
}

function addUnchangedCustomers(clientId: string): SQL {
  return sql`
    insert into ${touched} (${columnList(TOUCHED)})
    select ${aliased('c', cc.id)}, ${aliased('c', cc.naturalKey)}, ${aliased('c', cc.status)}, ${aliased('c', cc.companyName)}, null
      from ${merged} m join ${cc} c on ${aliased('c', cc.clientId)} = ${clientId} and ${aliased('c', cc.naturalKey)} = m.${key}
     where not exists (select 1 from ${touched} x where x.${key} = m.${key})`;
}

async function touchedCounts(tx: Orm): Promise<{ inserted: number; updated: number }> {
  const [row] = await tx
    .select({
      inserted: sql<number>`(count(*) filter (where ${touched.inserted}))::int`,
      updated: sql<number>`(count(*) filter (where not ${touched.inserted}))::int`,
    })
    .from(touched);
  return { inserted: row?.inserted ?? 0, updated: row?.updated ?? 0 };
}
