// The one definition of the database. Migrations in drizzle/ are generated from this file by
// `npm run db:generate` (drizzle-kit) and never edited by hand.
import { sql } from 'drizzle-orm';
import type { BuildExtraConfigColumns } from 'drizzle-orm';
import {
  type AnyPgColumn,
  bigint,
  bigserial,
  boolean,
  check,
  date,
  index,
  integer,
  interval,
  jsonb,
  numeric,
  pgTable,
  type PgColumnBuilderBase,
  type PgTableExtraConfigValue,
  primaryKey,
  text,
  timestamp,
  unique,
  uuid,
} from 'drizzle-orm/pg-core';
import { SUPPRESSION_REASONS } from './schema-constants.js';

export { OPT_OUT_REASONS, SUPPRESSION_REASONS, type SuppressionReason } from './schema-constants.js';

const reasonList = sql.raw(SUPPRESSION_REASONS.map((r) => `'${r}'`).join(', '));

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow();

// What a suppression entry holds, in a client's list and in the agency-wide one alike: a domain
// or an email (one at least), why, from where, until when, and who added it.
const entryColumns = () => ({
  domain: text('domain'),
  email: text('email'),
  reason: text('reason').notNull(),
  source: text('source'),
  notes: text('notes'),
  expiresAt: timestamp('expires_at', { withTimezone: true }),
  createdBy: text('created_by'),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});
const entryChecks = (name: string, t: { [K in keyof ReturnType<typeof entryColumns>]: AnyPgColumn }) => [
  check(`${name}_reason_check`, sql`${t.reason} in (${reasonList})`),
  check(`${name}_target_check`, sql`${t.domain} is not null or ${t.email} is not null`),
];

/** A client-scoped table's client_id: the tenant, whose removal removes the row. */
const clientRef = () =>
  uuid('client_id')
    .notNull()
    .references(() => clients.id, { onDelete: 'cascade' });

// The append-only audit tables (suppression_events, customer_events) share their frame: a row id
// within the client's rows, no foreign keys (the trail outlives what it audits), what was done
// (add, update, remove), who did it, from where and when. (The tables' column order in the
// database is the migrations'; drizzle-kit matches columns by name.)
const auditColumns = () => ({
  id: bigserial('id', { mode: 'number' }).notNull(),
  clientId: uuid('client_id').notNull(),
  action: text('action').notNull(),
  actor: text('actor').notNull(),
  source: text('source').notNull(),
  at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
});
type AuditColumns = ReturnType<typeof auditColumns>;

/** An audit table: the shared frame, its own columns, the sources it records and its own constraints. */
function auditTable<N extends string, C extends Record<string, PgColumnBuilderBase>>(
  name: N,
  sources: readonly string[],
  columns: C,
  constraints: (t: BuildExtraConfigColumns<N, AuditColumns & C, 'pg'>) => PgTableExtraConfigValue[],
) {
  return pgTable(name, { ...auditColumns(), ...columns }, (t) => [
    primaryKey({ name: `${name}_pkey`, columns: [t.clientId, t.id] }),
    check(`${name}_action_check`, sql`${t.action} in ('add', 'update', 'remove')`),
    check(`${name}_source_check`, sql`${t.source} in (${sql.raw(sources.map((v) => `'${v}'`).join(', '))})`),
    ...constraints(t),
  ]);
}

export const clients = pgTable(
  'clients',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    slug: text('slug').notNull().unique('clients_slug_key'),
    name: text('name').notNull(),
    services: text('services').array().notNull().default(sql`'{}'::text[]`),
    createdAt: createdAt(),
  },
  (t) => [
    check('clients_slug_format', sql`${t.slug} ~ '^[a-z0-9-]+$'`),
    // A slug PostgreSQL would read as a uuid could be taken for another client's id (SPEC §2).
    check('clients_slug_not_uuid', sql`replace(${t.slug}, '-', '') !~ '^[0-9a-f]{32}$'`),
  ],
);

