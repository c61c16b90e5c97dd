#!/usr/bin/env bash
# Start or stop a private PostgreSQL + PostGIS cluster for the store tests.
#   .ci/postgres.sh start DIR   -> prints a SQLAlchemy URL (unix socket in DIR, random port)
#   .ci/postgres.sh stop DIR
# The cluster lives only in DIR; nothing is installed system-wide beyond the Debian packages.
set -euo pipefail
action=${1:?start|stop}
dir=${2:?directory}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$bin" ] || { echo "postgresql is not installed" >&2; exit 1; }
as_pg=()
if [ "$(id -u)" = 0 ]; then
  as_pg=(runuser -u postgres --)   # initdb refuses to run as root
fi
case "$action" in
  start)
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    "${as_pg[@]}" "$bin/initdb" -D "$dir/data" -U siting --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1
    "${as_pg[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
      -o "-p $port -k $dir -c listen_addresses='' -c fsync=off -c max_connections=200" start >/dev/null
    "${as_pg[@]}" "$bin/createdb" -h "$dir" -p "$port" -U siting siting_test
    "${as_pg[@]}" "$bin/psql" -q -h "$dir" -p "$port" -U siting -d siting_test \
      -c "CREATE EXTENSION IF NOT EXISTS postgis" >/dev/null
    echo "postgresql+psycopg://siting@/siting_test?host=$dir&port=$port"
    ;;
  stop)
    [ -d "$dir/data" ] && "${as_pg[@]}" "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
    ;;
  *) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
