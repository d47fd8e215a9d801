#!/bin/sh
#   make check: the C self tests, then the integration tests against the
#   real daemon; ends with one line "N passed, N failed" for both.
cd "$(dirname "$0")/.." || exit 1
PYTHON=/usr/bin/python3
unit_log=$(mktemp)
unit_err=$(mktemp)
integration_log=$(mktemp)
trap 'rm -f "$unit_log" "$unit_err" "$integration_log"' EXIT

echo "== self tests (build/hs_selftest)"
build/hs_selftest 2>"$unit_err" | tee "$unit_log"
if grep -q '^FAIL' "$unit_log"; then
    echo "-- what the failing self tests logged:"
    cat "$unit_err"
fi

echo "== integration tests (tests/integration: the real huishangd, python3-zmq, mdb_stat)"
$PYTHON tests/integration/run.py "$@" | tee "$integration_log"

passed=0
failed=0
for line in "$(tail -n 1 "$unit_log")" "$(tail -n 1 "$integration_log")"; do
    counts=$(echo "$line" | sed -n 's/^\([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed$/\1 \2/p')
    if [ -z "$counts" ]; then
        echo "a test runner did not finish: '$line'"
        failed=$((failed + 1))
        continue
    fi
    set -- $counts
    passed=$((passed + $1))
    failed=$((failed + $2))
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
