#!/usr/bin/env bash
# Runs the whole test suite: formatting check, static analysis (Error Prone), unit and
# integration tests against a throwaway PostgreSQL, S3Proxy and an in-process SFTP server, and the
# dashboard in headless Chromium (installed from Debian packages when missing).
# Fails if any test was skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA_HOME="$(scripts/java-home.sh)"; export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
scripts/install-test-deps.sh
mvn -B -ntp "$@" verify
scripts/check-no-skipped-tests.sh
scripts/check-shipped-jar.sh