// Every client-scoped table's primary and unique keys lead with client_id, so each can be
// distributed by client on Citus (docs/scaling.md); clients is a reference table.
// A column an import fills is a field of src/domain/customer-fields.ts (how a file's cell becomes
// its value, and everything derived from that); a test fails when one is in only one of them.
export const clientCustomers = pgTable(
  'client_customers',
  {
    id: uuid('id').notNull().defaultRandom(),
    clientId: clientRef(),
    companyName: text('company_name').notNull(),
    // The registrable domain of the company (acme.com for www.shop.acme.com), so one company is
    // one customer and signals group by company.
    domain: text('domain'),
    industry: text('industry'),
    employeeCountRange: text('employee_count_range'),
    contactEmail: text('contact_email'),
    // The customer's other addresses (Personal Email, Google's `E-mail 2 - Value`, every address of
    // a multi-value cell), each suppressed like the contact email; read from the contact_email columns.
    otherEmails: text('other_emails').array(),
    contactName: text('contact_name'),
    contactTitle: text('contact_title'),
    status: text('status').notNull().default('active'),
    customerSince: date('customer_since'),
    churnedAt: date('churned_at'),
    dealValue: numeric('deal_value', { precision: 12, scale: 2 }),
    services: text('services').array(),
    canUseAsReference: boolean('can_use_as_reference').default(false),
    caseStudyUrl: text('case_study_url'),
    testimonial: text('testimonial'),
    logoApproved: boolean('logo_approved').default(false),
    source: text('source').notNull(),
    externalId: text('external_id'),
    // 'd:' + domain, else 'e:' + canonical contact email, else 'n:' + normalized company name:
    // what makes re-importing the same customer an update rather than a duplicate. It also
    // implies the seed's UNIQUE (client_id, domain), which is therefore not indexed twice.
    naturalKey: text('natural_key').notNull(),
    importedAt: timestamp('imported_at', { withTimezone: true }).defaultNow(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ name: 'client_customers_pkey', columns: [t.clientId, t.id] }),
    unique('client_customers_client_natural_key').on(t.clientId, t.naturalKey),
    index('client_customers_domain_idx').on(t.domain),
    check('client_customers_status_check', sql`${t.status} in ('active', 'churned', 'partner', 'competitor')`),
    // A customer with a domain is keyed by it: one customer per client and domain, which the
    // signals rely on to count distinct clients with count(*).
    check('client_customers_domain_key_check', sql`${t.domain} is null or ${t.naturalKey} = 'd:' || ${t.domain}`),
  ],
);

export const suppressionList = pgTable(
  'suppression_list',
  {
    id: uuid('id').notNull().defaultRandom(),
    clientId: clientRef(),
    ...entryColumns(),
    companyName: text('company_name'),
    // The imported customer behind the entry. No foreign key: the link is informational (it says
    // "the next import brings this back"), and the check cost ~6 µs per imported row (BENCHMARKS.md).
    customerId: uuid('customer_id'),
  },
  (t) => [
    primaryKey({ name: 'suppression_list_pkey', columns: [t.clientId, t.id] }),
    // These two unique indexes are also the lookup indexes of `check` (client_id, domain = ANY).
    unique('suppression_list_client_domain_key').on(t.clientId, t.domain),
    unique('suppression_list_client_email_key').on(t.clientId, t.email),
    ...entryChecks('suppression_list', t),
  ],
);

// Agency-wide entries: they hold for every client of the agency (complaints, legal requests that
// must never be emailed from any client). `check` looks them up in the same statement as the
// client's own entries; same rules and shapes as suppression_list, without a client.
export const agencySuppressionList = pgTable(
  'agency_suppression_list',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ...entryColumns(),
  },
  (t) => [
    // Also the lookup indexes of `check` (domain = ANY, email = ANY).
    unique('agency_suppression_list_domain_key').on(t.domain),
    unique('agency_suppression_list_email_key').on(t.email),
    ...entryChecks('agency_suppression_list', t),
  ],
);

