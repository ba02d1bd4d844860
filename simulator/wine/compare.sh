#!/bin/sh
# compare.sh [OUTDIR] - runs scenario.c on the runtime simulator and on Wine, and diffs the two
# transcripts (POSIX sh). Not part of CI: it needs Wine and mingw-w64. See README.md.
#
#   1. builds the simulator (../build.sh OUTDIR/sim) and compiles scenario.c with the host C
#      compiler against it -> OUTDIR/scenario-sim
#   2. compiles scenario.c with x86_64-w64-mingw32-gcc -> OUTDIR/scenario.exe (static, -lrpcrt4)
#   3. runs both (time limit each), writing
#        OUTDIR/sim.txt      the simulator's transcript     (stderr: OUTDIR/sim.stderr)
#        OUTDIR/wine.txt     Wine's transcript, CRs removed (stderr: OUTDIR/wine.stderr)
#        OUTDIR/diff.txt     diff -u sim.txt wine.txt (empty when identical)
#
# Exit status: 0 the transcripts are identical; 1 they differ (or a run failed: its transcript
# then ends early, which the diff shows); 2 Wine or mingw-w64 is missing (nothing is run);
# 3 a build failed.
#
# Environment:
#   OUTDIR default when no argument is given: /tmp/winrpc-wine-compare
#   CC               host C compiler (default cc)
#   MINGW_CC         default x86_64-w64-mingw32-gcc
#   WINE             the Wine launcher (default: wine64 if on PATH, else wine, else
#                    /usr/lib/wine/wine64)
#   WINEPREFIX       default OUTDIR/wineprefix (created on first run; takes a few seconds)
#   WINEDEBUG        default -all
#   SCENARIO_TIMEOUT seconds per run (default 120)
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
SIMDIR=$(cd "$HERE/.." && pwd)
OUT=${1:-/tmp/winrpc-wine-compare}
mkdir -p "$OUT" || exit 3
OUT=$(cd "$OUT" && pwd)

CC=${CC:-cc}
MINGW_CC=${MINGW_CC:-x86_64-w64-mingw32-gcc}
LIMIT=${SCENARIO_TIMEOUT:-120}

# ---- prerequisites ----------------------------------------------------------------------------
if [ -z "${WINE:-}" ]; then
    if command -v wine64 >/dev/null 2>&1; then
        WINE=wine64
    elif command -v wine >/dev/null 2>&1; then
        WINE=wine
    elif [ -x /usr/lib/wine/wine64 ]; then
        WINE=/usr/lib/wine/wine64
    else
        WINE=""
    fi
fi
missing=""
if [ -z "$WINE" ] || ! command -v "${WINE%% *}" >/dev/null 2>&1; then
    missing="$missing wine"
fi
if ! command -v "${MINGW_CC%% *}" >/dev/null 2>&1; then
    missing="$missing mingw-w64($MINGW_CC)"
fi
if [ -n "$missing" ]; then
    echo "compare.sh: missing:$missing" >&2
    echo "compare.sh: this comparison needs Wine and mingw-w64, e.g. on Debian/Ubuntu:" >&2
    echo "compare.sh:   apt-get install -y wine wine64 gcc-mingw-w64-x86-64" >&2
    echo "compare.sh: (it is kept out of CI for that reason; nothing was run)" >&2
    exit 2
fi

TIMEOUT=""
if command -v timeout >/dev/null 2>&1; then
    TIMEOUT="timeout $LIMIT"
fi

# ---- build ------------------------------------------------------------------------------------
echo "compare.sh: building the simulator in $OUT/sim"
if ! sh "$SIMDIR/build.sh" "$OUT/sim" >"$OUT/build-sim.log" 2>&1; then
    cat "$OUT/build-sim.log" >&2
    echo "compare.sh: the simulator did not build (log: $OUT/build-sim.log)" >&2
    exit 3
fi
echo "compare.sh: $CC scenario.c -> $OUT/scenario-sim"
# shellcheck disable=SC2086
if ! $CC -std=c11 -D_GNU_SOURCE -O1 -g -Wall -Wextra -Werror -pthread \
        -o "$OUT/scenario-sim" "$HERE/scenario.c" "$OUT/sim/libwinrpcsim.so" \
        -Wl,-rpath,"$OUT/sim" -pthread; then
    echo "compare.sh: scenario.c did not compile against the simulator" >&2
    exit 3
fi
echo "compare.sh: $MINGW_CC scenario.c -> $OUT/scenario.exe"
# shellcheck disable=SC2086
if ! $MINGW_CC -std=c11 -O1 -g -Wall -Wextra -Werror -D_WIN32_WINNT=0x0A00 -static \
        -o "$OUT/scenario.exe" "$HERE/scenario.c" -lrpcrt4; then
    echo "compare.sh: scenario.c did not compile with mingw-w64" >&2
    exit 3
fi

# ---- run --------------------------------------------------------------------------------------
echo "compare.sh: running on the simulator"
# shellcheck disable=SC2086
$TIMEOUT "$OUT/scenario-sim" >"$OUT/sim.raw" 2>"$OUT/sim.stderr"
sim_rc=$?
tr -d '\r' <"$OUT/sim.raw" >"$OUT/sim.txt"

WINEPREFIX=${WINEPREFIX:-$OUT/wineprefix}
WINEDEBUG=${WINEDEBUG:--all}
export WINEPREFIX WINEDEBUG
if [ ! -d "$WINEPREFIX" ]; then
    echo "compare.sh: creating the Wine prefix $WINEPREFIX (first run only)"
fi
echo "compare.sh: running under Wine ($WINE, WINEPREFIX=$WINEPREFIX)"
# Wine may leave its wineserver running for a few seconds after the program ends; that is
# harmless. No display is needed for a console program.
# shellcheck disable=SC2086
$TIMEOUT $WINE "$OUT/scenario.exe" >"$OUT/wine.raw" 2>"$OUT/wine.stderr" </dev/null
wine_rc=$?
tr -d '\r' <"$OUT/wine.raw" >"$OUT/wine.txt"

# ---- compare ----------------------------------------------------------------------------------
status=0
if [ "$sim_rc" -ne 0 ]; then
    echo "compare.sh: the simulator run exited with status $sim_rc (see $OUT/sim.stderr)" >&2
    status=1
fi
if [ "$wine_rc" -ne 0 ]; then
    echo "compare.sh: the Wine run exited with status $wine_rc (see $OUT/wine.stderr)" >&2
    status=1
fi
# Labels instead of the files' timestamps, so that diff.txt is the same from run to run.
if diff -u --label sim.txt --label wine.txt "$OUT/sim.txt" "$OUT/wine.txt" >"$OUT/diff.txt" \
        2>/dev/null || [ $? -eq 1 ]; then
    :
else
    diff -u "$OUT/sim.txt" "$OUT/wine.txt" >"$OUT/diff.txt" # a diff without --label
fi
if [ ! -s "$OUT/diff.txt" ]; then
    echo "compare.sh: the transcripts are identical ($(wc -l <"$OUT/sim.txt") lines)"
else
    status=1
    echo "compare.sh: the transcripts differ:"
    cat "$OUT/diff.txt"
fi
echo "compare.sh: transcripts and diff in $OUT (sim.txt, wine.txt, diff.txt)"
exit $status
