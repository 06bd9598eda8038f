#!/usr/bin/env bash
# Runs every test suite against a throwaway cluster: core unit tests, pg_regress, pgTAP, isolation,
# fuzz smoke runs, the interop and plugin tests with the real Better Auth (npm), and the FastAPI tests.
# Exits non-zero when any suite fails. Usage: scripts/test.sh [suite ...]   (default: all)
# Set AUTH_EXT_KEEP_CLUSTER=1 to leave the cluster running afterwards.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/lib/deps.sh"
source "$HERE/lib/cluster.sh"
source "$HERE/lib/build.sh"
source "$HERE/lib/suites.sh"

cd "$AUTH_EXT_ROOT"
install_test_deps
build_and_install
cluster_start

ALL_SUITES=(unit regress pgtap install hostile isolation fuzz interop plugin python topology packaging browser)
SUITES=("$@")
[ ${#SUITES[@]} -eq 0 ] && SUITES=("${ALL_SUITES[@]}")

passed=0 failed=0 failed_names=() times=()
for suite in "${SUITES[@]}"; do
  declare -F "suite_$suite" >/dev/null || die "unknown suite '$suite' (known: ${ALL_SUITES[*]})"
done
for suite in "${SUITES[@]}"; do
  log "suite: $suite"
  start=$SECONDS
  if "suite_$suite"; then
    passed=$((passed + 1)); verdict=passed
  else
    failed=$((failed + 1)); failed_names+=("$suite"); verdict=FAILED
    log "suite $suite FAILED"
  fi
  log "suite $suite: $verdict in $((SECONDS - start)) s"
  times+=("$(printf '%-12s %-7s %5d s' "$suite" "$verdict" $((SECONDS - start)))")
done

echo
echo "suite        result   time"
printf '%s\n' "${times[@]}"
printf '%-20s %5d s\n' "total (with setup)" "$SECONDS"
[ $failed -eq 0 ] || echo "failed suites: ${failed_names[*]}"
echo "suites: $passed passed, $failed failed"
[ $failed -eq 0 ]
