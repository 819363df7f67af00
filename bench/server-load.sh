#!/usr/bin/env bash
# The server under load: starts a throwaway PostgreSQL cluster with a few synthetic Odoo databases, runs
# `lifeboat server` from the shipped jar on a fresh SQLite catalog and a local store, and drives it with
# bench/ServerLoad.java for 60 s: 50 API clients and 20 event-stream subscribers while backups run. Prints
# requests, errors, throughput and latency percentiles per endpoint, the events each subscriber received,
# what the server process used, and whether its event-stream handlers end once their subscribers have
# gone; writes the section "Server under load" of docs/benchmarks.md.
#
#   bench/server-load.sh            60 s, 50 clients, 20 subscribers, 3 databases
#   bench/server-load.sh --quick    15 s, results only under --dir (a smoke test)
#
# Options: --seconds N  --clients N  --subscribers N  --backups N (queued during the load, default one per
# 5 s)  --scrapers N  --scrape-rounds N (after the load, N scrapes of /metrics at the same instant, N times;
# default 20 and 50; 0 leaves them out)  --databases N (one environment each)  --attachments N
# --filestore-bytes N  --bulk-rows N (size of each synthetic database)  --jar FILE (use this lifeboat.jar
# instead of the checkout's, which is built when missing or older than the sources)  --dir DIR (work
# directory, default /var/tmp/lifeboat-server-load)  --keep (keep the work directory)  --doc / --no-doc
# (write docs/benchmarks.md or not).
#
# Needs: root or the postgres OS user, PostgreSQL server binaries (/usr/lib/postgresql/N/bin or
# $LIFEBOAT_PG_BIN), python3, JDK 21+ (with jcmd), Maven with the project's dependencies to build the jar.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/.." && pwd)"

seconds=60 clients=50 subscribers=20 backups="" scrapers=20 scrape_rounds=50 ndb=3 attachments=300 fs_bytes=$((6 << 20)) bulk=5000
jar="" dir=/var/tmp/lifeboat-server-load keep=0 doc=1 doc_set=0 quick=0
command="bench/server-load.sh${*:+ $*}"
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1; seconds=15 ;;
    --seconds) seconds="$2"; shift ;;
    --clients) clients="$2"; shift ;;
    --subscribers) subscribers="$2"; shift ;;
    --backups) backups="$2"; shift ;;
    --scrapers) scrapers="$2"; shift ;;
    --scrape-rounds) scrape_rounds="$2"; shift ;;
    --databases) ndb="$2"; shift ;;
    --attachments) attachments="$2"; shift ;;
    --filestore-bytes) fs_bytes="$2"; shift ;;
    --bulk-rows) bulk="$2"; shift ;;
    --jar) jar="$(realpath "$2")"; shift ;;
    --dir) dir="$2"; shift ;;
    --keep) keep=1 ;;
    --doc) doc=1; doc_set=1 ;;
    --no-doc) doc=0; doc_set=1 ;;
    -h | --help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "server-load.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
if [ "$quick" = 1 ] && [ "$doc_set" = 0 ]; then doc=0; fi
[ -n "$backups" ] || backups=$(( seconds / 5 > 0 ? seconds / 5 : 1 ))

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

command -v python3 >/dev/null || die "python3 is missing"
command -v curl >/dev/null || die "curl is missing"
JAVA_HOME="$("$repo/scripts/java-home.sh")"; export JAVA_HOME
java="$JAVA_HOME/bin/java"
[ -x "$JAVA_HOME/bin/jcmd" ] || die "jcmd is missing from $JAVA_HOME (a JDK is needed)"
pgbin="${LIFEBOAT_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}"
[ -x "$pgbin/initdb" ] || die "no PostgreSQL server binaries (set LIFEBOAT_PG_BIN)"
mkdir -p "$dir"

# ---------------------------------------------------------------- the shipped jar
if [ -z "$jar" ]; then
  jar="$repo/lifeboat-cli/target/lifeboat.jar"
  if [ ! -f "$jar" ] || [ -n "$(find "$repo" -name '*.java' -path '*/src/main/*' -newer "$jar" -print -quit)" ] \
     || [ -n "$(find "$repo" -name pom.xml -newer "$jar" -print -quit)" ]; then
    log "building lifeboat.jar"
    (cd "$repo" && PATH="$JAVA_HOME/bin:$PATH" mvn -B -ntp -q -pl lifeboat-cli -am package -DskipTests \
      -Dspotless.check.skip=true) || die "build failed"
  fi
fi
[ -f "$jar" ] || die "no jar at $jar"

# ---------------------------------------------------------------- throwaway PostgreSQL cluster
run="$dir/run"
rm -rf "$run"
mkdir -p "$run/pg" "$run/data/filestore" "$run/server" "$run/res"
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres: "$run/pg"
pgdata="$run/pg/data"
server_pid=""

