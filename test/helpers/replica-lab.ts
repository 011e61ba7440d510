// The replica lab (scripts/replica-lab.sh): a primary, a hot standby streaming from it and
// PgBouncer in transaction pooling mode in front of the primary, found through the URLs its `env`
// exports. CI starts it; without it the tests that need it skip, and with CI=true they fail.
import postgres from 'postgres';

export interface ReplicaLab {
  primary: string;
  standby: string;
  pgbouncer: string;
}

export const LAB_HOWTO = 'scripts/replica-lab.sh start && eval "$(scripts/replica-lab.sh env)"';

export function replicaLab(env: NodeJS.ProcessEnv = process.env): ReplicaLab | null {
  const { AOS_TEST_PRIMARY_URL: primary, AOS_TEST_STANDBY_URL: standby, AOS_TEST_PGBOUNCER_URL: pgbouncer } = env;
  return primary && standby && pgbouncer ? { primary, standby, pgbouncer } : null;
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

export interface LabDatabase {
  /** The one database by its three addresses: written on the primary, replayed on the standby. */
  urls: ReplicaLab;
  drop(): Promise<void>;
}

/** A fresh database created on the lab's primary (the standby replays its creation). */
export async function createLabDatabase(lab: ReplicaLab): Promise<LabDatabase> {
  const name = `aos_lab_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = postgres(lab.primary, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end({ timeout: 5 });
  }
  return {
    urls: { primary: withDatabase(lab.primary, name), standby: withDatabase(lab.standby, name), pgbouncer: withDatabase(lab.pgbouncer, name) },
    drop: async () => {
      const a = postgres(lab.primary, { max: 1, onnotice: () => {} });
      try {
        await a.unsafe(`drop database if exists ${name} with (force)`);
      } finally {
        await a.end({ timeout: 5 });
      }
    },
  };
}

/**
 * Waits until the standby has replayed everything the primary had written when called: the
 * primary's current WAL position, then the standby's replay position until it reaches it (the
 * query docs/scaling.md gives a pipeline that imports on the primary and checks on a replica).
 */
export async function waitForReplay(primaryUrl: string, standbyUrl: string, timeoutMs = 30_000): Promise<void> {
  const primary = postgres(primaryUrl, { max: 1, onnotice: () => {} });
  const standby = postgres(standbyUrl, { max: 1, onnotice: () => {} });
  try {
    const [{ lsn }] = (await primary`select pg_current_wal_lsn()::text as lsn`) as unknown as [{ lsn: string }];
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const [{ replayed }] = (await standby`select pg_wal_lsn_diff(pg_last_wal_replay_lsn(), ${lsn}::pg_lsn) >= 0 as replayed`) as unknown as [{ replayed: boolean }];
      if (replayed) return;
      if (Date.now() > deadline) throw new Error(`the standby did not replay up to ${lsn} in ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    await Promise.all([primary.end({ timeout: 1 }), standby.end({ timeout: 1 })]);
  }
}
