// Transactions on the server whose COMMIT can never be lost in silence.
//
// postgres.js sends the COMMIT of its begin() as a tagged template, which with `prepare` on (its
// default, and AOS_PREPARE's) is a named statement cached per connection. When the server session
// has lost it — a transaction-pooling PgBouncer that runs the transaction on another server
// connection, a DISCARD ALL or DEALLOCATE ALL — the server refuses it (26000) and that aborts the
// transaction; postgres.js then retries the COMMIT, which the server answers with ROLLBACK and no
// error: begin() resolves and the writes are gone (porsager/postgres PR #1212, reproduced here).
// These go as simple queries instead (no parameters: never named), and a COMMIT the server answers
// with anything but COMMIT is an error.
import type postgres from 'postgres';
import { isUnreachable } from './errors.js';

type Body<T> = (tx: postgres.TransactionSql) => Promise<T>;

async function begin<T>(sql: postgres.Sql, fn: Body<T>): Promise<T> {
  const connection = await sql.reserve();
  let open = false;
  try {
    await connection.unsafe('begin');
    open = true;
    // drizzle's session over the connection asks only unsafe() of it.
    const result = await fn(connection as unknown as postgres.TransactionSql);
    const done = await connection.unsafe('commit');
    open = false;
    if (done.command !== 'COMMIT') throw Object.assign(new Error(`the server ended the transaction with ${done.command}, not COMMIT: nothing was written`), { code: '40000' });
    return result;
  } catch (e) {
    // A lost connection cannot roll back, nor does it need to: the server rolls back by itself.
    // Asked anyway, the ROLLBACK would be queued on the dead connection and never settle
    // (postgres.js: docs/reliability.md, known issues).
    if (open && !isUnreachable(e)) await connection.unsafe('rollback').catch(() => {});
    throw e;
  } finally {
    connection.release();
  }
}

/** The client with its begin() replaced by one whose BEGIN, COMMIT and ROLLBACK are never named statements. */
export function withPlainTransactionControl(sql: postgres.Sql): postgres.Sql {
  const safe = <T>(first: string | Body<T>, second?: Body<T>) => {
    if (typeof first !== 'function') throw new Error('begin(options, fn) is not supported here: set the transaction mode inside fn');
    void second;
    return begin(sql, first);
  };
  return new Proxy(sql, { get: (target, key) => (key === 'begin' ? safe : Reflect.get(target, key)) });
}