cleanup() {
  local rc=$?
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true
  fi
  if [ -f "$pgdata/postmaster.pid" ]; then as_pg "$pgbin/pg_ctl" -D "$pgdata" -m immediate -w stop >/dev/null 2>&1 || true; fi
  if [ "$rc" != 0 ] && [ -d "$run/res" ]; then
    rm -rf "$dir/failed"; mkdir -p "$dir/failed"
    cp -r "$run/res" "$dir/failed/"; cp "$run/server.log" "$run/pg/server.log" "$dir/failed/" 2>/dev/null || true
    log "measurements so far and the server logs: $dir/failed"
  fi
  if [ "$keep" = 0 ]; then rm -rf "$run"; fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

{
  echo "date=$(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "commit=$(git -C "$repo" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)"
  echo "nproc=$(nproc)"
  echo "cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
  echo "ram=$(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
  echo "java=$("$java" -version 2>&1 | head -2 | paste -sd ";" | sed "s/;/; /")"
  echo "postgres=$("$pgbin/postgres" --version)"
  echo "load_start=$(cut -d' ' -f1-3 /proc/loadavg)"
} >"$run/res/machine.env"
cat "$run/res/machine.env" >&2

as_pg "$pgbin/initdb" -D "$pgdata" -A trust -U postgres -E UTF8 --locale=C --no-sync >/dev/null
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
cat >>"$pgdata/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$run/pg'
max_connections = 50
EOF
as_pg "$pgbin/pg_ctl" -D "$pgdata" -w -t 300 -l "$run/pg/server.log" start >/dev/null
sq() { PGUSER=postgres "$pgbin/psql" -h 127.0.0.1 -p "$port" -X -q -v ON_ERROR_STOP=1 -At -d "${2:-postgres}" -c "$1"; }
sq "CREATE ROLE odoo LOGIN CREATEDB CREATEROLE"
dbs=()
for i in $(seq 1 "$ndb"); do
  db="load$i"
  dbs+=("$db")
  sq "CREATE DATABASE $db OWNER odoo ENCODING 'unicode' LC_COLLATE 'C' TEMPLATE template0"
  "$java" -Xmx512m -cp "$jar" "$here/Generate.java" \
    "jdbc:postgresql://127.0.0.1:$port/$db" odoo "$run/data/filestore/$db" "$attachments" "$fs_bytes" "$bulk" \
    | sed "s/^/${db}_/" >>"$run/res/instance.env"
  sq "VACUUM ANALYZE" "$db"
done
log "databases: ${dbs[*]} ($(grep -c . "$run/res/instance.env") facts in instance.env)"
db_bytes="$(sq "SELECT pg_database_size('load1')")"
fs_total="$(du -sb "$run/data/filestore/load1" | cut -f1)"

# ---------------------------------------------------------------- the server
cat >"$run/server/server.yaml" <<EOF
listen: 127.0.0.1:0
server-name: web1
catalog: sqlite:$run/server/catalog.db
store: $run/store
spool: $run/server/spool
secret-file: $run/server/server.key
bootstrap-token-file: $run/server/admin.token
instances:
  main:
    host: 127.0.0.1
    port: $port
    user: odoo
    data-dir: $run/data
    pg-bin: $pgbin
EOF
# as the shipped launcher runs it (lifeboat, lifeboat-server.service): -Xmx256m
# its standard output is one line, "lifeboat server web1 listening on http://127.0.0.1:PORT", read as it comes
coproc SERVER { exec "$java" -Xmx256m --enable-native-access=ALL-UNNAMED -jar "$jar" server \
  --config "$run/server/server.yaml" 2>"$run/server.log"; }
server_pid=$SERVER_PID
api=""
while IFS= read -r -t 300 line <&"${SERVER[0]}"; do
  case "$line" in *"listening on http://"*) api="${line##*listening on }"; break ;; esac
done
[ -n "$api" ] || die "the server did not start: $(tail -20 "$run/server.log")"
log "lifeboat server at $api (pid $server_pid)"

# ---------------------------------------------------------------- the load
dbs_csv="$(IFS=,; echo "${dbs[*]}")"
driver=("$java" -Xmx1g "$here/ServerLoad.java" --url "$api" --token-file "$run/server/admin.token"
  --databases "$dbs_csv" --seconds "$seconds" --clients "$clients" --subscribers "$subscribers"
  --backups "$backups" --scrapers "$scrapers" --scrape-rounds "$scrape_rounds" --markdown "$run/res/load.md")
rc=0
"${driver[@]}" >"$run/res/load.out" || rc=$?
cat "$run/res/load.out"
echo "load_end=$(cut -d' ' -f1-3 /proc/loadavg)" >>"$run/res/machine.env"

# what the server process used (CPU seconds since its start, peak resident memory)
ticks="$(getconf CLK_TCK)"
read -r utime stime < <(awk '{print $14, $15}' "/proc/$server_pid/stat")
echo "server_cpu=$(( (utime + stime) / ticks ))" >>"$run/res/machine.env"
echo "server_hwm=$(awk '/VmHWM/ {printf "%.0f MiB", $2 / 1024}' "/proc/$server_pid/status")" >>"$run/res/machine.env"

