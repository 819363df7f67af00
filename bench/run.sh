#!/usr/bin/env bash
# Benchmarks `lifeboat backup` and `lifeboat restore --jobs 2` (of its own zip and of Odoo's) against Odoo's own method (pg_dump to a
# file + filestore copy + zip with deflate; unzip + psql -f + filestore move) on a synthetic instance,
# and writes the results to docs/benchmarks.md (section "Backup and restore (Odoo zip)").
#
#   bench/run.sh                 full size (>= 1 GiB database, 3 GiB / 50,000+ files), 3 runs
#   bench/run.sh --quick         small instance, 1 run, results only under --dir (a smoke test)
#
# Options: --runs N  --attachments N  --filestore-bytes N  --bulk-rows N  --rev REV (commit to build,
# default HEAD)  --dir DIR (work directory, default /var/tmp/lifeboat-bench)  --keep (keep the
# instance)  --no-drop-caches  --doc / --no-doc (write docs/benchmarks.md or not)  --profile (record
# each Lifeboat step with Java Flight Recorder; the recordings stay with the raw measurements)
# --backup-flags "ARGS" (extra `lifeboat backup` flags, e.g. "--level 3", to try other settings).
#
# Needs: root or the postgres OS user, PostgreSQL server binaries (/usr/lib/postgresql/N/bin or
# $LIFEBOAT_PG_BIN), python3, GNU time (/usr/bin/time), JDK 21+, Maven with the project's
# dependencies, and about 25 GB of free disk for the full size.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/.." && pwd)"

runs=3 attachments=57000 fs_bytes=$((3 << 30)) bulk=850000 rev=HEAD dir=/var/tmp/lifeboat-bench
keep=0 drop=1 doc=1 quick=0 profile=0 backup_flags=""
doc_set=0 command="bench/run.sh${*:+ $*}"
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1; runs=1; attachments=2000; fs_bytes=$((200 << 20)); bulk=100000 ;;
    --runs) runs="$2"; shift ;;
    --attachments) attachments="$2"; shift ;;
    --filestore-bytes) fs_bytes="$2"; shift ;;
    --bulk-rows) bulk="$2"; shift ;;
    --rev) rev="$2"; shift ;;
    --dir) dir="$2"; shift ;;
    --keep) keep=1 ;;
    --no-drop-caches) drop=0 ;;
    --profile) profile=1 ;;
    --backup-flags) backup_flags="$2"; shift ;;
    --doc) doc=1; doc_set=1 ;;
    --no-doc) doc=0; doc_set=1 ;;
    -h | --help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
if [ "$quick" = 1 ] && [ "$doc_set" = 0 ]; then doc=0; fi

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

[ -x /usr/bin/time ] || die "GNU time is missing (apt-get install -y time)"
command -v python3 >/dev/null || die "python3 is missing"
JAVA_HOME="$("$repo/scripts/java-home.sh")"; export JAVA_HOME
pgbin="${LIFEBOAT_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}"
[ -x "$pgbin/initdb" ] || die "no PostgreSQL server binaries (set LIFEBOAT_PG_BIN)"
mkdir -p "$dir"

# ---------------------------------------------------------------- build the commit under test
# the newest commit at or before REV that changed the product (commits touching only bench/ or docs/ reuse its build)
sha="$(git -C "$repo" log -1 --format=%H "$rev^{commit}" -- . ':(exclude)bench' ':(exclude)docs')"
[ -n "$sha" ] || die "no commit found at $rev"
src="$dir/build-${sha:0:12}"
jar="$src/lifeboat-cli/target/lifeboat.jar"
if [ ! -f "$jar" ]; then
  log "building $rev (${sha:0:12}) in $src"
  rm -rf "$src"; mkdir -p "$src"
  git -C "$repo" archive "$sha" | tar -x -C "$src"
  mvn_args=(-B -q -ntp -DskipTests -Dspotless.check.skip=true package)
  (cd "$src" && PATH="$JAVA_HOME/bin:$PATH" mvn -o "${mvn_args[@]}") \
    || (cd "$src" && PATH="$JAVA_HOME/bin:$PATH" mvn "${mvn_args[@]}") || die "build failed"
