#!/usr/bin/env bash
# The replica lab: a primary, a hot standby streaming from it and PgBouncer (transaction pooling)
# in front of the primary, all on loopback ports, for the tests that prove aos works through a
# pooler and answers reads from a standby (test/cli/replica-lab.test.ts
# and the PgBouncer pass of the server suite). CI starts it; a developer can too:
#
#   scripts/replica-lab.sh start            # install PgBouncer if missing (as root), start all three
#   eval "$(scripts/replica-lab.sh env)"    # export AOS_TEST_PRIMARY_URL, _STANDBY_URL, _PGBOUNCER_URL
#   scripts/replica-lab.sh stop             # stop them and remove the lab's directory
#
# AOS_LAB_DIR (default $TMPDIR/aos-replica-lab) holds the clusters, configuration and logs;
# AOS_LAB_PORT (default 55432) is the primary's port, the standby's is the next, PgBouncer's the one
# after; AOS_LAB_PORT=auto takes the first free three from 55432 on (CI: labs side by side).
set -euo pipefail

LAB_DIR="${AOS_LAB_DIR:-${TMPDIR:-/tmp}/aos-replica-lab}"

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# The ports a started lab chose are kept in its directory, for env and stop.
if [ -f "$LAB_DIR/ports" ]; then
  PRIMARY_PORT="$(cat "$LAB_DIR/ports")"
elif [ "${AOS_LAB_PORT:-}" = auto ]; then
  PRIMARY_PORT=55432
  until port_free "$PRIMARY_PORT" && port_free $((PRIMARY_PORT + 1)) && port_free $((PRIMARY_PORT + 2)); do
    PRIMARY_PORT=$((PRIMARY_PORT + 10))
    [ "$PRIMARY_PORT" -lt 56000 ] || { echo "replica-lab: no three free ports in 55432-55999" >&2; exit 1; }
  done
else
  PRIMARY_PORT="${AOS_LAB_PORT:-55432}"
fi
STANDBY_PORT=$((PRIMARY_PORT + 1))
BOUNCER_PORT=$((PRIMARY_PORT + 2))

say() { echo "replica-lab: $*" >&2; }
die() { say "$*"; exit 1; }

pg_bin() {
  if [ -n "${PG_BIN:-}" ]; then echo "$PG_BIN"; return; fi
  local version
  version="$(ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -n 1)"
  [ -n "$version" ] || die "no PostgreSQL binaries under /usr/lib/postgresql (set PG_BIN)"
  echo "/usr/lib/postgresql/$version/bin"
}

# PostgreSQL and PgBouncer refuse to run as root: as root, run them as the postgres user.
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pgbouncer_bin() {
  command -v pgbouncer 2>/dev/null || { [ -x /usr/sbin/pgbouncer ] && echo /usr/sbin/pgbouncer; } || true
}

install_pgbouncer() {
  [ -n "$(pgbouncer_bin)" ] && return
  [ "$(id -u)" = 0 ] || die "PgBouncer is not installed: run 'apt-get install pgbouncer' as root (or this script as root)"
  say "installing PgBouncer from the Debian packages"
  # A fresh image may have no package lists yet; the lock timeout waits for another apt run.
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=300 install -y -q --no-install-recommends pgbouncer >/dev/null 2>&1 || {
    apt-get -o DPkg::Lock::Timeout=300 update -q >/dev/null
    apt-get -o DPkg::Lock::Timeout=300 install -y -q --no-install-recommends pgbouncer >/dev/null
  }
  [ -n "$(pgbouncer_bin)" ] || die "PgBouncer did not install"
}

psql_at() { # port sql
  "$(pg_bin)/psql" -h 127.0.0.1 -p "$1" -U postgres -d postgres -XAtq -v ON_ERROR_STOP=1 -c "$2"
}

standby_ready() { [ "$(psql_at "$STANDBY_PORT" 'select pg_is_in_recovery()' 2>/dev/null)" = t ]; }

running() {
  psql_at "$PRIMARY_PORT" 'select 1' >/dev/null 2>&1 && standby_ready &&
    psql_at "$BOUNCER_PORT" 'select 1' >/dev/null 2>&1
}

wait_for() { # what command...
  local what="$1"; shift
  for _ in $(seq 1 60); do "$@" >/dev/null 2>&1 && return; sleep 0.5; done
  die "$what did not come up (logs in $LAB_DIR)"
}

