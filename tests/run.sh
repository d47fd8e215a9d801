#!/bin/sh
#   make check: the C self tests, then the integration tests against the
#   real daemon; ends with one line "N passed, N failed" for both.
cd "$(dirname "$0")/.." || exit 1
PYTHON=/usr/bin/python3
BUILD=${HS_BUILD:-build}
unit_log=$(mktemp)
unit_err=$(mktemp)
integration_log=$(mktemp)
fuzz_log=$(mktemp)
shape_log=$(mktemp)
trap 'rm -f "$unit_log" "$unit_err" "$integration_log" "$fuzz_log" "$shape_log"' EXIT

echo "== the code's shape (tools/check_shape.py)"
shape_passed=0
shape_failed=0
for step in --self-test ""; do
    if $PYTHON tools/check_shape.py $step >"$shape_log" 2>&1; then
        echo "ok   check_shape ${step:-tree} ($(tail -n 1 "$shape_log"))"
        shape_passed=$((shape_passed + 1))
    else
        echo "FAIL check_shape ${step:-tree}"
        cat "$shape_log"
        shape_failed=$((shape_failed + 1))
    fi
done
shape_line="$shape_passed passed, $shape_failed failed"

echo "== self tests ($BUILD/hs_selftest)"
$BUILD/hs_selftest 2>"$unit_err" | tee "$unit_log"
if grep -q '^FAIL' "$unit_log"; then
    echo "-- what the failing self tests logged:"
    cat "$unit_err"
fi

echo "== integration tests (tests/integration: the real huishangd, python3-zmq, mdb_stat)"
$PYTHON tests/integration/run.py "$@" | tee "$integration_log"

lines="$shape_line
$(tail -n 1 "$unit_log")
$(tail -n 1 "$integration_log")"
if [ -z "$HS_NO_FUZZ" ] && command -v clang >/dev/null 2>&1; then
    echo "== fuzzers, briefly (make fuzz runs them longer)"
    if make -s fuzz-build >/dev/null 2>"$fuzz_log"; then
        sh tests/fuzz/run.sh build/fuzz "${HS_FUZZ_SECONDS:-2}" proto engine rules api | tee "$fuzz_log"
    else
        cat "$fuzz_log"
        echo "0 passed, 1 failed" >>"$fuzz_log"
    fi
    lines="$lines
$(tail -n 1 "$fuzz_log")"
else
    echo "== fuzzers skipped (no clang)"
fi

passed=0
failed=0
IFS='
'
for line in $lines; do
    counts=$(echo "$line" | sed -n 's/^\([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed$/\1 \2/p')
    if [ -z "$counts" ]; then
        echo "a test runner did not finish: '$line'"
        failed=$((failed + 1))
        continue
    fi
    passed=$((passed + ${counts% *}))
    failed=$((failed + ${counts#* }))
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
