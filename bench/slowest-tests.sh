#!/usr/bin/env bash
# The slowest test classes of the last `./mvnw -B verify` in this checkout (surefire and failsafe
# reports), with their wall time in seconds: what to look at first when the suite gets slower.
# Usage: bench/slowest-tests.sh [N]   (default 10)
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-10}"
for f in target/surefire-reports/TEST-*.xml target/failsafe-reports/TEST-*.xml; do
  [ -e "$f" ] || continue
  name=$(basename "$f" .xml); name=${name#TEST-io.pgsidecar.}
  time=$(grep -o '<testsuite [^>]*' "$f" | grep -o ' time="[0-9.]*"' | head -1 | grep -o '[0-9.]*')
  tests=$(grep -o '<testsuite [^>]*' "$f" | grep -o ' tests="[0-9]*"' | head -1 | grep -o '[0-9]*')
  printf '%8.1f  %3s  %s\n' "$time" "$tests" "$name"
done | sort -rn | head -n "$n"
