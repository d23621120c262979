#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL server when the server binaries are installed (Debian's
# postgresql package), exporting GOLDENPATH_TEST_POSTGRES_URL for the backend's PostgreSQL test.
# Without them the command runs as is and that test reports that it was skipped and why.
set -uo pipefail
pg_bin=""
for d in /usr/lib/postgresql/*/bin; do [ -x "$d/initdb" ] && pg_bin="$d"; done
if [ -z "$pg_bin" ] || [ -n "${GOLDENPATH_TEST_POSTGRES_URL:-}" ]; then exec "$@"; fi
dir=$(mktemp -d /tmp/goldenpath-pg.XXXXXX)
port=55432
run_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  chown postgres "$dir"
fi
if run_pg "$pg_bin/initdb" -D "$dir/data" -U goldenpath --auth=trust > "$dir/initdb.log" 2>&1 \
   && run_pg "$pg_bin/pg_ctl" -D "$dir/data" -o "-p $port -k $dir -c listen_addresses=127.0.0.1" -l "$dir/server.log" -w start > /dev/null 2>&1; then
  export GOLDENPATH_TEST_POSTGRES_URL="postgresql://goldenpath@127.0.0.1:$port/postgres"
  echo "==> throwaway PostgreSQL on 127.0.0.1:$port for the backend's PostgreSQL test"
  "$@"; rc=$?
  run_pg "$pg_bin/pg_ctl" -D "$dir/data" -m fast stop > /dev/null 2>&1
  rm -rf "$dir"
  exit $rc
fi
echo "note: could not start a throwaway PostgreSQL (see $dir/*.log); the PostgreSQL test will be skipped" >&2
exec "$@"