// client_id is AGENCY_WIDE_CLIENT_ID for the agency-wide list (agency_suppression_list), which belongs to no one client.
export const suppressionEvents = auditTable(
  'suppression_events',
  ['manual', 'import', 'undo'],
  {
    target: text('target').notNull(),
    kind: text('kind').notNull(),
    reasonBefore: text('reason_before'),
    reasonAfter: text('reason_after'),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    notes: text('notes'),
  },
  (t) => [
    index('suppression_events_client_target_idx').on(t.clientId, t.target),
    check('suppression_events_kind_check', sql`${t.kind} in ('domain', 'email')`),
  ],
);

export const importRuns = pgTable(
  'import_runs',
  {
    id: uuid('id').notNull().defaultRandom(),
    clientId: clientRef(),
    fileName: text('file_name').notNull(),
    sha256: text('sha256').notNull(),
    // SHA-256 (hex) of the normalized header set: the key of the remembered mapping. A hash, so
    // that exports of hundreds of columns fit the index (rows from before hold the joined list
    // and simply match nothing).
    headerKey: text('header_key').notNull(),
    mapping: jsonb('mapping').notNull(),
    counts: jsonb('counts').notNull(),
    actor: text('actor').notNull(),
    status: text('status').notNull(),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    finishedAt: timestamp('finished_at', { withTimezone: true }).notNull().defaultNow(),
    // The id under which the row changes of this run were logged (import_run_changes).
    changeSet: uuid('change_set'),
    undoneAt: timestamp('undone_at', { withTimezone: true }),
    undoneBy: text('undone_by'),
  },
  (t) => [
    primaryKey({ name: 'import_runs_pkey', columns: [t.clientId, t.id] }),
    index('import_runs_client_header_idx').on(t.clientId, t.headerKey, t.finishedAt),
  ],
);

// Every customer and entry row an import inserted, updated or deleted, one row per statement of
// the import (set-based: a million inserted rows are one log row, not a million): the rows' ids,
// their images before the statement (null for an insert) and a hash of each image after (null for
// a delete), in the same order. Written by each of the import's writing statements beside itself
// (src/services/import/change-log-writes.ts; no trigger, which a sharded database would run where the
// import's session is not). Logs of older runs also hold deletes. `aos imports undo` restores
// each row's first before image where the row still has its last after hash.
export const importRunChanges = pgTable(
  'import_run_changes',
  {
    clientId: uuid('client_id').notNull(),
    changeSet: uuid('change_set').notNull(),
    seq: bigint('seq', { mode: 'number' }).generatedAlwaysAsIdentity(),
    tableName: text('table_name').notNull(),
    rowIds: uuid('row_ids').array().notNull(),
    // A JSON array of row images, aligned with row_ids; null when the statement inserted them.
    befores: jsonb('befores'),
    // Aligned with row_ids; null when the statement deleted them.
    afterHashes: text('after_hashes').array(),
  },
  (t) => [
    primaryKey({ name: 'import_run_changes_pkey', columns: [t.clientId, t.changeSet, t.seq] }),
    check('import_run_changes_table_check', sql`${t.tableName} in ('client_customers', 'suppression_list')`),
  ],
);

// The customers each import read, changed or not, by natural key: one row per run, written once
// the file's customers are merged. A re-import that changes nothing writes no change log, yet it
// still lists those customers: `aos imports undo` of an earlier run keeps (or refuses over) every
// customer a later run read. Keys, not ids: the merged keys are at hand without a join, which
// keeps this to one array per run even at a million rows.
export const importRunReads = pgTable(
  'import_run_reads',
  {
    clientId: uuid('client_id').notNull(),
    changeSet: uuid('change_set').notNull(),
    naturalKeys: text('natural_keys').array().notNull(),
  },
  (t) => [primaryKey({ name: 'import_run_reads_pkey', columns: [t.clientId, t.changeSet] })],
);

// Append-only audit of customer removals and of what undoing an import did to customers.
export const customerEvents = auditTable(
  'customer_events',
  ['manual', 'undo'],
  {
    customerId: uuid('customer_id').notNull(),
    naturalKey: text('natural_key').notNull(),
    // The customer's row before the change (null when the change created it).
    before: jsonb('before'),
    importRunId: uuid('import_run_id'),
  },
  (t) => [index('customer_events_client_customer_idx').on(t.clientId, t.customerId)],
);

