// The statements that reach across clients on purpose. Sharded by client (docs/scaling.md, "Growing past one
// machine"), a statement on a client-scoped table that names its client (client_id = $n) goes to
// that client's shard alone; every other one fans out to all shards. Those listed here fan out by
// design, and carry their name in their SQL (crossShard(name), a comment the server ignores), so
// test/service/statement-routing.test.ts, which fails on any statement on a client-scoped table
// without a client_id equality, lets these through and no others.
import { sql, type SQL } from 'drizzle-orm';

export const CROSS_SHARD = {
  'signal-refresh':
    "platform_buyer_signals is platform-wide (distributed by domain): a domain's signal counts the customers of every client, so refreshing it reads them all",
  'expiring-all-clients': '`suppress expiring` for every client at once (no client given) lists what lapses across all of them, for ops',
  'import-run-by-id':
    '`imports show/undo RUN_ID` name a run by its id alone: the look-up finds its client, and every statement after it names that client',
  'suppress-who': '`suppress who` answers which clients suppress a target (a complaint), so it reads every client\'s list; ops only, not in the library',
  'clients-list': "`clients list` shows every client's customer and entry counts and default expiry per reason",
  'orphan-check':
    'an unknown client makes aos look for entries and customers whose client row is missing (a damaged clients table), of any client; only on that error path',
  'db-status': '`db status` counts the rows of every table',
  migrations:
    '`db migrate` changes the schema, which Citus applies to every shard; drizzle\'s migrator sends these statements itself (not tagged), and the routing test migrates before it starts listening',
} as const;

export type CrossShardName = keyof typeof CROSS_SHARD;

/** The tag of a statement that reaches across clients on purpose: a SQL comment naming its CROSS_SHARD entry. */
export function crossShard(name: CrossShardName): SQL {
  return sql.raw(`/* aos:cross-shard ${name} */ `);
}

/** The CROSS_SHARD name a statement's text is tagged with, or undefined. */
export function crossShardTag(text: string): string | undefined {
  return /\/\* aos:cross-shard ([a-z-]+) \*\//.exec(text)?.[1];
}
