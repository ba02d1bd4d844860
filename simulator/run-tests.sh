#!/bin/sh
# run-tests.sh OUTDIR - runs every OUTDIR/test_* executable that build.sh made (POSIX sh).
#
# Each test runs with a time limit (timeout 120, or gtimeout on macOS, when available); its
# output is kept in OUTDIR/test-logs/<name>.log and shown when it fails. One line per test,
# then a last line "N passed, M failed". Exits non-zero if a test failed or none ran.
#
# Environment: SIM_TEST_WRAPPER, a command put in front of each test (e.g.
# "valgrind --error-exitcode=1 -q"); SIM_TEST_TIMEOUT, seconds (default 120).
set -u

if [ $# -ne 1 ] || [ -z "$1" ]; then
    echo "usage: sh run-tests.sh OUTDIR" >&2
    exit 2
fi
OUT=$1
LOGS="$OUT/test-logs"
mkdir -p "$LOGS"
LIMIT=${SIM_TEST_TIMEOUT:-120}

TIMEOUT=""
if command -v timeout >/dev/null 2>&1; then
    TIMEOUT="timeout $LIMIT"
elif command -v gtimeout >/dev/null 2>&1; then
    TIMEOUT="gtimeout $LIMIT"
fi

passed=0
failed=0
for t in "$OUT"/test_*; do
    [ -f "$t" ] && [ -x "$t" ] || continue
    name=$(basename "$t")
    log="$LOGS/$name.log"
    # shellcheck disable=SC2086
    $TIMEOUT ${SIM_TEST_WRAPPER:-} "$t" >"$log" 2>&1
    rc=$?
    if [ "$rc" -eq 0 ]; then
        passed=$((passed + 1))
        echo "PASS $name"
    else
        failed=$((failed + 1))
        if [ "$rc" -eq 124 ] && [ -n "$TIMEOUT" ]; then
            echo "FAIL $name (timed out after ${LIMIT}s)"
        else
            echo "FAIL $name (exit status $rc)"
        fi
        sed 's/^/    /' "$log"
    fi
done

echo "$passed passed, $failed failed"
if [ "$failed" -ne 0 ]; then
    exit 1
fi
if [ "$passed" -eq 0 ]; then
    echo "run-tests.sh: no test_* executable in $OUT" >&2
    exit 1
fi
exit 0
