#!/usr/bin/env bash
# Prints a JAVA_HOME whose java is version 21 or newer: $JAVA_HOME if it qualifies,
# otherwise the newest JDK under /usr/lib/jvm. Exits 1 with a message if there is none.
set -euo pipefail
major_of() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -1; }
ok() { [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] && [ "$(major_of "$1")" -ge 21 ] 2>/dev/null; }
if [ -n "${JAVA_HOME:-}" ] && ok "$JAVA_HOME"; then echo "$JAVA_HOME"; exit 0; fi
best=""; best_v=0
for d in /usr/lib/jvm/* /opt/java/* /opt/jdk*; do
  [ -d "$d" ] || continue
  if ok "$d"; then v=$(major_of "$d"); if [ "$v" -gt "$best_v" ]; then best="$d"; best_v="$v"; fi; fi
done
if [ -z "$best" ]; then echo "lifeboat: no JDK 21 or newer found (set JAVA_HOME)" >&2; exit 1; fi
echo "$best"
