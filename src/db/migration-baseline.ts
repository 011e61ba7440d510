// Migrations 0000-0022 (aos 0.1, kept in test/fixtures/migrations-v1/) were squashed into one
// baseline (drizzle/0000_baseline.sql). drizzle's migrator applies every migration whose journal
// time is after the last one a database recorded, so it would run the baseline's CREATE TABLEs
// over a database at the end of the old chain. Such a database is adopted instead: what the chain
// has and the baseline has not (the change-log and default-expiry triggers and their functions) is
// dropped, and the baseline is recorded as applied, in one transaction. A database that an older
// aos left part way along the chain is refused, naming the version to upgrade it with first.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { AosError } from '../errors.js';
import type { Orm } from './database.js';

/** The old chain's last migration and its journal time (drizzle's `when`): a database there is adopted. */
const V1_LAST = { tag: '0022_change_log_without_nested_loops', when: 1796595350461 };
/** The journal time of a pre-squash build's migration that dropped the change-log triggers: already the baseline's schema. */
const V1_TRIGGERS_DROPPED = 1796602108491;

// What the baseline no longer has: the old chain's default-expiry trigger and its per-statement
// change-log triggers on suppression_list and client_customers, with their functions.
const V1_LEFTOVERS = [
  'DROP TRIGGER IF EXISTS aos_zz_default_expiry ON suppression_list',
  ...['suppression_list', 'client_customers'].flatMap((t) => ['insert', 'update', 'delete'].map((op) => `DROP TRIGGER IF EXISTS aos_log_${op} ON ${t}`)),
  'DROP FUNCTION IF EXISTS aos_default_expiry()',
  'DROP FUNCTION IF EXISTS aos_log_import_change()',
];

interface Baseline {
  tag: string;
  when: number;
  hash: string;
}

/** The journal's first entry, hashed as drizzle's migrator hashes it (sha256 of the file). */
function baselineOf(folder: string): Baseline {
  const journal = JSON.parse(readFileSync(`${folder}/meta/_journal.json`, 'utf8')) as { entries: Array<{ tag: string; when: number }> };
  const first = journal.entries[0];
  if (!first) throw new Error(`no migrations in ${folder}`);
  const hash = createHash('sha256').update(readFileSync(`${folder}/${first.tag}.sql`).toString()).digest('hex');
  return { tag: first.tag, when: first.when, hash };
}

/**
 * Inside the migrating transaction, before the pending migrations are applied: a database at the end
 * of the old chain takes the baseline as applied; one older than that is refused. `lastApplied` is
 * the last recorded journal time (0: none); the result is the one to apply migrations after.
 */
export async function adoptOldChain(tx: Orm, location: string, folder: string, lastApplied: number): Promise<number> {
  const baseline = baselineOf(folder);
  if (lastApplied === 0 || lastApplied >= baseline.when) return lastApplied;
  if (lastApplied !== V1_LAST.when && lastApplied !== V1_TRIGGERS_DROPPED) {
    throw new AosError(
      'database',
      `database ${location} was migrated by an older aos, part way through the migrations this version replaced with one baseline: it cannot be upgraded from there directly`,
      `upgrade it first with an aos from before the squash (0.1.0, git 72dd2ca or earlier, whose migrations end at ${V1_LAST.tag}): its {command:db migrate}, then this version's`,
    );
  }
  for (const statement of V1_LEFTOVERS) await tx.execute(sql.raw(statement));
  await tx.execute(sql`insert into drizzle.__drizzle_migrations (hash, created_at) values (${baseline.hash}, ${baseline.when})`);
  return baseline.when;
}
