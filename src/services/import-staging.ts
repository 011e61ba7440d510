// The import's first step: the file's valid rows into a staging table (a temp table of the
// import's transaction), one batch per statement, before they are merged into customers.
import { sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { rowsOf, type Orm } from '../db/database.js';
import { clientCustomers as cc } from '../db/schema.js';
import type { CustomerRecord } from '../domain/customer-row.js';

/** The staging table: one row per valid row of the file. */
export const STAGED_ROWS = sql.raw('aos_import_rows');

export interface StagingColumn {
  name: string;
  /** Its SQL type while staged. */
  type: string;
}

/** A customer field staged as its schema column: same name, same type. */
const field = (column: AnyPgColumn): StagingColumn => ({ name: column.name, type: column.getSQLType() });

/**
 * A staged row's columns, in stagingRow's order: the customer's fields, and beside them the row's
 * line, its name key (finds a customer stored by name alone) and its off-domain email entry.
 */
export const STAGING_COLUMNS: readonly StagingColumn[] = [
  { name: 'line', type: 'int' },
  field(cc.naturalKey),
  { name: 'name_key', type: 'text' },
  field(cc.companyName),
  field(cc.domain),
  field(cc.industry),
  field(cc.employeeCountRange),
  field(cc.contactEmail),
  { name: 'email_entry', type: 'text' },
  field(cc.contactName),
  field(cc.contactTitle),
  field(cc.status),
  field(cc.customerSince),
  field(cc.churnedAt),
  field(cc.dealValue),
  // Services stay one text value while staged: joined by U+001F, split when the customer is written.
  { name: cc.services.name, type: 'text' },
  field(cc.externalId),
  field(cc.canUseAsReference),
  field(cc.caseStudyUrl),
  field(cc.testimonial),
  field(cc.logoApproved),
];

/** One record as a staged row (STAGING_COLUMNS' order). Written out: it runs once per row of a million. */
export function stagingRow(line: number, r: CustomerRecord): unknown[] {
  return [
    line, r.naturalKey, r.nameKey, r.companyName, r.domain, r.industry, r.employeeCountRange, r.contactEmail, r.emailEntry, r.contactName,
    r.contactTitle, r.status, r.customerSince, r.churnedAt, r.dealValue,
    r.services === null ? null : r.services.join('\u001f'),
    r.externalId, r.canUseAsReference === null ? null : String(r.canUseAsReference), r.caseStudyUrl, r.testimonial,
    r.logoApproved === null ? null : String(r.logoApproved),
  ];
}

const CREATE_STAGING = sql`create temp table ${STAGED_ROWS} (${sql.join(
  STAGING_COLUMNS.map((c) => sql`${sql.identifier(c.name)} ${sql.raw(c.type)}`),
  sql`, `,
)}) on commit drop`;

// A batch travels as one JSON array of row arrays: JSON.stringify is native, where the driver's
// text[] encoding escapes every value in JavaScript (~2 s of the main thread per million rows).
const STAGED_VALUES = sql.join(
  STAGING_COLUMNS.map((c, i) => (c.type === 'text' ? sql.raw(`r->>${i}`) : sql.raw(`(r->>${i})::${c.type}`))),
  sql`, `,
);
const STAGED_NAMES = sql.join(
  STAGING_COLUMNS.map((c) => sql.identifier(c.name)),
  sql`, `,
);

function insertBatch(rows: readonly unknown[][]): SQL {
  return sql`insert into ${STAGED_ROWS} (${STAGED_NAMES})
    select ${STAGED_VALUES} from jsonb_array_elements((${JSON.stringify(rows)}::text)::jsonb) as r`;
}

/**
 * Creates the staging table and writes the batches into it as they come. One batch is written
 * while the next is parsed: the server works while Node parses.
 */
export async function stageRows(tx: Orm, batches: AsyncIterable<readonly unknown[][]>): Promise<{ staged: number }> {
  await tx.execute(CREATE_STAGING);
  let staged = 0;
  let inflight: Promise<unknown> = Promise.resolve();
  for await (const rows of batches) {
    await inflight;
    // A real promise (rowsOf awaits once): drizzle's execute() runs its statement again on each then().
    inflight = rowsOf(tx, insertBatch(rows));
    inflight.catch(() => {}); // awaited, and thrown, at the next batch or just below
    staged += rows.length;
  }
  await inflight;
  return { staged };
}
