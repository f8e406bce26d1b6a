#!/usr/bin/env bash
# Runs a command with DATABASE_URL pointing at PostgreSQL. With PG_URL set, that server is used as it is.
# Otherwise a throwaway cluster is made in a temporary folder (initdb, trust auth for its own superuser
# `postgres`), started on a free loopback port with its socket in that folder, and stopped and deleted when the
# command ends, whatever its result. As root the cluster runs as the `postgres` system user (PostgreSQL refuses
# to run as root).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

if [ -n "${PG_URL:-}" ]; then
  DATABASE_URL=$PG_URL exec "$@"
fi

initdb=$("$here/pg-bin.sh" initdb) || { echo "with-postgres: no initdb (install Debian's postgresql)" >&2; exit 1; }
pg_ctl=$(dirname "$initdb")/pg_ctl
[ -x "$pg_ctl" ] || pg_ctl=$("$here/pg-bin.sh" pg_ctl)

as_owner=()
if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --home-dir /nonexistent --shell /usr/sbin/nologin postgres
  as_owner=(runuser -u postgres --)
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/zhiban-pg.XXXXXX")
chmod 755 "$dir"
[ ${#as_owner[@]} -eq 0 ] || chown postgres "$dir"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

stop() {
  "${as_owner[@]}" "$pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT

"${as_owner[@]}" "$initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
  || { cat "$dir/initdb.log" >&2; exit 1; }
# Settings for a disposable test server: no durability, more connections for the concurrency tests.
"${as_owner[@]}" "$pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start -o \
  "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
  >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
echo "with-postgres: throwaway PostgreSQL on 127.0.0.1:$port ($dir)"

set +e
DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres" "$@"
status=$?
exit $status