start() {
  if running; then say "already running (primary :$PRIMARY_PORT, standby :$STANDBY_PORT, PgBouncer :$BOUNCER_PORT)"; return; fi
  # What a stopped or half-started lab left there (an empty directory, as CI's mktemp, is used as is).
  if [ -n "$(ls -A "$LAB_DIR" 2>/dev/null)" ]; then stop; fi
  install_pgbouncer
  local bin bouncer
  bin="$(pg_bin)"
  bouncer="$(pgbouncer_bin)"
  for port in "$PRIMARY_PORT" "$STANDBY_PORT" "$BOUNCER_PORT"; do
    port_free "$port" || die "port $port is taken (set AOS_LAB_PORT to another, or auto)"
  done
  mkdir -p "$LAB_DIR"
  echo "$PRIMARY_PORT" >"$LAB_DIR/ports"
  if [ "$(id -u)" = 0 ]; then chown postgres: "$LAB_DIR"; fi

  # The primary: trust on loopback (initdb's default pg_hba also lets replication in), no fsync
  # (a test lab), and room for PgBouncer's pools next to the tests' own connections.
  as_owner "$bin/initdb" -D "$LAB_DIR/primary" -U postgres --auth=trust -E UTF8 --no-sync >/dev/null
  cat >>"$LAB_DIR/primary/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$LAB_DIR'
fsync = off
max_connections = 200
wal_level = replica
max_wal_senders = 5
hot_standby = on
hot_standby_feedback = on
EOF
  as_owner "$bin/pg_ctl" -D "$LAB_DIR/primary" -o "-p $PRIMARY_PORT" -l "$LAB_DIR/primary.log" -w start >/dev/null

  # The standby: a base backup with -R (standby.signal and primary_conninfo), so it streams from
  # the primary and answers reads; the postgresql.conf above comes with the backup.
  as_owner "$bin/pg_basebackup" -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -D "$LAB_DIR/standby" -R -X stream -c fast
  as_owner "$bin/pg_ctl" -D "$LAB_DIR/standby" -o "-p $STANDBY_PORT" -l "$LAB_DIR/standby.log" -w start >/dev/null
  wait_for "the standby" standby_ready

  # PgBouncer in transaction pooling mode in front of the primary; every database name goes to
  # the primary's database of that name (the tests create one per test file). A small pool, so
  # that processes at once share server connections, transaction by transaction, as in production.
  cat >"$LAB_DIR/pgbouncer.ini" <<EOF
[databases]
* = host=127.0.0.1 port=$PRIMARY_PORT

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $BOUNCER_PORT
unix_socket_dir = $LAB_DIR
auth_type = trust
auth_file = $LAB_DIR/userlist.txt
admin_users = postgres
pool_mode = transaction
max_client_conn = 500
default_pool_size = 4
server_idle_timeout = 30
logfile = $LAB_DIR/pgbouncer.log
pidfile = $LAB_DIR/pgbouncer.pid
EOF
  echo '"postgres" ""' >"$LAB_DIR/userlist.txt"
  if [ "$(id -u)" = 0 ]; then chown postgres: "$LAB_DIR/pgbouncer.ini" "$LAB_DIR/userlist.txt"; fi
  as_owner "$bouncer" -q -d "$LAB_DIR/pgbouncer.ini"
  wait_for "PgBouncer" psql_at "$BOUNCER_PORT" 'select 1'
  say "primary :$PRIMARY_PORT, standby :$STANDBY_PORT, PgBouncer (transaction pooling) :$BOUNCER_PORT — $LAB_DIR"
}

stop() {
  local bin
  bin="$(pg_bin)"
  if [ -f "$LAB_DIR/pgbouncer.pid" ]; then
    kill -INT "$(cat "$LAB_DIR/pgbouncer.pid")" 2>/dev/null || true
  fi
  for cluster in standby primary; do
    if [ -d "$LAB_DIR/$cluster" ]; then as_owner "$bin/pg_ctl" -D "$LAB_DIR/$cluster" -m fast -w stop >/dev/null 2>&1 || true; fi
  done
  rm -rf "$LAB_DIR"
  say "stopped"
}

env_vars() {
  running || die "not running: start it with scripts/replica-lab.sh start"
  echo "export AOS_TEST_PRIMARY_URL=postgres://postgres@127.0.0.1:$PRIMARY_PORT/postgres"
  echo "export AOS_TEST_STANDBY_URL=postgres://postgres@127.0.0.1:$STANDBY_PORT/postgres"
  echo "export AOS_TEST_PGBOUNCER_URL=postgres://postgres@127.0.0.1:$BOUNCER_PORT/postgres"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  env) env_vars ;;
  *) echo "usage: $0 start|stop|env" >&2; exit 2 ;;
esac
