#!/usr/bin/env bash
# A skipped test proves nothing: fail when any surefire report records a skipped test
# or when no test ran at all.
set -euo pipefail
cd "$(dirname "$0")/.."
reports=$(find . -path '*/surefire-reports/TEST-*.xml' -not -path './.git/*')
[ -n "$reports" ] || { echo "no test reports found" >&2; exit 1; }
skipped=$(grep -l -E '<testsuite[^>]* skipped="[1-9]' $reports || true)
if [ -n "$skipped" ]; then echo "skipped tests in:" >&2; echo "$skipped" >&2; exit 1; fi
total=$(grep -ho '<testsuite[^>]* tests="[0-9]*"' $reports | sed 's/.*tests="//;s/"//' | awk '{s+=$1} END {print s+0}')
echo "all $total tests ran; none skipped"
