#!/usr/bin/env bash
# Runs every test suite against a throwaway cluster: core unit tests, pg_regress, pgTAP, isolation,
# fuzz smoke runs, the interop and plugin tests with the real Better Auth (npm), and the FastAPI tests.
# Exits non-zero when any suite fails. Usage: scripts/test.sh [suite ...]   (default: all)
# Set AUTH_EXT_KEEP_CLUSTER=1 to leave the cluster running afterwards.
#
# Two lanes side by side: the suites that mostly compile (unit, fuzz, packaging: C++ builds, no
# shared state but their own files and databases) run in the background while the others, which
# mostly wait on the server, Node.js and the browser, run in the foreground; the machine's cores
# are then busy together. The background lane's output is kept and shown when the foreground lane
# is done. AUTH_EXT_TEST_LANES=1 runs everything in one lane, in order.
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
BUILD_SUITES=" unit fuzz packaging "
SUITES=("$@")
[ ${#SUITES[@]} -eq 0 ] && SUITES=("${ALL_SUITES[@]}")
for suite in "${SUITES[@]}"; do
  declare -F "suite_$suite" >/dev/null || die "unknown suite '$suite' (known: ${ALL_SUITES[*]})"
done

# run_suite NAME: runs one suite and appends "NAME VERDICT SECONDS" to $RESULTS.
RESULTS=$(mktemp)
LANE_DIR=$(mktemp -d)
trap 'cluster_stop; rm -rf "$RESULTS" "$LANE_DIR"' EXIT
run_suite() {
  local suite=$1 start=$SECONDS verdict=passed
  log "suite: $suite"
  "suite_$suite" || verdict=FAILED
  log "suite $suite: $verdict in $((SECONDS - start)) s"
  echo "$suite $verdict $((SECONDS - start))" >> "$RESULTS"
}

foreground=() background=()
for suite in "${SUITES[@]}"; do
  if [ "${AUTH_EXT_TEST_LANES:-2}" != 1 ] && [ ${#SUITES[@]} -gt 1 ] && [[ $BUILD_SUITES == *" $suite "* ]]; then
    background+=("$suite")
  else
    foreground+=("$suite")
  fi
done

lane_pid=""
if [ ${#background[@]} -gt 0 ]; then
  log "in the background: ${background[*]} (output shown when the other suites are done)"
  ( for suite in "${background[@]}"; do run_suite "$suite" > "$LANE_DIR/$suite.log" 2>&1; done ) &
  lane_pid=$!
fi
for suite in "${foreground[@]}"; do run_suite "$suite"; done
if [ -n "$lane_pid" ]; then
  wait "$lane_pid" || true
  for suite in "${background[@]}"; do
    echo; log "output of suite $suite (ran in the background)"
    cat "$LANE_DIR/$suite.log" 2>/dev/null || echo "(no output: the lane stopped before $suite)"
  done
fi

passed=0 failed=0 failed_names=()
echo
echo "suite        result   time"
for suite in "${SUITES[@]}"; do
  read -r _ verdict secs < <(grep "^$suite " "$RESULTS" || echo "$suite FAILED 0")
  printf '%-12s %-7s %5d s%s\n' "$suite" "$verdict" "$secs" "$([[ " ${background[*]:-} " == *" $suite "* ]] && echo '  (background lane)')"
  if [ "$verdict" = passed ]; then passed=$((passed + 1)); else failed=$((failed + 1)); failed_names+=("$suite"); fi
done
printf '%-20s %5d s\n' "total (with setup)" "$SECONDS"
[ $failed -eq 0 ] || echo "failed suites: ${failed_names[*]}"
echo "suites: $passed passed, $failed failed"
[ $failed -eq 0 ]