# the server's event-stream handlers once the subscribers have gone: count them in thread dumps, one after
# the other (each takes a fraction of a second), until none is left or a minute has passed
handlers() {
  local f="$run/res/threads-$1.txt"
  rm -f "$f"
  "$JAVA_HOME/bin/jcmd" "$server_pid" Thread.dump_to_file -format=text "$f" >/dev/null
  grep -c 'io\.lifeboat\.server\.Api\.stream(' "$f" || true
}
t0=$(date +%s)
first="$(handlers first)"
echo "handlers_after_disconnect=$first" >>"$run/res/machine.env"
gone=""
while :; do
  el=$(( $(date +%s) - t0 ))
  n="$(handlers last)"
  if [ "$n" = 0 ]; then gone="$el"; break; fi
  [ "$el" -ge 60 ] && break
done
echo "handlers_gone_after=${gone:-more than 60}" >>"$run/res/machine.env"
log "event-stream handlers still running after the subscribers disconnected: $first; none left after ${gone:-more than 60} s"

kill "$server_pid"
wait "$server_pid" || true
server_pid=""
warnings="$(grep -c -E '^(WARN|ERROR) ' "$run/server.log" || true)"
echo "server_warnings=$warnings" >>"$run/res/machine.env"
grep -E '^(WARN|ERROR) ' "$run/server.log" | sed -E 's/[0-9a-f]{8}-[0-9a-f-]{27}/…/g' | sort | uniq -c | sort -rn | sed 's/^ *//' | head -20 \
  >"$run/res/warnings.txt" || true
log "server log: $warnings warnings and errors"
[ "$warnings" = 0 ] || head -20 "$run/res/warnings.txt" >&2

# ---------------------------------------------------------------- report
python3 - "$run/res" "$command" "$doc" "$repo/docs/benchmarks.md" "$db_bytes" "$fs_total" "$rc" <<'PY'
import os, re, sys
res, command, doc, path, db_bytes, fs_total, rc = sys.argv[1:8]
doc = doc == "1"

def env(name):
    out = {}
    for line in open(os.path.join(res, name)):
        if "=" in line:
            k, v = line.rstrip("\n").split("=", 1)
            out[k] = v
    return out

m = env("machine.env")
inst = env("instance.env")
load = open(os.path.join(res, "load.md")).read().strip() if os.path.exists(os.path.join(res, "load.md")) else "(no result)"
warnings = open(os.path.join(res, "warnings.txt")).read().strip()
lines = [
    "## Server under load",
    "",
    f"`{command}` on commit `{m['commit']}`, {m['date']}. Machine: `nproc` {m['nproc']} ({m['cpu']}),"
    f" {m['ram']} RAM; {m['java']}; {m['postgres']}. Load average {m['load_start']} at the start,"
    f" {m.get('load_end', '?')} at the end.",
    "",
    "One `lifeboat server` (`java -Xmx256m -jar lifeboat.jar server`, as the launcher and the systemd unit run it;"
    " SQLite catalog, local store, `workers: 2`, other settings at their defaults), a throwaway PostgreSQL cluster"
    f" with {len([k for k in inst if k.endswith('_gen_attachments')])} synthetic Odoo databases"
    f" (`io.lifeboat.demo.SyntheticInstance`, each {int(db_bytes) / 1048576:,.1f} MiB of database and"
    f" {int(fs_total) / 1048576:,.1f} MiB of filestore), and the load driver `bench/ServerLoad.java` (JDK only,"
    " its own JVM), all on the same machine over loopback. Each client has its own HTTP/1.1 connection and sends"
    " its next request as soon as the previous one is answered; half use the admin's token, half a viewer's."
    " The mix: 25% list backups (filters and paging), 20% get a backup, 10% get a restore, 5% list restores, 12%"
    " list environments, 10% compatible environments, 6% `/metrics`, 12% `/health`; the backups are queued by"
    " a project member, evenly spread. Latencies are measured by the driver, from sending to the whole answer.",
    "",
    load,
    "",
    f"The server process used {m['server_cpu']} s of CPU from its start until the driver ended (setup, first"
    f" backups and restore included), peak resident memory {m['server_hwm']}. Its log holds"
    f" {m['server_warnings']} warnings and errors.",
    "",
    f"Event-stream handlers still running on the server after the driver had disconnected its subscribers and"
    f" its own watcher stream (counted in thread dumps, `jcmd Thread.dump_to_file`):"
    f" {m['handlers_after_disconnect']} right after; the last one ended {m['handlers_gone_after']} s later.",
    "",
]
if warnings:
    lines += ["The server log's warnings and errors (count, line; ids replaced by …):", "", "```", warnings, "```", ""]
section = "\n".join(lines)
print(section)
if rc != "0":
    print(f"warning: the load driver exited with {rc}", file=sys.stderr)
if doc:
    text = open(path).read() if os.path.exists(path) else "# Benchmarks\n"
    mm = re.search(r"^## Server under load\n.*?(?=^## |\Z)", text, flags=re.S | re.M)
    text = text[:mm.start()] + section + "\n" + text[mm.end():] if mm else text.rstrip("\n") + "\n\n" + section
    open(path, "w").write(text.rstrip("\n") + "\n")
PY
if [ "$doc" = 1 ]; then log "docs/benchmarks.md updated"; fi
exit "$rc"
