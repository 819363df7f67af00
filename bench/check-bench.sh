#!/usr/bin/env bash
# Benchmarks `lifeboat check` on a synthetic instance of about 1,000,000 attachment rows and files:
# fast check (existence and size) wall time with a 512 MB heap, and deep check (every file hashed)
# throughput against `cat` of the same files to /dev/null, all in one run, page cache warm for both.
# Prints a Markdown table for docs/benchmarks.md.
#
#   bench/check-bench.sh                      1,008,000 rows, ~2.5 GiB of 64 B .. tens of KiB files
#   bench/check-bench.sh --quick              20,000 rows (a smoke test)
#
# Options: --attachments N  --filestore-bytes N  --heap SIZE (default 512m)  --dir DIR (default
# /var/tmp/lifeboat-check-bench)  --jar FILE (use this lifeboat.jar instead of building one).
# KEEP=1 keeps the generated filestore. Needs: root or the postgres OS user, PostgreSQL server
# binaries, GNU time, JDK 21+, Maven with the project's dependencies, ~6 GB free disk for full size.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/.." && pwd)"
attachments=1008000 bytes=$((2560 << 20)) heap=512m dir=/var/tmp/lifeboat-check-bench jar=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) attachments=20000; bytes=$((50 << 20)) ;;
    --attachments) attachments="$2"; shift ;;
    --filestore-bytes) bytes="$2"; shift ;;
    --heap) heap="$2"; shift ;;
    --dir) dir="$2"; shift ;;
    --jar) jar="$2"; shift ;;
    -h | --help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "check-bench.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
[ -x /usr/bin/time ] || { echo "check-bench.sh: GNU time is missing (apt-get install -y time)" >&2; exit 1; }
JAVA_HOME="$("$repo/scripts/java-home.sh")"; export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
if [ -z "$jar" ]; then
  (cd "$repo" && mvn -B -q -ntp -Dlb.target=target-bench -pl lifeboat-cli -am package -DskipTests)
  jar="$repo/lifeboat-cli/target-bench/lifeboat.jar"
fi
echo "## Filestore check ($(date -u +%Y-%m-%d), $(nproc) cores, commit $(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo '?'))"
echo
java -cp "$jar" "$here/CheckBench.java" "$jar" "$dir" "$attachments" "$bytes" "$heap"
