#!/usr/bin/env bash
# Measures WAL archiving: the latency PostgreSQL sees from archive_command (lifeboat-wal-spool, and
# 'lifeboat wal push' for comparison) and the sustained segments per second 'lifeboat wal archiver'
# moves into a local repository. The WAL is real: a throwaway cluster under pgbench archives its
# segments (full_page_writes on, as in production).
#
#   bench/wal-bench.sh [--scale N] [--seconds N] [--dir DIR]
#
# Needs root (starts PostgreSQL as postgres), PostgreSQL server binaries with pgbench, JDK 21+.
# Prints p50/p99 latencies in milliseconds and segments per second.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/.." && pwd)"
scale=30 seconds=30 dir=/var/tmp/lifeboat-wal-bench
while [ $# -gt 0 ]; do
  case "$1" in
    --scale) scale="$2"; shift ;;
    --seconds) seconds="$2"; shift ;;
    --dir) dir="$2"; shift ;;
    -h | --help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "wal-bench.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
[ "$(id -u)" = 0 ] || { echo "wal-bench.sh: run as root (starts PostgreSQL as postgres)" >&2; exit 1; }
pgbin="${LIFEBOAT_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}"
"$repo/lifeboat" --version >/dev/null # builds the jar when needed
JAVA_HOME="$("$repo/scripts/java-home.sh")"
jar="$repo/lifeboat-cli/target/lifeboat.jar"
lb() { "$JAVA_HOME/bin/java" -Xmx256m --enable-native-access=ALL-UNNAMED -jar "$jar" "$@"; }
spool_cmd="$repo/packaging/pitr/lifeboat-wal-spool"

rm -rf "$dir"; mkdir -p "$dir/pg" "$dir/raw" "$dir/spool"; chown postgres: "$dir/pg" "$dir/raw" "$dir/spool"
as_pg() { runuser -u postgres -- "$@"; }
as_pg "$pgbin/initdb" -D "$dir/pg/data" -A trust -U postgres -E UTF8 --locale=C >/dev/null
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
cat >>"$dir/pg/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir/pg'
archive_mode = on
archive_command = 'cp %p $dir/raw/%f'
max_wal_size = 4GB
CONF
stop() { as_pg "$pgbin/pg_ctl" -D "$dir/pg/data" -w -m fast stop >/dev/null 2>&1 || true; }
trap stop EXIT
as_pg "$pgbin/pg_ctl" -D "$dir/pg/data" -w -l "$dir/pg/server.log" start >/dev/null
export PGHOST=127.0.0.1 PGPORT=$port PGUSER=postgres
"$pgbin/pgbench" -q -i -s "$scale" postgres >/dev/null 2>&1
"$pgbin/pgbench" -c 4 -j 2 -T "$seconds" postgres >/dev/null 2>&1
psql -qAtc "SELECT pg_switch_wal()" postgres >/dev/null
sleep 2
stop
segments=$(find "$dir/raw" -maxdepth 1 -name '[0-9A-F]*' -size 16M | sort)
n=$(echo "$segments" | wc -l)
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r)"
echo "WAL: $n real segments of 16 MiB from pgbench -s $scale, $seconds s"

# archive_command latency, as PostgreSQL runs it: in the data directory, as postgres
python3 - "$dir" "$spool_cmd" <<'PY'
import os, subprocess, sys, time, glob, statistics
d, spool_cmd = sys.argv[1], sys.argv[2]
segs = sorted(p for p in glob.glob(d + "/raw/*") if os.path.getsize(p) == 16 << 20)
lat = []
for p in segs:
    t = time.perf_counter()
    subprocess.run(["runuser", "-u", "postgres", "--", spool_cmd, d + "/spool", p, os.path.basename(p), "100000"],
                   cwd=d + "/pg/data", check=True)
    lat.append((time.perf_counter() - t) * 1000)
lat.sort()
q = lambda f: lat[min(len(lat) - 1, int(f * len(lat)))]
print(f"archive_command lifeboat-wal-spool: p50 {q(0.5):.1f} ms, p99 {q(0.99):.1f} ms, max {lat[-1]:.1f} ms ({len(lat)} segments)")
PY

# sustained archiving into a local repository
lb repo init --repo "$dir/repo" --key "$dir/key" --writer-key "$dir/writer-key" >/dev/null
start=$(date +%s.%N)
lb wal archiver --repo "$dir/repo" --writer-key "$dir/writer-key" --spool "$dir/spool" --once --quiet
end=$(date +%s.%N)
python3 -c "import sys; n=int(sys.argv[1]); s=float(sys.argv[3])-float(sys.argv[2]); print(f'lifeboat wal archiver: {n} segments in {s:.1f} s = {n/s:.1f} segments/s (one JVM, --parallel 2, local repository)')" \
  "$n" "$start" "$end"
du -sh "$dir/repo/wal" | awk '{print "repository wal/: " $1}'

# the synchronous alternative: one JVM per segment
python3 - "$dir" "$JAVA_HOME/bin/java" "$jar" <<'PY'
import os, subprocess, sys, time, glob
d, java, jar = sys.argv[1], sys.argv[2], sys.argv[3]
lb = [java, "-Xmx256m", "--enable-native-access=ALL-UNNAMED", "-jar", jar]
segs = sorted(p for p in glob.glob(d + "/raw/*") if os.path.getsize(p) == 16 << 20)[:10]
subprocess.run(lb + ["repo", "init", "--repo", d + "/repo2", "--key", d + "/key2", "--writer-key", d + "/writer2"], check=True, stdout=subprocess.DEVNULL)
lat = []
for p in segs:
    t = time.perf_counter()
    subprocess.run(lb + ["wal", "push", p, "--pgdata", d + "/pg/data", "--repo", d + "/repo2", "--writer-key", d + "/writer2", "--quiet"], check=True)
    lat.append((time.perf_counter() - t) * 1000)
lat.sort()
print(f"archive_command lifeboat wal push (JVM per segment): p50 {lat[len(lat)//2]:.0f} ms, max {lat[-1]:.0f} ms ({len(lat)} segments)")
PY
