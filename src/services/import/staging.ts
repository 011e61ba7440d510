// The import's first step: the file's valid rows into a staging table (a temp table of the
// import's transaction), one batch per statement, before they are merged into customers. Its
// columns are the customer field table's (staged-columns.ts).
import { sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Orm } from '../../db/database.js';
import { STAGING_COLUMNS } from './staged-columns.js';
import { createScratchTable, stagedRows } from './scratch-tables.js';

const CREATE_STAGING = createScratchTable(stagedRows);

// A batch travels as one JSON array of row arrays: JSON.stringify is native, where the driver's
// text[] encoding escapes every value in JavaScript (~2 s of the main thread per million rows).
const STAGED_VALUES = sql.join(
  STAGING_COLUMNS.map((c, i) => (c.sqlType === 'text' ? sql.raw(`r->>${i}`) : sql.raw(`(r->>${i})::${c.sqlType}`))),
  sql`, `,
);
const STAGED_NAMES = sql.join(
  STAGING_COLUMNS.map((c) => sql.identifier(c.name)),
  sql`, `,
);

function insertBatch(rows: readonly unknown[][]): SQL {
  return sql`insert into ${stagedRows} (${STAGED_NAMES})
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
