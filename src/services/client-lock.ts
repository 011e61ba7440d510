// The one lock every writer of a client's customers or suppression list takes first: imports,
// syncs, undos, customer removals and manual adds/removes of one client run one after another.
// An undo plans from a snapshot and then deletes by row id, so a manual change committed between
// its plan and its delete (an opt-out added meanwhile) would be deleted with the run's rows: the
// writers must not interleave. Taken first in each transaction, before any row lock, so no two
// writers ever wait on each other in opposite orders. Released at commit or rollback.
import { sql } from 'drizzle-orm';
import type { Orm } from '../db/database.js';

export async function lockClientWrites(tx: Orm, clientId: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext('aos:import:' || ${clientId}::text))`);
}
