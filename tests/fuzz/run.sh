#!/bin/sh
#   Run each fuzzer for SECONDS on a working copy of its seed corpus:
#   run.sh BUILD SECONDS TARGET...  Prints "ok   fuzz_T (N runs)" or
#   "FAIL fuzz_T" per target, and ends with "N passed, N failed". What a
#   fuzzer finds is kept under BUILD/artifacts/ (a crash worth keeping as
#   a regression input is copied into tests/fuzz/corpus/T/ by hand).
build=$1
seconds=$2
shift 2
passed=0
failed=0
work=$(mktemp -d)
mkdir -p "$build/artifacts"
trap 'rm -rf "$work" /tmp/hs_fuzz_engine.* /tmp/hs_fuzz_api.*' EXIT
for target in "$@"; do
    mkdir -p "$work/$target"
    cp tests/fuzz/corpus/$target/* "$work/$target/"
    log="$work/$target.log"
    if "$build/hs_fuzz_$target" -max_total_time="$seconds" -max_len=70000 -rss_limit_mb=2048 \
           -print_final_stats=1 -artifact_prefix="$build/artifacts/$target-" "$work/$target" >"$log" 2>&1; then
        runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
        echo "ok   fuzz_$target ($runs runs in ${seconds}s)"
        passed=$((passed + 1))
    else
        echo "FAIL fuzz_$target"
        tail -n 30 "$log"
        for crash in "$build/artifacts/$target"-*; do
            [ -f "$crash" ] && echo "   what it found: $crash"
        done
        failed=$((failed + 1))
    fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
