#!/usr/bin/env bash
# Fails if the shipped lifeboat.jar holds test code: JUnit, AssertJ, the test kit or any test class.
set -euo pipefail
cd "$(dirname "$0")/.."
jar=lifeboat-cli/target/lifeboat.jar
[ -f "$jar" ] || { echo "check-shipped-jar: $jar is missing (run mvn verify first)" >&2; exit 1; }
found="$(unzip -Z1 "$jar" | grep -E '^(org/junit/|org/assertj/|io/lifeboat/testkit/|io/lifeboat/archfixture/)|^io/lifeboat/.*Test\.class$' || true)"
if [ -n "$found" ]; then
  echo "check-shipped-jar: $jar holds test code:" >&2
  echo "$found" | head -20 >&2
  exit 1
fi
echo "check-shipped-jar: $(unzip -Z1 "$jar" | wc -l) entries in $jar, no test code"
