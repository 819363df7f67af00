#!/usr/bin/env bash
# Benchmarks `lifeboat pitr diff`: a 1,000,000-row Odoo-like table (res_partner's usual columns) in a
# throwaway cluster, a side copy of it (CREATE DATABASE ... TEMPLATE), 100 rows changed in production
# (60 updated, 20 deleted, 20 inserted), then the time of `lifeboat pitr diff` of the table, and of the
# `pitr repair --apply` of its plan. Prints the times; writes nothing to docs/.
#
#   bench/diff-bench.sh                  1,000,000 rows, 3 runs of the diff
#   bench/diff-bench.sh --rows 100000    another size
#
# Options: --rows N  --changes N (rows changed, default 100)  --runs N  --dir DIR (work directory,
# default /var/tmp/lifeboat-diff-bench)  --keep (keep the cluster's directory).
#
# Needs: root or the postgres OS user, PostgreSQL server binaries (/usr/lib/postgresql/N/bin or
# $LIFEBOAT_PG_BIN), python3, JDK 21+ and Maven (the checkout's ./lifeboat builds it when needed).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/.." && pwd)"

rows=1000000 changes=100 runs=3 dir=/var/tmp/lifeboat-diff-bench keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    --rows) rows="$2"; shift ;;
    --changes) changes="$2"; shift ;;
    --runs) runs="$2"; shift ;;
    --dir) dir="$2"; shift ;;
    --keep) keep=1 ;;
    -h | --help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "diff-bench.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
[ "$changes" -ge 5 ] || { echo "diff-bench.sh: --changes must be at least 5" >&2; exit 2; }

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

command -v python3 >/dev/null || die "python3 is missing"
pgbin="${LIFEBOAT_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}"
[ -x "$pgbin/initdb" ] || die "no PostgreSQL server binaries (set LIFEBOAT_PG_BIN)"
lifeboat="$repo/lifeboat"   # the checkout's own launcher: builds when needed, same JVM flags as users get
"$lifeboat" --version >/dev/null

# ---------------------------------------------------------------- throwaway PostgreSQL cluster
run="$dir/run"
rm -rf "$run"
mkdir -p "$run/pg" "$run/out"
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres: "$run/pg"
pgdata="$run/pg/data"
cleanup() {
  local rc=$?
  if [ -f "$pgdata/postmaster.pid" ]; then as_pg "$pgbin/pg_ctl" -D "$pgdata" -m immediate -w stop >/dev/null 2>&1 || true; fi
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
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
as_pg "$pgbin/pg_ctl" -D "$pgdata" -w -t 300 -l "$run/pg/server.log" start >/dev/null
export PGHOST=127.0.0.1 PGPORT="$port" PGUSER=odoo
unset PGDATABASE PGPASSWORD
sq() { PGUSER=postgres "$pgbin/psql" -X -q -v ON_ERROR_STOP=1 -At -d "${2:-postgres}" -c "$1"; }
q() { "$pgbin/psql" -X -q -v ON_ERROR_STOP=1 -At -d "$2" -c "$1"; }

# ---------------------------------------------------------------- production and its side copy
log "generating res_partner with $rows rows"
sq "CREATE ROLE odoo LOGIN CREATEDB"
sq "CREATE DATABASE prod OWNER odoo"
q "CREATE TABLE res_partner (
  id serial PRIMARY KEY, name varchar NOT NULL, display_name varchar, email varchar, phone varchar,
  active boolean DEFAULT true, is_company boolean, company_id integer, parent_id integer, street varchar,
  city varchar, zip varchar, country_id integer, lang varchar, credit_limit numeric, comment text,
  create_uid integer, write_uid integer, create_date timestamp, write_date timestamp)" prod
q "INSERT INTO res_partner (name, display_name, email, phone, active, is_company, company_id, parent_id,
  street, city, zip, country_id, lang, credit_limit, comment, create_uid, write_uid, create_date, write_date)
  SELECT 'Partner ' || g, 'Partner ' || g || ', Company', 'partner' || g || '@example.com', '+32 2 ' || g,
  g % 17 <> 0, g % 5 = 0, 1, CASE WHEN g % 5 <> 0 THEN g - g % 5 END, g || ' Rue de la Loi', 'Brussels',
  lpad((g % 9999)::text, 4, '0'), 21, 'fr_BE', (g % 1000) * 10.5, CASE WHEN g % 3 = 0 THEN 'Note ' || g END,
  2, 2, timestamp '2024-01-01' + g * interval '17 seconds', timestamp '2025-01-01' + g * interval '13 seconds'
  FROM generate_series(1, $rows) g" prod
