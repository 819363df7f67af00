#!/usr/bin/env bash
# Benchmarks the repository against the Odoo zip on one synthetic instance: first snapshot (time and
# bytes written) vs `lifeboat backup -o x.zip`; a second snapshot after a 1% change (bytes and time as
# ratios to the first); `lifeboat restore --repo` vs `lifeboat restore x.zip`; peak RSS of each step;
# on local disk and on S3 (S3Proxy, filesystem store, on the same disk). Writes the section
# "Repository" of docs/benchmarks.md.
#
#   bench/repo-bench.sh            default size (20,000 attachments, 2 GiB filestore, 1,000,000 bulk rows)
#   bench/repo-bench.sh --quick    small instance, results only under --dir (a smoke test)
#
# Options: --attachments N  --filestore-bytes N  --bulk-rows N  --rev REV (commit to build, default
# HEAD)  --dir DIR (work directory, default /var/tmp/lifeboat-repo-bench)  --keep (keep the instance)
# --doc / --no-doc (write docs/benchmarks.md or not).
#
# Needs: root or the postgres OS user, PostgreSQL server binaries (/usr/lib/postgresql/N/bin or
# $LIFEBOAT_PG_BIN), python3, GNU time (/usr/bin/time), JDK 21+, Maven with the project's
# dependencies, and free disk of about six times the filestore.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/.." && pwd)"

attachments=20000 fs_bytes=$((2 << 30)) bulk=1000000 rev=HEAD dir=/var/tmp/lifeboat-repo-bench
keep=0 doc=1 doc_set=0 quick=0
command="bench/repo-bench.sh${*:+ $*}"
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1; attachments=2000; fs_bytes=$((200 << 20)); bulk=100000 ;;
    --attachments) attachments="$2"; shift ;;
    --filestore-bytes) fs_bytes="$2"; shift ;;
    --bulk-rows) bulk="$2"; shift ;;
    --rev) rev="$2"; shift ;;
    --dir) dir="$2"; shift ;;
    --keep) keep=1 ;;
    --doc) doc=1; doc_set=1 ;;
    --no-doc) doc=0; doc_set=1 ;;
    -h | --help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "repo-bench.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
if [ "$quick" = 1 ] && [ "$doc_set" = 0 ]; then doc=0; fi

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

[ -x /usr/bin/time ] || die "GNU time is missing (apt-get install -y time)"
command -v python3 >/dev/null || die "python3 is missing"
JAVA_HOME="$("$repo/scripts/java-home.sh")"; export JAVA_HOME
java="$JAVA_HOME/bin/java"
pgbin="${LIFEBOAT_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}"
[ -x "$pgbin/initdb" ] || die "no PostgreSQL server binaries (set LIFEBOAT_PG_BIN)"
mkdir -p "$dir"

# ---------------------------------------------------------------- build the commit under test
sha="$(git -C "$repo" rev-parse --verify "$rev^{commit}")"
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
if [ ! -f "$src/s3proxy.classpath" ]; then
  (cd "$src" && PATH="$JAVA_HOME/bin:$PATH" mvn -B -q -ntp -o dependency:build-classpath -pl lifeboat-storage \
    -Dmdep.includeScope=test -Dmdep.outputFile="$src/s3proxy.classpath") || die "cannot resolve S3Proxy's class path"
fi
s3proxy_cp="$(ls "$src"/lifeboat-storage/target/lifeboat-storage-*-tests.jar):$(ls "$src"/lifeboat-storage/target/lifeboat-storage-*.jar | grep -v tests | head -1):$(cat "$src/s3proxy.classpath")"

# ---------------------------------------------------------------- throwaway PostgreSQL cluster and S3Proxy
run="$dir/run"
rm -rf "$run"
mkdir -p "$run/pg" "$run/data/filestore" "$run/out" "$run/tmp" "$run/res" "$run/s3"
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres: "$run/pg"
pgdata="$run/pg/data"
s3pid=""

