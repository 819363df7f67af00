#!/usr/bin/env bash
# Measures what PostgreSQL's own tools take on the benchmark's synthetic instance, as floors for
# bench/run.sh's numbers: pg_dump (plain, -Fd -j2, -Fc), reading the filestore, psql -f of the plain dump
# and pg_restore -j2 of the custom one. Each command starts with a flushed and dropped page cache.
#
#   bench/floors.sh [--attachments N] [--filestore-bytes N] [--bulk-rows N] [--dir DIR]
#
# Same defaults and needs as bench/run.sh (root, PostgreSQL server binaries, JDK 21+); prints one line per
# command: name, wall seconds, user and system CPU seconds of the client.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/.." && pwd)"
attachments=57000 fs_bytes=$((3 << 30)) bulk=850000 dir=/var/tmp/lifeboat-floors
while [ $# -gt 0 ]; do
  case "$1" in
    --attachments) attachments="$2"; shift ;;
    --filestore-bytes) fs_bytes="$2"; shift ;;
    --bulk-rows) bulk="$2"; shift ;;
    --dir) dir="$2"; shift ;;
    -h | --help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "floors.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
[ "$(id -u)" = 0 ] || { echo "floors.sh: run as root (drops the page cache, starts PostgreSQL as postgres)" >&2; exit 1; }
JAVA_HOME="$("$repo/scripts/java-home.sh")"; export JAVA_HOME
pgbin="${LIFEBOAT_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}"
"$repo/lifeboat" --version >/dev/null # builds the jar when needed
jar="$repo/lifeboat-cli/target/lifeboat.jar"

rm -rf "$dir"; mkdir -p "$dir/pg" "$dir/fs" "$dir/out"; chown postgres: "$dir/pg"
as_pg() { runuser -u postgres -- "$@"; }
as_pg "$pgbin/initdb" -D "$dir/pg/data" -A trust -U postgres -E UTF8 --locale=C --no-sync >/dev/null
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
printf "listen_addresses = '127.0.0.1'\nport = %s\nunix_socket_directories = '%s'\nmax_connections = 50\n" \
  "$port" "$dir/pg" >>"$dir/pg/data/postgresql.conf"
stop() { as_pg "$pgbin/pg_ctl" -D "$dir/pg/data" -w -m fast stop >/dev/null 2>&1 || true; }
trap stop EXIT
as_pg "$pgbin/pg_ctl" -D "$dir/pg/data" -w -l "$dir/pg/server.log" \
  -o "-c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null # generating only
export PGHOST=127.0.0.1 PGPORT="$port" PGUSER=odoo
PGUSER=postgres "$pgbin/psql" -qAt -d postgres -c "CREATE ROLE odoo LOGIN CREATEDB CREATEROLE" \
  -c "CREATE DATABASE bench OWNER odoo ENCODING 'unicode' LC_COLLATE 'C' TEMPLATE template0"
"$JAVA_HOME/bin/java" -Xmx1g -cp "$jar" "$here/Generate.java" "jdbc:postgresql://127.0.0.1:$port/bench" odoo \
  "$dir/fs/bench" "$attachments" "$fs_bytes" "$bulk" >"$dir/instance.env"
"$pgbin/psql" -qAt -d bench -c "VACUUM ANALYZE"
PGUSER=postgres "$pgbin/psql" -qAt -d postgres -c CHECKPOINT
stop
as_pg "$pgbin/pg_ctl" -D "$dir/pg/data" -w -l "$dir/pg/server.log" start >/dev/null # default settings, as bench/run.sh
echo "instance: $(tr '\n' ' ' <"$dir/instance.env")db_bytes=$("$pgbin/psql" -qAt -d bench -c "SELECT pg_database_size('bench')")"

t() {
  local name=$1; shift
  sync; echo 3 >/proc/sys/vm/drop_caches
  /usr/bin/time -f "$name: %e s wall, %U s user, %S s sys" "$@"
}
t "pg_dump plain" "$pgbin/pg_dump" --no-owner -f "$dir/out/dump.sql" bench
t "pg_dump -Fd -j2 -Z0" "$pgbin/pg_dump" --no-owner -Fd -j2 -Z0 -f "$dir/out/dumpdir" bench
t "pg_dump -Fc -Z0" "$pgbin/pg_dump" --no-owner -Fc -Z0 -f "$dir/out/dump.custom" bench
t "read the filestore" sh -c "find '$dir/fs/bench' -type f -print0 | xargs -0 cat >/dev/null"
"$pgbin/psql" -qAt -d postgres -c "CREATE DATABASE r1 ENCODING 'unicode' LC_COLLATE 'C' TEMPLATE template0"
t "psql -f plain" "$pgbin/psql" -q -d r1 -f "$dir/out/dump.sql" -o /dev/null
"$pgbin/psql" -qAt -d postgres -c "CREATE DATABASE r2 ENCODING 'unicode' LC_COLLATE 'C' TEMPLATE template0"
t "pg_restore -j2" "$pgbin/pg_restore" --no-owner -j2 -d r2 "$dir/out/dump.custom"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
stop
rm -rf "$dir"