q "VACUUM ANALYZE res_partner" prod
sq "CREATE DATABASE side TEMPLATE prod OWNER odoo"
db_bytes="$(q "SELECT pg_total_relation_size('res_partner')" prod)"

# ---------------------------------------------------------------- the accident: $changes rows
updates=$((changes * 6 / 10)) deletes=$((changes / 5)); inserts=$((changes - updates - deletes))
log "changing $changes rows in production: $updates updated, $deletes deleted, $inserts inserted"
step=$((rows / (updates + deletes) ))
q "UPDATE res_partner SET email = 'oops@example.com', write_date = '2026-03-02 10:15:00'
   WHERE id IN (SELECT 1 + g * $step FROM generate_series(0, $((updates - 1))) g)" prod
q "DELETE FROM res_partner WHERE id IN (SELECT $((step / 2)) + g * $step FROM generate_series($updates, $((updates + deletes - 1))) g)" prod
q "INSERT INTO res_partner (name, create_date, write_date) SELECT 'After ' || g, '2026-03-02 11:00', '2026-03-02 11:00'
   FROM generate_series(1, $inserts) g" prod

# ---------------------------------------------------------------- the measurements
conn=(--db-host 127.0.0.1 --db-port "$port" --db-user odoo -d prod --side-db side --no-progress)
times=()
for i in $(seq 1 "$runs"); do
  rm -f "$run/out/plan.json" "$run/out/repair.sql"
  cmd=("$lifeboat" pitr diff "${conn[@]}" --table res_partner -o "$run/out/plan.json" --sql "$run/out/repair.sql" --json)
  start=$(date +%s.%N)
  set +e; "${cmd[@]}" >"$run/out/diff.json"; rc=$?; set -e
  end=$(date +%s.%N)
  [ "$rc" = 4 ] || die "pitr diff exited $rc (expected 4: differences found): $(cat "$run/out/diff.json")"
  found="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["changedRows"])' "$run/out/diff.json")"
  extra="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["tables"][0]["extra"])' "$run/out/diff.json")"
  # the rows inserted after the accident are extra rows, kept: the plan repairs the updated and deleted ones
  [ "$found" = $((updates + deletes)) ] && [ "$extra" = "$inserts" ] \
    || die "pitr diff found $found rows to repair and $extra extra rows, expected $((updates + deletes)) and $inserts"
  t=$(python3 -c "print(f'{$end - $start:.2f}')")
  times+=("$t")
  log "run $i: pitr diff took $t s (wall, JVM start included), found $found rows to repair and $extra extra"
done
start=$(date +%s.%N)
"$lifeboat" pitr repair "$run/out/plan.json" --apply --json --db-host 127.0.0.1 --db-port "$port" --db-user odoo -d prod \
  --no-progress >"$run/out/repair.json"
end=$(date +%s.%N)
repair=$(python3 -c "print(f'{$end - $start:.2f}')")
rm -f "$run/out/plan2.json"
set +e
"$lifeboat" pitr diff "${conn[@]}" --table res_partner -o "$run/out/plan2.json" --json >"$run/out/diff2.json"; rc=$?
set -e
[ "$rc" = 0 ] || die "after the repair, pitr diff still finds differences (exit $rc)"

best=$(printf '%s\n' "${times[@]}" | sort -n | head -1)
echo "rows=$rows table_bytes=$db_bytes changed=$changes cores=$(nproc) postgres=$("$pgbin/postgres" --version | awk '{print $3}')"
echo "pitr diff seconds (each run): ${times[*]}"
echo "pitr diff seconds (best): $best"
echo "pitr repair --apply seconds: $repair (then a diff finds no difference but the $inserts rows inserted after the accident, which are kept)"
echo "command: lifeboat pitr diff --db-host 127.0.0.1 --db-port PORT --db-user odoo -d prod --side-db side --table res_partner -o plan.json --sql repair.sql --json"
