#!/bin/sh
#   make check: the C self tests, then the integration tests against the
#   real daemon; ends with one line "N passed, N failed" for both.
cd "$(dirname "$0")/.." || exit 1
PYTHON=/usr/bin/python3
log=$(mktemp)
trap 'rm -f "$log"' EXIT

echo "== self tests (build/hs_selftest)"
build/hs_selftest 2>"$log.err" | tee "$log.unit"
unit=$(tail -n 1 "$log.unit")
[ -s "$log.err" ] && grep -v '^[WN]: ' "$log.err" | grep -v 'hs_store: mdb_put (events) failed: MDB_MAP_FULL' | grep -v '^E: .*hs_store: mdb_put' >&2
rm -f "$log.err" "$log.unit"

echo "== integration tests (tests/integration, real huishangd + python3-zmq)"
$PYTHON tests/integration/run.py "$@" | tee "$log"
integration=$(tail -n 1 "$log")

passed=0
failed=0
for line in "$unit" "$integration"; do
    p=$(echo "$line" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed.*/\1/p')
    f=$(echo "$line" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed.*/\2/p')
    if [ -z "$p" ]; then
        echo "a test runner did not finish: '$line'"
        failed=$((failed + 1))
        continue
    fi
    passed=$((passed + p))
    failed=$((failed + f))
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
