#!/usr/bin/env bash
# Times a point-in-time side copy: a database of about 1 GB (pgbench -s 70), a base backup into a
# local repository, then pgbench load for --load-seconds (default 600) while the real archiving
# pipeline runs (lifeboat-wal-spool as archive_command, 'lifeboat wal archiver' resident), then
# 'lifeboat recover' to two seconds before the end of the load (10 minutes after the base backup by
# default).
#
#   bench/pitr-bench.sh [--scale N] [--load-seconds N] [--dir DIR]
#
# Needs root (starts PostgreSQL as postgres), PostgreSQL server binaries with pgbench, JDK 21+.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/.." && pwd)"
scale=70 load=600 dir=/var/tmp/lifeboat-pitr-bench
while [ $# -gt 0 ]; do
  case "$1" in
    --scale) scale="$2"; shift ;;
    --load-seconds) load="$2"; shift ;;
    --dir) dir="$2"; shift ;;
    -h | --help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "pitr-bench.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
[ "$(id -u)" = 0 ] || { echo "pitr-bench.sh: run as root (starts PostgreSQL as postgres)" >&2; exit 1; }
pgbin="${LIFEBOAT_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}"
"$repo/lifeboat" --version >/dev/null # builds the jar when needed
JAVA_HOME="$("$repo/scripts/java-home.sh")"
jar="$repo/lifeboat-cli/target/lifeboat.jar"
lb() { "$JAVA_HOME/bin/java" -Xmx256m --enable-native-access=ALL-UNNAMED -jar "$jar" "$@"; }

for d in "$dir"/side/data; do [ -f "$d/postmaster.pid" ] && runuser -u postgres -- "$pgbin/pg_ctl" -D "$d" -m immediate stop >/dev/null 2>&1 || true; done
rm -rf "$dir"; mkdir -p "$dir/pg" "$dir/spool"; chown postgres: "$dir/pg" "$dir/spool"
as_pg() { runuser -u postgres -- "$@"; }
as_pg "$pgbin/initdb" -D "$dir/pg/data" -A trust -U postgres -E UTF8 --locale=C >/dev/null
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
cat >>"$dir/pg/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir/pg'
archive_mode = on
archive_command = '$repo/packaging/pitr/lifeboat-wal-spool $dir/spool %p %f 100000'
archive_timeout = 60
max_wal_size = 2GB
CONF
archiver_pid=
stop() {
  [ -n "$archiver_pid" ] && kill "$archiver_pid" 2>/dev/null || true
  as_pg "$pgbin/pg_ctl" -D "$dir/pg/data" -w -m fast stop >/dev/null 2>&1 || true
  [ -f "$dir/side/data/postmaster.pid" ] && as_pg "$pgbin/pg_ctl" -D "$dir/side/data" -m immediate stop >/dev/null 2>&1 || true
}
trap stop EXIT
as_pg "$pgbin/pg_ctl" -D "$dir/pg/data" -w -l "$dir/pg/server.log" start >/dev/null
export PGHOST=127.0.0.1 PGPORT=$port PGUSER=postgres
lb repo init --repo "$dir/repo" --key "$dir/key" --writer-key "$dir/writer-key" >/dev/null
"$JAVA_HOME/bin/java" -Xmx256m --enable-native-access=ALL-UNNAMED -jar "$jar" \
  wal archiver --repo "$dir/repo" --writer-key "$dir/writer-key" --spool "$dir/spool" --quiet &
archiver_pid=$!

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r)"
"$pgbin/pgbench" -q -i -s "$scale" postgres >/dev/null 2>&1
echo "database: $(psql -Atc "SELECT pg_size_pretty(pg_database_size('postgres'))" postgres) (pgbench -s $scale)"
t0=$(date +%s.%N)
lb basebackup --db-host 127.0.0.1 --db-port "$port" --db-user postgres --instance bench \
  --repo "$dir/repo" --writer-key "$dir/writer-key" --quiet
t1=$(date +%s.%N)
echo "basebackup: $(python3 -c "print(f'{$t1 - $t0:.1f}')") s"
"$pgbin/pgbench" -c 4 -j 2 -T "$load" postgres 2>/dev/null | grep -E "^tps|transactions actually" || true
# the target: two seconds before the load ended (a moment with commits on both sides)
target=$(psql -Atc "SELECT to_char((clock_timestamp() - interval '2 seconds') AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')" postgres)
psql -Atc "SELECT pg_switch_wal()" postgres >/dev/null
# wait until PostgreSQL has archived and the archiver has emptied the spool
for _ in $(seq 1 600); do
  ready=$(find "$dir/pg/data/pg_wal/archive_status" -name '*.ready' | wc -l)
  waiting=$(find "$dir/spool" -type f ! -name '.*' | wc -l)
  [ "$ready" = 0 ] && [ "$waiting" = 0 ] && break
  sleep 1
done
lb wal verify --repo "$dir/repo" --writer-key "$dir/writer-key" | tail -2
t2=$(date +%s.%N)
lb recover --repo "$dir/repo" --key "$dir/key" --into "$dir/side" --time "$target" --no-progress
t3=$(date +%s.%N)
echo "recover to $target ($load s of load after the base backup): $(python3 -c "print(f'{$t3 - $t2:.1f}')") s"