fi
lifeboat="$src/lifeboat"   # the checkout's own launcher: same JVM flags as users get

# ---------------------------------------------------------------- throwaway PostgreSQL cluster
run="$dir/run"
rm -rf "$run"
mkdir -p "$run/pg" "$run/data/filestore" "$run/out" "$run/tmp" "$run/res"
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres: "$run/pg"
pgdata="$run/pg/data"

cleanup() {
  local rc=$?
  if [ -f "$pgdata/postmaster.pid" ]; then as_pg "$pgbin/pg_ctl" -D "$pgdata" -m immediate -w stop >/dev/null 2>&1 || true; fi
  if [ "$rc" != 0 ] && [ -d "$run/res" ]; then
    rm -rf "$dir/failed"; mkdir -p "$dir/failed"
    cp -r "$run/res" "$dir/failed/"; cp "$run/pg/server.log" "$dir/failed/" 2>/dev/null || true
    log "measurements so far and the server log: $dir/failed"
  fi
  if [ "$keep" = 0 ]; then rm -rf "$run"; fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

as_pg "$pgbin/initdb" -D "$pgdata" -A trust -U postgres -E UTF8 --locale=C --no-sync >/dev/null
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
cat >>"$pgdata/postgresql.conf" <<EOF
# lifeboat benchmark: otherwise PostgreSQL's defaults (fsync, full_page_writes, shared_buffers 128MB)
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$run/pg'
max_connections = 50
EOF
pg_start() { as_pg "$pgbin/pg_ctl" -D "$pgdata" -w -t 300 -l "$run/pg/server.log" "$@" start >/dev/null; }
pg_stop() { as_pg "$pgbin/pg_ctl" -D "$pgdata" -w -t 300 -m fast stop >/dev/null; }
export PGHOST=127.0.0.1 PGPORT="$port" PGUSER=odoo
unset PGDATABASE PGPASSWORD
sq() { PGUSER=postgres "$pgbin/psql" -X -q -v ON_ERROR_STOP=1 -At -d "${2:-postgres}" -c "$1"; }
q() { "$pgbin/psql" -X -q -v ON_ERROR_STOP=1 -At -d "$2" -c "$1"; }

# ---------------------------------------------------------------- the synthetic instance (once)
log "generating the instance: $attachments attachments, $fs_bytes filestore bytes, $bulk bulk rows"
pg_start -o "-c fsync=off -c synchronous_commit=off -c full_page_writes=off" # durability off while generating only
sq "CREATE ROLE odoo LOGIN CREATEDB CREATEROLE"
sq "CREATE DATABASE bench OWNER odoo ENCODING 'unicode' LC_COLLATE 'C' TEMPLATE template0"
"$JAVA_HOME/bin/java" -Xmx1g -cp "$jar" "$here/Generate.java" \
  "jdbc:postgresql://127.0.0.1:$port/bench" odoo "$run/data/filestore/bench" "$attachments" "$fs_bytes" "$bulk" \
  >"$run/res/instance.env"
q "VACUUM ANALYZE" bench
sq "CHECKPOINT"
pg_stop
pg_start
{
  echo "db_bytes=$(q "SELECT pg_database_size('bench')" bench)"
  echo "fs_files=$(find "$run/data/filestore/bench" -type f | wc -l)"
  echo "fs_bytes=$(du -sb "$run/data/filestore/bench" | cut -f1)"
  echo "fs_apparent_bytes=$(find "$run/data/filestore/bench" -type f -printf '%s\n' | awk '{s += $1} END {printf "%.0f\n", s}')"
} >>"$run/res/instance.env"
cat "$run/res/instance.env" >&2
if [ "$quick" = 0 ]; then
  db_bytes="$(grep '^db_bytes=' "$run/res/instance.env" | cut -d= -f2)"
  distinct="$(grep '^gen_distinct_files=' "$run/res/instance.env" | cut -d= -f2)"
  [ "$db_bytes" -ge $((1 << 30)) ] || log "warning: the database is smaller than 1 GiB; raise --bulk-rows"
  [ "$distinct" -ge 50000 ] || log "warning: fewer than 50,000 files; raise --attachments"
fi

# ---------------------------------------------------------------- the machine
{
  echo "date=$(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "commit=$sha"
  echo "nproc=$(nproc)"
  echo "cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
  echo "ram=$(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
  echo "disk=$(df -hT "$dir" | awk 'NR == 2 {print $2 ", " $3 " total, " $5 " free before the run"}')"
  echo "kernel=$(uname -r)"
  echo "jdk=$("$JAVA_HOME/bin/java" -version 2>&1 | head -1)"
  echo "postgres=$("$pgbin/postgres" --version)"
  echo "python=$(python3 --version 2>&1)"
  echo "load_start=$(cut -d' ' -f1-3 /proc/loadavg)"
  echo "runs=$runs"
  echo "lb_level=$("$lifeboat" backup --help 2>&1 | tr -s ' \n' ' ' | sed -n 's/.*Deflate level 1-9[^.]*\. Default: \([0-9]\).*/\1/p' || true)"
  echo "lb_backup_flags=$backup_flags"
} >"$run/res/machine.env"

# ---------------------------------------------------------------- timed steps
if [ "$drop" = 1 ]; then
  sync
  if ! (echo 3 >/proc/sys/vm/drop_caches) 2>/dev/null; then
    drop=0; log "cannot drop the page cache: every step runs with whatever is cached"
  fi
fi
echo "drop_caches=$drop" >>"$run/res/machine.env"

# Flushes dirty pages and empties the page cache, so every timed step starts cold and pays for its own writes.
cold() {
  sync
  if [ "$drop" = 1 ]; then echo 3 >/proc/sys/vm/drop_caches; fi
}

# timed NAME CMD...: runs CMD cold under GNU time; NAME.time holds "wall maxrss_kb user sys".
timed() {
  local name=$1; shift
  cold
  echo "load=$(cut -d' ' -f1 /proc/loadavg)" >"$run/res/$name.load"
  log "$name"
  local rc=0
  TMPDIR="$run/tmp" /usr/bin/time -o "$run/res/$name.time" -f '%e %M %U %S' "$@" \
    >"$run/res/$name.out" 2>"$run/res/$name.err" || rc=$?
  if [ "$rc" = 3 ]; then
    log "$name finished with warnings: $(tail -c 400 "$run/res/$name.out")"
  elif [ "$rc" != 0 ]; then
    tail -20 "$run/res/$name.err" >&2
    die "$name failed with exit code $rc"
  fi
  log "$name: $(cut -d' ' -f1 "$run/res/$name.time") s"
}

odoo_zip="$run/out/odoo.zip"
lb_zip="$run/out/lifeboat.zip"
odoo_backup() {
  timed "odoo_backup_$1" python3 "$here/odoo_method.py" backup -d bench --data-dir "$run/data" --pg-bin "$pgbin" \
    -o "$odoo_zip" --timings "$run/res/odoo_backup_$1.json"
}
# jfr NAME: JVM options that record the step NAME with Flight Recorder when --profile is on.
jfr() { if [ "$profile" = 1 ]; then echo "-XX:StartFlightRecording=filename=$run/res/$1.jfr,settings=profile"; fi; }
lb_backup() {
  JAVA_TOOL_OPTIONS="$(jfr "lb_backup_$1")" timed "lb_backup_$1" "$lifeboat" backup -d bench -o "$lb_zip" --data-dir "$run/data" --pg-bin "$pgbin" --json --no-progress \
    $backup_flags
}
odoo_restore() {
  timed "odoo_restore_$1" python3 "$here/odoo_method.py" restore -d "odoo_r$1" --data-dir "$run/data" --pg-bin "$pgbin" \
    -i "$odoo_zip" --timings "$run/res/odoo_restore_$1.json"
}
lb_restore_odoozip() {
  JAVA_TOOL_OPTIONS="$(jfr "lb_restore_odoozip_$1")" timed "lb_restore_odoozip_$1" "$lifeboat" restore "$odoo_zip" -d "lbo_r$1" --jobs 2 \
    --data-dir "$run/data" --pg-bin "$pgbin" --json --no-progress
}
lb_restore() {
  JAVA_TOOL_OPTIONS="$(jfr "lb_restore_$1")" timed "lb_restore_$1" "$lifeboat" restore "$lb_zip" -d "lb_r$1" --jobs 2 --data-dir "$run/data" --pg-bin "$pgbin" \
    --json --no-progress
}

counts() { q "SELECT (SELECT count(*) FROM ir_attachment) || ' ' || (SELECT count(*) FROM account_move_line) || ' ' || (SELECT count(*) FROM res_users)" "$1"; }
src_counts="$(counts bench)"
src_files="$(grep '^fs_files=' "$run/res/instance.env" | cut -d= -f2)"
src_plain_files="$(find "$run/data/filestore/bench" -type f -not -path '*/checklist/*' | wc -l)"   # Odoo's GC markers are not restored
ref_files="$(q "SELECT count(DISTINCT store_fname) FROM ir_attachment WHERE store_fname IS NOT NULL" bench)"

for i in $(seq 1 "$runs"); do
  log "run $i of $runs"
  # alternate which method goes first so neither always meets the other's leftovers
  if [ $((i % 2)) = 1 ]; then odoo_backup "$i"; lb_backup "$i"; else lb_backup "$i"; odoo_backup "$i"; fi
  if [ $((i % 2)) = 1 ]; then odoo_restore "$i"; lb_restore "$i"; else lb_restore "$i"; odoo_restore "$i"; fi
  lb_restore_odoozip "$i"
  # both restores must hold the whole instance
  [ "$(counts "odoo_r$i")" = "$src_counts" ] || die "Odoo-method restore differs from the source: $(counts "odoo_r$i") vs $src_counts"
  [ "$(counts "lb_r$i")" = "$src_counts" ] || die "Lifeboat restore differs from the source: $(counts "lb_r$i") vs $src_counts"
  [ "$(counts "lbo_r$i")" = "$src_counts" ] || die "Lifeboat restore of Odoo's zip differs from the source: $(counts "lbo_r$i")"
  of="$(find "$run/data/filestore/odoo_r$i" -type f | wc -l)"
  lf="$(find "$run/data/filestore/lb_r$i" -type f | wc -l)"
  [ "$of" = "$src_files" ] || die "Odoo-method restore has $of files, the source $src_files"
  [ "$lf" = "$ref_files" ] || die "Lifeboat restore has $lf files, the source references $ref_files"
  lof="$(find "$run/data/filestore/lbo_r$i" -type f | wc -l)"
  [ "$lof" = "$src_plain_files" ] || die "Lifeboat restore of Odoo's zip has $lof files, the source $src_plain_files (without checklist markers)"
  {
    echo "odoo_zip_bytes=$(stat -c %s "$odoo_zip")"
    echo "lb_zip_bytes=$(stat -c %s "$lb_zip")"
    echo "odoo_restored_files=$of"
    echo "lb_restored_files=$lf"
  } >"$run/res/sizes_$i.env"
  q "DROP DATABASE \"odoo_r$i\"" postgres
  q "DROP DATABASE \"lb_r$i\"" postgres
  q "DROP DATABASE \"lbo_r$i\"" postgres
  rm -rf "$run/data/filestore/odoo_r$i" "$run/data/filestore/lb_r$i" "$run/data/filestore/lbo_r$i" "$odoo_zip" "$lb_zip"
done
echo "load_end=$(cut -d' ' -f1-3 /proc/loadavg)" >>"$run/res/machine.env"

# ---------------------------------------------------------------- report
out="$dir/results-$(date +%Y%m%d-%H%M%S).md"
report_args=(--res "$run/res" --out "$out" --command "$command")
if [ "$doc" = 1 ]; then report_args+=(--doc "$repo/docs/benchmarks.md"); fi
python3 "$here/report.py" "${report_args[@]}"
cp -r "$run/res" "$out.res"
log "results: $out (raw measurements in $out.res)"
if [ "$doc" = 1 ]; then log "docs/benchmarks.md updated"; fi
cat "$out"