// A client's default expiry per reason, given to each new entry of that reason that has none
// by the statements that insert entries, manual adds and imports alike (services/default-expiry.ts).
export const clientExpiryDefaults = pgTable(
  'client_expiry_defaults',
  {
    clientId: clientRef(),
    reason: text('reason').notNull(),
    // As ops wrote it (24m) and as the database adds it (24 months).
    period: text('period').notNull(),
    periodInterval: interval('period_interval').notNull(),
    updatedBy: text('updated_by').notNull(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.clientId, t.reason] }),
    // Opt-outs never lapse by default, and an active customer's entry never expires.
    check('client_expiry_defaults_reason_check', sql`${t.reason} in ('past_customer', 'competitor', 'partner')`),
  ],
);

// Platform-wide and anonymous: no client id, contact name, email or any client-private column.
export const platformBuyerSignals = pgTable('platform_buyer_signals', {
  // The domain is the key every read, refresh and upsert goes by. The id column is kept (SPEC
  // §3) but not indexed: nothing looks a signal up by it, and a second unique index on random
  // uuids cost ~2.7 s per million signals written (BENCHMARKS.md).
  id: uuid('id').notNull().defaultRandom(),
  domain: text('domain').primaryKey(),
  companyName: text('company_name'),
  industry: text('industry'),
  employeeCountRange: text('employee_count_range'),
  timesBought: integer('times_bought').default(1),
  totalValue: numeric('total_value', { precision: 12, scale: 2 }),
  avgDealValue: numeric('avg_deal_value', { precision: 12, scale: 2 }),
  servicesBought: text('services_bought').array(),
  // Aligned with services_bought: how many of the domain's clients each service came from. A
  // service is shown only when at least k clients bought it there (SPEC §8 anonymity): a service
  // that one agency alone sells would otherwise mark every domain it reaches as that agency's.
  // Empty on rows refreshed before it existed, which then show no services until a refresh.
  serviceClients: integer('service_clients').array().notNull().default(sql`'{}'::integer[]`),
  // How many of the domain's clients gave the shown name, industry and size (the most frequent
  // value): each is shown only when at least k did, as a service is. A value one client alone
  // gave (its own industry taxonomy, the only size filled in) would group that client's domains.
  // 0 on rows refreshed before they existed, which then show none of the three until a refresh.
  companyNameClients: integer('company_name_clients').notNull().default(0),
  industryClients: integer('industry_clients').notNull().default(0),
  employeeCountRangeClients: integer('employee_count_range_clients').notNull().default(0),
  // The deal value band most of the domain's clients' deals fall in (src/domain/signal-anonymity.ts)
  // and how many clients' deals do: what `show` gives of deal values at k, from k + 1 clients. The
  // exact total and average above are one client's value once the others are known, so they are
  // shown only with anonymity off. Null/0 for a domain of one client and on rows refreshed before
  // they existed (added by aos 0.1's deal-value-band migration), which show no band until a refresh.
  dealValueBand: text('deal_value_band'),
  dealValueBandClients: integer('deal_value_band_clients').notNull().default(0),
  buyerScore: integer('buyer_score').default(50),
  firstSeenAt: timestamp('first_seen_at', { withTimezone: true }).defaultNow(),
  lastConvertedAt: timestamp('last_converted_at', { withTimezone: true }),
  updatedAt: timestamp('updated_at', { withTimezone: true }).defaultNow(),
});

export type Client = typeof clients.$inferSelect;
export type ClientCustomer = typeof clientCustomers.$inferSelect;
export type SuppressionEntry = typeof suppressionList.$inferSelect;
export type SuppressionEvent = typeof suppressionEvents.$inferSelect;
export type ImportRun = typeof importRuns.$inferSelect;
export type BuyerSignal = typeof platformBuyerSignals.$inferSelect;
