#!/bin/sh
# build.sh OUTDIR - builds the runtime simulator and its C tests (POSIX sh).
#
#   OUTDIR/libwinrpcsim.so  every src/sim_*.c (plus $SIM_EXTRA_SOURCES) as one shared library
#                           exporting only what is marked SIM_EXPORT. On macOS it is a
#                           -dynamiclib with the same file name.
#   OUTDIR/abi.properties   what abi_dump.c prints: native-headers/winrpc_async.h's layout and
#                           constants as this compiler sees them, for the Java tests
#   OUTDIR/test_<name>      one executable per test/test_<name>.c (compiled with -I src):
#                             - a test that includes "sim_internal.h" uses the simulator's
#                               hidden internals, which no shared library exports, so it is
#                               linked with the library's object files (OUTDIR/obj/*.o);
#                             - every other test is linked against OUTDIR/libwinrpcsim.so
#                               (rpath OUTDIR): the very file JNA loads.
#
# Environment:
#   CC                 the C compiler (default: cc)
#   SIM_CFLAGS         extra compiler flags, e.g. "-fsanitize=thread" or "-O0"
#   SIM_LDFLAGS        extra link flags
#   SIM_EXTRA_SOURCES  more C files (space-separated paths) compiled into the library, e.g. a
#                      temporary stub outside the repository while a part is being written
#
# Every warning is an error. Nothing is rebuilt when no input (source, header, this script)
# is newer than the last successful build and the compiler and flags are unchanged.
set -eu

if [ $# -ne 1 ] || [ -z "$1" ]; then
    echo "usage: sh build.sh OUTDIR" >&2
    exit 2
fi

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
SRC="$HERE/src"
TESTDIR="$HERE/test"
mkdir -p "$1"
OUT=$(cd "$1" && pwd)
LIB="$OUT/libwinrpcsim.so"
STAMP="$OUT/.winrpcsim-build"

CC=${CC:-cc}
CC_WORD=${CC%% *}
if ! command -v "$CC_WORD" >/dev/null 2>&1; then
    echo "build.sh: no C compiler: '$CC_WORD' not found." >&2
    echo "build.sh: install one (gcc or clang) or set CC; the runtime simulator is C." >&2
    exit 1
fi

CFLAGS_ALL="-std=c11 -D_GNU_SOURCE -O2 -g -Wall -Wextra -Werror -fvisibility=hidden -fPIC -pthread ${SIM_CFLAGS:-}"
LDFLAGS_ALL="-pthread ${SIM_LDFLAGS:-}"
# The library must never be unmapped while the process runs: its timer thread runs forever
# and every thread that used it has a thread-specific-data destructor in it. JNA may dlclose
# a library it no longer references, so on ELF platforms the library is marked NODELETE (on
# macOS, which has no such link flag, it pins itself with dlopen(RTLD_NODELETE) at first use).
case $(uname -s) in
Darwin) SHARED_FLAGS="-dynamiclib -install_name @rpath/libwinrpcsim.so"
        KERNEL32_ALIAS=libkernel32.dylib ;;
*) SHARED_FLAGS="-shared -Wl,-soname,libwinrpcsim.so -Wl,-z,nodelete"
   KERNEL32_ALIAS=libkernel32.so ;;
esac

# The library's sources: src/sim_*.c (whichever exist yet; names relative to src, so that a
# path with spaces does no harm), then the extra ones (absolute paths, no spaces).
SOURCES=""
for f in "$SRC"/sim_*.c; do
    [ -f "$f" ] && SOURCES="$SOURCES $(basename "$f")"
done
EXTRA=""
for f in ${SIM_EXTRA_SOURCES:-}; do
    if [ ! -f "$f" ]; then
        echo "build.sh: SIM_EXTRA_SOURCES names '$f', which does not exist" >&2
        exit 1
    fi
    EXTRA="$EXTRA $(cd "$(dirname "$f")" && pwd)/$(basename "$f")"
