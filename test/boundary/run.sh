#!/usr/bin/env bash
# The boundary rule (test/boundary/check_boundary.py): src/pg must pass it, and the checker itself
# must accept the good example and refuse each bad one, so a checker that stops seeing a
# violation fails here too.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
CHECK=(python3 "$HERE/check_boundary.py" --core "$ROOT/src/core")
rc=0
"${CHECK[@]}" "$ROOT/src/pg" || rc=1
"${CHECK[@]}" "$HERE/examples/good_entry_point.cpp" >/dev/null || { echo "boundary check refused the good example"; rc=1; }
for bad in "$HERE"/examples/bad_*.cpp; do
  if "${CHECK[@]}" "$bad" >/dev/null 2>&1; then
    echo "boundary check accepted $(basename "$bad"), which breaks the rule"; rc=1
  fi
done
[ $rc -eq 0 ] && echo "boundary check: the good example passes, $(ls "$HERE"/examples/bad_*.cpp | wc -l) bad examples fail"
exit $rc