cleanup() {
  local rc=$?
  if [ -n "$s3pid" ]; then kill "$s3pid" 2>/dev/null || true; wait "$s3pid" 2>/dev/null || true; fi
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

log "generating the instance: $attachments attachments, $fs_bytes filestore bytes, $bulk bulk rows"
pg_start -o "-c fsync=off -c synchronous_commit=off -c full_page_writes=off" # durability off while generating only
sq "CREATE ROLE odoo LOGIN CREATEDB CREATEROLE"
sq "CREATE DATABASE bench OWNER odoo ENCODING 'unicode' LC_COLLATE 'C' TEMPLATE template0"
"$java" -Xmx1g -cp "$jar" "$here/Generate.java" \
  "jdbc:postgresql://127.0.0.1:$port/bench" odoo "$run/data/filestore/bench" "$attachments" "$fs_bytes" "$bulk" \
  >"$run/res/instance.env"
q "VACUUM ANALYZE" bench
sq "CHECKPOINT"
pg_stop
pg_start
{
  echo "db_bytes=$(q "SELECT pg_database_size('bench')" bench)"
  echo "fs_files=$(find "$run/data/filestore/bench" -type f | wc -l)"
  echo "fs_apparent_bytes=$(find "$run/data/filestore/bench" -type f -printf '%s\n' | awk '{s += $1} END {print s + 0}')"
  echo "commit=$sha"
  echo "date=$(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "load_start=$(cut -d' ' -f1-3 /proc/loadavg)"
} >>"$run/res/instance.env"
cat "$run/res/instance.env" >&2

cat >"$run/s3-logback.xml" <<'EOF'
<configuration>
  <appender name="E" class="ch.qos.logback.core.ConsoleAppender"><target>System.err</target>
    <encoder><pattern>%level %logger: %msg%n</pattern></encoder></appender>
  <root level="WARN"><appender-ref ref="E"/></root>
</configuration>
EOF
mkfifo "$run/s3.in"
"$java" -Xmx1g -Dlogback.configurationFile="$run/s3-logback.xml" -cp "$s3proxy_cp" "$here/S3ProxyMain.java" "$run/s3" \
  <"$run/s3.in" >"$run/s3.env" 2>"$run/s3.log" &
s3pid=$!
exec 9>"$run/s3.in"   # S3Proxy serves until this descriptor closes
for _ in $(seq 600); do grep -q '^secret_key=' "$run/s3.env" 2>/dev/null && break; sleep 0.2; done
grep -q '^secret_key=' "$run/s3.env" || die "S3Proxy did not start: $(tail -5 "$run/s3.log")"
s3env() { grep "^$1=" "$run/s3.env" | cut -d= -f2-; }
s3_location="s3:$(s3env endpoint)/$(s3env bucket)/bench"
s3_opts=(--repo-option "s3.region=us-east-1" --repo-option "s3.access-key=$(s3env access_key)"
  --repo-option "s3.secret-key=$(s3env secret_key)")

# ---------------------------------------------------------------- timed steps
# timed NAME CMD...: runs CMD under GNU time; NAME.time holds "wall maxrss_kb"; stdout in NAME.out.
timed() {
  local name=$1; shift
  sync
  echo "load=$(cut -d' ' -f1 /proc/loadavg)" >"$run/res/$name.load"
  log "$name"
  local rc=0
  TMPDIR="$run/tmp" /usr/bin/time -o "$run/res/$name.time" -f '%e %M' "$@" \
    >"$run/res/$name.out" 2>"$run/res/$name.err" || rc=$?
  if [ "$rc" != 0 ] && [ "$rc" != 3 ]; then
    tail -20 "$run/res/$name.err" >&2
    die "$name failed with exit code $rc"
  fi
  log "$name: $(cut -d' ' -f1 "$run/res/$name.time") s"
}
inst=(--data-dir "$run/data" --pg-bin "$pgbin" --no-progress)
mutate() {
  "$java" -cp "$jar" "$here/RepoMutate.java" "jdbc:postgresql://127.0.0.1:$port/bench" odoo \
    "$run/data/filestore/bench" 0.01 "$1" >"$run/res/mutate_$1.env"
}

timed zip_backup "$lifeboat" backup -d bench -o "$run/out/bench.zip" "${inst[@]}" --json
stat -c %s "$run/out/bench.zip" >"$run/res/zip_backup.size"
timed zip_restore "$lifeboat" restore "$run/out/bench.zip" -d zip_r --jobs 2 "${inst[@]}" --json
rm -f "$run/out/bench.zip"

seed=1
for backend in local s3; do
  if [ "$backend" = local ]; then
    where=(--repo "$run/out/repo"); used() { du -sb "$run/out/repo" | cut -f1; }
  else
    where=(--repo "$s3_location" "${s3_opts[@]}"); used() { du -sb "$run/s3" | cut -f1; }
  fi
  "$lifeboat" repo init "${where[@]}" --key "$run/out/$backend.key" --writer-key "$run/out/$backend.writer-key" \
    --json >"$run/res/${backend}_init.out"
  writer=(--writer-key "$run/out/$backend.writer-key")
  timed "${backend}_snap1" "$lifeboat" backup -d bench "${where[@]}" "${writer[@]}" "${inst[@]}" --json
  mutate "$seed"; seed=$((seed + 1))
  timed "${backend}_snap2" "$lifeboat" backup -d bench "${where[@]}" "${writer[@]}" "${inst[@]}" --json
  used >"$run/res/${backend}_used.size"
  timed "${backend}_restore" "$lifeboat" restore latest -d "${backend}_r" --jobs 2 "${where[@]}" \
    --key "$run/out/$backend.key" "${inst[@]}" --json
  sq "DROP DATABASE ${backend}_r"; rm -rf "$run/data/filestore/${backend}_r"
done
echo "load_end=$(cut -d' ' -f1-3 /proc/loadavg)" >>"$run/res/instance.env"

# ---------------------------------------------------------------- report
python3 - "$run/res" "$command" "$doc" "$repo/docs/benchmarks.md" <<'PY'
import json, os, re, sys
res, command, doc, path = sys.argv[1], sys.argv[2], sys.argv[3] == "1", sys.argv[4]

def env(name):
    out = {}
    for line in open(os.path.join(res, name)):
        if "=" in line:
            k, v = line.rstrip("\n").split("=", 1)
            out[k] = v
    return out

def timing(name):
    wall, rss = open(os.path.join(res, name + ".time")).read().split()[:2]
    return float(wall), int(rss) * 1024

def out(name):
    return json.load(open(os.path.join(res, name + ".out")))

def load(name):
    return open(os.path.join(res, name + ".load")).read().strip().split("=")[1]

def mib(n):
    return f"{n / 1048576:,.1f} MiB" if n < 10 * 1073741824 else f"{n / 1073741824:,.2f} GiB"

inst = env("instance.env")
zip_t, zip_rss = timing("zip_backup")
zip_size = int(open(os.path.join(res, "zip_backup.size")).read())
zr_t, zr_rss = timing("zip_restore")
rows = []
for b, label in (("local", "local disk"), ("s3", "S3 (S3Proxy)")):
    s1_t, s1_rss = timing(b + "_snap1")
    s2_t, s2_rss = timing(b + "_snap2")
    r_t, r_rss = timing(b + "_restore")
    s1, s2 = out(b + "_snap1")["written"], out(b + "_snap2")["written"]
    used = int(open(os.path.join(res, b + "_used.size")).read())
    rows.append((label, s1_t, s1["storedBytes"], s2_t, s2["storedBytes"], s2["bytesNew"], r_t,
                 max(s1_rss, s2_rss), r_rss, used, load(b + "_snap1")))

logical = int(out("zip_backup")["dumpBytes"]) + int(out("zip_backup")["fileBytes"])
lines = [
    "## Repository",
    "",
    f"`{command}` on commit `{inst['commit'][:12]}`, {inst['date']}. One synthetic instance",
    f" (`io.lifeboat.demo.SyntheticInstance`): {int(inst['gen_attachments']):,} attachments, {int(inst['fs_files']):,} files,"
    f" {mib(int(inst['fs_apparent_bytes']))} filestore, database {mib(int(inst['db_bytes']))}"
    f" ({int(inst['gen_bulk_rows']):,} bulk rows); {mib(logical)} to back up (dump + files).",
    "The second snapshot follows `SyntheticInstance.mutate(…, 0.01)`: 1% of file-backed attachments get new",
    "content and a contiguous 1% of the rows of three business tables are updated. Snapshots are",
    "`lifeboat backup --repo` with a writer key (custom-format dump, uncompressed, chunked, zstd, encrypted);",
    "restores are `--jobs 2`, a full database and filestore. Each step is its own JVM (`lifeboat` launcher,",
    "`-Xmx256m`); page cache warm. S3Proxy (filesystem store) runs on the same machine and disk.",
    f"Load average {inst['load_start']} at the start, {inst.get('load_end', '?')} at the end.",
    "",
    "| | time | bytes written | peak RSS |",
    "|---|---:|---:|---:|",
    f"| `lifeboat backup -o bench.zip` (Odoo zip) | {zip_t:.1f} s | {mib(zip_size)} | {mib(zip_rss)} |",
]
for (label, s1_t, s1_b, s2_t, s2_b, s2_new, r_t, b_rss, r_rss, used, ld) in rows:
    lines.append(f"| first snapshot, {label} | {s1_t:.1f} s ({s1_t / zip_t:.2f}× the zip) |"
                 f" {mib(s1_b)} ({s1_b / zip_size:.2f}× the zip) | {mib(b_rss)} |")
    lines.append(f"| second snapshot after 1% change, {label} | {s2_t:.1f} s ({s2_t / s1_t:.2f}× the first) |"
                 f" {mib(s2_b)} ({100 * s2_b / s1_b:.1f}% of the first) | |")
lines.append(f"| `lifeboat restore bench.zip` | {zr_t:.1f} s | | {mib(zr_rss)} |")
for (label, s1_t, s1_b, s2_t, s2_b, s2_new, r_t, b_rss, r_rss, used, ld) in rows:
    lines.append(f"| `lifeboat restore --repo` (second snapshot), {label} | {r_t:.1f} s"
                 f" ({r_t / zr_t:.2f}× the zip restore) | | {mib(r_rss)} |")
lines += ["", "Repository size after both snapshots: " + ", ".join(
    f"{label} {mib(used)}" for (label, *_rest, used, ld) in rows) + f" (the zip alone: {mib(zip_size)}).", "",
    "Restoring from the repository costs more CPU per byte than from a zip: every blob is decrypted and",
    "authenticated (ChaCha20-Poly1305) and its id recomputed (HMAC-SHA256) before each file's SHA-1 is",
    "checked, on `min(--jobs, 4)` filestore workers; over S3 each file is one ranged GET, so latency adds up",
    "per file. Wall times on this shared machine vary by ±50% between runs.", ""]
def verdict(ok):
    return "met" if ok else "**missed**"
lines += ["Goals of the performance work, this run:", "",
          "| goal | " + " | ".join(label for (label, *_r) in rows) + " |",
          "|---|" + "---:|" * len(rows)]
lines.append("| first snapshot ≤ 1.0× the zip backup's time | " + " | ".join(
    f"{s1_t / zip_t:.2f}× {verdict(s1_t / zip_t <= 1.0)}" for (label, s1_t, *_r) in rows) + " |")
lines.append("| second snapshot ≤ 0.15× the first's time | " + " | ".join(
    f"{s2_t / s1_t:.2f}× {verdict(s2_t / s1_t <= 0.15)}" for (label, s1_t, s1_b, s2_t, *_r) in rows) + " |")
lines.append("| second snapshot ≤ 5% of the first's bytes | " + " | ".join(
    f"{100 * s2_b / s1_b:.1f}% {verdict(s2_b / s1_b <= 0.05)}" for (label, s1_t, s1_b, s2_t, s2_b, *_r) in rows) + " |")
lines.append("| restore from the repository ≤ 1.2× the zip restore | " + " | ".join(
    f"{r_t / zr_t:.2f}× {verdict(r_t / zr_t <= 1.2)}" for (label, s1_t, s1_b, s2_t, s2_b, s2_new, r_t, *_r) in rows) + " |")
lines += ["", "The 1% change updates contiguous rows; updates scattered through a big table touch far more of the",
          "dump's chunks and are not measured here.", ""]
section = "\n".join(lines)
print(section)
if doc:
    text = open(path).read() if os.path.exists(path) else "# Benchmarks\n"
    m = re.search(r"^## Repository\n.*?(?=^## |\Z)", text, flags=re.S | re.M)
    text = text[:m.start()] + section + "\n" + text[m.end():] if m else text.rstrip("\n") + "\n\n" + section
    open(path, "w").write(text.rstrip("\n") + "\n")
PY
if [ "$doc" = 1 ]; then log "docs/benchmarks.md updated"; fi