done
if [ -z "$SOURCES" ]; then
    echo "build.sh: no sim_*.c in $SRC" >&2
    exit 1
fi
TESTS=""
for f in "$TESTDIR"/test_*.c; do
    [ -f "$f" ] && TESTS="$TESTS $(basename "$f" .c)"
done

# Up to date? Same compiler, flags and file lists, no input newer than the stamp, and every
# output present.
SIGNATURE="cc=$CC|cflags=$CFLAGS_ALL|ldflags=$LDFLAGS_ALL|sources=$SOURCES|extra=$EXTRA|tests=$TESTS"
if [ -f "$STAMP" ] && [ -f "$LIB" ] && [ "$(cat "$STAMP")" = "$SIGNATURE" ]; then
    fresh=1
    for name in $TESTS; do
        [ -f "$OUT/$name" ] || fresh=0
    done
    [ -f "$OUT/abi.properties" ] && [ -e "$OUT/$KERNEL32_ALIAS" ] || fresh=0
    # shellcheck disable=SC2086
    newer=$(find "$HERE" "$ROOT/native-headers" "$ROOT/windows-tests" $EXTRA \
        -type f \( -name '*.c' -o -name '*.h' -o -name 'build.sh' \) -newer "$STAMP" \
        2>/dev/null | head -n 1)
    if [ "$fresh" = 1 ] && [ -z "$newer" ]; then
        echo "build.sh: $LIB is up to date"
        exit 0
    fi
fi
rm -f "$STAMP"

# Everything below runs in OUTDIR, with object paths relative to it.
cd "$OUT"
rm -rf obj
mkdir -p obj
OBJECTS=""
for src in $SOURCES; do
    o="obj/$(basename "$src" .c).o"
    echo "build.sh: cc $src"
    # shellcheck disable=SC2086
    $CC $CFLAGS_ALL -c "$SRC/$src" -o "$o"
    OBJECTS="$OBJECTS $o"
done
for src in $EXTRA; do
    o="obj/extra_$(basename "$src" .c).o"
    echo "build.sh: cc $src (SIM_EXTRA_SOURCES)"
    # shellcheck disable=SC2086
    $CC $CFLAGS_ALL -I"$SRC" -c "$src" -o "$o"
    OBJECTS="$OBJECTS $o"
done

# The shared library.
echo "build.sh: link $LIB"
# shellcheck disable=SC2086
$CC $CFLAGS_ALL $SHARED_FLAGS -o libwinrpcsim.so.tmp $OBJECTS $LDFLAGS_ALL
mv -f libwinrpcsim.so.tmp libwinrpcsim.so

# jna-platform's Kernel32 interface loads a library named "kernel32" in its static initialiser,
# which runs as soon as JNA makes a proxy of it: off Windows that name must resolve to the
# simulator too (RpcRuntime checks that it does).
ln -sf libwinrpcsim.so "$KERNEL32_ALIAS"

# The layout and constants of native-headers/winrpc_async.h as this compiler sees them, for the
# Java layout and constants tests.
echo "build.sh: abi_dump -> abi.properties"
# shellcheck disable=SC2086
$CC $CFLAGS_ALL -o abi_dump "$HERE/abi_dump.c"
./abi_dump >abi.properties.tmp
mv -f abi.properties.tmp abi.properties

# The tests.
for name in $TESTS; do
    echo "build.sh: test $name"
    if grep -q '#include "sim_internal.h"' "$TESTDIR/$name.c"; then
        # shellcheck disable=SC2086
        $CC $CFLAGS_ALL -I"$SRC" -o "$name" "$TESTDIR/$name.c" $OBJECTS $LDFLAGS_ALL
    else
        # shellcheck disable=SC2086
        $CC $CFLAGS_ALL -I"$SRC" -o "$name" "$TESTDIR/$name.c" libwinrpcsim.so \
            -Wl,-rpath,"$OUT" $LDFLAGS_ALL
    fi
done

printf '%s' "$SIGNATURE" >"$STAMP"
echo "build.sh: built $LIB"
